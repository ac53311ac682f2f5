"""Registration's periodic jobs (jobs/registry.py): holds past their time, reminders due,
personal data past its retention."""

import datetime as dt

from django.conf import settings

from jobs import registry

from . import announcements, services


@registry.frequent
def expire_holds(now: dt.datetime) -> int:
    """Unconfirmed holds past their time are cancelled, and their seats go to the waiting lists
    within the minute (the seat counts ignore them already)."""
    return services.expire_holds(now=now)


@registry.hourly
def queue_reminders(now: dt.datetime) -> int:
    return announcements.queue_due_reminders(now=now)


@registry.hourly
def purge_personal_data(now: dt.datetime) -> int:
    """What the privacy notice promises: the registrations of editions that ended more than
    REGISTRATION_RETENTION_DAYS ago are deleted."""
    return services.purge_personal_data(
        ended_before=now - dt.timedelta(days=settings.REGISTRATION_RETENTION_DAYS)
    )
