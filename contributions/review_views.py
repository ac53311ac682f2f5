"""The reviewers' own pages, outside the admin: the list of the submissions they review, one
submission's page where they score it, and its extended abstract (PDF). For accounts that may review (services.reviews.may_review:
the "reviewer" group, organizers); anyone else goes to the admin's login, and an account
without the right is refused (403). Neither page names the authors when the call hides them."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views import View
from django.views.generic import FormView, TemplateView

from program.materials import stored_pdf_response
from program.speakers import private
from program.text import plain_text
from program.views import WorkshopMixin

from .models import Criterion, Review, Submission
from .review_forms import ReviewForm
from .services import reviews


class ReviewerMixin(WorkshopMixin):
    """A reviewer's page of the request's edition; private (no cache keeps it)."""

    @method_decorator(staff_member_required)
    def dispatch(self, request, *args, **kwargs):
        if not reviews.may_review(request.user):
            raise PermissionDenied
        return private(super().dispatch(request, *args, **kwargs))

    def get_context_data(self, **kwargs):
        call = getattr(self.workshop, "call", None)
        return super().get_context_data(
            call=call,
            double_blind=call is None or call.double_blind,
            list_url=reverse("contributions:review-list", kwargs=self.edition_kwargs()),
            **kwargs,
        )

    def edition_kwargs(self) -> dict:
        return {"edition": self.kwargs["edition"]} if "edition" in self.kwargs else {}


class ReviewListView(ReviewerMixin, TemplateView):
    """The submissions the reviewer reviews, each saying whether they reviewed it."""

    template_name = "contributions/review_list.html"

    def get_context_data(self, **kwargs):
        submissions = reviews.submissions_to_review(self.workshop, self.request.user)
        for submission in submissions:
            submission.review_url = reverse(
                "contributions:review", kwargs={**self.edition_kwargs(), "pk": submission.pk}
            )
        return super().get_context_data(
            submissions=submissions,
            reviewed=sum(submission.reviewed for submission in submissions),
            **kwargs,
        )


class ReviewView(ReviewerMixin, FormView):
    """One submission, with the form to score it on each criterion and comment on it. A
    submission not on the reviewer's list (or naming them as an author) is a 404."""

    template_name = "contributions/review_form.html"
    form_class = ReviewForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.submission = None

    def get_submission(self) -> Submission:
        if self.submission is None:
            try:
                self.submission = reviews.submission_to_review(
                    self.workshop, self.request.user, self.kwargs["pk"]
                )
            except Submission.DoesNotExist:
                raise Http404("No such submission to review.") from None
        return self.submission

    def get(self, request, *args, **kwargs):
        self.get_submission()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_submission()
        return super().post(request, *args, **kwargs)

    def own_review(self) -> Review | None:
        return (
            Review.objects.filter(submission=self.submission, reviewer=self.request.user)
            .prefetch_related("scores__criterion")
            .first()
        )

    def get_form_kwargs(self):
        criteria = list(Criterion.objects.filter(workshop=self.workshop))
        return {**super().get_form_kwargs(), "criteria": criteria}

    def get_initial(self):
        return ReviewForm.initial_of(self.own_review())

    def get_context_data(self, **kwargs):
        extended_abstract_url = self.submission.extended_abstract and reverse(
            "contributions:review-extended-abstract",
            kwargs={**self.edition_kwargs(), "pk": self.submission.pk},
        )
        return super().get_context_data(
            submission=self.submission, extended_abstract_url=extended_abstract_url, **kwargs
        )

    def form_valid(self, form):
        try:
            reviews.save_review(
                self.submission,
                reviewer=self.request.user,
                scores=form.scores,
                comment=form.cleaned_data["comment"],
                comment_to_authors=form.cleaned_data["comment_to_authors"],
            )
        except reviews.ReviewError as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Your review of “%(title)s” is saved.")
            % {"title": plain_text(self.submission.title)},
        )
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse("contributions:review-list", kwargs=self.edition_kwargs())


class ExtendedAbstractView(WorkshopMixin, View):
    """A submission's extended abstract (PDF), downloaded: for the reviewers who may see the
    submission and for the organizers (services.reviews.submission_with_extended_abstract), a
    404 for anyone else, signed in or not, as for no such file. Under a name of its own
    (submission-<pk>-extended-abstract.pdf): never the authors', even when the call hides
    them. Private (no cache keeps it), with the headers of the speakers' materials
    (program.materials.stored_pdf_response)."""

    def get(self, request, pk, **kwargs):
        try:
            submission = reviews.submission_with_extended_abstract(self.workshop, request.user, pk)
        except Submission.DoesNotExist:
            raise Http404("No such extended abstract.") from None
        return private(
            stored_pdf_response(
                submission.extended_abstract.name,
                filename=extended_abstract_name(submission),
                as_attachment=True,
            )
        )


def extended_abstract_name(submission: Submission) -> str:
    return f"submission-{submission.pk}-extended-abstract.pdf"
