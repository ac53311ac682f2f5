"""gunicorn's settings in production (`gunicorn lorainne.wsgi -c python:lorainne.gunicorn_conf`).

Command-line options override these; WEB_CONCURRENCY sets the number of workers.
"""

import os

from gunicorn.glogging import Logger

from lorainne.logs import redact
from lorainne.settings import TRUSTED_PROXIES


class GunicornLogger(Logger):
    """gunicorn's logger with the tokens redacted from every field of the access log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# One line per request on stdout, with the personal registration links redacted.
accesslog = "-"
logger_class = GunicornLogger
# X-Forwarded-Proto (wsgi.url_scheme) from the proxies Django trusts, and from nobody else.
forwarded_allow_ips = ",".join(TRUSTED_PROXIES)
