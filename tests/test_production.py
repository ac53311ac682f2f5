"""Production as deployed: settings from .env.example pass `check --deploy`, and a smoke test
runs gunicorn (debug off) + the task worker + an SMTP server against PostgreSQL, and registers
as a browser would."""

import ast
import datetime as dt
import email
import email.policy
import http.client
import json
import re
import subprocess
import threading
import time
from urllib.parse import urlencode

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import connection

from mail import outbox
from mail.models import Delivery
from program.models import Workshop
from registration.models import Registration
from tests.http_browser import Browser, free_port
from tests.servers import (
    PYTHON,
    REPO,
    postgres_url,
    production_env,
    start_gunicorn,
    stop,
    wait_for_http,
)


def settings_of(env: dict, *names: str) -> list:
    """The values of settings `names` in a process started with `env`."""
    values = ", ".join(f"settings.{name}" for name in names)
    script = f"import json; from django.conf import settings; print(json.dumps([{values}]))"
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-v0", "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_env_example_names_the_host_once():
    settings_lines = [
        line.partition("=")[0]
        for line in (REPO / ".env.example").read_text().splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    ]
    assert "SITE_HOST" in settings_lines
    assert "DJANGO_ALLOWED_HOSTS" not in settings_lines
    assert "SITE_URL" not in settings_lines
    allowed_hosts, site_url = settings_of(production_env(), "ALLOWED_HOSTS", "SITE_URL")
    # localhost and 127.0.0.1 for the compose file's health check.
    assert allowed_hosts == ["lorainne.example.org", "localhost", "127.0.0.1"]
    assert site_url == "https://lorainne.example.org"


def _environment_names_read(path) -> set[str]:
    """The environment variables a settings file reads: the first argument of every env(…),
    env.bool(…), env.list(…)… (django-environ) and os.environ.get(…), os.environ[…],
    os.getenv(…) that is written as a string."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        name = None
        if isinstance(node, ast.Call) and node.args:
            function = ast.unparse(node.func)
            if function.split(".")[0] == "env" or function in ("os.environ.get", "os.getenv"):
                name = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            name = node.slice
        if isinstance(name, ast.Constant):
            names.add(name.value)
    return names


def test_env_example_documents_every_setting_the_code_reads():
    """A setting of lorainne/settings.py or gunicorn_conf.py that .env.example lacks is one an
    operator cannot find: each has a line there (commented out when its default is right), under
    a comment that says what it does and its default."""
    read = set().union(
        *(
            _environment_names_read(REPO / "lorainne" / name)
            for name in ("settings.py", "gunicorn_conf.py")
        )
    )
    lines = (REPO / ".env.example").read_text().splitlines()
    documented = {}
    for number, line in enumerate(lines):
        if match := re.fullmatch(r"#? ?([A-Z][A-Z0-9_]*)=.*", line):
            documented[match[1]] = number

    assert {"EMAIL_LEASE_SECONDS", "AXES_FAILURE_LIMIT", "WEB_CONCURRENCY"} <= read
    assert sorted(read - set(documented)) == []
    # Each setting's line, or its group's first line, follows a comment.
    uncommented = []
    for name in read:
        above = documented[name] - 1
        while re.fullmatch(r"#? ?[A-Z][A-Z0-9_]*=.*", lines[above]):
            above -= 1
        if not lines[above].startswith("# "):
            uncommented.append(name)
    assert uncommented == []


def test_explicit_allowed_hosts_and_site_url_win_over_site_host():
    env = production_env(
        SITE_HOST="lorainne.example.org",
        DJANGO_ALLOWED_HOSTS="www.example.org",
        SITE_URL="https://www.example.org/",
    )
    assert settings_of(env, "ALLOWED_HOSTS", "SITE_URL") == [
        ["www.example.org"],
        "https://www.example.org",
    ]


def test_without_site_host_development_defaults():
    env = production_env()
    del env["SITE_HOST"]
    assert settings_of(env, "ALLOWED_HOSTS", "SITE_URL") == [
        ["localhost", "127.0.0.1"],
        "http://127.0.0.1:8000",
    ]


def test_check_deploy_flags_the_development_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


class Inbox:
    def __init__(self):
        self.messages = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        self.arrived.set()
        return "250 Message accepted for delivery"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_production_smoke_registration_email_headers_and_static(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "The production smoke test runs against PostgreSQL: set DATABASE_URL=postgres://… (CI does)."
        )
    call_command("loaddata", "lorainne24", verbosity=0)
    workshop = Workshop.objects.get()
    today = dt.date.today()
    Workshop.objects.filter(pk=workshop.pk).update(
        registration_deadline=today + dt.timedelta(days=10),
        starts_on=today + dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=21),
    )
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    web_port = free_port()
    env = production_env(
        DATABASE_URL=postgres_url(),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"https://127.0.0.1:{web_port}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        CACHE_URL="dbcache://django_cache",
        TRUSTED_PROXIES="127.0.0.1",  # the tests play the TLS proxy (X-Forwarded-Proto)
    )
    # The deployment steps of the compose file's web service.
    for command in (["collectstatic", "--no-input", "-v0"], ["createcachetable"]):
        done = subprocess.run(
            [PYTHON, "manage.py", *command], cwd=REPO, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    access_log = tmp_path / "access.log"
    log_file = access_log.open("w")
    gunicorn = start_gunicorn(env, web_port, workers=2, stdout=log_file)
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "run_worker", "--interval", "0.2"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_http(web_port)
        browser = Browser(web_port)

        # Security headers on a public page.
        response, home = browser.request("GET", "/")
        assert response.status == 200
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"

        # Fingerprinted static files, cached for a year.
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home)
        assert stylesheet, "the home page links no fingerprinted stylesheet"
        response, _ = browser.request("GET", stylesheet.group(1))
        assert response.status == 200
        assert (
            "max-age=315360000" in response.headers["Cache-Control"]
            or "max-age=31536000" in response.headers["Cache-Control"]
        )

        # Plain HTTP is redirected to HTTPS.
        conn = http.client.HTTPConnection("127.0.0.1", web_port, timeout=10)
        conn.request("GET", "/program/", headers={"Host": "127.0.0.1"})
        plain = conn.getresponse()
        conn.close()
        assert plain.status == 301
        assert plain.headers["Location"].startswith("https://")

        # Register as a browser would: GET the form, POST it with the CSRF token.
        response, form = browser.request("GET", "/register/")
        assert response.status == 200
        set_cookies = " ".join(browser.cookies.output().splitlines())
        assert "Secure" in set_cookies
        assert "HttpOnly" in set_cookies
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        fields = {
            "csrfmiddlewaretoken": token,
            "first_name": "Jérémy",
            "last_name": "Cohen",
            "email": "jeremy.cohen@example.org",
            "affiliation": "CNRS-CREATIS, Lyon",
            "position": "researcher",
            "days": re.findall(r'name="days" value="([^"]+)"', form),  # every day offered
            "privacy_consent": "on",
        }
        assert len(fields["days"]) == 2
        response, _ = browser.request("POST", "/register/", body=urlencode(fields, doseq=True))
        assert response.status == 302, response.headers
        assert response.headers["Location"] == "/register/submitted/"
        registration = Registration.objects.get(email="jeremy.cohen@example.org")
        # The seed confirms addresses: the seat is held, for the address the request came from.
        assert registration.status == Registration.Status.HELD
        assert registration.client_address == "127.0.0.1"

        # The worker sends the "confirm your address" email through SMTP; its link opens a page
        # whose button confirms.
        assert inbox.arrived.wait(timeout=60), "no email reached the SMTP server"
        inbox.arrived.clear()
        [asking] = inbox.messages
        assert asking["To"] == "jeremy.cohen@example.org"
        confirm_path = f"/registration/{registration.token}/confirm/"
        assert f"https://127.0.0.1:{web_port}{confirm_path}" in (
            asking.get_body(preferencelist=("plain",)).get_content()
        )
        response, page = browser.request("GET", confirm_path)
        assert response.status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response, _ = browser.request(
            "POST", confirm_path, body=urlencode({"csrfmiddlewaretoken": token})
        )
        assert response.status == 302, response.headers
        registration.refresh_from_db()
        assert registration.status == Registration.Status.CONFIRMED

        # The worker sends the confirmation through SMTP, with the program attached.
        assert inbox.arrived.wait(timeout=60), "no confirmation reached the SMTP server"
        message = inbox.messages[1]
        assert message["To"] == "jeremy.cohen@example.org"
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert f"https://127.0.0.1:{web_port}/registration/{registration.token}/" in text
        attachments = [part for part in message.iter_attachments() if part.get_filename()]
        assert [part.get_filename() for part in attachments] == ["lorainne24-program.ics"]
        assert attachments[0].get_content_type() == "text/calendar"
        assert "BEGIN:VCALENDAR" in attachments[0].get_content()
        # The worker records the delivery just after the SMTP server accepted the message.
        deadline = time.monotonic() + 20
        emails = registration.deliveries.filter(state=Delivery.State.SENT)
        while emails.count() < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        asked, sent = emails.order_by("pk")
        assert (asked.variant, sent.variant, sent.error) == ("confirm_address", "confirmed", "")
        assert message["Message-ID"] == outbox.message_id(sent)

        # The personal link works, and stays out of the access log.
        response, page = browser.request("GET", registration.get_absolute_url())
        assert response.status == 200
        assert "Jérémy" in page
    finally:
        stop(gunicorn, worker)
        log_file.close()
        smtp.stop()
        # Shown by pytest when the test failed: what gunicorn and the worker logged.
        with gunicorn.stderr:
            print(gunicorn.stderr.read().decode("utf-8", "replace")[-5000:])
    log = access_log.read_text()
    assert 'GET /registration/[token]/ HTTP/1.1" 200' in log
    assert 'POST /register/ HTTP/1.1" 302' in log
    assert registration.token not in log
