"""Who registered for which workshop, and where their seat stands."""

import secrets

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from program.models import Workshop


def new_token() -> str:
    """256 random bits, URL-safe: the key to a registrant's personal page."""
    return secrets.token_urlsafe(32)


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=Registration.Status.WAITLISTED)

    def with_email(self, email: str):
        """Registrations with this address, compared as the database constraint compares them."""
        return self.alias(email_lower=Lower("email")).filter(email_lower=Lower(models.Value(email)))

    def waiting_list_order(self):
        return self.waitlisted().order_by("waitlisted_at", "pk")


class EmailKind(models.TextChoices):
    """The emails a registrant receives; each has a subject and an opening of its own."""

    CONFIRMED = "confirmed", "Registration confirmed"
    WAITLISTED = "waitlisted", "On the waiting list"
    PROMOTED = "promoted", "Seat from the waiting list"
    CANCELLED = "cancelled", "Registration cancelled"
    LINK = "link", "Personal link again"


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "Waiting list"
        CANCELLED = "cancelled", "Cancelled"

    class Position(models.TextChoices):
        MASTERS = "masters", "Master's student"
        PHD = "phd", "PhD student"
        POSTDOC = "postdoc", "Postdoctoral researcher"
        RESEARCHER = "researcher", "Researcher or faculty member"
        ENGINEER = "engineer", "Engineer (industry or academia)"
        OTHER = "other", "Other"

    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="registrations")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    affiliation = models.CharField(max_length=200)
    position = models.CharField("position or career stage", max_length=20, choices=Position)
    attends_day_one = models.BooleanField("day 1", default=True)
    attends_day_two = models.BooleanField("day 2", default=True)
    attends_cocktail = models.BooleanField("cocktail and posters", default=False)
    attends_lunch = models.BooleanField("lunch", default=False)
    dietary_requirements = models.CharField(max_length=300, blank=True)
    privacy_consent_at = models.DateTimeField(
        help_text="When the person accepted the privacy notice."
    )
    listed_publicly = models.BooleanField("public participant list", default=False)
    status = models.CharField(max_length=20, choices=Status, default=Status.CONFIRMED)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField("registered at", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    email_sent_at = models.DateTimeField("email sent at", null=True, blank=True, editable=False)
    email_error = models.TextField("last email error", blank=True, editable=False)
    email_attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "workshop",
                name="one_registration_per_email_per_workshop",
                violation_error_message="This email address is already registered for this workshop.",
            ),
            models.CheckConstraint(
                condition=models.Q(attends_day_one=True) | models.Q(attends_day_two=True),
                name="registration_attends_at_least_one_day",
                violation_error_message="Choose at least one day.",
            ),
        ]
        indexes = [models.Index(fields=["workshop", "status"])]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    def get_absolute_url(self):
        return reverse("registration:manage", kwargs={"token": self.token})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def waiting_list_position(self) -> int | None:
        """1 for the next person to get a seat; None when not on the waiting list. One query."""
        if self.status != self.Status.WAITLISTED:
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
    def parts(self) -> list[str]:
        """The parts of the workshop the person attends, in the workshop's words."""
        fields = ["attends_day_one", "attends_day_two", "attends_cocktail", "attends_lunch"]
        return [
            str(self._meta.get_field(name).verbose_name) for name in fields if getattr(self, name)
        ]
