"""The emails a registrant receives, rendered from templates/registration/email/."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.template.loader import render_to_string

from program.ical import build_calendar
from program.models import Session, Workshop

from .models import EmailKind, Registration

SUBJECTS = {
    EmailKind.CONFIRMED: "your registration is confirmed",
    EmailKind.WAITLISTED: "you are on the waiting list",
    EmailKind.PROMOTED: "a seat is yours: your registration is confirmed",
    EmailKind.CANCELLED: "your registration is cancelled",
    EmailKind.LINK: "your registration",
    EmailKind.CHANGED: "your registration was changed",
}


def sender(workshop: Workshop) -> str:
    """The edition writes: “LoRAINNe'24 <the address of DEFAULT_FROM_EMAIL>”."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((workshop.acronym, address))


def reply_to(workshop: Workshop) -> list[str] | None:
    """Replies go to the edition's contact address, unless it is not an address (a pattern such
    as “firstname.lastname at univ-lorraine.fr”): then to DEFAULT_REPLY_TO, if set."""
    try:
        validate_email(workshop.contact_email)
    except ValidationError:
        return [settings.DEFAULT_REPLY_TO] if settings.DEFAULT_REPLY_TO else None
    return [workshop.contact_email]


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
        from_email=sender(workshop),
        to=[registration.email],
        reply_to=reply_to(workshop),
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
