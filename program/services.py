"""Rules that write program content: starting the next edition from this one."""

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from .models import Organizer, Session, Speaker, Workshop


def shift(moment: dt.datetime, source: Workshop, target: Workshop) -> dt.datetime:
    """`moment` of `source` moved to the same wall-clock time, as many days after `target`'s first
    day as it was after `source`'s (so 14:15 stays 14:15 across a change of summer time)."""
    local = timezone.localtime(moment, source.tzinfo)
    days = dt.timedelta(days=(target.starts_on - source.starts_on).days)
    return dt.datetime.combine(local.date() + days, local.time(), tzinfo=target.tzinfo)


def suggest_next(text: str) -> str:
    """“LoRAINNe'24” → “LoRAINNe'25”, “2024” → “2025”: the last number in `text`, plus one."""
    numbers = list(re.finditer(r"\d+", text))
    if not numbers:
        return text
    last = numbers[-1]
    following = str(int(last[0]) + 1).zfill(len(last[0]))
    return text[: last.start()] + following + text[last.end() :]


def start_next_edition(
    source: Workshop,
    *,
    name: str,
    acronym: str,
    slug: str,
    starts_on: dt.date,
    copy_speakers: bool = False,
    copy_timetable: bool = False,
) -> Workshop:
    """A new edition, as a draft, from `source`: its venue, time zone, capacity, registration
    terms, contact and organizing committee, and if asked its speakers and the shape of its
    timetable (the slots, with those of talks left as placeholders), every date moved to
    `starts_on`. No registration is copied. One transaction; raises ValidationError on bad input
    (a slug taken, say) with nothing created.
    """
    days = dt.timedelta(days=(starts_on - source.starts_on).days)
    with transaction.atomic():
        edition = Workshop(
            name=name,
            acronym=acronym,
            slug=slug,
            published=False,
            description=source.description,
            schedule_note=source.schedule_note,
            starts_on=starts_on,
            ends_on=source.ends_on + days,
            timezone=source.timezone,
            venue_name=source.venue_name,
            venue_address=source.venue_address,
            venue_directions_url=source.venue_directions_url,
            capacity=source.capacity,
            registration_deadline=source.registration_deadline + days,
            changes_deadline=source.changes_deadline + days if source.changes_deadline else None,
            reminder_days_before=source.reminder_days_before,
            registration_terms=source.registration_terms,
            contact_email=source.contact_email,
        )
        if source.registration_opens_at:
            edition.registration_opens_at = shift(source.registration_opens_at, source, edition)
        edition.full_clean()
        edition.save()
        Organizer.objects.bulk_create(
            Organizer(workshop=edition, name=o.name, url=o.url, position=o.position)
            for o in source.organizers.all()
        )
        if copy_speakers:
            Speaker.objects.bulk_create(
                Speaker(
                    workshop=edition,
                    name=s.name,
                    sort_name=s.sort_name,
                    affiliation=s.affiliation,
                    homepage=s.homepage,
                    photo=s.photo.name,
                )
                for s in source.speakers.all()
            )
        if copy_timetable:
            Session.objects.bulk_create(
                Session(
                    workshop=edition,
                    starts_at=shift(slot.starts_at, source, edition),
                    ends_at=shift(slot.ends_at, source, edition),
                    kind=slot.kind,
                    # A talk's slot keeps its shape: "Keynote", "Invited talk", to be filled.
                    title=slot.title or (slot.talk.get_kind_display() if slot.talk else ""),
                )
                for slot in source.sessions.select_related("talk")
            )
    return edition
