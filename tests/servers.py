"""The site's processes as production runs them, for the tests that start them: the environment
of a deployment made from .env.example, the test database's address for them, gunicorn as the
compose file starts it, and how to wait for it and stop them all."""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.http_browser import answers

REPO = Path(settings.BASE_DIR)
PYTHON = sys.executable


def production_env(**overrides) -> dict:
    """The environment of a deployment made from .env.example, with a real secret key."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "EMAIL_URL"))
    }
    for line in (REPO / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    env.update(overrides)
    return env


def postgres_url() -> str:
    """The DATABASE_URL of the PostgreSQL test database, for processes of their own."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_gunicorn(env: dict, port: int, *, workers: int, stdout=subprocess.DEVNULL):
    """gunicorn with the project's configuration on 127.0.0.1:`port`; its errors in `stderr`."""
    return subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "lorainne.wsgi",
            "--config",
            "python:lorainne.gunicorn_conf",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
        ],
        cwd=REPO,
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
    )


def wait_for_http(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(port, timeout=2):
            return
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer on port {port}")


def stop(*processes: subprocess.Popen) -> None:
    """Ask them all to stop, then wait for each (killed after 20 s)."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
