"""gunicorn's settings in production (`gunicorn lorainne.wsgi -c python:lorainne.gunicorn_conf`).

Command-line options override these; WEB_CONCURRENCY sets the number of workers.
"""

import os

from gunicorn.glogging import Logger

from lorainne.logs import redact
from lorainne.settings import TRUSTED_PROXIES


def on_starting(server):
    """Before the master starts any worker: the project's system checks, as every management
    command runs them. gunicorn refuses to start on a failed one, with its message: among them,
    change-tracking triggers missing or outdated (program/checks.py), which would leave pages
    stale."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lorainne.settings")
    import django
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError
    from django.db import connections

    django.setup()
    try:
        call_command("check", verbosity=0)
    except SystemCheckError as error:
        raise RuntimeError(str(error)) from None  # gunicorn prints it and exits
    finally:
        connections.close_all()  # the workers fork from here: none may share its connection


class GunicornLogger(Logger):
    """gunicorn's logger with the tokens redacted from every field of the access log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A thread per connection (gthread), not a process: a client that trickles its request body
# holds one thread while it does, and the worker's other threads go on serving. With sync
# workers, as many slow senders as workers froze every other visitor until gunicorn's timeout
# killed them (tests/test_slow_clients.py). Each thread keeps its own database connection
# (CONN_MAX_AGE), so PostgreSQL sees up to workers × threads of them.
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))
# One line per request on stdout, with the personal registration links redacted.
accesslog = "-"
logger_class = GunicornLogger
# X-Forwarded-Proto (wsgi.url_scheme) from the proxies Django trusts, and from nobody else.
forwarded_allow_ips = ",".join(TRUSTED_PROXIES)
