from django.core.management.base import BaseCommand

from registration.schedule import run_schedule


class Command(BaseCommand):
    help = (
        "Run one tick of the schedule now: queue the reminders that are due and purge the "
        "registrations past REGISTRATION_RETENTION_DAYS. The task worker runs it every hour by "
        "itself; this is for trying it by hand."
    )

    def handle(self, *args, **options):
        done = run_schedule.call()
        self.stdout.write(
            f"Reminders queued: {done['reminders']}. Registrations purged: {done['purged']}. "
            + (
                f"Next tick queued for {done['next']}."
                if done["next"]
                else "No tick queued: one is pending already, or the tasks backend runs tasks at "
                "once."
            )
        )
