"""The call for contributions in the back office: the organizers' list of submissions with their
mean score and number of reviews, its filters, the reviews on a submission's page (read only:
reviewers write them on their own pages, review_views.py), the assigned reviewers, the scores as
CSV. Reviewers do not use this list (it names the authors): it takes the right to change
submissions, which only organizers have.

The edition's page (registration's WorkshopAdmin, itself the program's extended) gets the call
and its criteria as inlines: this app is above registration, so it extends that admin the way
registration extends the program's, and neither below knows of it."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from program.admin.translations import SideBySideTranslations
from program.models import Workshop
from program.text import plain_text
from registration.admin.editions import WorkshopAdmin as RegistrationWorkshopAdmin
from registration.spreadsheets import csv_response, defuse_formula, header

from .admin_decisions import DecisionActionsMixin
from .models import Author, Call, Criterion, Review, Submission
from .services import reviews
from .services.calls import add_default_criteria


class DecidedFilter(admin.SimpleListFilter):
    title = _("decided")
    parameter_name = "decided"

    def lookups(self, request, model_admin):
        return [("yes", _("Decided")), ("no", _("Not decided yet"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(decision="")
        if self.value() == "no":
            return queryset.filter(decision="")
        return queryset


class ReviewCountFilter(admin.SimpleListFilter):
    title = _("reviews")
    parameter_name = "reviews"

    def lookups(self, request, model_admin):
        return [
            (
                "under",
                _("Under-reviewed (fewer than %(count)s)") % {"count": reviews.ENOUGH_REVIEWS},
            )
        ]

    def queryset(self, request, queryset):
        if self.value() == "under":
            return queryset.filter(review_count__lt=reviews.ENOUGH_REVIEWS)
        return queryset


class AuthorInline(admin.TabularInline):
    model = Author
    extra = 0
    fields = ["position", "name", "affiliation", "presenting"]


class ReviewInline(admin.StackedInline):
    """The committee's reviews, as the reviewers wrote them: read only here."""

    model = Review
    extra = 0
    can_delete = False
    fields = ["reviewer", "score_list", "comment", "comment_to_authors", "updated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("reviewer")
            .prefetch_related("scores__criterion")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("scores"))
    def score_list(self, review):
        return ", ".join(f"{score.criterion.name}: {score.value}" for score in review.scores.all())


@admin.register(Submission)
class SubmissionAdmin(DecisionActionsMixin, admin.ModelAdmin):
    list_display = [
        "display_title",
        "kind",
        "workshop",
        "presenter",
        "review_count",
        "mean_score",
        "decision",
        "decision_sent_at",
        "duplicate",
        "created_at",
    ]
    list_filter = [
        "workshop",
        "kind",
        DecidedFilter,
        ReviewCountFilter,
        "decision",
    ]
    search_fields = ["title", "email", "authors__name", "authors__affiliation"]
    list_select_related = ["workshop"]
    ordering = ["-created_at", "-pk"]
    actions = [*DecisionActionsMixin.actions, "export_scores"]
    filter_horizontal = ["assigned_reviewers"]
    inlines = [AuthorInline, ReviewInline]
    # Its PDF through the reviewers' download (review_views.ExtendedAbstractView): the media
    # folder is not served.
    exclude = ["extended_abstract"]
    readonly_fields = [
        "extended_abstract_pdf",
        "created_at",
        "updated_at",
        "address_confirmed_at",
        "withdrawn_at",
        # The decision changes through the actions only (services/decisions.py's rules).
        "decision",
        "decision_message",
        "decided_at",
        "decision_sent_at",
    ]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).with_review_summary().with_presenter().with_duplicates()
        )

    def has_view_permission(self, request, obj=None):
        # The list names the authors and every score: the organizers' (reviewers have their
        # own pages, which hide what the call hides from them).
        return request.user.has_perms(reviews.ORGANIZER_PERMISSIONS)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "assigned_reviewers":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(reviews.reviewer_accounts(), is_active=True)
                .distinct()
                .order_by("last_name", "first_name", "username")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("extended abstract (PDF)"))
    def extended_abstract_pdf(self, submission):
        if not submission.extended_abstract:
            return "-"
        url = reverse(
            "contributions:review-extended-abstract",
            kwargs={"edition": submission.workshop.slug, "pk": submission.pk},
        )
        return format_html('<a href="{}" download>{}</a>', url, gettext("Download"))

    @admin.display(description=_("title"), ordering="title")
    def display_title(self, submission):
        return plain_text(submission.title)

    @admin.display(description=_("presenting author"), ordering="presenter")
    def presenter(self, submission):
        return submission.presenter or "-"

    @admin.display(
        description=_("same title and address as another"), boolean=True, ordering="duplicates"
    )
    def duplicate(self, submission):
        # Flagged, never merged: the organizers decide (SubmissionQuerySet.with_duplicates).
        return submission.duplicates

    @admin.display(description=_("reviews"), ordering="review_count")
    def review_count(self, submission):
        return submission.review_count

    @admin.display(description=_("mean score"), ordering="mean_score")
    def mean_score(self, submission):
        if submission.mean_score is None:
            return "-"
        return f"{submission.mean_score:.2f}"

    def has_export_permission(self, request):
        """The scores and the committee's comments leave the site in a file: the organizers'."""
        return request.user.has_perms(
            ["contributions.view_review", "contributions.change_submission"]
        )

    @admin.action(description=_("Export the reviews' scores as CSV"), permissions=["export"])
    def export_scores(self, request, queryset):
        response, writer = csv_response(f"reviews-{timezone.localdate():%Y-%m-%d}.csv")
        rows = list(reviews.reviews_for_export(queryset.order_by()))
        criteria = list(
            Criterion.objects.filter(workshop__submissions__in=queryset.order_by())
            .distinct()
            .select_related("workshop")
            .order_by("workshop__starts_on", "position", "pk")
        )
        several = len({criterion.workshop_id for criterion in criteria}) > 1
        writer.writerow(
            [
                header(Submission, "title"),
                header(Submission, "kind"),
                gettext("Authors"),
                gettext("Reviewer"),
                *[
                    f"{criterion.name} ({criterion.workshop.acronym})"
                    if several
                    else criterion.name
                    for criterion in criteria
                ],
                header(Review, "comment"),
                header(Review, "comment_to_authors"),
            ]
        )
        for review in rows:
            submission = review.submission
            values = {score.criterion_id: str(score.value) for score in review.scores.all()}
            row = [
                plain_text(submission.title),
                submission.get_kind_display(),
                _authors(submission),
                review.reviewer.get_full_name() or review.reviewer.get_username(),
                *[values.get(criterion.pk, "") for criterion in criteria],
                review.comment,
                review.comment_to_authors,
            ]
            writer.writerow([defuse_formula(value) for value in row])
        return response


def _authors(submission: Submission) -> str:
    """The authors with their affiliations, unless the call hides them from reviewers: the
    file goes round the committee."""
    call = getattr(submission.workshop, "call", None)
    if call is not None and call.double_blind:
        return ""
    return "; ".join(
        f"{author.name} ({author.affiliation})" if author.affiliation else author.name
        for author in submission.authors.all()
    )


# The edition's page -------------------------------------------------------------------------


class CallInline(SideBySideTranslations, TranslationStackedInline):
    """The edition's call, its text in both languages (contributions/translation.py)."""

    model = Call
    extra = 0
    max_num = 1
    can_delete = True
    verbose_name = verbose_name_plural = _("call for contributions")
    fields = [
        "opens_at",
        "closes_at",
        "accepts_posters",
        "accepts_talks",
        "abstract_max_words",
        "text",
        "reviewers_see_all",
        "double_blind",
    ]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["name", "position", "lowest", "highest"]
    verbose_name_plural = _("review criteria (relevance and quality, 1–5, unless changed)")
    classes = ["collapse"]


admin.site.unregister(Workshop)


@admin.register(Workshop)
class WorkshopAdmin(RegistrationWorkshopAdmin):
    """Registration's workshop admin, plus the edition's call for contributions and the
    criteria its submissions are scored on (the defaults come with the call)."""

    inlines = [*RegistrationWorkshopAdmin.inlines, CallInline, CriterionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if Call.objects.filter(workshop=form.instance).exists():
            add_default_criteria(form.instance)
