"""`make run` serves the whole site: `manage.py run_site` (what it runs) starts the development
server and the task worker with its schedule, links follow the port it serves, and Ctrl-C stops
both, leaving no process behind."""

import os
import re
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command

from jobs.management.commands.run_site import environment
from tests.http_browser import Browser, answers, free_port
from tests.servers import PYTHON, REPO

SETUP = """
from django.contrib.auth.models import User
from django.core.management import call_command
from program.models import Speaker
call_command("migrate", verbosity=0)
call_command("seed_workshop", verbosity=0)
User.objects.create_superuser("organizer", "organizer@example.org", "a long password")
Speaker.objects.filter(name="Francesco Tudisco").update(email="tudisco@example.org")
print(Speaker.objects.get(name="Francesco Tudisco").pk)
"""


def _local_env(tmp_path) -> dict:
    """A development machine's environment: no setting of ours but a database of the test's own
    and DJANGO_DEBUG=1 (as `make run` sets it); the schedule's frequent tick every second."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "EMAIL_", "SITE_"))
    }
    return env | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_DEBUG": "1",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_SWEEP_SECONDS": "1",
    }


def _wait_for(predicate, what: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _printed_email(output) -> str:
    """What the processes printed, the emails' quoted-printable lines joined again."""
    text = output.read_text()
    return text.replace("=\n", "") if "To: tudisco@example.org" in text else ""


def _sweeps_done(database) -> int:
    with closing(sqlite3.connect(database)) as db:
        return db.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult"
            " WHERE task_path = 'jobs.schedule.sweep' AND status = 'SUCCESSFUL'"
        ).fetchone()[0]


def _processes_of(session_id: int) -> list[str]:
    """The processes still running in a session (what a terminal's Ctrl-C would leave behind)."""
    ps = subprocess.run(
        ["ps", "-o", "pid=,args=", "-s", str(session_id)], capture_output=True, text=True
    )
    return ps.stdout.splitlines()


def _log_in(browser: Browser) -> None:
    _, page = browser.request("GET", "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response, _ = browser.request(
        "POST",
        "/admin/login/",
        urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "organizer",
                "password": "a long password",
                "next": "/admin/",
            }
        ),
    )
    assert response.status == 302


def test_run_site_serves_links_to_its_port_sends_with_the_worker_and_stops_whole(tmp_path):
    env = _local_env(tmp_path)
    setup = subprocess.run(
        [PYTHON, "manage.py", "shell", "-v0", "-c", SETUP],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr
    speaker_pk = int(setup.stdout.split()[-1])
    port = free_port()
    output = tmp_path / "output.txt"
    with output.open("w") as out:
        # A session of its own, as a terminal's: Ctrl-C reaches its foreground process group.
        site = subprocess.Popen(
            [PYTHON, "manage.py", "run_site", f"127.0.0.1:{port}"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        # Failing at once if the command ends instead of serving.
        _wait_for(lambda: site.poll() is not None or answers(port, timeout=2), "the site")
        assert site.poll() is None, output.read_text()
        browser = Browser(port)
        browser.origin = f"http://127.0.0.1:{port}"  # no proxy in front of the development server
        _log_in(browser)

        # The link the admin shows for copying, at the port served.
        _, page = browser.request("GET", f"/admin/program/speaker/{speaker_pk}/change/")
        shown = re.search(r"<code>(http://[^<]+/speaker/[^<]+/)</code>", page)[1]
        _, changelist = browser.request("GET", "/admin/program/speaker/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', changelist)[1]
        body = {"csrfmiddlewaretoken": token, "action": "send_link", "_selected_action": speaker_pk}
        browser.request("POST", "/admin/program/speaker/", urlencode(body))

        # The worker sends the email (printed: consolemail), with the same link; and runs the
        # schedule's frequent tick by itself.
        _wait_for(lambda: shown in _printed_email(output), "the speaker's email")
        _wait_for(lambda: _sweeps_done(tmp_path / "db.sqlite3"), "the schedule's sweep")
    finally:
        os.killpg(site.pid, signal.SIGINT)  # Ctrl-C
        returncode = site.wait(timeout=30)

    assert shown.startswith(f"http://127.0.0.1:{port}/speaker/")
    assert returncode == 0, output.read_text()
    assert _processes_of(site.pid) == []


def test_make_run_runs_the_whole_site_at_the_port_asked():
    dry_run = subprocess.run(
        ["make", "--dry-run", "--always-make", "run", "PORT=8150"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert dry_run.returncode == 0, dry_run.stderr
    assert "manage.py run_site 127.0.0.1:8150" in dry_run.stdout


def test_run_site_links_follow_the_address_served_unless_the_site_address_is_set():
    assert environment("8150", {})["SITE_URL"] == "http://127.0.0.1:8150"
    assert environment("localhost:8150", {})["SITE_URL"] == "http://localhost:8150"
    # Served on every interface: reachable, and linked, on this machine.
    assert environment("0.0.0.0:8150", {})["SITE_URL"] == "http://127.0.0.1:8150"
    assert environment("[::]:8150", {})["SITE_URL"] == "http://[::1]:8150"
    assert environment("8150", {"SITE_URL": "https://lorainne.example.org"})["SITE_URL"] == (
        "https://lorainne.example.org"
    )
    assert "SITE_URL" not in environment("8150", {"SITE_HOST": "lorainne.example.org"})


def test_run_site_shares_the_database_queue_unless_a_backend_is_set():
    assert environment("8150", {})["DJANGO_TASKS_BACKEND"] == "django_tasks_db.DatabaseBackend"
    immediate = {"DJANGO_TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    assert (
        environment("8150", immediate)["DJANGO_TASKS_BACKEND"] == immediate["DJANGO_TASKS_BACKEND"]
    )


def test_run_site_refuses_an_address_it_cannot_serve():
    with pytest.raises(CommandError, match=r"“port eighty” is not a port or an address:port\."):
        call_command("run_site", "port eighty")
