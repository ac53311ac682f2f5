"""The edition's lock: every change of who holds a seat or an option runs in a transaction that
first locks the workshop row, so that two requests, in any number of processes, never both take
the last seat. The wait for it has a bound.

On PostgreSQL the lock is the row's (`SELECT … FOR UPDATE`) and the bound is the transaction's
lock_timeout. On SQLite every transaction begins IMMEDIATE (settings.DATABASES), which takes the
database's write lock, and the bound is the connection's busy timeout. Both are
settings.REGISTRATION_LOCK_TIMEOUT_SECONDS: past it the person is asked to try again in a few
seconds (Busy, lorainne/busy.py) instead of waiting without limit while a burst of registrations
queues up.
"""

import contextlib
import sqlite3
from collections.abc import Iterator

from django.conf import settings
from django.db import OperationalError, connection, transaction

from program.models import Workshop

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout runs out


class Busy(Exception):
    """The edition's lock was not free within REGISTRATION_LOCK_TIMEOUT_SECONDS. Nothing was
    written: the transaction rolled back. Not a RegistrationError: no form can fix it, so it is
    answered with a page of its own (503, Retry-After) rather than beside a field."""


def lock_not_free(error: OperationalError) -> bool:
    """Whether `error` is the database giving up waiting for a lock: PostgreSQL's
    LockNotAvailable, SQLite's "database is locked" (busy, or locked by a connection sharing its
    cache, as the in-memory test database does)."""
    cause = error.__cause__
    if getattr(cause, "pgcode", None) == LOCK_NOT_AVAILABLE:
        return True
    code = getattr(cause, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


@contextlib.contextmanager
def locked_workshop(workshop: Workshop) -> Iterator[Workshop]:
    """A transaction (transaction.atomic) holding `workshop`'s lock until it ends; yields the
    workshop read fresh under the lock. Raises Busy, with nothing written, when the lock was not
    free within settings.REGISTRATION_LOCK_TIMEOUT_SECONDS. Inside a transaction that holds the
    lock already, takes it again at once."""
    try:
        with transaction.atomic():  # SQLite: BEGIN IMMEDIATE waits here, up to the busy timeout
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # For this transaction only: other work keeps the server's setting.
                    milliseconds = round(settings.REGISTRATION_LOCK_TIMEOUT_SECONDS * 1000)
                    cursor.execute("SET LOCAL lock_timeout = %s", [f"{milliseconds}ms"])
            yield Workshop.objects.select_for_update().get(pk=workshop.pk)
    except OperationalError as error:
        if lock_not_free(error):
            raise Busy from error
        raise
