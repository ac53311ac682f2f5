"""The organizers' decisions: accept as a poster, accept as a talk, or reject, each with a message
to the authors; sent by one action through the outbox; an accepted submission becoming a Poster
or a Talk of its edition, with Speaker rows; and taken out of the program again when it is
withdrawn.

An accepted submission enters the program when its decision is sent, not when it is decided:
until then the committee may change its mind freely (nothing public to undo), and no author
learns their decision from the posters page before their email. Once sent, a decision is the
authors' and no longer changes (DecisionSent): a change of plan after that is a conversation
with them, and a withdrawal (retract_from_program) if they leave.

Every write takes the edition's lock (registration's locked_workshop), so that two organizers
sending at once number two posters apart and send each decision once; the outbox's `once`
constraint keeps each submission to one decision email whatever happens.
"""

import logging
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mail import outbox
from program.emails import SPEAKER_LINK, queue_speaker_link, reply_to
from program.models import Poster, Speaker, Talk, Workshop, one_line
from program.text import plain_text
from registration.names import fold
from registration.services.locks import locked_workshop

from ..emails import DECISION, WITHDRAWAL
from ..models import Author, Submission

logger = logging.getLogger(__name__)

Decision = Submission.Decision
ACCEPTED = (Decision.POSTER, Decision.TALK)


class DecisionError(Exception):
    """A rule refused the decision; the message is written for the organizer who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DecisionSent(DecisionError):
    pass


def decide(
    submission: Submission, *, decision: str, message: str, by: AbstractBaseUser | None
) -> Submission:
    """Record the organizers' decision on `submission` (a Submission.Decision, or "" to undo it)
    with its message to the authors. Either acceptance may differ from the kind asked for. It may
    change until it is sent; nothing is emailed and nothing enters the program here
    (send_decisions does both).

    Locks the edition. Raises DecisionError for a withdrawn or unconfirmed submission, an unknown
    decision or a message with a NUL, DecisionSent once the decision was sent."""
    if decision not in Decision.values and decision != "":
        raise DecisionError(_("Choose a decision: a poster, a talk, or not accepted."))
    if "\x00" in message:
        raise DecisionError(_("The message contains a character that cannot be stored (NUL)."))
    with locked_workshop(submission.workshop):
        current = Submission.objects.select_for_update().get(pk=submission.pk)
        refuse_decision(current)
        current.decision = decision
        current.decision_message = message.strip()
        current.decided_at = timezone.now() if decision else None
        current.decided_by = by if decision else None
        current.full_clean()
        current.save(
            update_fields=[
                "decision",
                "decision_message",
                "decided_at",
                "decided_by",
                "updated_at",
            ]
        )
    return current


def refuse_decision(submission: Submission) -> None:
    """Raise DecisionError when `submission` may not be decided (again) now: withdrawn,
    its address unconfirmed, or its decision sent already."""
    if submission.withdrawn_at is not None:
        raise DecisionError(
            _("“%(title)s” was withdrawn by its authors: there is nothing to decide.")
            % {"title": plain_text(submission.title)}
        )
    if submission.address_confirmed_at is None:
        raise DecisionError(
            _(
                "“%(title)s” is not confirmed: its presenting author has not yet clicked the "
                "link sent to their address."
            )
            % {"title": plain_text(submission.title)}
        )
    if submission.decision_sent_at is not None:
        raise DecisionSent(
            _(
                "The decision on “%(title)s” was sent to its authors on %(day)s and can no "
                "longer change. Write to them; if they withdraw, it leaves the program."
            )
            % {
                "title": plain_text(submission.title),
                "day": timezone.localdate(
                    submission.decision_sent_at, timezone=submission.workshop.tzinfo
                ).isoformat(),
            }
        )


def send_decisions(workshop: Workshop, submissions: Iterable[Submission] | None = None) -> int:
    """Send the decisions of `workshop` (of `submissions` among them, if given) that are made and
    not sent yet, to each presenting author, in their language: one email each, ever (the
    outbox's `once`, keyed on the submission). Each accepted one becomes a Poster or a Talk of
    the edition first (add_to_program), and its presenting speaker, if they never had it, is
    owed their personal link.

    Withdrawn and unconfirmed submissions are left out. Locks the edition; the emails go after
    commit. Running it twice sends nothing the second time. Returns how many decisions it sent."""
    with locked_workshop(workshop) as locked:
        owed = (
            Submission.objects.confirmed()
            .filter(workshop=locked, decision_sent_at__isnull=True)
            .exclude(decision="")
            .select_for_update()
            .order_by("decided_at", "pk")
        )
        if submissions is not None:
            owed = owed.filter(pk__in=[submission.pk for submission in submissions])
        sent = 0
        for submission in owed:
            submission.workshop = locked
            if submission.decision in ACCEPTED:
                presenter = add_to_program(submission)
                if presenter.email and not presenter.deliveries.filter(kind=SPEAKER_LINK).exists():
                    queue_speaker_link(presenter)
            submission.decision_sent_at = timezone.now()
            submission.save(update_fields=["decision_sent_at", "poster", "talk", "updated_at"])
            outbox.queue_each(
                DECISION,
                [(submission.pk, submission.email)],
                recipient_model=Submission,
                about=submission,
            )
            sent += 1
    return sent


def add_to_program(submission: Submission) -> Speaker:
    """Make the accepted `submission` a Poster (the edition's next free number) or a contributed
    Talk (its slug from the title, unique in the edition) with its title and abstract, presented
    by a Speaker of the edition for each author, in order; sets submission.poster or .talk (the
    caller saves the submission). Returns the presenting author's speaker. Caller holds the
    edition's lock."""
    workshop = submission.workshop
    authors = list(submission.authors.all())
    if not authors:
        raise DecisionError(
            _("“%(title)s” has no authors: add them before sending its decision.")
            % {"title": plain_text(submission.title)}
        )
    found = [speaker_for(author, submission) for author in authors]
    speakers = [speaker for speaker, _created in found]
    submission.speakers_added.add(*[speaker for speaker, created in found if created])
    if submission.decision == Decision.POSTER:
        last = workshop.posters.aggregate(last=Max("number"))["last"] or 0
        poster = Poster(
            workshop=workshop,
            number=last + 1,
            title=submission.title,
            abstract=submission.abstract,
        )
        poster.full_clean()
        poster.save()
        poster.presenters.set(speakers)
        submission.poster = poster
    else:
        talk = Talk(
            workshop=workshop,
            slug=free_talk_slug(workshop, submission.title),
            title=submission.title,
            abstract=submission.abstract,
            kind=Talk.Kind.CONTRIBUTED,
        )
        talk.full_clean()
        talk.save()
        talk.speakers.set(speakers)
        submission.talk = talk
    presenting = [
        speaker for author, speaker in zip(authors, speakers, strict=True) if author.presenting
    ]
    return presenting[0] if presenting else speakers[0]


def speaker_for(author: Author, submission: Submission) -> tuple[Speaker, bool]:
    """The edition's Speaker for `author`, reused if there is one, else a new one (with the
    submission's language, and the address for the presenting author), and whether it is new.

    The presenting author is the speaker of the edition with their address (whatever its case).
    A co-author has no address here: they are the speaker of the edition without one whose name
    and affiliation are theirs, accents, case and spacing aside (registration.names.fold, as the
    desk compares names), so that a co-author of two accepted submissions is one speaker, listed
    once and linked to both. Two people of one name and one affiliation would be one speaker: a
    rare confusion organizers can split in the admin, where a duplicate on the public pages is
    not."""
    workshop = submission.workshop
    if author.presenting:
        existing = (
            Speaker.objects.filter(workshop=workshop, email__iexact=submission.email)
            .order_by("pk")
            .first()
        )
    else:
        key = (same_name(author.name), same_name(author.affiliation))
        existing = next(
            (
                speaker
                for speaker in Speaker.objects.filter(workshop=workshop, email="").order_by("pk")
                if (same_name(speaker.name), same_name(speaker.affiliation)) == key
            ),
            None,
        )
    if existing is not None:
        return existing, False
    name = one_line(author.name)
    speaker = Speaker(
        workshop=workshop,
        name=name,
        # A guess organizers may correct: the last word, as most lists sort.
        sort_name=name.rsplit(" ", 1)[-1],
        affiliation=one_line(author.affiliation),
        email=submission.email if author.presenting else "",
        language=submission.language,
    )
    speaker.full_clean()
    speaker.save()
    return speaker, True


def same_name(text: str) -> str:
    """`text` as names compare: folded, its spaces collapsed ("Émile  Borel" → "emile borel")."""
    return " ".join(fold(text).split())


def free_talk_slug(workshop: Workshop, title: str) -> str:
    """A slug from the title (its math as plain text), at most 100 characters, not taken by
    another talk of the edition: “low-rank-adapters”, else “low-rank-adapters-2”, …"""
    base = slugify(plain_text(title))[:90].strip("-") or "talk"
    taken = set(workshop.talks.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def retract_from_program(submission: Submission) -> Poster | Talk | None:
    """Take a withdrawn, accepted submission out of the program: its Poster or Talk is deleted
    (the public pages no longer show it), with those of its speakers that an acceptance created
    (Submission.speakers_added, of this submission or another one) and who now present nothing.
    A speaker who presents another talk or poster stays, and so does one the organizers entered
    themselves (a keynote speaker who submitted a poster); the submission stays. The organizers
    are told by an email to the edition's contact address. Called by the withdrawal
    (services/submissions.py) after acceptance; a submission never accepted is left alone.

    Locks the edition; the email goes after commit. Returns the row removed (unsaved), if any."""
    with locked_workshop(submission.workshop):
        current = Submission.objects.select_for_update().get(pk=submission.pk)
        if current.decision not in ACCEPTED:
            return None
        removed = current.poster or current.talk
        if removed is not None:
            people = removed.presenters if isinstance(removed, Poster) else removed.speakers
            presenters = list(people.values_list("pk", flat=True))
            removed.delete()  # Submission.poster/.talk: SET_NULL
            Speaker.objects.filter(
                pk__in=presenters,
                added_by_submissions__isnull=False,
                talks__isnull=True,
                posters__isnull=True,
            ).delete()
        to = reply_to(current.workshop)
        if to:
            outbox.queue(WITHDRAWAL, current, to=to[0])
        else:
            logger.warning("withdrawal not emailed: submission=%s has no address", current.pk)
    submission.poster = submission.talk = None
    return removed
