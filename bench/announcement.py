"""How long queueing an announcement to 1,000 people takes: `python -m bench.announcement`.

On a PostgreSQL database of its own (`lorainne_bench_announce`, created, migrated and dropped by
this script), times `registration.announcements.send_announcement` for an edition of 1,000 confirmed
people: the checks, one Delivery row per person and the task queued in the database queue
(django-tasks-db, as in production). The emails themselves are the task worker's, not timed.
Target: under 2 s. Exits non-zero above it.
"""

import argparse
import os
import statistics
import sys
import time

from bench import database

DATABASE = "lorainne_bench_announce"
TARGET_SECONDS = 2.0


def setup_django() -> None:
    os.environ |= {
        "DJANGO_SETTINGS_MODULE": "lorainne.settings",
        "DATABASE_URL": database.url(DATABASE),
        # As in production: the task is queued in the database, the worker sends the emails.
        "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_URL": "memorymail://",
    }
    import django

    django.setup()


def edition_of(people: int):
    """A published edition with `people` confirmed registrations (written in bulk)."""
    from django.utils import timezone

    from registration.models import Registration
    from tests.factories import WorkshopFactory

    workshop = WorkshopFactory(capacity=people)
    Registration.objects.bulk_create(
        [
            Registration(
                workshop=workshop,
                first_name=f"Person {number}",
                last_name="Bench",
                email=f"person-{number}@example.org",
                affiliation="Université de Lorraine",
                position=Registration.Position.PHD,
                privacy_consent_at=timezone.now(),
                status=Registration.Status.CONFIRMED,
            )
            for number in range(people)
        ],
        batch_size=500,
    )
    return workshop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    database.recreate(DATABASE)
    try:
        setup_django()
        from django.core.management import call_command

        from mail.models import Delivery
        from registration import announcements
        from registration.models import Announcement

        call_command("migrate", verbosity=0)
        workshop = edition_of(args.people)
        timings = []
        for run in range(args.runs):
            announcement = Announcement.objects.create(
                workshop=workshop,
                subject=f"Room change {run + 1}",
                body="Dear {name},\n\nwe meet in room B012.\n\nYour page: {link}",
            )
            started = time.perf_counter()
            queued = announcements.send_announcement(announcement)
            timings.append(time.perf_counter() - started)
            assert queued == args.people == announcement.deliveries.count()
        assert Delivery.objects.count() == args.people * args.runs
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        database.drop(DATABASE)

    best, median = min(timings), statistics.median(timings)
    print(
        f"Queueing an announcement to {args.people} people (PostgreSQL, {args.runs} runs): "
        f"median {median:.3f} s, best {best:.3f} s, worst {max(timings):.3f} s "
        f"(target < {TARGET_SECONDS:.0f} s)"
    )
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
