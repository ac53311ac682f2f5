"""What the site does by itself, every hour, in the task worker (no cron): queue the reminders
that are due, purge the personal data past its retention, then queue the next tick.

`migrate` starts the chain (apps.py); `manage.py run_schedule` runs one tick by hand.
"""

import datetime as dt
import logging

from django.conf import settings
from django.tasks import TaskResultStatus, task, task_backends
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import announcements, services

logger = logging.getLogger(__name__)

EVERY = dt.timedelta(hours=1)


@task
def run_schedule() -> dict:
    """One tick: queue the reminders that are due (announcements.queue_due_reminders), purge the
    registrations of workshops that ended more than REGISTRATION_RETENTION_DAYS ago (what the
    privacy notice promises), and queue the next tick. Returns what it did."""
    now = timezone.now()
    reminders = announcements.queue_due_reminders(now=now)
    purged = services.purge_personal_data(
        ended_before=now - dt.timedelta(days=settings.REGISTRATION_RETENTION_DAYS)
    )
    next_tick = schedule_next_tick(now=now)
    logger.info("schedule ran: reminders=%s purged=%s next=%s", reminders, purged, next_tick)
    return {
        "reminders": reminders,
        "purged": purged,
        "next": next_tick.isoformat() if next_tick else None,
    }


def schedule_next_tick(*, now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue run_schedule for the top of the next hour, unless a tick is pending already (one
    chain, however many workers and migrations). Returns when it will run, or None: nothing
    queued, because one is pending or because the tasks backend cannot defer (the immediate
    backend of development and tests would run it at once, again and again)."""
    if not task_backends[run_schedule.backend].supports_defer:
        return None
    pending = DBTaskResult.objects.filter(
        task_path=run_schedule.module_path, status=TaskResultStatus.READY
    )
    if pending.exists():
        return None
    now = now or timezone.now()
    run_after = now.replace(minute=0, second=0, microsecond=0) + EVERY
    run_schedule.using(run_after=run_after).enqueue()
    return run_after
