"""The authors' side of the call: submitting without an account, confirming the address,
editing until the call closes, withdrawing.

Submitting and editing run in one transaction that first takes the edition's lock
(registration.services.locked_workshop, with its bounded wait) and reads the clock under it: a
form loaded before the call closes and sent after is refused, whatever the page showed. The
emails are written to the outbox (mail/) in the same transaction and sent after it commits.
"""

import dataclasses
import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext, ngettext

from program.models import Workshop
from registration.services import locked_workshop
from registration.throttle import allow_email_to

from ..emails import queue_submission_email
from ..models import Author, Call, Kind, Submission
from . import decisions

# The public form's own count of emails to one address (registration.throttle).
EMAILS_PREFIX = "submission-emails-to"


class SubmissionError(Exception):
    """A rule refused the request; the message is written for the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CallNotOpen(SubmissionError):
    pass


class CallClosed(SubmissionError):
    pass


class SubmissionWithdrawn(SubmissionError):
    pass


class AddressNotConfirmed(SubmissionError):
    pass


class TooManyEmails(SubmissionError):
    pass


@dataclasses.dataclass(frozen=True)
class AuthorData:
    """One author as the form gives them, in the paper's order."""

    name: str
    affiliation: str = ""
    presenting: bool = False


def moment_text(moment: dt.datetime, workshop: Workshop) -> str:
    """“Friday 1 November 2024, 23:59 (Europe/Paris time)”: an instant as the edition tells it."""
    local = timezone.localtime(moment, workshop.tzinfo)
    return gettext("%(moment)s (%(zone)s time)") % {
        "moment": dateformat.format(local, "l j F Y, H:i"),
        "zone": workshop.timezone,
    }


def check_call_open(call: Call | None, now: dt.datetime) -> Call:
    """The call, if it accepts submissions at `now`; else CallNotOpen or CallClosed, saying when
    it opens or when it closed, in the edition's time zone."""
    if call is None:
        raise CallNotOpen(gettext("This edition has no call for contributions."))
    if now < call.opens_at:
        raise CallNotOpen(
            gettext("The call for contributions opens on %(moment)s.")
            % {"moment": moment_text(call.opens_at, call.workshop)}
        )
    if now >= call.closes_at:
        last = call.closes_at - dt.timedelta(minutes=1)
        raise CallClosed(
            gettext(
                "The call for contributions closed on %(moment)s: nothing was saved. Your text "
                "is kept below, for your own records; to ask about a late contribution, write "
                "to the organizers."
            )
            % {"moment": moment_text(last, call.workshop)}
        )
    return call


def word_count(text: str) -> int:
    return len(text.split())


def check_abstract(call: Call, abstract: str) -> None:
    """Refuse an abstract longer than the call's limit, saying by how much (ValidationError on
    the field `abstract`)."""
    limit = call.abstract_max_words
    count = word_count(abstract)
    if limit and count > limit:
        raise ValidationError(
            {
                "abstract": ngettext(
                    "The abstract has %(count)s words; the call takes at most %(limit)s word.",
                    "The abstract has %(count)s words; the call takes at most %(limit)s words.",
                    limit,
                )
                % {"count": count, "limit": limit}
            }
        )


def check_kind(call: Call, kind: str) -> None:
    if kind not in call.kinds:
        raise ValidationError(
            {
                "kind": gettext("This call does not take %(kind)s.")
                % {"kind": dict(Kind.choices).get(kind, kind)}
            }
        )


def author_rows(authors: Sequence[AuthorData]) -> list[Author]:
    """The authors as rows in the paper's order, checked before anything is saved: at least one,
    and exactly one presenting."""
    if not authors:
        raise ValidationError(gettext("Name at least one author."))
    if sum(author.presenting for author in authors) != 1:
        raise ValidationError(gettext("Mark one author, and only one, as presenting."))
    rows = [
        Author(
            position=position,
            name=author.name,
            affiliation=author.affiliation,
            presenting=author.presenting,
        )
        for position, author in enumerate(authors)
    ]
    for row in rows:
        row.full_clean(exclude=["submission"])
    return rows


def save_authors(submission: Submission, rows: list[Author]) -> None:
    """Replace the submission's authors with `rows` (author_rows)."""
    submission.authors.all().delete()
    for row in rows:
        row.submission = submission
    Author.objects.bulk_create(rows)


def submit(
    workshop: Workshop,
    *,
    kind: str,
    title: str,
    abstract: str,
    authors: Sequence[AuthorData],
    email: str,
    extended_abstract: UploadedFile | None = None,
    language: str = settings.LANGUAGE_CODE,
    client_address: str | None = None,
    now: dt.datetime | None = None,
) -> Submission:
    """Submit a poster or a talk to the edition's call: the text, the authors in order (one
    presenting, whose address is `email`), an optional PDF (program.materials checked it).

    The same title from the same address is kept as a new submission, never merged: the
    organizers see it flagged (SubmissionQuerySet.with_duplicates).

    Locks the workshop row (registration's lock, bounded: Busy past it) and reads the clock
    under it. Raises CallNotOpen / CallClosed outside the call's instants, ValidationError on
    bad input (a kind the call does not take, an abstract over its limit, no presenting author).
    Raises TooManyEmails, with nothing saved, once this address had its few emails of the hour
    (registration.throttle.allow_email_to): submitting with someone else's address must not
    flood their inbox. After commit, sends the presenting author the link to confirm their
    address, in `language`.
    """
    with locked_workshop(workshop) as workshop:
        now = now or timezone.now()
        call = check_call_open(Call.objects.filter(workshop=workshop).first(), now)
        check_kind(call, kind)
        check_abstract(call, abstract)
        rows = author_rows(authors)
        submission = Submission(
            workshop=workshop,
            kind=kind,
            title=title,
            abstract=abstract,
            email=email,
            language=language,
            client_address=client_address,
        )
        if extended_abstract is not None:
            submission.extended_abstract = extended_abstract
        submission.full_clean()
        # Last: a submission refused for its content counts no email.
        if not allow_email_to(email, prefix=EMAILS_PREFIX):
            raise TooManyEmails(
                gettext(
                    "We have sent several emails to this address in the last hour: nothing was "
                    "saved. Your text is kept below: please send it again later."
                )
            )
        submission.save()
        save_authors(submission, rows)
        queue_submission_email(submission, "confirm_address")
    return submission


def confirm_address(submission: Submission, *, now: dt.datetime | None = None) -> bool:
    """The presenting author clicked the link sent to their address: the committee may now see
    the submission (SubmissionQuerySet.confirmed), and its page lets them edit it. Returns
    whether this confirmed it (False: it was confirmed already). Sends the "received" email."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if submission.address_confirmed_at is not None:
            return False
        submission.address_confirmed_at = now or timezone.now()
        submission.save(update_fields=["address_confirmed_at", "updated_at"])
        queue_submission_email(submission, "received")
    return True


def edit(
    submission: Submission,
    *,
    kind: str,
    title: str,
    abstract: str,
    authors: Sequence[AuthorData],
    extended_abstract: UploadedFile | bool | None = None,
    now: dt.datetime | None = None,
) -> Submission:
    """Change a submission from its personal page, while the call is open: every field but the
    presenting author's address (the one confirmed). `extended_abstract`: a new PDF, False to
    remove it, None to keep it.

    Locks the workshop row and reads the clock under it, as submit(). Raises CallClosed once the
    call has closed, AddressNotConfirmed before the address is confirmed, SubmissionWithdrawn
    once withdrawn, ValidationError on bad input, with nothing changed. Sends nothing."""
    with locked_workshop(submission.workshop) as workshop:
        now = now or timezone.now()
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if submission.withdrawn_at is not None:
            raise SubmissionWithdrawn(gettext("This submission was withdrawn: nothing was saved."))
        if submission.address_confirmed_at is None:
            raise AddressNotConfirmed(
                gettext("Confirm your address first, with the link we emailed you.")
            )
        call = check_call_open(Call.objects.filter(workshop=workshop).first(), now)
        check_kind(call, kind)
        check_abstract(call, abstract)
        rows = author_rows(authors)
        submission.kind, submission.title, submission.abstract = kind, title, abstract
        if extended_abstract is False:
            submission.extended_abstract = ""
        elif extended_abstract is not None:
            submission.extended_abstract = extended_abstract
        submission.full_clean()
        submission.save()
        save_authors(submission, rows)
    return submission


def withdraw(submission: Submission, *, now: dt.datetime | None = None) -> bool:
    """The presenting author withdraws the submission: the committee no longer sees it, and an
    accepted one leaves the program, the organizers told (decisions.retract_from_program).
    Returns whether this withdrew it (False: it was withdrawn already)."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if submission.withdrawn_at is not None:
            return False
        submission.withdrawn_at = now or timezone.now()
        submission.save(update_fields=["withdrawn_at", "updated_at"])
        decisions.retract_from_program(submission)
    return True
