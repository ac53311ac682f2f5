"""Emails written in an edition's name: who they come from, where replies go, how each is put
together (compose, for every email of the site), and the email that gives a speaker their own
link (program/speakers.py), which the outbox sends (mail/)."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mail import kinds, outbox
from mail.models import Delivery

from .models import Speaker, Workshop, one_line

SPEAKER_LINK = "speaker_link"


def sender(workshop: Workshop) -> str:
    """The edition writes: “LoRAINNe'24 <the address of DEFAULT_FROM_EMAIL>”."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((one_line(workshop.acronym), address))


def reply_to(workshop: Workshop) -> list[str] | None:
    """Replies go to the edition's contact address, unless it is not an address (a pattern such
    as “firstname.lastname at univ-lorraine.fr”): then to DEFAULT_REPLY_TO, if set."""
    try:
        validate_email(workshop.contact_email)
    except ValidationError:
        return [settings.DEFAULT_REPLY_TO] if settings.DEFAULT_REPLY_TO else None
    return [workshop.contact_email]


def compose(
    workshop: Workshop, subject: str, template: str, context: dict, *, to: str
) -> EmailMultiAlternatives:
    """One email of the edition: its sender and reply-to, the subject on one line, the plain
    text of `template`.txt with `template`.html as its HTML alternative."""
    message = EmailMultiAlternatives(
        subject=one_line(subject),
        body=render_to_string(f"{template}.txt", context),
        from_email=sender(workshop),
        to=[to],
        reply_to=reply_to(workshop),
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def speaker_link(speaker: Speaker) -> str:
    """The speaker's own page, as a full address (emails, the admin's copy of it)."""
    return settings.SITE_URL + reverse("program:speaker-page", kwargs={"token": speaker.token})


def queue_speaker_link(speaker: Speaker) -> Delivery:
    """Owe the speaker their personal link, in the caller's transaction (sent after commit). It
    replaces a link email not sent yet (queued, failed, or stuck), whose retry would send the link
    a second time; one a worker is sending at this moment is left to finish."""
    now = timezone.now()
    unsent = speaker.deliveries.filter(kind=SPEAKER_LINK).exclude(state=Delivery.State.SENT)
    unsent.exclude(state=Delivery.State.SENDING, lease_expires_at__gte=now).delete()
    return outbox.queue(SPEAKER_LINK, speaker, to=speaker.email)


def build_speaker_link_email(speaker: Speaker) -> EmailMultiAlternatives:
    """The speaker's personal link (the current one: the token is read when the email is
    written, never put in the queue), with what they present at the edition, in the speaker's
    language."""
    workshop = speaker.workshop
    with translation.override(speaker.language):
        context = {
            "speaker": speaker,
            "workshop": workshop,
            "talks": speaker.talks.filter(workshop=workshop),
            "posters": speaker.posters.filter(workshop=workshop),
            "link": speaker_link(speaker),
        }
        return compose(
            workshop,
            gettext("%(acronym)s: your own page for your title, abstract and slides")
            % {"acronym": workshop.acronym},
            "program/email/speaker_link",
            context,
            to=speaker.email,
        )


def _compose_speaker_link(delivery: Delivery) -> EmailMultiAlternatives | None:
    speaker = Speaker.objects.select_related("workshop").filter(pk=delivery.recipient_id).first()
    if speaker is None:
        return None  # deleted since it was asked for
    if not speaker.email:
        raise ValueError("the speaker has no email address")  # removed since it was asked for
    return build_speaker_link_email(speaker)


kinds.register(SPEAKER_LINK, label=_("Speaker's personal link"), compose=_compose_speaker_link)
