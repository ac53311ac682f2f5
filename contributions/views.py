"""The call's public pages: the call with its form, and the submitter's personal page (reached
by its token alone), where they confirm their address, edit until the call closes, withdraw and
read the decision once it is sent."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.generic import TemplateView

from program.languages import PersonLanguageMixin
from program.speakers import warn_of_formulas_shown_as_tex
from program.views import WorkshopMixin
from registration.addresses import display_address
from registration.throttle import allow_attempt, client_ip
from registration.views import PersonalPageMixin

from .forms import SubmissionForm, author_formset
from .models import Call, Submission
from .services import submissions as services

SUBMITTED_EMAIL = "submission_submitted_email"
ATTEMPTS_PREFIX = "submission-attempts"  # the public form's own count (registration.throttle)


def add_refusal(form, refusal: Exception, formset) -> None:
    """Put a service's refusal beside the field it names, else above the form."""
    if isinstance(refusal, services.SubmissionError):
        form.add_error(None, refusal.message)
    elif hasattr(refusal, "error_dict"):
        for field, errors in refusal.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal)


class CallView(PersonalPageMixin, WorkshopMixin, TemplateView):
    """The call: its text, what it takes, when it opens and closes, and its form while open. A
    page with a form (a CSRF token): never shared by the page cache."""

    template_name = "contributions/call.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.call = Call.objects.filter(workshop=self.workshop).first()
        if self.call is None:
            raise Http404("No call for contributions.")
        self.call.workshop = self.workshop

    def get_context_data(self, **kwargs):
        now = timezone.now()
        is_open = self.call.is_open(now)
        if is_open and "form" not in kwargs:
            kwargs["form"] = SubmissionForm(call=self.call)
            kwargs["authors"] = author_formset()
        return super().get_context_data(
            call=self.call,
            is_open=is_open,
            not_yet_open=now < self.call.opens_at,
            **kwargs,
        )

    def render_again(self, form, formset, status=200):
        # After a refusal the form is shown whatever the clock says: nothing typed is lost.
        context = self.get_context_data(form=form, authors=formset)
        context["is_open"] = True
        return self.render_to_response(context, status=status)

    def post(self, request, *args, **kwargs):
        form = SubmissionForm(request.POST, request.FILES, call=self.call)
        formset = author_formset(request.POST)
        if not allow_attempt(request, prefix=ATTEMPTS_PREFIX):
            form.add_error(
                None,
                gettext(
                    "Too many submissions from your network in the last hour. Your answers are "
                    "kept below: please try again later, or write to the organizers."
                ),
            )
            return self.render_again(form, formset, status=429)
        if not (form.is_valid() and formset.is_valid()):
            return self.render_again(form, formset)
        email = form.cleaned_data["email"]
        if form.cleaned_data["website"]:
            # A bot filled the hidden field: answer as if it had worked, keep nothing.
            return self._check_your_inbox(email)
        try:
            services.submit(
                self.workshop,
                email=email,
                authors=formset.authors(),
                # The language of the page is the submitter's: their emails are written in it.
                language=get_language(),
                client_address=client_ip(request),
                **form.submission_data(),
            )
        except (services.SubmissionError, ValidationError) as refused:
            add_refusal(form, refused, formset)
            return self.render_again(form, formset)
        warn_of_formulas_shown_as_tex(
            request, form.cleaned_data["title"], form.cleaned_data["abstract"]
        )
        return self._check_your_inbox(email)

    def _check_your_inbox(self, email: str):
        self.request.session[SUBMITTED_EMAIL] = email
        return redirect("contributions:submitted", edition=self.workshop.slug)


class SubmittedView(PersonalPageMixin, WorkshopMixin, TemplateView):
    template_name = "contributions/submitted.html"

    def get_context_data(self, **kwargs):
        email = self.request.session.get(SUBMITTED_EMAIL)
        return super().get_context_data(email=email and display_address(email), **kwargs)


class SubmissionMixin(PersonalPageMixin, PersonLanguageMixin):
    """The pages of one submission, reached by its token: they show its own edition, in the
    submitter's language."""

    person_model = Submission

    def person(self) -> Submission:
        return self.get_submission()

    def get_submission(self) -> Submission:
        if not hasattr(self, "submission"):
            self.submission = get_object_or_404(
                Submission.objects.select_related("workshop", "workshop__call"),
                token=self.kwargs["token"],
            )
        return self.submission

    def get_context_data(self, **kwargs):
        submission = self.get_submission()
        return super().get_context_data(
            submission=submission, workshop=submission.workshop, **kwargs
        )


def can_edit(submission: Submission) -> bool:
    call = getattr(submission.workshop, "call", None)
    return (
        submission.address_confirmed_at is not None
        and submission.withdrawn_at is None
        and call is not None
        and call.is_open()
    )


class SubmissionView(SubmissionMixin, TemplateView):
    """The personal page: the submission as sent, its state, the form to edit it while the call
    is open, and the decision with the committee's comments once the decision is sent."""

    template_name = "contributions/submission.html"

    def get_context_data(self, **kwargs):
        submission = self.get_submission()
        editable = can_edit(submission)
        if editable and "form" not in kwargs:
            kwargs["form"] = SubmissionForm(call=submission.workshop.call, instance=submission)
            kwargs["authors"] = author_formset(submission=submission)
        decided = submission.decision_sent()
        return super().get_context_data(
            call=getattr(submission.workshop, "call", None),
            author_list=submission.authors.all(),
            can_edit=editable,
            decision_sent=decided,
            comments_to_authors=(
                [r.comment_to_authors for r in submission.reviews.exclude(comment_to_authors="")]
                if decided
                else []
            ),
            **kwargs,
        )


class EditView(SubmissionView):
    """POST the personal page's form: saved, or the page again with the errors and every answer
    as typed. GET shows the personal page."""

    def get(self, request, *args, **kwargs):
        return redirect(self.get_submission().get_absolute_url())

    def post(self, request, *args, **kwargs):
        submission = self.get_submission()
        call = getattr(submission.workshop, "call", None)
        if call is None:
            raise Http404("No call for contributions.")
        form = SubmissionForm(request.POST, request.FILES, call=call, instance=submission)
        formset = author_formset(request.POST, submission=submission)
        if form.is_valid() and formset.is_valid():
            try:
                services.edit(submission, authors=formset.authors(), **form.submission_data())
            except (services.SubmissionError, ValidationError) as refused:
                add_refusal(form, refused, formset)
            else:
                messages.success(request, gettext("Your changes are saved."))
                warn_of_formulas_shown_as_tex(
                    request, form.cleaned_data["title"], form.cleaned_data["abstract"]
                )
                return redirect(submission.get_absolute_url())
        # The page as the database has it (the form changed its instance), the form as typed.
        self.submission = Submission.objects.select_related("workshop", "workshop__call").get(
            pk=submission.pk
        )
        context = self.get_context_data(form=form, authors=formset)
        context["can_edit"] = True  # shown again whatever the clock says: nothing typed is lost
        return self.render_to_response(context)


class ConfirmView(SubmissionMixin, TemplateView):
    """The link of the "confirm your address" email. GET shows a button (a mail scanner that
    opens links confirms nothing); POST confirms."""

    template_name = "contributions/confirm.html"

    def post(self, request, *args, **kwargs):
        submission = self.get_submission()
        if services.confirm_address(submission):
            messages.success(
                request,
                gettext(
                    "Thank you: your address is confirmed and your submission goes to the "
                    "committee. We have sent you an email to confirm it."
                ),
            )
        else:
            messages.info(request, gettext("Your address was already confirmed."))
        return redirect(submission.get_absolute_url())


class WithdrawView(SubmissionMixin, TemplateView):
    """GET asks for confirmation; POST withdraws."""

    template_name = "contributions/withdraw.html"

    def post(self, request, *args, **kwargs):
        submission = self.get_submission()
        if services.withdraw(submission):
            messages.success(request, gettext("Your submission is withdrawn."))
        else:
            messages.info(request, gettext("This submission was already withdrawn."))
        return redirect(submission.get_absolute_url())
