"""Capacity under load: many registrations at once, each through its own database connection.

Only PostgreSQL shows the race: SQLite lets one writer at a time, so there is nothing to prove.
Each thread has its own connection (Django's connections are per thread); a barrier releases
them all together at the last seats.
"""

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from django.core import mail
from django.db import connection
from django.db.models.functions import Now
from django.utils import timezone

from registration import services
from registration.models import Option, Registration, holds_option_place, takes_seat

from .conftest import make_open_workshop

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


def _answers(email: str) -> dict:
    return {
        "first_name": "Jérémy",
        "last_name": "Иштева",
        "email": email,
        "affiliation": "Université de Lorraine",
        "position": Registration.Position.POSTDOC,
    }


def test_register_in_parallel_at_the_last_seats_never_exceeds_capacity():
    workshop = make_open_workshop(capacity=100)
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
    workshop = make_open_workshop(capacity=100)
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


def test_holds_expiries_and_confirmations_racing_never_exceed_capacity():
    """Capacity 5, every seat held at the start for an address nobody confirms, the holds
    expiring one after another during the run; 40 people register at once, most confirm at once,
    some register with a hold that runs out mid-run and confirm late (or too late), some cancel,
    and sweeps run among them. A watcher counts the seats taken (by the database's clock) all
    along."""
    workshop = make_open_workshop(capacity=5)
    workshop.confirm_addresses = True
    workshop.save()
    start = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            workshop=workshop,
            privacy_consent_at=start,
            status=Registration.Status.HELD,
            hold_expires_at=start + dt.timedelta(hours=1),  # until everyone has registered
            **_answers(f"stranger-{number}@example.org"),
        )
        for number in range(5)
    )
    stop = threading.Event()
    peaks: list[int] = []

    def watch() -> None:
        taken = Registration.objects.filter(takes_seat(Now()), workshop=workshop)
        try:
            while not stop.is_set():
                peaks.append(taken.count())
        finally:
            connection.close()

    def strangers_expire_from_now() -> None:
        """Once everyone has registered (however long that took on a busy machine), the
        strangers' holds run out one after another over the next three seconds."""
        clock["start"] = timezone.now()
        for number, stranger in enumerate(
            workshop.registrations.filter(email__startswith="stranger-").order_by("pk")
        ):
            stranger.hold_expires_at = clock["start"] + dt.timedelta(seconds=1.5 + 0.4 * number)
            stranger.save(update_fields=["hold_expires_at"])

    clock = {"start": start}
    registered = threading.Barrier(40, action=strangers_expire_from_now, timeout=120)

    def race(index: int) -> Registration:
        late = index % 8 == 7  # a hold of 24 hours that began just under 24 hours ago
        began = start - dt.timedelta(hours=24) + dt.timedelta(seconds=5 + 0.5 * (index % 5))
        registration = services.register(
            workshop, now=began if late else None, **_answers(f"racer-{index}@example.org")
        )
        registered.wait()
        # Confirmations, cancellations and sweeps spread over the three seconds in which the
        # strangers' holds expire; the late ones confirm after 1.2 s, some in time, some not.
        time.sleep(1.2 if late else 0.3 * (index % 8))
        if index % 4 != 3:
            with contextlib.suppress(services.HoldExpired):
                services.confirm_address(registration)
        if index % 10 == 0:
            services.cancel(registration)
        time.sleep(max(0.0, (clock["start"] - timezone.now()).total_seconds() + 3.4))
        services.expire_holds()
        return registration

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        results = _in_parallel(40, race)
    finally:
        stop.set()
        watcher.join(timeout=60)
    services.expire_holds()

    errors = [result for result in results if not isinstance(result, Registration)]
    assert errors == []
    assert peaks
    assert max(peaks) <= 5
    assert workshop.registrations.taking_seats(timezone.now()).count() == 5
    assert not workshop.registrations.filter(email__startswith="stranger-").exclude(
        status=Registration.Status.CANCELLED
    )
    # The waiting list's order: nobody got a seat from it while someone who joined before them
    # stood in line (address confirmed) and still does.
    joined = {r.pk: r.waitlisted_at for r in results if r.waitlisted_at is not None}
    promoted = workshop.registrations.filter(pk__in=joined, status=Registration.Status.CONFIRMED)
    in_line = list(workshop.registrations.waiting_list_order())
    assert promoted
    assert in_line
    for person in promoted:
        assert person.pk in joined
        for waiting in in_line:
            passed_over = joined[waiting.pk] < joined[person.pk]
            assert not (passed_over and waiting.address_confirmed_at < person.updated_at)
    assert [w.waiting_list_position() for w in in_line] == list(range(1, len(in_line) + 1))


def test_one_address_registering_and_confirming_in_parallel_holds_no_more_than_its_share():
    """20 registrations at once from one client address, each with a lunch of 2 places: 3 hold
    a seat (REGISTRATION_MAX_HOLDS_PER_CLIENT), the others wait; then all 20 confirm at once:
    the seats and the lunch's places are given under the lock, never past their capacity."""
    workshop = make_open_workshop(capacity=10, confirm_addresses=True)
    lunch = Option.objects.create(workshop=workshop, label="Lunch", capacity=2)

    registered = _in_parallel(
        20,
        lambda index: services.register(
            workshop,
            options=[lunch],
            client_address="198.51.100.7",
            **_answers(f"racer-{index}@example.org"),
        ),
    )
    confirmed = _in_parallel(20, lambda index: services.confirm_address(registered[index]))

    assert [r for r in registered + confirmed if not isinstance(r, Registration)] == []
    assert sorted(r.status for r in registered) == ["held"] * 3 + ["waitlisted"] * 17
    assert workshop.registrations.taking_seats(timezone.now()).count() == 10
    assert lunch.registrations.filter(holds_option_place()).count() == 2
    assert sum(len(r.dropped_options) for r in confirmed) == 18
