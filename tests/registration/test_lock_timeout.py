"""Bounded lock waits: a request that cannot get the edition's lock within
REGISTRATION_LOCK_TIMEOUT_SECONDS gets a page asking to try again in a few seconds (503 with
Retry-After), and nothing of it is written; never a hang, never a 500.

Another real connection holds the lock meanwhile: on PostgreSQL a thread of its own holds the
workshop row (SELECT … FOR UPDATE) in an open transaction; on SQLite a second connection holds
the database's write lock (BEGIN IMMEDIATE). The test database on SQLite is in memory with a
shared cache, where SQLite refuses at once ("database table is locked") instead of waiting out
its busy timeout: that test shows the page and that nothing is written, the PostgreSQL one the
bounded wait itself.
"""

import contextlib
import datetime as dt
import sqlite3
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from mail.models import Delivery
from program.models import Workshop
from registration import services
from registration.models import AttendedDay, Registration

from .conftest import make_open_workshop

BUSY = {
    "en": "Many people are registering at this moment, please try again in a few seconds.",
    "fr": "Beaucoup de personnes s’inscrivent en ce moment, merci de réessayer dans quelques "
    "secondes.",
}


def _answers(email: str = "andre@example.org") -> dict:
    return {
        "first_name": "André",
        "last_name": "Lefèvre",
        "email": email,
        "affiliation": "Université de Lorraine, LORIA",
        "position": Registration.Position.PHD,
    }


def _form(workshop: Workshop, email: str = "andre@example.org") -> dict:
    """The answers as the public form posts them."""
    days = [day.isoformat() for day in workshop.days]
    return _answers(email) | {"days": days, "privacy_consent": "on", "website": ""}


@contextlib.contextmanager
def _write_lock_held_elsewhere():
    """Another connection to the SQLite test database holds its write lock meanwhile."""
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def _assert_busy_page(response, *, retry_after: str, language: str = "en") -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == retry_after
    assert BUSY[language] in response.content.decode()


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL with parallel connections: DATABASE_URL=postgres://…",
)
@pytest.mark.django_db(transaction=True)
def test_register_waiting_past_the_lock_timeout_gets_the_busy_page_on_postgresql(client, settings):
    settings.REGISTRATION_LOCK_TIMEOUT_SECONDS = 0.5
    workshop = make_open_workshop(capacity=10)
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        try:
            with transaction.atomic():
                Workshop.objects.select_for_update().get(pk=workshop.pk)
                locked.set()
                release.wait(timeout=10)  # without a bound, the POST waits this long
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        started = time.monotonic()
        response = client.post("/register/", _form(workshop))
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join(timeout=20)

    _assert_busy_page(response, retry_after="1")
    assert 0.5 <= waited < 5
    assert not Registration.objects.exists()
    assert not AttendedDay.objects.exists()
    assert not Delivery.objects.exists()
    # Once the lock is free again, the same answers register.
    assert client.post("/register/", _form(workshop)).status_code == 302
    assert Registration.objects.get().email == "andre@example.org"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("page", "language"), [("register", "en"), ("cancel", "en"), ("register", "fr")]
)
def test_a_change_while_another_connection_holds_the_write_lock_gets_the_busy_page_on_sqlite(
    client, settings, page, language
):
    settings.REGISTRATION_LOCK_TIMEOUT_SECONDS = 2.5
    workshop = make_open_workshop(capacity=10)
    andre = services.register(workshop, **_answers())
    with _write_lock_held_elsewhere():
        if page == "register":
            response = client.post(
                "/register/", _form(workshop, "kim@example.org"), HTTP_ACCEPT_LANGUAGE=language
            )
        else:
            response = client.post(
                f"/registration/{andre.token}/cancel/", HTTP_ACCEPT_LANGUAGE=language
            )

    _assert_busy_page(response, retry_after="3", language=language)
    andre.refresh_from_db()
    assert andre.status == Registration.Status.CONFIRMED
    assert list(Registration.objects.values_list("email", flat=True)) == ["andre@example.org"]
    assert Delivery.objects.count() == 1  # André's confirmation, nothing since


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")
@pytest.mark.django_db(transaction=True)
def test_a_write_outside_the_registration_lock_that_waits_as_long_gets_the_busy_page_on_sqlite(
    admin_client, settings
):
    """A check-in at the desk takes no edition lock, but on SQLite it waits for the database's
    write lock like any write: past the same bound, the same page, not a 500."""
    settings.REGISTRATION_LOCK_TIMEOUT_SECONDS = 0.5
    today = timezone.localdate()  # the desk ticks people in on a day of the edition
    workshop = make_open_workshop(
        capacity=10,
        starts_on=today,
        ends_on=today + dt.timedelta(days=1),
        registration_deadline=today,
    )
    andre = services.register(workshop, **_answers())
    with _write_lock_held_elsewhere():
        response = admin_client.post(
            "/desk/check-in/",
            {"registration": andre.pk, "day": workshop.starts_on.isoformat()},
        )

    _assert_busy_page(response, retry_after="1")
    assert not andre.check_ins.exists()
