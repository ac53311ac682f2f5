"""Who registered for which workshop, and where their seat stands."""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from program.models import Session, Workshop
from program.placeholders import BRACES_HELP

from .addresses import display_address, normalised_or_as_typed
from .images import check_signature_image


def new_token() -> str:
    """256 random bits, URL-safe: the key to a registrant's personal page."""
    return secrets.token_urlsafe(32)


class Option(models.Model):
    """Something people choose besides their days, so that organizers plan for it: a lunch, the
    cocktail, a dinner. Each edition has its own, added by the organizers."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(
        max_length=100, help_text=_("As people see it, e.g. “Lunch” or “Cocktail and posters”.")
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registration_options",
        verbose_name=_("timetable slot"),
        help_text=_("When it happens: the registration form shows it beside the label."),
    )
    capacity = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "How many people can choose it (waiting list included, those still to confirm "
            "their address not). Blank: no limit."
        ),
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text=_("Options are listed by this number.")
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "label"],
                name="option_label_unique_per_workshop",
                violation_error_message=_("This workshop already has an option with this label."),
            )
        ]

    def __str__(self):
        return self.label

    def validate_constraints(self, exclude=None):
        """As Django's, each message once: modeltranslation copies the label's unique constraint
        for each language's column, and the English column holds the label itself."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise ValidationError(
                {field: list(dict.fromkeys(found)) for field, found in error.message_dict.items()}
            ) from None

    def clean(self):
        if self.session_id and self.workshop_id and self.session.workshop_id != self.workshop_id:
            raise ValidationError({"session": _("Choose a slot of this workshop's timetable.")})


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self):
        """Those in line for a seat. Someone who joined the list but has not yet confirmed their
        address (hold_expires_at set) is not in line: no seat may go to an address not owned."""
        return self.filter(waits_in_line())

    def taking_seats(self, now):
        """Those who take a seat at `now` (see takes_seat)."""
        return self.filter(takes_seat(now))

    def with_email(self, email: str):
        """Registrations with this address, compared as the database constraint compares them
        once normalised (addresses.py: one spelling per mailbox)."""
        email = normalised_or_as_typed(email)
        return self.alias(email_lower=Lower("email")).filter(email_lower=Lower(models.Value(email)))

    def waiting_list_order(self):
        return self.waitlisted().order_by("waitlisted_at", "pk")


def takes_seat(now, prefix: str = "") -> models.Q:
    """Who takes a seat at `now`: the confirmed, and the held whose hold has not expired (an
    expired hold stops counting at once, whether or not the sweep has marked it yet). `now` is a
    datetime, or Now() (the database's clock) in a statement prepared once; `prefix` a path to
    the registration, such as "registrations__". The one definition of a seat taken."""
    return models.Q(**{f"{prefix}status": "confirmed"}) | models.Q(
        **{f"{prefix}status": "held", f"{prefix}hold_expires_at__gt": now}
    )


def waits_in_line(prefix: str = "") -> models.Q:
    """Who is in line on the waiting list: waitlisted, with no address confirmation pending."""
    return models.Q(**{f"{prefix}status": "waitlisted", f"{prefix}hold_expires_at__isnull": True})


def holds_option_place(prefix: str = "") -> models.Q:
    """Who takes a place in the options they chose: the confirmed, and those in line on the
    waiting list (so that a promotion never takes an option past its capacity). Nobody whose
    address is still to confirm: throwaway addresses must not fill a limited lunch; they are
    checked against the places left when they confirm (services.confirm_address). `prefix` as
    for takes_seat."""
    return models.Q(**{f"{prefix}status": "confirmed"}) | waits_in_line(prefix)


# The statuses in which a person may still have to confirm their address: a seat held for them,
# or a place on the waiting list kept for them, until Registration.hold_expires_at.
AWAITING_CONFIRMATION = ("held", "waitlisted")


def awaits_confirmation(now, prefix: str = "") -> models.Q:
    """Who still has time to confirm their address at `now`: their hold has not expired. The one
    definition of "awaiting address confirmation"; Registration.awaits_confirmation() reads it on
    one row, without a query (tests/registration/test_models.py holds the two equal). `now` and
    `prefix` as for takes_seat."""
    return models.Q(
        **{f"{prefix}status__in": AWAITING_CONFIRMATION, f"{prefix}hold_expires_at__gt": now}
    )


def hold_ran_out(now, prefix: str = "") -> models.Q:
    """Whose hold ran out by `now` and is not swept yet: still held or waiting, past the time to
    confirm (what the sweep cancels)."""
    return models.Q(
        **{f"{prefix}status__in": AWAITING_CONFIRMATION, f"{prefix}hold_expires_at__lte": now}
    )


def confirmation_expired(now, prefix: str = "") -> models.Q:
    """Whose time to confirm their address ran out by `now`, swept already (cancelled with the
    hold's end kept) or not: a hold was set and they no longer await confirmation."""
    return models.Q(**{f"{prefix}hold_expires_at__isnull": False}) & ~awaits_confirmation(
        now, prefix
    )


class EmailKind(models.TextChoices):
    """The emails a registrant receives; each has a subject and an opening of its own."""

    CONFIRMED = "confirmed", _("Registration confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    PROMOTED = "promoted", _("Seat from the waiting list")
    CANCELLED = "cancelled", _("Registration cancelled")
    LINK = "link", _("Personal link again")
    CHANGED = "changed", _("Registration changed")
    CONFIRM_ADDRESS = "confirm_address", _("Confirm your address")


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        HELD = "held", _("Awaiting address confirmation")
        WAITLISTED = "waitlisted", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Position(models.TextChoices):
        MASTERS = "masters", _("Master's student")
        PHD = "phd", _("PhD student")
        POSTDOC = "postdoc", _("Postdoctoral researcher")
        RESEARCHER = "researcher", _("Researcher or faculty member")
        ENGINEER = "engineer", _("Engineer (industry or academia)")
        OTHER = "other", _("Other")

    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="registrations")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    affiliation = models.CharField(max_length=200)
    position = models.CharField(_("position or career stage"), max_length=20, choices=Position)
    # The days attended are AttendedDay rows.
    options = models.ManyToManyField(Option, related_name="registrations", blank=True)
    dietary_requirements = models.CharField(max_length=300, blank=True)
    privacy_consent_at = models.DateTimeField(
        help_text=_("When the person accepted the privacy notice.")
    )
    listed_publicly = models.BooleanField(_("public participant list"), default=False)
    status = models.CharField(max_length=20, choices=Status, default=Status.CONFIRMED)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The emails sent to the person, and their state, are Delivery rows (kind "registration").
    # Address ownership: an unconfirmed registration holds its seat until this instant.
    hold_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    address_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The client address the public form was posted from: one address holds only a few
    # unconfirmed seats at once (settings.REGISTRATION_MAX_HOLDS_PER_CLIENT). Personal data,
    # deleted with the registration.
    client_address = models.GenericIPAddressField(
        _("sent from (IP address)"), null=True, blank=True, editable=False
    )
    # The language the person registered in: every email to them is written in it, and their own
    # pages (program/languages.py); the language switch on those pages changes it.
    language = models.CharField(max_length=10, default="en", editable=False)
    # Their emails (mail/): registration emails, announcements, reminders. Deleted with them.
    deliveries = GenericRelation(
        "mail.Delivery",
        content_type_field="recipient_type",
        object_id_field="recipient_id",
        related_query_name="registration",
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "workshop",
                name="one_registration_per_email_per_workshop",
                violation_error_message=_(
                    "This email address is already registered for this workshop."
                ),
            ),
        ]
        indexes = [models.Index(fields=["workshop", "status"])]
        # Two things the model's own add/change/view do not say: working at the check-in desk
        # (search, tick in, add walk-ins) without the admin, and taking everyone's personal data
        # away in a file (the CSV, the badges, the sign-in sheets).
        permissions = [
            ("use_desk", "Can use the check-in desk and add walk-ins"),
            ("export_registration", "Can download registrations (CSV, badges, sign-in sheets)"),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    def get_absolute_url(self):
        return reverse("registration:manage", kwargs={"token": self.token})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def display_email(self) -> str:
        """The address as the person reads it: its domain in Unicode (addresses.py)."""
        return display_address(self.email)

    def awaits_confirmation(self, now: dt.datetime | None = None) -> bool:
        """Whether the person still has time to confirm their address at `now` (default: the
        current time): models.awaits_confirmation, on this row. No query."""
        return (
            self.status in AWAITING_CONFIRMATION
            and self.hold_expires_at is not None
            and (now or timezone.now()) < self.hold_expires_at
        )

    def confirmation_expired(self, now: dt.datetime | None = None) -> bool:
        """Whether the time to confirm the address ran out (models.confirmation_expired, on this
        row: cancel() clears hold_expires_at, so only an expiry leaves it). No query."""
        return self.hold_expires_at is not None and not self.awaits_confirmation(now)

    def waiting_list_position(self) -> int | None:
        """1 for the next person to get a seat; None when not in line (not on the waiting list,
        or their address still to confirm). One query."""
        if self.status != self.Status.WAITLISTED or self.hold_expires_at is not None:
            return None
        # Those ahead in waiting_list_order(): earlier on the list, or as early with a smaller pk.
        ahead = (
            Registration.objects.filter(workshop_id=self.workshop_id)
            .waitlisted()
            .filter(
                models.Q(waitlisted_at__lt=self.waitlisted_at)
                | models.Q(waitlisted_at=self.waitlisted_at, pk__lt=self.pk)
            )
        )
        return ahead.count() + 1

    @property
    def days(self) -> list[dt.date]:
        """The days the person attends, first to last (prefetch `attended_days` for lists)."""
        return [attended.day for attended in self.attended_days.all()]

    @property
    def parts(self) -> list[str]:
        """What the person attends, in the workshop's words: the days ("Tuesday 26 November"),
        then the options chosen ("Lunch"). Prefetch `attended_days` and `options` for lists."""
        days = [dateformat.format(day, "l j F") for day in self.days]
        return days + [option.label for option in self.options.all()]


class AttendedDay(models.Model):
    """A day of the edition that a registered person attends."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attended_days"
    )
    day = models.DateField()

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "day"], name="attended_day_once_per_registration"
            )
        ]

    def __str__(self):
        return dateformat.format(self.day, "l j F Y")


class Announcement(models.Model):
    """A message organizers write once and send to some of an edition's participants; each
    recipient's copy is a Delivery (mail/) about it."""

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed participants")
        WAITLISTED = "waitlisted", _("The waiting list")
        BOTH = "both", _("Confirmed and waiting list")
        SELECTED = "selected", _("The registrations selected in the list")
        DAY = "day", _("Those attending a given day")
        OPTION = "option", _("Those who chose a given option")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="announcements")
    subject = models.CharField(max_length=200)
    body = models.TextField(
        help_text=format_lazy(
            "{} {}",
            _(
                "Plain text. {name} is replaced by the person's first name, {link} by their "
                "personal link."
            ),
            BRACES_HELP,
        )
    )
    audience = models.CharField(max_length=20, choices=Audience, default=Audience.CONFIRMED)
    day = models.DateField(null=True, blank=True, help_text=_("For the audience of a day."))
    option = models.ForeignKey(
        Option,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="announcements",
        help_text=_("For the audience of an option."),
    )
    # A draft remembers whom the organizer selected, so that its preview, its test and its
    # sending (each a request of its own) all address the same people.
    selected = models.ManyToManyField(
        Registration,
        blank=True,
        related_name="+",
        verbose_name=_("selected registrations"),
        help_text=_("For the audience of the registrations selected in the list."),
    )
    # Each person's copy (mail/): deleted with the announcement.
    deliveries = GenericRelation(
        "mail.Delivery",
        content_type_field="about_type",
        object_id_field="about_id",
        related_query_name="announcement",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("When it was queued for sending.")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject


class CheckIn(models.Model):
    """A person ticked in at the entrance on one day of the workshop."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="check_ins"
    )
    day = models.DateField()
    arrived_at = models.DateTimeField(auto_now_add=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["arrived_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "day"],
                name="one_check_in_per_person_and_day",
                violation_error_message=_("This person is already checked in for this day."),
            )
        ]

    def __str__(self):
        return f"{self.registration.full_name}, {self.day:%d %b}"


# Certificates of attendance ------------------------------------------------------------------

# Letters and digits nobody misreads on paper or types wrong from it: no 0/O, 1/I/L. 31 signs,
# 10 of them: about 8 × 10^14 codes, against a guesser held to a few dozen tries an hour
# (registration.views.CertificateView).
CERTIFICATE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CERTIFICATE_CODE_LENGTH = 10


def new_certificate_code() -> str:
    return "".join(
        secrets.choice(CERTIFICATE_CODE_ALPHABET) for _ in range(CERTIFICATE_CODE_LENGTH)
    )


class Certificate(models.Model):
    """A certificate of attendance as issued: only what its verification page shows (the name,
    the edition, the days attended), so that it outlives the registration's personal data (the
    purge sets `registration` to NULL and keeps the rest)."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("edition")
    )
    registration = models.OneToOneField(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificate",
        editable=False,
    )
    name = models.CharField(_("issued to"), max_length=201)
    # ISO dates ("2024-11-26"), first to last: the days the person was ticked in at the desk.
    days = models.JSONField(_("days attended"), default=list, editable=False)
    language = models.CharField(max_length=10, default="en", editable=False)
    code = models.CharField(
        max_length=CERTIFICATE_CODE_LENGTH,
        unique=True,
        default=new_certificate_code,
        editable=False,
    )
    issued_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "Set to withdraw the certificate: its verification page says it was revoked, and "
            "it is no longer downloaded."
        ),
    )

    class Meta:
        ordering = ["workshop", "name", "pk"]

    def __str__(self):
        return f"{self.code}: {self.name}"

    def get_absolute_url(self):
        return reverse("registration:certificate", kwargs={"code": self.code})

    @property
    def verification_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def attended_days(self) -> list[dt.date]:
        return [dt.date.fromisoformat(day) for day in self.days]


def signature_upload_to(signature: "CertificateSignature", filename: str) -> str:
    """A random name in its own folder: the file's own name says nothing we keep."""
    return f"signatures/{secrets.token_hex(16)}"


class CertificateSignature(models.Model):
    """The signature printed on an edition's certificates of attendance (optional)."""

    workshop = models.OneToOneField(
        Workshop, on_delete=models.CASCADE, related_name="certificate_signature"
    )
    image = models.FileField(
        _("signature image"),
        upload_to=signature_upload_to,
        max_length=200,
        validators=[check_signature_image],
        help_text=_("A PNG or JPEG picture of the signature, at most 2 MB, on a white background."),
    )
    signed_by = models.CharField(
        _("signed by"),
        max_length=200,
        blank=True,
        help_text=_("Printed under the signature, e.g. “Anne Martin, for the organizers”."),
    )

    class Meta:
        verbose_name = _("certificate signature")

    def __str__(self):
        return self.signed_by or str(_("Signature"))
