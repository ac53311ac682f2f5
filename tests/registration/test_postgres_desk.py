"""The check-in desk under load: phones ticking at the same instant, each request through its own
database connection (PostgreSQL only: SQLite lets one writer at a time, so there is no race)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from registration import desk, services
from registration.models import Certificate, CheckIn, Registration

from .conftest import make_workshop
from .test_postgres_concurrency import _answers, _in_parallel

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL with parallel connections: DATABASE_URL=postgres://…",
    ),
    pytest.mark.django_db(transaction=True),
]


def _workshop_today(capacity: int):
    """A two-day workshop that began today (the real clock: threads share no frozen time)."""
    today = timezone.localdate()
    return make_workshop(
        capacity=capacity,
        starts_on=today,
        ends_on=today + dt.timedelta(days=1),
        registration_deadline=today - dt.timedelta(days=10),
    )


def _confirmed(workshop, count: int) -> list[Registration]:
    people = Registration.objects.bulk_create(
        Registration(
            workshop=workshop,
            privacy_consent_at=timezone.now(),
            status=Registration.Status.CONFIRMED,
            **_answers(f"person-{number}@example.org"),
        )
        for number in range(count)
    )
    return list(Registration.objects.filter(pk__in=[p.pk for p in people]).order_by("pk"))


def test_check_in_from_twenty_phones_at_once_keeps_one_tick_per_person_and_no_error():
    workshop = _workshop_today(capacity=80)
    people = _confirmed(workshop, 10)
    today = workshop.starts_on

    # Each person ticked twice, by two threads released together.
    results = _in_parallel(20, lambda i: desk.check_in(people[i % 10], day=today))

    errors = [result for result in results if not isinstance(result, tuple)]
    assert errors == []
    assert CheckIn.objects.count() == 10
    assert sorted(CheckIn.objects.values_list("registration_id", flat=True)) == [
        p.pk for p in people
    ]
    new = [created for _, created in results]
    assert new.count(True) == 10
    # Both threads of a person got the same tick back.
    by_person: dict[int, set[int]] = {}
    for check_in, _ in results:
        by_person.setdefault(check_in.registration_id, set()).add(check_in.pk)
    assert all(len(ticks) == 1 for ticks in by_person.values())


def test_walk_ins_at_once_at_the_last_seats_fill_them_exactly():
    workshop = _workshop_today(capacity=13)
    _confirmed(workshop, 10)

    results = _in_parallel(
        12,
        lambda i: desk.add_walk_in(
            workshop,
            first_name="Walk",
            last_name=f"In {i}",
            email=f"walk-in-{i}@example.org",
            affiliation="Université de Lorraine",
            position=Registration.Position.PHD,
            day=workshop.starts_on,
        ),
    )

    added = [result for result in results if isinstance(result, Registration)]
    refused = [result for result in results if isinstance(result, services.NoSeatLeft)]
    assert (len(added), len(refused)) == (3, 9)
    assert workshop.registrations.confirmed().count() == 13
    assert workshop.registrations.waitlisted().count() == 0
    assert CheckIn.objects.filter(registration__in=added).count() == 3


def test_certificates_downloaded_at_once_make_one_per_person_with_one_code():
    """Each person opens their certificate on two devices at the same instant (the edition ends
    today): one certificate each, both answers with the same code."""
    workshop = _workshop_today(capacity=80)
    workshop.ends_on = workshop.starts_on
    workshop.save()
    people = _confirmed(workshop, 5)
    for person in people:
        CheckIn.objects.create(registration=person, day=workshop.starts_on)

    results = _in_parallel(10, lambda i: services.issue_certificate(people[i % 5]))

    errors = [result for result in results if not isinstance(result, Certificate)]
    assert errors == []
    assert Certificate.objects.count() == 5
    codes: dict[int, set[str]] = {}
    for certificate in results:
        codes.setdefault(certificate.registration_id, set()).add(certificate.code)
    assert sorted(codes) == [p.pk for p in people]
    assert all(len(person_codes) == 1 for person_codes in codes.values())
