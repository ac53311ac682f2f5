from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import kinds


class Delivery(models.Model):
    """One email owed to one person (a registrant, a speaker), with what became of it: the site's
    one outbox (mail/outbox.py sends it).

    `recipient` is the person's row; `about`, what the email is about when one person may get one
    such email per thing (an announcement, the reminder of an edition): for those (`once`), the
    database keeps each person to one. Deleting the person's row deletes their deliveries (the
    apps declare a GenericRelation to Delivery): no address outlives its owner's data."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=40, choices=kinds.choices)
    # Which email of its kind (for registration emails: confirmed, waitlisted, …).
    variant = models.CharField(max_length=40, blank=True)
    recipient_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    recipient_id = models.PositiveBigIntegerField()
    recipient = GenericForeignKey("recipient_type", "recipient_id")
    about_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    once = models.BooleanField(default=False)
    # The address it goes to (written when queued, then as sent): what the admin shows and finds.
    to = models.CharField(max_length=320, blank=True)
    state = models.CharField(max_length=20, choices=State, default=State.QUEUED)
    # A worker that takes the row to send it owns it until then; past it, the row is stuck.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient_type", "recipient_id", "about_type", "about_id"],
                condition=models.Q(once=True),
                name="mail_one_per_person_and_thing",
            ),
            # A NULL would make every row distinct to the constraint above.
            models.CheckConstraint(
                condition=models.Q(once=False)
                | models.Q(about_type__isnull=False, about_id__isnull=False),
                name="mail_once_is_about_something",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "kind"]),
            models.Index(fields=["recipient_type", "recipient_id"]),
            models.Index(fields=["about_type", "about_id"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.to}: {self.get_state_display()}"

    @property
    def description(self) -> str:
        """What the email is, for organizers: its kind, and its variant's name or what it is
        about (an announcement's subject, an edition; prefetch `about` in lists)."""
        kind = kinds.KINDS.get(self.kind)
        if kind and self.variant in kind.variants:
            return str(kind.variants[self.variant])
        if self.about is not None:
            return f"{self.get_kind_display()}: {self.about}"
        return str(self.get_kind_display())


# The fields of a person's latest email of a kind, as with_latest_email() names them.
LATEST = {
    "last_email_state": "state",
    "last_email_lease": "lease_expires_at",
    "last_email_attempts": "attempts",
    "last_email_sent_at": "sent_at",
    "last_email_error": "error",
}


def with_latest_email(queryset: models.QuerySet, kind: str) -> models.QuerySet:
    """`queryset` (of registrations, speakers…) with the fields of each row's latest email
    `kind` (LATEST: last_email_state, …; None where there is none), for the admin's lists."""
    latest = Delivery.objects.filter(
        recipient_type=ContentType.objects.get_for_model(queryset.model),
        recipient_id=models.OuterRef("pk"),
        kind=kind,
    ).order_by("-created_at", "-pk")
    return queryset.annotate(
        **{name: models.Subquery(latest.values(field)[:1]) for name, field in LATEST.items()}
    )
