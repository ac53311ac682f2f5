"""Logs without the personal links.

Each registration's address, /registration/<token>/, lets whoever holds it see and cancel that
registration, and a speaker's, /speaker/<token>/, change their talk: they must not end up in
logs (gunicorn's access log, Django's error log, the Referer of a request made from that page).
`redact` replaces the token with `[token]`; gunicorn's access log does it through
lorainne/gunicorn_conf.py.
"""

import logging
import re

TOKEN_IN_PATH = re.compile(r"(/registration/|/speaker/)(?!\[token\])[^/?#\s\"']+")


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1[token]", text)


class RedactTokens(logging.Filter):
    """A logging filter (settings.LOGGING) that redacts tokens from each record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
