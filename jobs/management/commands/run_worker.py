"""The task worker of production: django-tasks-db's `db_worker`, started again when it loses the
database, with the schedule's chains (jobs/schedule.py) made sure of at each start."""

import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, connections

from jobs import schedule

logger = logging.getLogger(__name__)

# Seconds to wait before starting again after the database went away: the time for a restarted
# PostgreSQL to accept connections, without a busy loop while it does not.
RESTART_DELAY = 2


class Command(BaseCommand):
    help = (
        "Run the task worker (db_worker), which sends the emails; start it again whenever the "
        "database connection is lost, instead of exiting."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1,
            help="Seconds between two looks at the queue when it is empty (default: 1).",
        )

    def handle(self, *, interval: float, verbosity: int, **options):
        while True:
            try:
                schedule.start()
                # db_worker exits by itself only on SIGINT/SIGTERM (sys.exit): that ends this
                # loop too. It raises when the database fails outside a task (its query for the
                # next task, or recording a task's outcome).
                call_command(
                    "db_worker",
                    interval=interval,
                    reload=False,
                    startup_delay=False,
                    verbosity=verbosity,
                )
                return
            except (OperationalError, InterfaceError) as error:
                logger.warning(
                    "task worker lost the database (%s: %s); starting again in %s s",
                    type(error).__name__,
                    str(error).strip(),
                    RESTART_DELAY,
                )
                connections.close_all()
                time.sleep(RESTART_DELAY)
