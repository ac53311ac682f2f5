"""An edition moved (program.services.move_edition): what registered people chose moves too."""

import datetime as dt

from program import services as program_services
from registration.models import Announcement


def test_moved_edition_keeps_the_days_each_person_attends(andre, open_workshop):
    """Moved by one day: André's 26 November becomes the 27th, where his 27th was (one row per
    person and day, so moving them one by one in place would collide)."""
    program_services.move_edition(open_workshop, starts_on=dt.date(2024, 11, 27))

    andre.refresh_from_db()
    assert andre.days == [dt.date(2024, 11, 27), dt.date(2024, 11, 28)]


def test_moved_edition_moves_the_day_of_an_announcement_not_sent_yet(andre, open_workshop):
    draft, sent = [
        Announcement.objects.create(
            workshop=open_workshop,
            subject=subject,
            body="See you {name}.",
            audience=Announcement.Audience.DAY,
            day=dt.date(2024, 11, 27),
            sent_at=sent_at,
        )
        for subject, sent_at in [("Draft", None), ("Sent", dt.datetime(2024, 11, 1, tzinfo=dt.UTC))]
    ]

    program_services.move_edition(open_workshop, starts_on=dt.date(2025, 1, 28))

    draft.refresh_from_db()
    sent.refresh_from_db()
    assert (draft.day, sent.day) == (dt.date(2025, 1, 29), dt.date(2024, 11, 27))
