from django.core.management.base import BaseCommand

from jobs.schedule import run_schedule


class Command(BaseCommand):
    help = (
        "Run one hourly tick of the schedule now: each app's hourly jobs (the reminders that are "
        "due; the registrations past REGISTRATION_RETENTION_DAYS purged). The task worker runs "
        "it every hour by itself; this is for running it by hand."
    )

    def handle(self, *args, **options):
        done = run_schedule.call()
        next_tick = done.pop("next")
        for job, result in done.items():
            self.stdout.write(f"{job}: {result}")
        self.stdout.write(
            f"Next tick queued for {next_tick}."
            if next_tick
            else "No tick queued: one is pending already, or the tasks backend runs tasks at once."
        )
