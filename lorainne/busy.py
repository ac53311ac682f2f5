"""A request that waited past the registration lock's timeout (registration.services.Busy) gets
a page asking the person to try again in a few seconds: 503 with Retry-After, never a hang and
never a 500. One place for every view that takes the lock: the public form, the personal page's
cancel, rejoin, change and address confirmation, the desk's walk-ins and the admin's actions; and,
on SQLite, for any write that waited as long for the database. Nothing was written: the
transaction that waited rolled back."""

import math

from django.conf import settings
from django.db import OperationalError
from django.shortcuts import render

from registration.services import Busy
from registration.services.locks import lock_not_free


def retry_after_seconds() -> int:
    """When to try again: after as long as the lock was waited for."""
    return max(1, math.ceil(settings.REGISTRATION_LOCK_TIMEOUT_SECONDS))


class BusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # On SQLite every write waits for the database's lock (the busy timeout) as the
        # registrations do, outside them too (a check-in, a speaker's page, the admin).
        busy = isinstance(exception, Busy) or (
            isinstance(exception, OperationalError) and lock_not_free(exception)
        )
        if not busy:
            return None
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(retry_after_seconds())
        return response
