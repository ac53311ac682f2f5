"""Capacity under load: many registrations at once, each through its own database connection.

Only PostgreSQL shows the race: SQLite lets one writer at a time, so there is nothing to prove.
Each thread has its own connection (Django's connections are per thread); a barrier releases
them all together at the last seats.
"""

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from registration import services
from registration.models import Registration

from .conftest import make_workshop

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL with parallel connections: DATABASE_URL=postgres://…",
    ),
    pytest.mark.django_db(transaction=True),
]


def _in_parallel(count: int, work: Callable[[int], object]) -> list[object]:
    """Run work(0) … work(count - 1) in as many threads released at once; results or errors."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as error:  # kept, so that the test shows every failure
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _open_workshop(capacity: int):
    """A workshop whose registration is open now (the real clock: threads share no frozen time)."""
    today = timezone.localdate()
    return make_workshop(
        capacity=capacity,
        starts_on=today + dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=61),
        registration_deadline=today + dt.timedelta(days=30),
    )


def _answers(email: str) -> dict:
    return {
        "first_name": "Jérémy",
        "last_name": "Иштева",
        "email": email,
        "affiliation": "Université de Lorraine",
        "position": Registration.Position.POSTDOC,
    }


def test_register_in_parallel_at_the_last_seats_never_exceeds_capacity():
    workshop = _open_workshop(capacity=100)
    Registration.objects.bulk_create(
        Registration(
            workshop=workshop,
            privacy_consent_at=timezone.now(),
            status=Registration.Status.CONFIRMED,
            **_answers(f"early-{number}@example.org"),
        )
        for number in range(97)
    )
    emails = [f"racer-{number}@example.org" for number in range(60)]

    results = _in_parallel(60, lambda i: services.register(workshop, **_answers(emails[i])))

    errors = [result for result in results if not isinstance(result, Registration)]
    assert errors == []
    assert workshop.registrations.confirmed().count() == 100
    assert workshop.registrations.waitlisted().count() == 57
    racers = workshop.registrations.filter(email__startswith="racer-")
    assert sorted(racers.values_list("email", flat=True)) == sorted(emails)
    assert sorted(r.status for r in results).count(Registration.Status.CONFIRMED) == 3
    positions = [r.waiting_list_position() for r in racers.waitlisted()]
    assert sorted(positions) == list(range(1, 58))
    assert len(mail.outbox) == 60


def test_register_in_parallel_with_one_email_in_many_cases_creates_one_registration():
    workshop = _open_workshop(capacity=100)
    # same.person@example.org, SAME.person@example.org, same.PERSON@example.org, …
    variants = [
        "".join(c.upper() if (number >> i) & 1 else c for i, c in enumerate("same.person"))
        + "@example.org"
        for number in range(20)
    ]

    results = _in_parallel(20, lambda i: services.register(workshop, **_answers(variants[i])))

    [registration] = workshop.registrations.all()
    created = [result for result in results if isinstance(result, Registration)]
    refused = [result for result in results if isinstance(result, services.AlreadyRegistered)]
    assert [r.pk for r in created] == [registration.pk]
    assert len(refused) == 19
    assert {error.registration.pk for error in refused} == {registration.pk}
