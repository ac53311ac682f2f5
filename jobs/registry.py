"""The site's periodic jobs, each registered by the app it belongs to (in its jobs.py, which the
jobs app imports at start), and run by the schedule (jobs/schedule.py): no app runs another's.

Two rhythms: `hourly` jobs (reminders due, personal data past its retention) and `frequent` ones,
every EMAIL_SWEEP_SECONDS (the outbox's sweep, address holds past their time). A job takes the
moment of the tick and returns what it did (a count), for the log and `manage.py run_schedule`.
"""

import datetime as dt
from collections.abc import Callable

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


def run(jobs: dict[str, Job], now: dt.datetime) -> dict[str, int]:
    """Run each job in the order the apps registered them (INSTALLED_APPS): {its name: result}."""
    return {name: job(now) for name, job in jobs.items()}
