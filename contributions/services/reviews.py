"""The committee's review: which submissions a reviewer may see, and their scores and comments.

A reviewer is an account with the right to add reviews (the "reviewer" group, organizers). They
see the edition's confirmed submissions, all of them or only those assigned to them as its call
says (Call.reviewers_see_all), never one that names them as an author: the presenting author's
address is theirs, or an author's name is their full name (accents and case aside, as the desk
compares names: registration.names.fold)."""

from collections.abc import Iterable, Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext

from program.models import Workshop
from registration.addresses import normalised_or_as_typed
from registration.names import fold

from ..models import Author, Criterion, Review, Score, Submission

# A submission with fewer reviews than this is "under-reviewed" in the organizers' list.
ENOUGH_REVIEWS = 3

REVIEW_PERMISSIONS = ("contributions.view_submission", "contributions.add_review")
# The organizers': reviewers may see submissions too, but only those on their list.
ORGANIZER_PERMISSIONS = ("contributions.view_submission", "contributions.change_submission")


class ReviewError(Exception):
    """A rule refused the review; the message is written for the reviewer."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotYoursToReview(ReviewError):
    def __init__(self):
        super().__init__(gettext("You may not review this submission."))


class InvalidScores(ReviewError):
    pass


def may_review(user: AbstractBaseUser) -> bool:
    """Whether the account is a reviewer (or an organizer): it may open the review pages."""
    return user.is_active and user.has_perms(REVIEW_PERMISSIONS)


def is_organizer(user: AbstractBaseUser) -> bool:
    """Whether the account sees every submission as the organizers do (the admin's list)."""
    return user.is_active and user.is_staff and user.has_perms(ORGANIZER_PERMISSIONS)


def _same_address(a: str, b: str) -> bool:
    return normalised_or_as_typed(a).lower() == normalised_or_as_typed(b).lower()


def names_as_author(submission: Submission, user: AbstractBaseUser) -> bool:
    """Whether the submission names the user as an author: the presenting author's address is
    the user's, or an author's name is the user's full name (accents and case aside). Reads
    `submission.author_list` where reviewable() read it, else `submission.authors.all()`."""
    if user.email and _same_address(submission.email, user.email):
        return True
    full_name = fold(" ".join(user.get_full_name().split()))
    authors = getattr(submission, "author_list", None)
    if authors is None:
        authors = submission.authors.all()
    return bool(full_name) and any(
        fold(" ".join(author.name.split())) == full_name for author in authors
    )


def reviewable(workshop: Workshop, user: AbstractBaseUser) -> QuerySet[Submission]:
    """The edition's submissions the reviewer may be shown, before leaving out those naming them
    as an author (names_as_author, in Python: names are folded as the desk folds them). Each
    carries `reviewed` (whether this reviewer reviewed it) and `author_list`, its authors in
    order (a plain list: prefetching into each submission's `authors` manager cost more than the
    query, 300 querysets for 300 submissions; bench/review.py)."""
    submissions = Submission.objects.confirmed().filter(workshop=workshop)
    call = getattr(workshop, "call", None)
    if call is None:
        return submissions.none()
    if not call.reviewers_see_all:
        submissions = submissions.filter(assigned_reviewers=user)
    return submissions.annotate(
        reviewed=Exists(Review.objects.filter(submission=OuterRef("pk"), reviewer=user))
    ).prefetch_related(
        Prefetch(
            "authors",
            queryset=Author.objects.order_by("position", "pk"),
            to_attr="author_list",
        )
    )


def submissions_to_review(workshop: Workshop, user: AbstractBaseUser) -> list[Submission]:
    """The reviewer's list: the edition's submissions they may review (reviewable), oldest
    first. Two queries, whatever the number of submissions."""
    if not may_review(user):
        return []
    submissions = reviewable(workshop, user).order_by("created_at", "pk")
    return [s for s in submissions if not names_as_author(s, user)]


def submission_to_review(workshop: Workshop, user: AbstractBaseUser, pk: int) -> Submission:
    """One submission of the reviewer's list; Submission.DoesNotExist if it is not on it (not
    theirs to see, or naming them as an author): the page answers 404, as for no submission."""
    if not may_review(user):
        raise Submission.DoesNotExist
    submission = reviewable(workshop, user).select_related("workshop__call").get(pk=pk)
    if names_as_author(submission, user):
        raise Submission.DoesNotExist
    return submission


def submission_with_extended_abstract(
    workshop: Workshop, user: AbstractBaseUser, pk: int
) -> Submission:
    """The edition's submission `pk`, with a PDF, for the user to read it: an organizer any of
    them, a reviewer one on their list (submission_to_review). Submission.DoesNotExist for
    anyone else, as for no such submission or no PDF."""
    if is_organizer(user):
        submission = Submission.objects.get(workshop=workshop, pk=pk)
    else:
        submission = submission_to_review(workshop, user, pk)
    if not submission.extended_abstract:
        raise Submission.DoesNotExist
    return submission


def check_may_review(submission: Submission, user: AbstractBaseUser) -> None:
    """NotYoursToReview unless the user may review this submission: a reviewer, the submission
    confirmed and on their list (assigned, when the call shows each reviewer only theirs), not
    naming them as an author."""
    allowed = (
        may_review(user)
        and reviewable(submission.workshop, user).filter(pk=submission.pk).exists()
        and not names_as_author(submission, user)
    )
    if not allowed:
        raise NotYoursToReview


def clean_scores(
    criteria: Iterable[Criterion], scores: Mapping[Criterion | int, int | str]
) -> dict[Criterion, int]:
    """`scores` (by criterion or its pk) checked against the edition's criteria: one score for
    each, a whole number from its lowest to its highest. InvalidScores says what is wrong."""
    given = {getattr(key, "pk", key): value for key, value in scores.items()}
    criteria = list(criteria)
    unknown = set(given) - {criterion.pk for criterion in criteria}
    if unknown:
        raise InvalidScores(gettext("A score was given on a criterion of no such name."))
    cleaned = {}
    for criterion in criteria:
        value = given.get(criterion.pk)
        if value is None or value == "":
            raise InvalidScores(
                gettext("Give a score on “%(criterion)s”.") % {"criterion": criterion.name}
            )
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not criterion.lowest <= number <= criterion.highest:
            raise InvalidScores(
                gettext("The score on “%(criterion)s” goes from %(lowest)s to %(highest)s.")
                % {
                    "criterion": criterion.name,
                    "lowest": criterion.lowest,
                    "highest": criterion.highest,
                }
            )
        cleaned[criterion] = number
    return cleaned


def save_review(
    submission: Submission,
    *,
    reviewer: AbstractBaseUser,
    scores: Mapping[Criterion | int, int | str],
    comment: str = "",
    comment_to_authors: str = "",
) -> Review:
    """The reviewer's review of the submission, made or replaced: a score on each of the
    edition's criteria (`scores`, by criterion or its pk), a comment for the committee and one
    for the authors. Raises NotYoursToReview when they may not review it (check_may_review),
    InvalidScores when a criterion has no score or one out of its range.

    Locks the reviewer's review of it, if any (two tabs saving at once keep one review, the
    last). Sends nothing."""
    check_may_review(submission, reviewer)
    criteria = Criterion.objects.filter(workshop=submission.workshop)
    cleaned = clean_scores(criteria, scores)
    with transaction.atomic():
        review = (
            Review.objects.select_for_update()
            .filter(submission=submission, reviewer=reviewer)
            .first()
        ) or Review(submission=submission, reviewer=reviewer)
        review.comment = comment.strip()
        review.comment_to_authors = comment_to_authors.strip()
        review.full_clean(validate_unique=False)
        review.save()
        review.scores.exclude(criterion__in=cleaned).delete()
        for criterion, value in cleaned.items():
            Score.objects.update_or_create(
                review=review, criterion=criterion, defaults={"value": value}
            )
    return review


def reviews_for_export(submissions: QuerySet[Submission]) -> QuerySet[Review]:
    """The reviews of `submissions`, each with its submission, reviewer and scores, in the
    submissions' order of creation: three queries, whatever their number."""
    return (
        Review.objects.filter(submission__in=submissions)
        .select_related("submission__workshop__call", "reviewer")
        .prefetch_related(
            Prefetch("scores", queryset=Score.objects.select_related("criterion")),
            Prefetch("submission__authors", queryset=Author.objects.order_by("position", "pk")),
        )
        .order_by("submission__created_at", "submission__pk", "created_at", "pk")
    )


def reviewer_accounts() -> Q:
    """The accounts that may review (for the organizers' choice of assigned reviewers): those
    given the right to add reviews, by a group or by themselves, and the superusers."""
    return (
        Q(
            groups__permissions__codename="add_review",
            groups__permissions__content_type__app_label="contributions",
        )
        | Q(
            user_permissions__codename="add_review",
            user_permissions__content_type__app_label="contributions",
        )
        | Q(is_superuser=True)
    )
