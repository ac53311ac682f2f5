"""Rules that write program content: keeping calendar events' SEQUENCE in step with changes.

Calendars that subscribed to the program replace an event only when its SEQUENCE grows. The
admin calls these after saving, with the fields its form changed.
"""

from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone

from .models import Session, Talk, Workshop

SESSION_FIELDS = {"starts_at", "ends_at", "title", "kind", "talk"}
TALK_FIELDS = {"title", "speakers", "kind", "abstract"}
WORKSHOP_FIELDS = {"venue_name", "venue_address", "timezone", "name", "acronym"}


def record_session_change(
    session: Session, changed: Iterable[str], *, previous_talk_id: int | None = None
) -> None:
    """A slot moved, was renamed or got another talk: bump its event and those of the talks
    it holds or held."""
    if not SESSION_FIELDS & set(changed):
        return
    Session.objects.filter(pk=session.pk).update(sequence=F("sequence") + 1)
    talk_ids = {talk_id for talk_id in (session.talk_id, previous_talk_id) if talk_id}
    Talk.objects.filter(pk__in=talk_ids).update(sequence=F("sequence") + 1)


def record_talk_change(talk: Talk, changed: Iterable[str]) -> None:
    if TALK_FIELDS & set(changed):
        Talk.objects.filter(pk=talk.pk).update(sequence=F("sequence") + 1)


def record_workshop_change(workshop: Workshop, changed: Iterable[str]) -> None:
    """The venue or the time zone changed: every event of the workshop changed."""
    if WORKSHOP_FIELDS & set(changed):
        Workshop.objects.filter(pk=workshop.pk).update(sequence=F("sequence") + 1)


def record_removal(workshop_ids: Iterable[int]) -> None:
    """A slot or a talk left the program: mark the workshop modified, so that calendars polling
    with If-Modified-Since see the change (the rows that would have shown it are gone)."""
    Workshop.objects.filter(pk__in=set(workshop_ids)).update(updated_at=timezone.now())
