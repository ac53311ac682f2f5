"""Announcements and reminders: organizers write once, each person gets one copy.

Each recipient's copy is a Delivery row of the outbox (mail/), about the announcement or the
edition, sent by the task worker. A person gets each announcement, and the reminder before the
workshop, at most once: the outbox's constraint says so, so a double click, a second call or a second worker queues nobody twice.
"""

import dataclasses
import datetime as dt

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from mail import outbox
from mail.models import Delivery
from program import translated_texts
from program.models import Workshop
from program.placeholders import BRACES_HELP

from .emails import ANNOUNCEMENT, REMINDER, build_announcement_email, unknown_placeholders
from .models import Announcement, Registration, waits_in_line
from .services import RegistrationError


class AnnouncementRefused(RegistrationError):
    """The announcement cannot go out as it is; nothing was queued."""


def announcement_audience(announcement: Announcement) -> models.QuerySet:
    """The registrations an announcement is for, in registration order (no query until read):
    confirmed people, the waiting list, both, the registrations selected in the admin list
    (whatever their state), or the confirmed people of a day or of an option."""
    registrations = Registration.objects.filter(workshop_id=announcement.workshop_id)
    audience = Announcement.Audience
    match announcement.audience:
        case audience.CONFIRMED:
            return registrations.confirmed()
        case audience.WAITLISTED:
            return registrations.waitlisted()
        case audience.BOTH:
            # Not those whose address is still to confirm: it may not be theirs.
            return registrations.filter(
                models.Q(status=Registration.Status.CONFIRMED) | waits_in_line()
            )
        case audience.SELECTED if announcement.pk:
            return registrations.filter(pk__in=announcement.selected.values("pk"))
        case audience.DAY if announcement.day:
            return registrations.confirmed().filter(attended_days__day=announcement.day)
        case audience.OPTION if announcement.option_id:
            return registrations.confirmed().filter(options=announcement.option_id)
    return registrations.none()


def placeholder_problem(text: str) -> str | None:
    """What to fix in `text` (a subject or a body) when it has a placeholder that is not filled,
    else None."""
    if unknown := unknown_placeholders(text):
        refusal = gettext(
            "Unknown placeholder %(unknown)s: only {name} (the person's first name) "
            "and {link} (their personal link) are filled in."
        ) % {"unknown": ", ".join(unknown)}
        return f"{refusal} {BRACES_HELP}"
    return None


def check_announcement(announcement: Announcement) -> None:
    """Raise AnnouncementRefused, with what to fix, for an announcement that cannot go out: an
    empty subject or text, an unknown placeholder, an audience of a day or an option not given
    (or not this edition's). Whether anybody is in the audience is the caller's question."""
    # A version in either language will do (each person gets theirs, else the other).
    if not (announcement.subject or "").strip():
        raise AnnouncementRefused(gettext("Write a subject."))
    if not (announcement.body or "").strip():
        raise AnnouncementRefused(gettext("Write the text of the announcement."))
    for field in ("subject", "body"):
        for column in translated_texts.columns(field):
            if problem := placeholder_problem(getattr(announcement, column) or ""):
                raise AnnouncementRefused(problem)
    workshop = announcement.workshop
    if announcement.audience == Announcement.Audience.DAY and (
        announcement.day not in workshop.days
    ):
        raise AnnouncementRefused(
            gettext("Choose one of the days of %(acronym)s.") % {"acronym": workshop.acronym}
        )
    if announcement.audience == Announcement.Audience.OPTION and (
        announcement.option is None or announcement.option.workshop_id != workshop.pk
    ):
        raise AnnouncementRefused(
            gettext("Choose one of the options of %(acronym)s.") % {"acronym": workshop.acronym}
        )


PREVIEW_LISTED = 10  # the people named at once in the preview; the others one click away


@dataclasses.dataclass(frozen=True)
class AnnouncementPreview:
    """The announcement as its first recipient will read it, and who gets it (in registration
    order)."""

    people: list[Registration]
    subject: str
    text: str

    @property
    def recipients(self) -> int:
        return len(self.people)

    @property
    def registration(self) -> Registration | None:
        """The person the preview is written for: the first of the audience."""
        return self.people[0] if self.people else None

    @property
    def listed(self) -> list[Registration]:
        """The people the preview names at once."""
        return self.people[:PREVIEW_LISTED]

    @property
    def more(self) -> list[Registration]:
        """The others, shown on request ("and 70 more")."""
        return self.people[PREVIEW_LISTED:]


def preview_announcement(announcement: Announcement) -> AnnouncementPreview:
    """Render the announcement for the first person of its audience, and list the audience (its
    names and addresses). One query, no lock."""
    audience = announcement_audience(announcement).select_related("workshop")
    people = list(audience.order_by("created_at", "pk"))
    if not people:
        return AnnouncementPreview(people=[], subject="", text="")
    message = build_announcement_email(announcement, people[0])
    return AnnouncementPreview(people=people, subject=message.subject, text=message.body)


def send_test_announcement(announcement: Announcement, *, to: str) -> Registration:
    """Send the announcement, filled for the first person of its audience, to `to` (the
    organizer), at once and outside the queue. Raises AnnouncementRefused when `to` is empty,
    when the announcement cannot go out, or when the mail server refuses. Returns the person
    whose copy was sent."""
    if not to:
        raise AnnouncementRefused(
            gettext(
                "Your account has no email address: add one to your user in the admin to "
                "receive tests."
            )
        )
    check_announcement(announcement)
    first = announcement_audience(announcement).select_related("workshop").first()
    if first is None:
        raise AnnouncementRefused(
            gettext("Nobody is in this audience: there is no one to preview.")
        )
    message = build_announcement_email(announcement, first, to=to)
    message.subject = f"[Test] {message.subject}"
    try:
        message.send()
    except Exception as error:  # the mail server's refusal, reported to the organizer
        raise AnnouncementRefused(
            gettext("The test could not be sent: %(error)s") % {"error": error}
        ) from error
    return first


def send_announcement(announcement: Announcement, *, now: dt.datetime | None = None) -> int:
    """Queue the announcement for its audience: one Delivery per person, sent by the task worker.

    Locks the announcement row. Raises AnnouncementRefused, before anything is queued, for an
    empty subject or text, an unknown placeholder, or an audience of nobody. An announcement is
    sent once: calling again (a double click) queues nobody and returns 0. After commit, queues
    the task that sends the deliveries. Returns how many people it was queued for.
    """
    now = now or timezone.now()
    with transaction.atomic():
        announcement = (
            Announcement.objects.select_for_update(of=("self",))
            .select_related("workshop", "option")
            .get(pk=announcement.pk)
        )
        if announcement.sent_at is not None:
            return 0
        check_announcement(announcement)
        people = list(announcement_audience(announcement).values_list("pk", "email"))
        if not people:
            raise AnnouncementRefused(gettext("Nobody is in this audience: nothing was sent."))
        outbox.queue_each(ANNOUNCEMENT, people, recipient_model=Registration, about=announcement)
        announcement.sent_at = now
        announcement.save(update_fields=["sent_at"])
    return len(people)


def queue_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue the reminder of every confirmed person of the published editions whose reminder day
    (Workshop.reminder_due_on, in the edition's time zone) has come and that have not started:
    someone who registers after the reminder day gets theirs at the next run, up to the eve.

    Locks nothing: the one-reminder-per-person constraint keeps each person to one, whoever runs
    this. After commit, queues the task that sends them. Returns how many were queued.
    """
    now = now or timezone.now()
    editions = Workshop.objects.filter(
        published=True,
        reminder_days_before__isnull=False,
        starts_on__gte=now.date() - dt.timedelta(days=1),  # the zone's day is decided below
    )
    queued = 0
    for workshop in editions:
        today = timezone.localdate(now, workshop.tzinfo)
        if today < workshop.reminder_due_on or now >= workshop.starts_at:
            continue
        reminded = Delivery.objects.filter(kind=REMINDER, registration=models.OuterRef("pk"))
        with transaction.atomic():
            people = list(
                workshop.registrations.confirmed()
                .filter(~models.Exists(reminded))
                .values_list("pk", "email")
            )
            queued += outbox.queue_each(
                REMINDER, people, recipient_model=Registration, about=workshop
            )
    return queued
