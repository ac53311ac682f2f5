"""The call for contributions of an edition: what it accepts and when, the posters and talks
submitted to it, the committee's reviews and the organizers' decisions.

A submission is the authors' text, kept apart from the program: an accepted one becomes a
Poster or a Talk of its edition (services), and the program never reads this app."""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from program import translated_texts
from program.models import DATE_PLACEHOLDERS, DATE_TEXT_HELP, Poster, Talk, Workshop, one_line
from program.placeholders import fill_placeholders
from program.text import plain_text


def new_token() -> str:
    """256 random bits, URL-safe: the key to a submission's personal page."""
    return secrets.token_urlsafe(32)


class Kind(models.TextChoices):
    POSTER = "poster", _("Poster")
    TALK = "talk", _("Contributed talk")


class Call(models.Model):
    """An edition's call for contributions. Its instants are exact, as the registration
    deadline's: a submission is accepted from `opens_at` (included) until `closes_at`
    (excluded), both stored in UTC and shown in the edition's time zone."""

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="call")
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(
        _("closes at"), help_text=_("Submissions sent from this instant on are refused.")
    )
    accepts_posters = models.BooleanField(_("posters"), default=True)
    accepts_talks = models.BooleanField(_("contributed talks"), default=True)
    text = models.TextField(
        _("text of the call"),
        blank=True,
        help_text=DATE_TEXT_HELP,
    )
    abstract_max_words = models.PositiveIntegerField(
        _("longest abstract, in words"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Blank: no limit."),
    )
    reviewers_see_all = models.BooleanField(
        _("reviewers see every submission"),
        default=True,
        help_text=_("Untick to show each reviewer only the submissions assigned to them."),
    )
    double_blind = models.BooleanField(
        _("authors hidden from reviewers"),
        default=False,
        help_text=_("Reviewers see neither the authors' names nor their affiliations."),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="call_closes_after_it_opens",
                violation_error_message=_("The call must close after it opens."),
            )
        ]

    def __str__(self):
        return str(self.workshop)

    def get_absolute_url(self):
        return reverse("contributions:call", kwargs={"edition": self.workshop.slug})

    def clean(self):
        errors = {}
        for field in translated_texts.columns("text"):  # each language's version, under its field
            if unknown := fill_placeholders(getattr(self, field) or "", DATE_PLACEHOLDERS).unknown:
                errors[field] = ValidationError(
                    format_lazy("{} {}", _("Unknown placeholder %(unknown)s."), DATE_TEXT_HELP),
                    params={"unknown": ", ".join(unknown)},
                )
        workshop = self.workshop if self.workshop_id else None
        # The committee decides before the workshop: a call open during it, or after, is a typo.
        if workshop and self.closes_at and self.closes_at > workshop.ends_at:
            errors["closes_at"] = ValidationError(
                _(
                    "The call closes after the workshop's last day, %(last_day)s: set it to "
                    "close on that day or before."
                ),
                params={"last_day": dateformat.format(workshop.ends_on, "j F Y")},
            )
        if errors:
            raise ValidationError(errors)

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    @property
    def kinds(self) -> list[Kind]:
        """The kinds this call accepts, posters first."""
        accepted = {Kind.POSTER: self.accepts_posters, Kind.TALK: self.accepts_talks}
        return [kind for kind, on in accepted.items() if on]

    @property
    def text_with_dates(self) -> str:
        return self.workshop.with_dates_of(self, "text")


class Criterion(models.Model):
    """What a submission is scored on, from `lowest` to `highest` (default: 1–5)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    lowest = models.PositiveSmallIntegerField(default=1)
    highest = models.PositiveSmallIntegerField(default=5)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "name"], name="criterion_name_unique"),
            models.CheckConstraint(
                condition=Q(highest__gt=F("lowest")),
                name="criterion_highest_above_lowest",
                violation_error_message=_("The highest score must be above the lowest."),
            ),
        ]

    def __str__(self):
        return self.name


# The criteria an edition's call starts with.
DEFAULT_CRITERIA = (_("Relevance"), _("Quality"))


class SubmissionQuerySet(models.QuerySet):
    def confirmed(self):
        """Submissions whose presenting author confirmed their address, not withdrawn: those the
        committee reviews."""
        return self.filter(address_confirmed_at__isnull=False, withdrawn_at__isnull=True)

    def same_as(self, workshop: Workshop, *, title: str, email: str):
        """The submissions to `workshop` with this title from this address, whatever the case of
        either: a second one is kept, and flagged to the organizers (with_duplicates)."""
        return self.alias(lower_title=Lower("title"), lower_email=Lower("email")).filter(
            workshop=workshop, lower_title=title.lower(), lower_email=email.lower()
        )

    def with_duplicates(self):
        """Each submission with `duplicates`: whether another submission to its edition has the
        same title from the same address (case aside). Computed, not stored: deleting or editing
        either clears it. Neither is ever merged into the other."""
        others = (
            Submission.objects.alias(lower_title=Lower("title"), lower_email=Lower("email"))
            .filter(
                workshop=OuterRef("workshop"),
                lower_title=Lower(OuterRef("title")),
                lower_email=Lower(OuterRef("email")),
            )
            .exclude(pk=OuterRef("pk"))
        )
        return self.annotate(duplicates=Exists(others))

    def with_presenter(self):
        """Each with `presenter`, its presenting author's name, by a subquery."""
        presenting = Author.objects.filter(submission=OuterRef("pk"), presenting=True)
        return self.annotate(presenter=Subquery(presenting.values("name")[:1]))

    def with_review_summary(self):
        """Each with `review_count` (its reviews) and `mean_score` (the mean of every score of
        every review, over all criteria; None before the first), by subqueries: no query per
        row, and no join that would count a review once per score."""
        reviews = Review.objects.filter(submission=OuterRef("pk")).order_by()
        scores = Score.objects.filter(review__submission=OuterRef("pk")).order_by()
        return self.annotate(
            review_count=Coalesce(
                Subquery(reviews.values("submission").annotate(n=Count("pk")).values("n")), 0
            ),
            mean_score=Subquery(
                scores.values("review__submission").annotate(mean=Avg("value")).values("mean"),
                output_field=models.FloatField(),
            ),
        )


class Submission(models.Model):
    """A poster or a contributed talk proposed to an edition's call, by its presenting author."""

    class Decision(models.TextChoices):
        POSTER = "poster", _("Accepted as a poster")
        TALK = "talk", _("Accepted as a talk")
        REJECTED = "rejected", _("Not accepted")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="submissions")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    title = models.CharField(_("title"), max_length=300)
    abstract = models.TextField(_("abstract"))
    extended_abstract = models.FileField(
        _("extended abstract (PDF)"), upload_to="submissions/", blank=True, max_length=200
    )
    email = models.EmailField(_("presenting author's email"))
    # The language the submitter wrote in: their emails and their own pages speak it; the language
    # switch on those pages changes it (program/languages.py).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    client_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    address_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision, blank=True)
    decision_message = models.TextField(
        _("message to the authors"),
        blank=True,
        help_text=_("Sent with the decision."),
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("decided by"),
    )
    # When the decision was emailed (services/decisions.py send_decisions): from then on it is
    # the authors' and no longer changes.
    decision_sent_at = models.DateTimeField(
        _("decision sent at"), null=True, blank=True, editable=False
    )
    # What an accepted submission became in the program.
    poster = models.OneToOneField(
        Poster, null=True, blank=True, on_delete=models.SET_NULL, related_name="submission"
    )
    talk = models.OneToOneField(
        Talk, null=True, blank=True, on_delete=models.SET_NULL, related_name="submission"
    )
    # The speakers its acceptance created (not those it reused, such as a keynote speaker
    # entered by hand): a withdrawal removes those of them who then present nothing
    # (services/decisions.py retract_from_program).
    speakers_added = models.ManyToManyField(
        "program.Speaker", blank=True, related_name="added_by_submissions", editable=False
    )
    assigned_reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_submissions",
        verbose_name=_("assigned reviewers"),
    )
    # Its emails (mail/): the address confirmation, the decision. Deleted with it.
    deliveries = GenericRelation(
        "mail.Delivery",
        content_type_field="recipient_type",
        object_id_field="recipient_id",
        related_query_name="submission",
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The same title from the same address (with_duplicates, same_as): one index probe
            # per submission of the organizers' list, not a scan of the whole edition (bench/review.py).
            models.Index(
                F("workshop"), Lower("title"), Lower("email"), name="submission_title_address"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(poster__isnull=True) | Q(talk__isnull=True),
                name="submission_one_program_row",
                violation_error_message=_("A submission becomes a poster or a talk, not both."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("contributions:submission", kwargs={"token": self.token})

    def clean(self):
        self.title = one_line(self.title)

    @property
    def plain_title(self) -> str:
        """The title wherever no math is typeset (program.text.plain_text)."""
        return plain_text(self.title)

    def decision_sent(self) -> bool:
        """Whether the authors were sent the decision (services/decisions.send_decisions): until
        then the personal page does not show it."""
        return bool(self.decision) and self.decision_sent_at is not None


class Author(models.Model):
    """One of a submission's authors, in the order of the paper."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    presenting = models.BooleanField(_("presenting"), default=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(presenting=True),
                name="one_presenting_author",
                violation_error_message=_("A submission has one presenting author."),
            )
        ]

    def __str__(self):
        return self.name


class Review(models.Model):
    """A committee member's review of a submission: a score on each of the edition's criteria
    (Score), a comment for the committee and, if they wish, one for the authors."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    comment = models.TextField(_("comment for the committee"), blank=True)
    comment_to_authors = models.TextField(_("comment for the authors"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer"],
                name="one_review_per_reviewer",
                violation_error_message=_("You have already reviewed this submission."),
            )
        ]

    def __str__(self):
        return f"{self.reviewer} – {self.submission}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"
