"""Personal registration links stay out of the logs."""

import logging
import types

from gunicorn.config import Config

from lorainne.gunicorn_conf import GunicornLogger, logger_class
from lorainne.logs import RedactTokens, redact

TOKEN = "Jk3v9_x-Q2mWf8LrT0aB7cYdE5gH1iN4oP6sU"


def test_redact_hides_the_token_in_paths_urls_and_request_lines():
    assert redact(f"/registration/{TOKEN}/") == "/registration/[token]/"
    assert redact(f"/registration/{TOKEN}/cancel/") == "/registration/[token]/cancel/"
    assert (
        redact(
            f'"GET /registration/{TOKEN}/?x=1 HTTP/1.1" https://lorainne.example/registration/{TOKEN}'
        )
        == '"GET /registration/[token]/?x=1 HTTP/1.1" https://lorainne.example/registration/[token]'
    )
    assert redact("/register/submitted/") == "/register/submitted/"
    assert redact("/registration/[token]/") == "/registration/[token]/"


def test_django_log_records_are_redacted(caplog):
    logger = logging.getLogger("django.request")
    logger.addFilter(RedactTokens())
    try:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            logger.error("Internal Server Error: %s", f"/registration/{TOKEN}/cancel/")
    finally:
        logger.filters.clear()
    assert caplog.messages == ["Internal Server Error: /registration/[token]/cancel/"]


def test_gunicorn_access_log_atoms_are_redacted():
    assert logger_class is GunicornLogger
    cfg = Config()
    cfg.set("accesslog", "-")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/registration/{TOKEN}/",
        "PATH_INFO": f"/registration/{TOKEN}/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://lorainne.example/registration/{TOKEN}/cancel/",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = types.SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = types.SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    elapsed = types.SimpleNamespace(seconds=0, microseconds=1500)

    atoms = GunicornLogger(cfg).atoms(response, request, environ, elapsed)

    assert TOKEN not in repr(atoms)
    assert atoms["r"] == "GET /registration/[token]/ HTTP/1.1"
    assert atoms["f"] == "https://lorainne.example/registration/[token]/cancel/"
