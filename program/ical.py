"""The program as iCalendar: objects in, bytes out. Views and emails only wrap the result."""

import datetime as dt
from collections.abc import Iterable

import icalendar
from django.utils.translation import gettext

from .models import Session, Workshop
from .text import plain_text

PRODID = "-//LoRAINNe//Workshop program//EN"
# The UID's domain part: constant, so that no edit (not even the workshop's slug) changes a UID.
UID_DOMAIN = "lorainne-workshop"


def _event_owner(session: Session):
    """The row whose identity the event carries: the talk (wherever it moves) or the slot."""
    return session.talk if session.talk_id else session


def _description(session: Session, workshop: Workshop, base_url: str) -> str:
    lines = []
    talk = session.talk
    if talk is not None:
        for speaker in talk.speakers.all():
            lines.append(
                f"{speaker.name} ({speaker.affiliation})" if speaker.affiliation else speaker.name
            )
        if talk.abstract:
            lines += ["", plain_text(talk.abstract)]  # no calendar typesets math
    lines += ["", f"{workshop.acronym}: {workshop.name}"]
    lines.append(base_url + session.get_absolute_url())
    return "\n".join(lines).strip()


def session_event(session: Session, workshop: Workshop, *, base_url: str) -> icalendar.Event:
    """One VEVENT for a timetable slot, times in the workshop's time zone."""
    owner = _event_owner(session)
    tz = workshop.tzinfo
    talk = session.talk
    summary = session.plain_title
    if talk is not None:
        names = ", ".join(speaker.name for speaker in talk.speakers.all())
        if names:
            summary = f"{summary} ({names})"
    # The time of the workshop's last content change (triggers.py): no event changes without it.
    modified = workshop.content_changed_at.astimezone(dt.UTC)
    event = icalendar.Event()
    event.add("uid", f"{owner.uid}@{UID_DOMAIN}")
    event.add("dtstamp", modified)
    event.add("last-modified", modified)
    event.add("dtstart", session.starts_at.astimezone(tz))
    event.add("dtend", session.ends_at.astimezone(tz))
    event.add("summary", summary)
    event.add("description", _description(session, workshop, base_url))
    event.add("location", f"{workshop.venue_name}, {workshop.venue_address}")
    event.add("url", base_url + session.get_absolute_url())
    event.add("categories", [talk.get_kind_display() if talk else session.get_kind_display()])
    # Each counter only grows (the database keeps them, triggers.py), so their sum does:
    # calendars take every change as newer.
    event.add("sequence", owner.sequence + workshop.sequence)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def build_calendar(
    workshop: Workshop, sessions: Iterable[Session], *, base_url: str, name: str = ""
) -> bytes:
    """The timetable slots `sessions` as an iCalendar file (METHOD:PUBLISH, with VTIMEZONE)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # As text, escaped as the events' summaries are: the name holds a talk's title, which may
    # hold a line break (icalendar leaves properties of no known type unescaped).
    title = icalendar.vText(name or gettext("%(acronym)s program") % {"acronym": workshop.acronym})
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", workshop.timezone)
    calendar.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for session in sessions:
        calendar.add_component(session_event(session, workshop, base_url=base_url))
    # Without VTIMEZONE, clients read TZID-less local times as floating and shift them.
    calendar.add_missing_timezones(
        first_date=workshop.starts_on - dt.timedelta(days=366),
        last_date=workshop.ends_on + dt.timedelta(days=366),
    )
    return calendar.to_ical()
