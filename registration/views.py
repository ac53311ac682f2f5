"""Registration pages: the form, the personal page behind the emailed link, the privacy notice,
the check-in desk."""

import contextlib
import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.text import get_text_list
from django.utils.translation import get_language, gettext, ngettext
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from program.languages import PersonLanguageMixin
from program.speakers import private
from program.views import WorkshopMixin

from . import certificates, desk, services
from .addresses import display_address
from .forms import (
    ChangeForm,
    DeskSearchForm,
    DeskTickForm,
    RegistrationForm,
    WalkInForm,
    day_label,
)
from .models import Certificate, Registration
from .throttle import allow_attempt, client_ip

ATTEMPTS_PREFIX = "register-attempts"  # the registration form's count (throttle.allow_attempt)
SUBMITTED_EMAIL = "registration_submitted_email"


class PersonalPageMixin:
    """A page for one person (their registration, the answers they typed, the desk's lists): no
    browser or shared cache keeps it (Cache-Control: private, no-store), as the speakers' pages
    (program.speakers.private)."""

    def dispatch(self, request, *args, **kwargs):
        return private(super().dispatch(request, *args, **kwargs))


class RegisterView(PersonalPageMixin, WorkshopMixin, FormView):
    template_name = "registration/register.html"
    form_class = RegistrationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "workshop": self.workshop}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            status=services.registration_status(self.workshop), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if not allow_attempt(request, prefix=ATTEMPTS_PREFIX):
            form = self.get_form()
            form.add_error(
                None,
                gettext(
                    "Too many registration attempts from your network in the last hour. Your "
                    "answers are kept below: please try again later, or write to the organizers."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if form.cleaned_data["website"]:
            # A bot filled the hidden field: answer as if it had worked, keep nothing.
            return self._check_your_inbox(email)
        try:
            # The language of the page is the person's: their emails are written in it.
            services.register(
                self.workshop,
                language=get_language(),
                client_address=client_ip(self.request),
                **form.registration_data(),
            )
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


class SubmittedView(PersonalPageMixin, WorkshopMixin, TemplateView):
    template_name = "registration/submitted.html"

    def get_context_data(self, **kwargs):
        # The same words whether the address was new or registered already: nothing revealed.
        confirm_by = None
        if self.workshop.confirm_addresses:
            confirm_by = timezone.now() + dt.timedelta(hours=self.workshop.hold_hours)
        email = self.request.session.get(SUBMITTED_EMAIL)
        return super().get_context_data(
            email=email and display_address(email), confirm_by=confirm_by, **kwargs
        )


class RegistrationByTokenMixin(PersonalPageMixin, PersonLanguageMixin):
    """The pages of one registration, reached by its token: they show its own edition, whichever
    is current (and whether or not it is published), in the registrant's language."""

    person_model = Registration

    def person(self) -> Registration:
        return self.get_registration()

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
        changes_open = services.changes_are_open(registration)
        kwargs.update(self.certificate_context(registration))
        if changes_open and "change_form" not in kwargs:
            kwargs["change_form"] = ChangeForm(instance=registration)
        return super().get_context_data(
            position=registration.waiting_list_position(),
            awaiting=registration.awaits_confirmation(),
            hold_expired=registration.confirmation_expired(),
            status=services.registration_status(registration.workshop),
            changes_open=changes_open,
            changes_closed_after=registration.workshop.changes_close_at - dt.timedelta(seconds=1),
            **kwargs,
        )

    def certificate_context(self, registration: Registration) -> dict:
        """From the edition's last day: whether the person may download their certificate of
        attendance, or why not (never ticked in, withdrawn)."""
        if not services.certificates_open(registration.workshop):
            return {"certificates_open": False}
        certificate = Certificate.objects.filter(registration=registration).first()
        if certificate is not None and certificate.revoked_at is not None:
            return {"certificates_open": True, "certificate_revoked": True}
        ticked = services.ticked_in(registration.workshop).filter(pk=registration.pk).exists()
        if not ticked:
            return {
                "certificates_open": True,
                "no_certificate_because": services.not_ticked_in_message(registration.workshop),
            }
        return {"certificates_open": True, "certificate_ready": True}


class CertificateDownloadView(RegistrationByTokenMixin, View):
    """The person's certificate of attendance as PDF, issued (or brought up to date) as it is
    asked for; before the edition's last day, or without a tick at the desk, the personal page
    again with why not."""

    def get(self, request, *args, **kwargs):
        registration = self.get_registration()
        try:
            certificate = services.issue_certificate(registration)
        except services.NoCertificate as refused:
            messages.warning(request, refused.message)
            return redirect(registration.get_absolute_url())
        pdf = certificates.certificates_pdf([certificate])
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"{registration.workshop.slug}-certificate-{certificate.code}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return private(response)


class CertificateView(TemplateView):
    """Anyone checks a certificate of attendance by its code (the address printed on it, and
    its QR code): to whom, for which edition, which days; nothing more. An unknown code and a
    revoked one say so (404, 410). Lookups per client address are limited as registration
    attempts are (throttle.py), so codes cannot be guessed in bulk. Never kept by a cache, not
    listed by search engines (private())."""

    template_name = "registration/certificate.html"

    def get(self, request, *args, **kwargs):
        if not allow_attempt(request, prefix="certificate-lookups"):
            response = self.render_to_response({"too_many": True}, status=429)
            return private(response)
        code = self.kwargs["code"].strip().upper()
        certificate = (
            Certificate.objects.select_related("workshop").filter(code=code).first()
            if len(code) <= 20
            else None
        )
        status = 200
        if certificate is None:
            status = 404
        elif certificate.revoked_at is not None:
            status = 410
        context = {
            "certificate": certificate,
            "code": code[:20],
            "days": [dateformat.format(day, "l j F Y") for day in certificate.attended_days]
            if certificate
            else [],
        }
        return private(self.render_to_response(context, status=status))


class ChangeView(ManageView):
    """POST the personal page's change form: the new answers, or the page again with the errors
    and every answer as typed. GET shows the personal page."""

    def get(self, request, *args, **kwargs):
        return redirect(self.get_registration().get_absolute_url())

    def post(self, request, *args, **kwargs):
        self.object = registration = self.get_registration()
        form = ChangeForm(request.POST, instance=registration)
        if form.is_valid():
            try:
                changed = services.change_answers(registration, **form.answers())
            except services.OptionFull as full:
                form.add_error("options", full.message)
            except services.RegistrationError as refused:
                messages.error(request, refused.message)
                return redirect(registration.get_absolute_url())
            except ValidationError as invalid:
                form.add_error(None, invalid)
            else:
                if changed:
                    messages.success(
                        request,
                        gettext(
                            "Your changes are saved. We have sent you an email to confirm them."
                        ),
                    )
                else:
                    messages.info(request, gettext("Nothing was changed."))
                return redirect(registration.get_absolute_url())
        # The page as the database has it (the form changed its instance), the form as typed.
        self.object = self.registration = Registration.objects.select_related("workshop").get(
            pk=registration.pk
        )
        return self.render_to_response(self.get_context_data(change_form=form))


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
            messages.info(request, gettext("This registration was already cancelled."))
            return redirect(registration.get_absolute_url())
        try:
            services.cancel(registration)
        except services.RegistrationError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                gettext("Your registration is cancelled. We have sent you an email to confirm it."),
            )
        return redirect(registration.get_absolute_url())


class ConfirmAddressView(RegistrationByTokenMixin, TemplateView):
    """The link of the "confirm your address" email. GET shows a button (a mail scanner that
    opens links confirms nothing); POST confirms. Too late: the page says so, with a button to
    register again while registration is open."""

    template_name = "registration/confirm.html"

    def get_context_data(self, **kwargs):
        registration = self.get_registration()
        return super().get_context_data(
            registration=registration,
            awaiting=registration.awaits_confirmation(),
            expired=registration.confirmation_expired(),
            status=services.registration_status(registration.workshop),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        registration = self.get_registration()
        was_waiting = registration.awaits_confirmation()
        try:
            registration = services.confirm_address(registration)
        except services.HoldExpired as late:
            messages.error(request, late.message)
            return redirect("registration:confirm", token=registration.token)
        if not was_waiting:
            messages.info(request, gettext("Your address was already confirmed."))
        elif registration.status == Registration.Status.CONFIRMED:
            messages.success(
                request,
                gettext(
                    "Thank you: your address is confirmed and the seat is yours. We have "
                    "sent you an email to confirm it."
                ),
            )
        else:
            messages.success(
                request,
                gettext("Thank you: your address is confirmed and you are on the waiting list."),
            )
        if dropped := registration.dropped_options:
            messages.warning(
                request,
                ngettext(
                    "%(options)s filled up before you confirmed your address, so it is no "
                    "longer among your choices. You keep your place without it.",
                    "%(options)s filled up before you confirmed your address, so they are no "
                    "longer among your choices. You keep your place without them.",
                    len(dropped),
                )
                % {"options": get_text_list([option.label for option in dropped], gettext("and"))},
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
                messages.success(
                    request, gettext("You are registered again: your seat is confirmed.")
                )
            else:
                messages.success(request, gettext("You are back on the waiting list."))
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


# The check-in desk: staff accounts allowed to use it (the "registration desk" group, organizers),
# on a phone at the entrance.


class DeskMixin(PersonalPageMixin, WorkshopMixin):
    """A desk page of the request's edition; anyone but staff goes to the admin's login, and a
    staff account without registration.use_desk is refused (403)."""

    @method_decorator(staff_member_required)
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("registration.use_desk"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        # Said on every desk page, before anyone is ticked in and refused.
        closed_because = desk.desk_closed_because(self.workshop)
        return super().get_context_data(desk_closed_because=closed_because, **kwargs)

    def default_day(self) -> dt.date:
        """Today when the edition is on, else its nearest day."""
        today = timezone.localdate(timezone=self.workshop.tzinfo)
        days = self.workshop.days
        return today if today in days else (days[0] if today < days[0] else days[-1])

    def desk_url(self, *, day: dt.date, q: str = "") -> str:
        """The desk's search page for `day`, with the name searched (if any)."""
        query = {"q": q} if q else {}
        path = reverse("registration:desk", kwargs=self.kwargs)
        return f"{path}?{urlencode(query | {'day': day.isoformat()})}"


class DeskView(DeskMixin, TemplateView):
    """Search a name (GET), see each person found with a button to tick them in for the day;
    the day's arrivals against those expected at the top."""

    template_name = "registration/desk.html"

    def get_context_data(self, **kwargs):
        form = DeskSearchForm(self.request.GET, workshop=self.workshop)
        form.is_valid()  # a bad day falls back to the default one; the name is free text
        day = form.cleaned_data.get("day") or self.default_day()
        query = form.cleaned_data.get("q", "").strip()
        search = desk.search_at_desk(self.workshop, query, day=day) if query else None
        return super().get_context_data(
            form=form,
            day=day,
            query=query,
            search=search,
            min_letters=desk.DESK_SEARCH_MIN_LETTERS,
            counts=desk.desk_counts(self.workshop),
            desk_url=reverse("registration:desk", kwargs=self.kwargs),
            check_in_url=reverse("registration:desk-check-in", kwargs=self.kwargs),
            undo_url=reverse("registration:desk-undo", kwargs=self.kwargs),
            walk_in_url=reverse("registration:desk-walk-in", kwargs=self.kwargs)
            + f"?{urlencode({'day': day.isoformat()})}",
            **kwargs,
        )


class DeskTickView(DeskMixin, View):
    """POST: tick a person in for a day (`undo = True`: take the tick back); back to the search."""

    undo = False

    def post(self, request, *args, **kwargs):
        form = DeskTickForm(request.POST)
        # The search to return to: without a NUL, which an address may not carry (a 400).
        query = request.POST.get("q", "").replace("\x00", "")[:100]
        if not form.is_valid():
            messages.error(request, gettext("That tick was not understood: search the name again."))
            return redirect(self.desk_url(day=self.default_day(), q=query))
        day = form.cleaned_data["day"]
        registration = get_object_or_404(
            Registration.objects.select_related("workshop"),
            pk=form.cleaned_data["registration"],
            workshop=self.workshop,
        )
        name, label = registration.full_name, day_label(day)
        if self.undo:
            if desk.undo_check_in(registration, day=day):
                messages.success(
                    request,
                    gettext("Tick taken back: %(name)s is not checked in for %(day)s.")
                    % {"name": name, "day": label},
                )
            else:
                messages.info(
                    request,
                    gettext("%(name)s was not checked in for %(day)s.")
                    % {"name": name, "day": label},
                )
            return redirect(self.desk_url(day=day, q=query))
        try:
            check_in, new = desk.check_in(registration, day=day, by=request.user)
        except services.RegistrationError as refused:
            messages.error(request, refused.message)
        else:
            at = timezone.localtime(check_in.arrived_at, self.workshop.tzinfo)
            if new:
                messages.success(
                    request,
                    gettext("%(name)s checked in for %(day)s at %(time)s.")
                    % {"name": name, "day": label, "time": f"{at:%H:%M}"},
                )
            else:
                messages.info(
                    request,
                    gettext("%(name)s was already checked in for %(day)s, at %(time)s.")
                    % {"name": name, "day": label, "time": f"{at:%H:%M}"},
                )
        return redirect(self.desk_url(day=day, q=query))


class WalkInView(DeskMixin, FormView):
    """Someone who did not register: a seat if one is free, checked in at once."""

    template_name = "registration/desk_walk_in.html"
    form_class = WalkInForm

    def get_form_kwargs(self):
        day = None
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(self.request.GET.get("day", ""))
        if day not in self.workshop.days:
            day = self.default_day()
        return {**super().get_form_kwargs(), "workshop": self.workshop, "day": day}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            status=services.registration_status(self.workshop),
            desk_url=reverse("registration:desk", kwargs=self.kwargs),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.walk_in_data()
        try:
            registration = desk.add_walk_in(self.workshop, **data, by=self.request.user)
        except services.AlreadyRegistered as already:
            form.add_error(
                "email",
                gettext(
                    "%(name)s is registered with this address already: search their name on "
                    "the desk."
                )
                % {"name": already.registration.full_name},
            )
            return self.form_invalid(form)
        except services.RegistrationError as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        except ValidationError as invalid:
            form.add_error(None, invalid.messages)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{registration.full_name} is registered and checked in for {day_label(data['day'])}.",
        )
        return redirect(self.desk_url(day=data["day"], q=registration.last_name))
