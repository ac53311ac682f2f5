"""Registration pages: the form, the personal page behind the emailed link, the privacy notice."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from program.views import WorkshopMixin

from . import services
from .forms import RegistrationForm
from .models import Registration
from .throttle import allow_registration_attempt

SUBMITTED_EMAIL = "registration_submitted_email"


class RegisterView(WorkshopMixin, FormView):
    template_name = "registration/register.html"
    form_class = RegistrationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "workshop": self.workshop}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            status=services.registration_status(self.workshop), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if not allow_registration_attempt(request):
            form = self.get_form()
            form.add_error(
                None,
                "Too many registration attempts from your network in the last hour. Your answers are "
                "kept below: please try again later, or write to the organizers.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if form.cleaned_data["website"]:
            # A bot filled the hidden field: answer as if it had worked, keep nothing.
            return self._check_your_inbox(email)
        try:
            services.register(self.workshop, **form.registration_data())
        except services.AlreadyRegistered as already:
            # Say nothing that tells whether the address was registered: send the link again.
            services.send_link_again(already.registration)
        except services.OptionFull as full:
            form.add_error("options", full.message)
            return self.form_invalid(form)
        except services.RegistrationError as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        except ValidationError as invalid:
            form.add_error(None, invalid)
            return self.form_invalid(form)
        return self._check_your_inbox(email)

    def _check_your_inbox(self, email: str):
        self.request.session[SUBMITTED_EMAIL] = email
        return redirect("registration:submitted")


class SubmittedView(WorkshopMixin, TemplateView):
    template_name = "registration/submitted.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(email=self.request.session.get(SUBMITTED_EMAIL), **kwargs)


class RegistrationByTokenMixin:
    """The pages of one registration, reached by its token: they show its own edition, whichever
    is current (and whether or not it is published)."""

    def get_registration(self) -> Registration:
        if not hasattr(self, "registration"):
            self.registration = get_object_or_404(
                Registration.objects.select_related("workshop"), token=self.kwargs["token"]
            )
        return self.registration

    def get_context_data(self, **kwargs):
        return super().get_context_data(workshop=self.get_registration().workshop, **kwargs)


class ManageView(RegistrationByTokenMixin, DetailView):
    template_name = "registration/manage.html"
    context_object_name = "registration"

    def get_object(self, queryset=None):
        return self.get_registration()

    def get_context_data(self, **kwargs):
        registration = self.object
        return super().get_context_data(
            position=registration.waiting_list_position(),
            status=services.registration_status(registration.workshop),
            **kwargs,
        )


class CancelView(RegistrationByTokenMixin, TemplateView):
    """GET asks for confirmation; POST cancels."""

    template_name = "registration/cancel.html"

    def get_context_data(self, **kwargs):
        registration = self.get_registration()
        return super().get_context_data(
            registration=registration,
            status=services.registration_status(registration.workshop),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        registration = self.get_registration()
        if registration.status == Registration.Status.CANCELLED:
            messages.info(request, "This registration was already cancelled.")
            return redirect(registration.get_absolute_url())
        try:
            services.cancel(registration)
        except services.RegistrationError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request, "Your registration is cancelled. We have sent you an email to confirm it."
            )
        return redirect(registration.get_absolute_url())


class RejoinView(RegistrationByTokenMixin, View):
    def post(self, request, *args, **kwargs):
        registration = self.get_registration()
        try:
            registration = services.rejoin(registration)
        except services.RegistrationError as refused:
            messages.error(request, refused.message)
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, "You are registered again: your seat is confirmed.")
            else:
                messages.success(request, "You are back on the waiting list.")
        return redirect(registration.get_absolute_url())


class PrivacyView(WorkshopMixin, TemplateView):
    template_name = "registration/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            retention_days=settings.REGISTRATION_RETENTION_DAYS, **kwargs
        )


class ParticipantListView(WorkshopMixin, ListView):
    """Confirmed participants who agreed to be listed."""

    template_name = "registration/participant_list.html"
    context_object_name = "participants"

    def get_queryset(self):
        return (
            self.workshop.registrations.confirmed()
            .filter(listed_publicly=True)
            .order_by("last_name", "first_name")
        )
