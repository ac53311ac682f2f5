"""The emails a registrant receives, rendered from templates/registration/email/, and how the
outbox (mail/) writes them when their turn comes: registration emails, announcements and the
reminder, each a kind of email registered below."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mail import kinds, outbox
from mail.models import Delivery
from program.emails import compose
from program.ical import build_calendar
from program.models import Session, Workshop, one_line
from program.placeholders import fill_placeholders

from . import certificates
from .models import Announcement, Certificate, EmailKind, Registration

SUBJECTS = {
    EmailKind.CONFIRMED: _("%(acronym)s: your registration is confirmed"),
    EmailKind.WAITLISTED: _("%(acronym)s: you are on the waiting list"),
    EmailKind.PROMOTED: _("%(acronym)s: a seat is yours: your registration is confirmed"),
    EmailKind.CANCELLED: _("%(acronym)s: your registration is cancelled"),
    EmailKind.LINK: _("%(acronym)s: your registration"),
    EmailKind.CHANGED: _("%(acronym)s: your registration was changed"),
    EmailKind.CONFIRM_ADDRESS: _("%(acronym)s: confirm your address"),
}


def build_email(registration: Registration, kind: EmailKind) -> EmailMultiAlternatives:
    """Plain text with an HTML alternative; confirmations carry the program as an .ics file.

    Every email to a person is written in the language they registered in
    (Registration.language), whatever the language of the request or task that sends it: here,
    in build_announcement_email and in build_reminder_email."""
    with translation.override(registration.language):
        return _build_email(registration, kind)


def _build_email(registration: Registration, kind: EmailKind) -> EmailMultiAlternatives:
    workshop = registration.workshop
    context = {
        "registration": registration,
        "workshop": workshop,
        "kind": kind,
        # The kind's opening sentence, shared by the text and the HTML body: one line without a
        # final newline (the text body sets the blank lines around it).
        "opening_template": f"registration/email/kinds/{kind}.html",
        "site_url": settings.SITE_URL,
        "manage_url": personal_link(registration),
        "waiting_list_position": registration.waiting_list_position(),
        # The address-confirmation link opens a page with a button: a mail scanner's GET does not
        # confirm.
        "confirm_url": settings.SITE_URL
        + reverse("registration:confirm", kwargs={"token": registration.token}),
    }
    message = compose(
        workshop,
        SUBJECTS[kind] % {"acronym": workshop.acronym},
        "registration/email/message",
        context,
        to=registration.email,
    )
    if kind in (EmailKind.CONFIRMED, EmailKind.PROMOTED, EmailKind.LINK) and (
        registration.status == Registration.Status.CONFIRMED
    ):
        attach_program(message, workshop)
    return message


# Announcements and reminders ------------------------------------------------------------------

# What an organizer may write in an announcement: {name}, {link}. Anything else between braces
# (outside math) is refused before sending, rather than reaching people as “{room}”.
ANNOUNCEMENT_PLACEHOLDERS = ("name", "link")


def unknown_placeholders(text: str) -> list[str]:
    """The placeholders of `text` other than {name} and {link}, as written (“{room}”)."""
    return fill_placeholders(text, dict.fromkeys(ANNOUNCEMENT_PLACEHOLDERS, "")).unknown


def personal_link(registration: Registration) -> str:
    return settings.SITE_URL + registration.get_absolute_url()


def for_person(text: str, registration: Registration) -> str:
    """`text` with {name} (the first name) and {link} (the personal link) filled."""
    values = {"name": registration.first_name, "link": personal_link(registration)}
    return fill_placeholders(text, values).text


def _folded(text: str) -> str:
    """`text` as compared for a name: on one line, either apostrophe, any case."""
    return one_line(text).replace("’", "'").casefold()


def announcement_subject(announcement, registration: Registration) -> str:
    """The subject, filled for the person, after the edition's acronym as every email of the
    edition, unless it names the edition already (“Practical details for LoRAINNe'25”)."""
    workshop = registration.workshop
    subject = for_person(announcement.subject, registration)
    if _folded(workshop.acronym) in _folded(subject):
        return subject
    return gettext("%(acronym)s: %(subject)s") % {"acronym": workshop.acronym, "subject": subject}


def build_announcement_email(
    announcement, registration: Registration, *, to: str | None = None
) -> EmailMultiAlternatives:
    """An announcement for one person (placeholders filled from their registration), plain text
    with an HTML alternative. `to`: another address (an organizer's test). The organizer's text
    as written; the words around it in the person's language."""
    with translation.override(registration.language):
        return _build_announcement_email(announcement, registration, to=to)


def _build_announcement_email(
    announcement, registration: Registration, *, to: str | None
) -> EmailMultiAlternatives:
    workshop = registration.workshop
    context = {
        "workshop": workshop,
        "registration": registration,
        "body": for_person(announcement.body, registration),
        "manage_url": personal_link(registration),
    }
    return compose(
        workshop,
        announcement_subject(announcement, registration),
        "registration/email/announcement",
        context,
        to=to or registration.email,
    )


def build_reminder_email(registration: Registration) -> EmailMultiAlternatives:
    """The reminder before the workshop: the registration email's layout (when, where, their
    choices, their link) with an opening of its own, the organizers' note if any
    (Workshop.reminder_note, the version of the person's language if written, else the other),
    and the program as an .ics file, in the person's language."""
    with translation.override(registration.language):
        return _build_reminder_email(registration)


def _build_reminder_email(registration: Registration) -> EmailMultiAlternatives:
    workshop = registration.workshop
    days_left = (workshop.starts_on - timezone.localdate(timezone=workshop.tzinfo)).days
    context = {
        "registration": registration,
        "workshop": workshop,
        "kind": "reminder",
        "opening_template": "registration/email/kinds/reminder.html",
        "days_left": days_left,
        # The organizers' note (what to bring…), in the person's language if written in it.
        "reminder_note": workshop.reminder_note_text,
        "site_url": settings.SITE_URL,
        "manage_url": personal_link(registration),
    }
    subject = gettext("%(acronym)s: see you on %(day)s") % {
        "acronym": workshop.acronym,
        "day": dateformat.format(workshop.starts_on, "l j F"),
    }
    message = compose(
        workshop, subject, "registration/email/message", context, to=registration.email
    )
    attach_program(message, workshop)
    return message


def attach_program(message: EmailMultiAlternatives, workshop: Workshop) -> None:
    """Attach the edition's timetable as an .ics file (confirmations and reminders)."""
    sessions = Session.objects.filter(workshop=workshop).timetable()
    calendar = build_calendar(workshop, sessions, base_url=settings.SITE_URL)
    message.attach(
        f"{workshop.slug}-program.ics", calendar, "text/calendar; charset=utf-8; method=PUBLISH"
    )


# The outbox ----------------------------------------------------------------------------------

REGISTRATION, ANNOUNCEMENT, REMINDER = "registration", "announcement", "reminder"
# One per person and edition (outbox.queue_each, about the edition): the PDF attached.
CERTIFICATE = "certificate"


def queue_email(registration: Registration, kind: EmailKind) -> Delivery:
    """Record that `registration` is owed the email `kind`, in the caller's transaction (or at
    once outside one), and queue its sending for after commit."""
    return outbox.queue(REGISTRATION, registration, to=registration.email, variant=kind)


def _registration(delivery: Delivery) -> Registration | None:
    return Registration.objects.select_related("workshop").filter(pk=delivery.recipient_id).first()


def _compose_registration_email(delivery: Delivery) -> EmailMultiAlternatives | None:
    registration = _registration(delivery)
    if registration is None or not _still_true(registration, delivery.variant):
        return None
    return build_email(registration, EmailKind(delivery.variant))


def _compose_reminder(delivery: Delivery) -> EmailMultiAlternatives | None:
    registration = _registration(delivery)
    if registration is None or registration.status != Registration.Status.CONFIRMED:
        return None  # cancelled since; should they come back, the next tick queues another
    return build_reminder_email(registration)


def _compose_announcement(delivery: Delivery) -> EmailMultiAlternatives | None:
    registration = _registration(delivery)
    announcement = Announcement.objects.filter(pk=delivery.about_id).first()
    if registration is None or announcement is None:
        return None
    return build_announcement_email(announcement, registration)


def build_certificate_email(certificate: Certificate) -> EmailMultiAlternatives:
    """The person's certificate of attendance, attached as PDF, with its verification address,
    in their language."""
    registration = certificate.registration
    with translation.override(registration.language):
        workshop = registration.workshop
        context = {
            "registration": registration,
            "workshop": workshop,
            "certificate": certificate,
            "manage_url": personal_link(registration),
        }
        subject = gettext("%(acronym)s: your certificate of attendance") % {
            "acronym": workshop.acronym
        }
        message = compose(
            workshop, subject, "registration/email/certificate", context, to=registration.email
        )
    pdf = certificates.certificates_pdf([certificate])
    message.attach(f"{workshop.slug}-certificate-{certificate.code}.pdf", pdf, "application/pdf")
    return message


def _compose_certificate(delivery: Delivery) -> EmailMultiAlternatives | None:
    """None once the certificate is revoked or the person's data deleted."""
    certificate = (
        Certificate.objects.select_related("workshop", "registration__workshop")
        .filter(registration_id=delivery.recipient_id, revoked_at__isnull=True)
        .first()
    )
    if certificate is None:
        return None
    return build_certificate_email(certificate)


def _still_true(registration: Registration, kind: str) -> bool:
    """Whether the email `kind` still describes the registration (a waiting-list email retried
    after a promotion would say "in place None" to someone who has a seat)."""
    expected = {
        EmailKind.CONFIRMED: Registration.Status.CONFIRMED,
        EmailKind.PROMOTED: Registration.Status.CONFIRMED,
        EmailKind.WAITLISTED: Registration.Status.WAITLISTED,
        EmailKind.CANCELLED: Registration.Status.CANCELLED,
    }.get(kind)
    if kind == EmailKind.CONFIRM_ADDRESS:
        # Asked to confirm only while there is time to (not after they clicked, nor past it).
        return registration.awaits_confirmation()
    return expected is None or registration.status == expected


kinds.register(
    REGISTRATION,
    label=_("Registration email"),
    compose=_compose_registration_email,
    variants=dict(EmailKind.choices),
)
kinds.register(ANNOUNCEMENT, label=_("Announcement"), compose=_compose_announcement)
kinds.register(REMINDER, label=_("Reminder"), compose=_compose_reminder)
kinds.register(CERTIFICATE, label=_("Certificate of attendance"), compose=_compose_certificate)
