"""The emails a registrant receives, rendered from templates/registration/email/."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from program.ical import build_calendar
from program.models import Session

from .models import EmailKind, Registration

SUBJECTS = {
    EmailKind.CONFIRMED: "your registration is confirmed",
    EmailKind.WAITLISTED: "you are on the waiting list",
    EmailKind.PROMOTED: "a seat is yours: your registration is confirmed",
    EmailKind.CANCELLED: "your registration is cancelled",
    EmailKind.LINK: "your registration",
}


def build_email(registration: Registration, kind: EmailKind) -> EmailMultiAlternatives:
    """Plain text with an HTML alternative; confirmations carry the program as an .ics file."""
    workshop = registration.workshop
    context = {
        "registration": registration,
        "workshop": workshop,
        "kind": kind,
        # The kind's opening sentence, shared by the text and the HTML body: one line without a
        # final newline (the text body sets the blank lines around it).
        "opening_template": f"registration/email/kinds/{kind}.html",
        "site_url": settings.SITE_URL,
        "manage_url": settings.SITE_URL + registration.get_absolute_url(),
        "waiting_list_position": registration.waiting_list_position(),
    }
    message = EmailMultiAlternatives(
        subject=f"{workshop.acronym}: {SUBJECTS[kind]}",
        body=render_to_string("registration/email/message.txt", context),
        to=[registration.email],
        reply_to=[settings.DEFAULT_REPLY_TO] if settings.DEFAULT_REPLY_TO else None,
    )
    message.attach_alternative(
        render_to_string("registration/email/message.html", context), "text/html"
    )
    if kind in (EmailKind.CONFIRMED, EmailKind.PROMOTED, EmailKind.LINK) and (
        registration.status == Registration.Status.CONFIRMED
    ):
        sessions = Session.objects.filter(workshop=workshop).timetable()
        calendar = build_calendar(workshop, sessions, base_url=settings.SITE_URL)
        message.attach(
            f"{workshop.slug}-program.ics", calendar, "text/calendar; charset=utf-8; method=PUBLISH"
        )
    return message
