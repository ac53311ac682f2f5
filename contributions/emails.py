"""The emails of the call for contributions, rendered from templates/contributions/email/, and
how the outbox (mail/) writes them when their turn comes, each a kind registered below: the
submitter's (their address to confirm, their submission received), the decision (to the
presenting author, in the language they submitted in) and a withdrawal after acceptance (to the
organizers)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mail import kinds, outbox
from mail.models import Delivery
from program.emails import compose
from program.text import plain_text

from .models import Submission

SUBMISSION, DECISION, WITHDRAWAL = "submission", "decision", "withdrawal"

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


DECISION_SUBJECTS = {
    Submission.Decision.POSTER: _("%(acronym)s: your contribution is accepted as a poster"),
    Submission.Decision.TALK: _("%(acronym)s: your contribution is accepted as a talk"),
    Submission.Decision.REJECTED: _("%(acronym)s: the decision on your contribution"),
}


def build_decision_email(submission: Submission) -> EmailMultiAlternatives:
    """The decision, to the presenting author in the language they submitted in
    (Submission.language): what was decided, the organizers' message, the reviewers' comments
    for the authors, for an acceptance what it became in the program, and the link to their
    personal page (where the decision stays)."""
    with translation.override(submission.language):
        workshop = submission.workshop
        presenting = submission.authors.filter(presenting=True).first()
        context = {
            "submission": submission,
            "title": plain_text(submission.title),
            "workshop": workshop,
            "name": presenting.name if presenting else "",
            "accepted": submission.decision != Submission.Decision.REJECTED,
            "comments": [
                review.comment_to_authors.strip()
                for review in submission.reviews.exclude(comment_to_authors="")
                if review.comment_to_authors.strip()
            ],
            "program_url": program_url(submission),
            "manage_url": personal_link(submission),
        }
        return compose(
            workshop,
            gettext(DECISION_SUBJECTS[submission.decision]) % {"acronym": workshop.acronym},
            "contributions/email/decision",
            context,
            to=submission.email,
        )


def program_url(submission: Submission) -> str:
    """Where an accepted submission shows in the program (its poster or its talk's page), as a
    full address; "" otherwise."""
    row = submission.poster or submission.talk
    return settings.SITE_URL + row.get_absolute_url() if row else ""


def build_withdrawal_email(submission: Submission, *, to: str) -> EmailMultiAlternatives:
    """To the organizers (the edition's contact address), in the site's language: an accepted
    submission was withdrawn, and what left the program."""
    with translation.override(settings.LANGUAGE_CODE):
        workshop = submission.workshop
        context = {
            "submission": submission,
            "title": plain_text(submission.title),
            "workshop": workshop,
            "authors": list(submission.authors.all()),
            "sent": submission.decision_sent_at is not None,
        }
        return compose(
            workshop,
            gettext("%(acronym)s: an accepted contribution was withdrawn")
            % {"acronym": workshop.acronym},
            "contributions/email/withdrawal",
            context,
            to=to,
        )


def _submission(delivery: Delivery) -> Submission | None:
    return Submission.objects.select_related("workshop").filter(pk=delivery.recipient_id).first()


def _compose_submission_email(delivery: Delivery) -> EmailMultiAlternatives | None:
    submission = _submission(delivery)
    if submission is None:
        return None  # deleted since
    if delivery.variant == "confirm_address" and submission.address_confirmed_at is not None:
        return None  # confirmed meanwhile: the link would only confirm again
    return build_submission_email(submission, delivery.variant)


def _compose_decision(delivery: Delivery) -> EmailMultiAlternatives | None:
    submission = _submission(delivery)
    if submission is None or submission.withdrawn_at is not None or not submission.decision:
        return None  # deleted or withdrawn since: nothing to tell them
    return build_decision_email(submission)


def _compose_withdrawal(delivery: Delivery) -> EmailMultiAlternatives | None:
    submission = _submission(delivery)
    if submission is None:
        return None
    return build_withdrawal_email(submission, to=delivery.to)


kinds.register(DECISION, label=_("Decision on a contribution"), compose=_compose_decision)
kinds.register(
    WITHDRAWAL, label=_("Withdrawal of an accepted contribution"), compose=_compose_withdrawal
)
kinds.register(
    SUBMISSION,
    label=_("Submission email"),
    compose=_compose_submission_email,
    variants=VARIANTS,
)
