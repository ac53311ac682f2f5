"""The site's periodic jobs, each registered by the app it belongs to (in its jobs.py, which the
jobs app imports at start), and run by the schedule (jobs/schedule.py): no app runs another's.

Two rhythms: `hourly` jobs (reminders due, personal data past its retention) and `frequent` ones,
every EMAIL_SWEEP_SECONDS (the outbox's sweep, address holds past their time). A job takes the
moment of the tick and returns what it did (a count), for the log and `manage.py run_schedule`.
"""

import datetime as dt
import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

Job = Callable[[dt.datetime], int]

HOURLY: dict[str, Job] = {}
FREQUENT: dict[str, Job] = {}


def _register(jobs: dict[str, Job], job: Job) -> Job:
    jobs[f"{job.__module__}.{job.__qualname__}"] = job
    return job


def hourly(job: Job) -> Job:
    """Run `job` at every hourly tick."""
    return _register(HOURLY, job)


def frequent(job: Job) -> Job:
    """Run `job` every EMAIL_SWEEP_SECONDS."""
    return _register(FREQUENT, job)


def run(jobs: dict[str, Job], now: dt.datetime) -> dict[str, int | str]:
    """Run each job in the order the apps registered them (INSTALLED_APPS): {its name: result}.
    A job that fails is logged with its traceback and its result says so; the others run all the
    same (a reminder that cannot be written must not stop the purge the privacy notice promises)."""
    done: dict[str, int | str] = {}
    for name, job in jobs.items():
        try:
            done[name] = job(now)
        except Exception as error:  # whatever it is, the next job runs
            logger.exception("job failed: %s", name)
            done[name] = f"failed: {type(error).__name__}: {error}"
    return done
