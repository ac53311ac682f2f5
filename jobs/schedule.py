"""What the site does by itself in the task worker (no cron): two chains of tasks, each run
queueing the next one. Every hour, the hourly jobs; every EMAIL_SWEEP_SECONDS, the frequent ones
(jobs/registry.py says which; each app registers its own).

`migrate` and `manage.py run_worker` start both chains (start()); `manage.py run_schedule` runs
one hourly tick by hand.
"""

import datetime as dt
import logging

from django.conf import settings
from django.tasks import Task, TaskResultStatus, task, task_backends
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from . import registry

logger = logging.getLogger(__name__)

EVERY = dt.timedelta(hours=1)


@task
def run_schedule() -> dict:
    """One hourly tick: the hourly jobs, then the next tick queued. Returns what each did, and
    when the next tick runs."""
    now = timezone.now()
    done = registry.run(registry.HOURLY, now)
    next_tick = schedule_next_tick(now=now)
    logger.info("schedule ran: %s next=%s", done, next_tick)
    return {**done, "next": next_tick.isoformat() if next_tick else None}


@task
def sweep() -> dict:
    """One frequent tick: queues the next one first, so that a worker dying in this one leaves the
    chain whole, and the hourly tick if none is pending (a worker died in one); then the frequent
    jobs. Returns what each did."""
    now = timezone.now()
    schedule_next_sweep(now=now)
    schedule_next_tick(now=now)
    done = registry.run(registry.FREQUENT, now)
    # One finished sweep a minute: keep the last hour's results, no more.
    DBTaskResult.objects.filter(
        task_path=sweep.module_path,
        status=TaskResultStatus.SUCCESSFUL,
        finished_at__lt=now - EVERY,
    ).delete()
    if any(done.values()):
        logger.info("swept: %s", done)
    return done


def schedule_next_tick(*, now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue run_schedule for the top of the next hour. Returns when it will run, or None (see
    _queue_once)."""
    now = now or timezone.now()
    return _queue_once(run_schedule, now.replace(minute=0, second=0, microsecond=0) + EVERY)


def schedule_next_sweep(*, now: dt.datetime | None = None) -> dt.datetime | None:
    """Queue sweep EMAIL_SWEEP_SECONDS from now. Returns when it will run, or None."""
    return _queue_once(
        sweep, (now or timezone.now()) + dt.timedelta(seconds=settings.EMAIL_SWEEP_SECONDS)
    )


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


def start() -> None:
    """Make sure both chains have a run pending (after `migrate`, when a worker starts)."""
    schedule_next_tick()
    schedule_next_sweep()
