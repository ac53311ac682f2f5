"""Emails written in an edition's name: who they come from, where replies go, and the email that
gives a speaker their own link (program/speakers.py)."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from .models import Speaker, Workshop, one_line


def failure_note(error: Exception) -> str:
    """What the admin shows of a failed send: when, and the mail server's error (at most 1,000
    characters, the columns' size)."""
    return f"{timezone.now():%Y-%m-%d %H:%M:%S %Z} {type(error).__name__}: {error}"[:1000]


def sender(workshop: Workshop) -> str:
    """The edition writes: “LoRAINNe'24 <the address of DEFAULT_FROM_EMAIL>”."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((one_line(workshop.acronym), address))


def reply_to(workshop: Workshop) -> list[str] | None:
    """Replies go to the edition's contact address, unless it is not an address (a pattern such
    as “firstname.lastname at univ-lorraine.fr”): then to DEFAULT_REPLY_TO, if set."""
    try:
        validate_email(workshop.contact_email)
    except ValidationError:
        return [settings.DEFAULT_REPLY_TO] if settings.DEFAULT_REPLY_TO else None
    return [workshop.contact_email]


def speaker_link(speaker: Speaker) -> str:
    """The speaker's own page, as a full address (emails, the admin's copy of it)."""
    return settings.SITE_URL + reverse("program:speaker-page", kwargs={"token": speaker.token})


def build_speaker_link_email(speaker: Speaker) -> EmailMessage:
    """The speaker's personal link, with what they present at the edition (plain text)."""
    workshop = speaker.workshop
    context = {
        "speaker": speaker,
        "workshop": workshop,
        "talks": speaker.talks.filter(workshop=workshop),
        "posters": speaker.posters.filter(workshop=workshop),
        "link": speaker_link(speaker),
    }
    return EmailMessage(
        subject=one_line(
            gettext("%(acronym)s: your own page for your title, abstract and slides")
            % {"acronym": workshop.acronym}
        ),
        body=render_to_string("program/email/speaker_link.txt", context),
        from_email=sender(workshop),
        to=[speaker.email],
        reply_to=reply_to(workshop),
    )
