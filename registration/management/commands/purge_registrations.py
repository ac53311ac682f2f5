import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from registration.services import purge_personal_data


class Command(BaseCommand):
    help = (
        "Delete the registrations (personal data) of workshops that ended more than --days days "
        "ago (default: REGISTRATION_RETENTION_DAYS). The task worker's hourly schedule does it "
        "by itself (no cron needed); this runs it by hand, e.g. sooner with a smaller --days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.REGISTRATION_RETENTION_DAYS)

    def handle(self, *args, days: int, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        deleted = purge_personal_data(ended_before=timezone.now() - dt.timedelta(days=days))
        self.stdout.write(
            f"Deleted {deleted} registration(s) of workshops that ended over {days} days ago."
        )
