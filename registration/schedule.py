"""What the site does by itself in the task worker (no cron): every hour, queue the reminders
that are due, purge the personal data past its retention, then queue the next tick; every
EMAIL_SWEEP_SECONDS, send the emails owed and not sent (sweep_outbox).

`migrate` and `manage.py run_worker` start both chains (start()); `manage.py run_schedule` runs
one hourly tick by hand.
"""

import datetime as dt
import logging

from django.conf import settings
from django.tasks import Task, TaskResultStatus, task, task_backends
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from program import tasks as program_tasks

from . import announcements, services, tasks
from .models import Delivery

logger = logging.getLogger(__name__)

EVERY = dt.timedelta(hours=1)


@task
def run_schedule() -> dict:
    """One tick: expire the unconfirmed holds past their time, whose seats go to the waiting lists
    (services.expire_holds; the seat counts ignore them already), queue the reminders that are
    due (announcements.queue_due_reminders), purge the
    registrations of workshops that ended more than REGISTRATION_RETENTION_DAYS ago (what the
    privacy notice promises), and queue the next tick. Returns what it did."""
    now = timezone.now()
    expired = services.expire_holds(now=now)
    reminders = announcements.queue_due_reminders(now=now)
    purged = services.purge_personal_data(
        ended_before=now - dt.timedelta(days=settings.REGISTRATION_RETENTION_DAYS)
    )
    next_tick = schedule_next_tick(now=now)
    logger.info(
        "schedule ran: expired=%s reminders=%s purged=%s next=%s",
        expired,
        reminders,
        purged,
        next_tick,
    )
    return {
        "expired": expired,
        "reminders": reminders,
        "purged": purged,
        "next": next_tick.isoformat() if next_tick else None,
    }


def schedule_next_tick(*, now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue run_schedule for the top of the next hour, unless a tick is pending already (one
    chain, however many workers and migrations). Returns when it will run, or None: nothing
    queued, because one is pending or because the tasks backend cannot defer (the immediate
    backend of development and tests would run it at once, again and again)."""
    now = now or timezone.now()
    return _queue_once(run_schedule, now.replace(minute=0, second=0, microsecond=0) + EVERY)


def _queue_once(chained: Task, run_after: dt.datetime) -> dt.datetime | None:
    """Queue `chained` for `run_after` unless a run of it is pending (one chain, however many
    workers and migrations). None: nothing queued, because one is pending or because the tasks
    backend cannot defer (the immediate backend of development and tests would run it at once,
    again and again)."""
    if not task_backends[chained.backend].supports_defer:
        return None
    pending = DBTaskResult.objects.filter(
        task_path=chained.module_path, status=TaskResultStatus.READY
    )
    if pending.exists():
        return None
    chained.using(run_after=run_after).enqueue()
    return run_after


@task
def sweep_outbox() -> int:
    """Expire the address holds past their time (promoting from the waiting lists), then send
    the emails owed and due that no task is sending (tasks.claimable()): retries due,
    rows whose worker died while sending (past their lease), rows queued whose own task never
    came; and the speakers' links likewise (program.tasks.send_owed_links). Queues the next
    sweep first, so that a worker dying in this one leaves the chain whole, and the hourly tick
    if none is pending (a worker died in one). Returns how many left."""
    now = timezone.now()
    schedule_next_sweep(now=now)
    schedule_next_tick(now=now)
    # Holds past their time free their seats for the waiting list within the minute, not the hour.
    services.expire_holds(now=now)
    # A row queued moments ago has its own task coming: leave it to that task.
    recent = dt.timedelta(seconds=settings.EMAIL_SWEEP_SECONDS)
    owed = (
        Delivery.objects.filter(tasks.claimable(now))
        .exclude(state=Delivery.State.QUEUED, updated_at__gt=now - recent)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = tasks.send_each(list(owed))
    # The speakers' links, their own small outbox in program (program/tasks.py), alike.
    sent += program_tasks.send_owed_links(now)
    # One finished sweep a minute: keep the last hour's results, no more.
    DBTaskResult.objects.filter(
        task_path=sweep_outbox.module_path,
        status=TaskResultStatus.SUCCESSFUL,
        finished_at__lt=now - EVERY,
    ).delete()
    if sent:
        logger.info("outbox swept: sent=%s", sent)
    return sent


def schedule_next_sweep(*, now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue sweep_outbox EMAIL_SWEEP_SECONDS from now, unless one is pending already. Returns
    when it will run, or None (one is pending, or the tasks backend cannot defer)."""
    return _queue_once(
        sweep_outbox,
        (now or timezone.now()) + dt.timedelta(seconds=settings.EMAIL_SWEEP_SECONDS),
    )


def start() -> None:
    """Make sure both chains have a run pending (after `migrate`, when a worker starts)."""
    schedule_next_tick()
    schedule_next_sweep()
