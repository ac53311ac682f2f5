"""The emails a submitter receives, rendered from templates/contributions/email/, each in the
language they submitted in, and how the outbox (mail/) writes them when their turn comes: the
kind "submission", registered below (H3's decisions are a kind of their own)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from mail import kinds, outbox
from mail.models import Delivery
from program.emails import compose

from .models import Submission

SUBMISSION = "submission"

# The submitter's emails (Delivery.variant), each with its subject.
VARIANTS = {
    "confirm_address": _("Confirm your address"),
    "received": _("Submission received"),
}
SUBJECTS = {
    "confirm_address": _("%(acronym)s: confirm your address to submit “%(title)s”"),
    "received": _("%(acronym)s: we received “%(title)s”"),
}


def personal_link(submission: Submission) -> str:
    return settings.SITE_URL + submission.get_absolute_url()


def build_submission_email(submission: Submission, variant: str) -> EmailMultiAlternatives:
    """Plain text with an HTML alternative, in the language of the submission
    (Submission.language), whatever the request's or task's."""
    with translation.override(submission.language):
        workshop = submission.workshop
        context = {
            "submission": submission,
            "workshop": workshop,
            "variant": variant,
            "authors": list(submission.authors.all()),
            "manage_url": personal_link(submission),
            # A page with a button: a mail scanner that opens links confirms nothing.
            "confirm_url": settings.SITE_URL
            + reverse("contributions:confirm", kwargs={"token": submission.token}),
        }
        return compose(
            workshop,
            SUBJECTS[variant] % {"acronym": workshop.acronym, "title": submission.plain_title},
            "contributions/email/submission",
            context,
            to=submission.email,
        )


def queue_submission_email(submission: Submission, variant: str) -> Delivery:
    """Owe the presenting author the email `variant`, in the caller's transaction (sent after
    commit)."""
    return outbox.queue(SUBMISSION, submission, to=submission.email, variant=variant)


def _compose_submission_email(delivery: Delivery) -> EmailMultiAlternatives | None:
    submission = (
        Submission.objects.select_related("workshop").filter(pk=delivery.recipient_id).first()
    )
    if submission is None:
        return None  # deleted since
    if delivery.variant == "confirm_address" and submission.address_confirmed_at is not None:
        return None  # confirmed meanwhile: the link would only confirm again
    return build_submission_email(submission, delivery.variant)


kinds.register(
    SUBMISSION,
    label=_("Submission email"),
    compose=_compose_submission_email,
    variants=VARIANTS,
)
