"""Registrations in the back office: the list with seats, days and options at a glance, filters,
the CSV export, resend, cancel and promote. Every change of seats goes through
registration.services, under the same lock as the public form."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import dateformat, timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from mail import outbox
from mail.admin import LatestEmailStateFilter, emails_of, latest_state_label
from mail.models import Delivery, with_latest_email
from program.admin.translations import SideBySideTranslations
from program.models import Session, Workshop

from .. import certificates, desk, services
from ..addresses import ascii_domains, same_mailbox
from ..emails import CERTIFICATE, REGISTRATION
from ..forms import ANSWERS, AddressField, day_label
from ..models import (
    AttendedDay,
    CheckIn,
    EmailKind,
    Option,
    Registration,
    awaits_confirmation,
    confirmation_expired,
    takes_seat,
    waits_in_line,
)
from ..spreadsheets import csv_response, defuse_formula, header

# The export's columns around the days and options of the editions exported; the headers are
# the fields' verbose names.
CSV_COLUMNS_BEFORE_CHOICES = [
    "first_name",
    "last_name",
    "email",
    "affiliation",
    "position",
    "status",
]
CSV_COLUMNS_AFTER_CHOICES = [
    "dietary_requirements",
    "listed_publicly",
    "created_at",
]


class AddressFilter(admin.SimpleListFilter):
    """Where the address confirmation stands (editions that confirm addresses)."""

    title = _("address")
    parameter_name = "address"

    def lookups(self, request, model_admin):
        return [
            ("awaiting", _("Awaiting confirmation")),
            ("expired", _("Not confirmed in time")),
            ("confirmed", _("Confirmed by the person")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            return queryset.filter(awaits_confirmation(timezone.now()))
        if self.value() == "expired":
            return queryset.filter(confirmation_expired(timezone.now()))
        if self.value() == "confirmed":
            return queryset.filter(address_confirmed_at__isnull=False)
        return queryset


class SameAddressFilter(admin.SimpleListFilter):
    """Registrations whose address is another's of the same edition once both are normalised
    (addresses.same_mailbox): made before addresses were normalised, left for the organizer to
    look at (migration 0009 merged nothing)."""

    title = _("same address")
    parameter_name = "same_address"

    def lookups(self, request, model_admin):
        return [("yes", _("Same address as another registration"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            rows = Registration.objects.values_list("pk", "workshop_id", "email")
            return queryset.filter(pk__in=same_mailbox(rows))
        return queryset


class DayFilter(admin.SimpleListFilter):
    """Who comes on a day: the days someone registered for."""

    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        days = AttendedDay.objects.order_by("day").values_list("day", flat=True).distinct()
        return [(day.isoformat(), dateformat.format(day, "l j F Y")) for day in days]

    def queryset(self, request, queryset):
        if self.value():
            try:
                day = dt.date.fromisoformat(self.value())
            except ValueError:
                return queryset.none()
            return queryset.filter(attended_days__day=day)
        return queryset


class OptionFilter(admin.SimpleListFilter):
    """Who chose an option (with the edition's acronym when several editions have options)."""

    title = _("option")
    parameter_name = "option"

    def lookups(self, request, model_admin):
        options = list(Option.objects.select_related("workshop").order_by("-workshop__starts_on"))
        several = len({option.workshop_id for option in options}) > 1
        return [(str(option.pk), _option_name(option, several)) for option in options]

    def queryset(self, request, queryset):
        if self.value():
            if not self.value().isdigit():
                return queryset.none()
            return queryset.filter(options__pk=self.value())
        return queryset


def _option_name(option: Option, with_workshop: bool) -> str:
    return f"{option.label} ({option.workshop.acronym})" if with_workshop else option.label


class OptionsChoice(forms.ModelMultipleChoiceField):
    """Options named with their edition: an added registration may be of any edition."""

    def label_from_instance(self, option):
        return _option_name(option, with_workshop=True)


class RegistrationAdminForm(forms.ModelForm):
    days = forms.TypedMultipleChoiceField(
        coerce=dt.date.fromisoformat,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day.")},
    )

    class Meta:
        field_classes = {"email": AddressField}  # stored as the public form stores it

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        options = self.fields.get("options")
        if self.instance.pk:  # editing: the registration's own edition
            workshop = self.instance.workshop
            days.choices = [(day.isoformat(), day_label(day)) for day in workshop.days]
            days.initial = [day.isoformat() for day in self.instance.days]
            if options is not None:
                options.queryset = workshop.options.all()
        else:  # adding: the days and options of every edition, checked against the one chosen
            workshops = Workshop.objects.order_by("-starts_on")
            days.choices = [
                (w.acronym, [(day.isoformat(), day_label(day)) for day in w.days])
                for w in workshops
            ]
            if options is not None:
                self.fields["options"] = OptionsChoice(
                    queryset=Option.objects.select_related("workshop").order_by(
                        "-workshop__starts_on", "position", "pk"
                    ),
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                )

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        workshop = cleaned.get("workshop") or getattr(self.instance, "workshop", None)
        if self.instance.pk and email and workshop:
            others = (
                Registration.objects.filter(workshop=workshop)
                .with_email(email)
                .exclude(pk=self.instance.pk)
            )
            if others.exists():
                self.add_error(
                    "email", gettext("This email address is already registered for this workshop.")
                )
        if workshop is not None:
            self._clean_choices(workshop, cleaned.get("days") or [], cleaned.get("options") or [])
        return cleaned

    def _clean_choices(self, workshop, days, options):
        """The days and options are the edition's; an option added has room (the service checks
        again under the lock)."""
        if outside := [day for day in days if day not in workshop.days]:
            self.add_error(
                "days",
                gettext("%(days)s: not a day of %(acronym)s.")
                % {
                    "days": ", ".join(day_label(day) for day in outside),
                    "acronym": workshop.acronym,
                },
            )
        if foreign := [option for option in options if option.workshop_id != workshop.pk]:
            self.add_error(
                "options",
                gettext("%(options)s: not an option of %(acronym)s.")
                % {"options": ", ".join(o.label for o in foreign), "acronym": workshop.acronym},
            )
        held = set(self.instance.options.all()) if self.instance.pk else set()
        cancelled = self.instance.status == Registration.Status.CANCELLED
        added = [option for option in options if option not in held]
        if added and not cancelled:
            for option in services.full_options(added):
                self.add_error(
                    "options",
                    gettext("%(option)s is full: all %(capacity)s places are taken.")
                    % {"option": option.label, "capacity": option.capacity},
                )


@admin.register(Option)
class OptionAdmin(admin.ModelAdmin):
    list_display = ["label", "workshop", "session", "capacity", "position"]
    list_filter = ["workshop"]
    list_select_related = ["workshop", "session__workshop", "session__talk"]
    ordering = ["-workshop__starts_on", "position", "pk"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session":
            kwargs["queryset"] = Session.objects.select_related("workshop", "talk").order_by(
                "-workshop__starts_on", "starts_at"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OptionInline(SideBySideTranslations, TranslationStackedInline):
    """An edition's options, to edit with the edition (WorkshopAdmin.inlines), each label in
    both languages (registration/translation.py). Stacked, not a table: each field has a label
    of its own (a table's inputs have none, only a column's heading, which axe-core and screen
    readers do not take for a name)."""

    model = Option
    fields = ["label", "session", "capacity", "position"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only the slots of this edition's timetable, read once for every row.
        formset.form.base_fields["session"].queryset = Session.objects.filter(
            workshop=obj
        ).select_related("workshop", "talk")
        return formset


class CheckInInline(admin.TabularInline):
    """The days the person was ticked in at the desk, which their certificate of attendance
    lists: an organizer adds a day the desk missed (the desk ticks only on the day itself)."""

    model = CheckIn
    fields = ["day", "arrived_at", "checked_in_by"]
    readonly_fields = ["arrived_at", "checked_in_by"]
    extra = 0
    verbose_name = _("day ticked in at the desk")
    verbose_name_plural = _("Days ticked in at the desk (listed on the certificate of attendance)")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            # Only the days of the person's edition.
            formset.form.base_fields["day"] = forms.TypedChoiceField(
                label=_("day"),
                choices=[(day.isoformat(), day_label(day)) for day in obj.workshop.days],
                coerce=dt.date.fromisoformat,
            )
        return formset


def may_export(request) -> bool:
    """Everyone's personal data in a file that leaves the site (the CSV, the badges, the sign-in
    sheets): seeing them in the admin is not enough, it takes registration.export_registration,
    which only the organizers have."""
    return request.user.has_perms(
        ["registration.view_registration", "registration.export_registration"]
    )


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    form = RegistrationAdminForm
    list_display = [
        "last_name",
        "first_name",
        "email",
        "affiliation",
        "status",
        "hold_expires_at",
        "parts_attended",
        "dietary_requirements",
        "email_state",
        "created_at",
    ]
    list_display_links = ["last_name", "first_name"]
    list_filter = [
        "workshop",
        "status",
        AddressFilter,
        LatestEmailStateFilter,
        "position",
        DayFilter,
        OptionFilter,
        "listed_publicly",
        SameAddressFilter,
    ]
    search_fields = ["first_name", "last_name", "email", "affiliation", "dietary_requirements"]
    ordering = ["created_at"]
    date_hierarchy = "created_at"
    list_select_related = ["workshop"]
    actions = [
        "export_csv",
        "resend_email",
        "cancel_registrations",
        "promote_registrations",
        "confirm_addresses",
        "write_announcement",
        "certificates_pdf",
        "email_certificates",
    ]
    readonly_fields = [
        "status",
        "token",
        "created_at",
        "updated_at",
        "waitlisted_at",
        "cancelled_at",
        "hold_expires_at",
        "address_confirmed_at",
        "client_address",
        "privacy_consent_at",
        "emails",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "workshop",
                    "status",
                    "first_name",
                    "last_name",
                    "email",
                    "affiliation",
                    "position",
                ]
            },
        ),
        (_("Attending"), {"fields": ["days", "options", "dietary_requirements"]}),
        (_("Privacy"), {"fields": ["listed_publicly", "privacy_consent_at"]}),
        (
            _("History and email"),
            {
                "fields": [
                    "created_at",
                    "updated_at",
                    "waitlisted_at",
                    "cancelled_at",
                    "hold_expires_at",
                    "address_confirmed_at",
                    "client_address",
                    "emails",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("attended_days", "options")
        return with_latest_email(queryset, REGISTRATION)

    # Seats at a glance above the list; then, for the edition the list is filtered on (else the
    # current one), who comes each day and to each option, and what the caterer must know.
    def changelist_view(self, request, extra_context=None):
        # Seats taken: confirmed, and held for an address to confirm (models.takes_seat).
        workshops = Workshop.objects.annotate(
            confirmed=Count(
                "registrations", filter=takes_seat(timezone.now(), prefix="registrations__")
            ),
            waiting=Count("registrations", filter=waits_in_line(prefix="registrations__")),
        ).order_by("-starts_on")
        filtered = request.GET.get("workshop__id__exact", "")

        def attendance():
            if filtered.isdigit():
                workshop = Workshop.objects.filter(pk=filtered).first()
            else:
                workshop = Workshop.objects.current()
            return services.attendance(workshop) if workshop else None

        # Read when the page shows it, not when an action answers instead.
        context = {"seat_summary": workshops, "attendance": SimpleLazyObject(attendance)}
        return super().changelist_view(request, context | (extra_context or {}))

    def get_search_results(self, request, queryset, search_term):
        # Addresses are stored with an ASCII domain (addresses.py): a search for `café.fr` also
        # looks for `xn--caf-dma.fr`, and still for the words as typed (a name, an affiliation).
        results, duplicates = super().get_search_results(request, queryset, search_term)
        ascii_term = ascii_domains(search_term)
        if ascii_term != search_term:
            more, more_duplicates = super().get_search_results(request, queryset, ascii_term)
            results, duplicates = results | more, duplicates or more_duplicates
        return results, duplicates

    def get_readonly_fields(self, request, obj=None):
        if obj is None:  # adding: the service decides the status
            return [f for f in self.readonly_fields if f != "privacy_consent_at"]
        return [*self.readonly_fields, "workshop"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": ["workshop", *ANSWERS],
                        "description": _(
                            "The person gets a seat if one is free, else a place on the "
                            "waiting list, and an email."
                        ),
                    },
                )
            ]
        return self.fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "privacy_consent_at" in form.base_fields:
            del form.base_fields["privacy_consent_at"]
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "options":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        answers = {name: form.cleaned_data[name] for name in ANSWERS}
        try:
            # The organizer vouches for the address: no confirmation asked.
            registration = services.register(
                form.cleaned_data["workshop"],
                enforce_deadline=False,
                address_confirmed=True,
                **answers,
            )
        except services.AlreadyRegistered as already:
            # The form's own constraint check normally catches this first.
            registration = already.registration
            self.message_user(
                request,
                gettext("%(registration)s was already registered.")
                % {"registration": registration},
                messages.WARNING,
            )
        except services.RegistrationError as refused:
            # An option filled up between the form's check and the lock: nothing was added.
            self.message_user(request, refused.message, messages.ERROR)
            return
        obj.pk = registration.pk
        obj.status = registration.status
        if registration.status == Registration.Status.WAITLISTED:
            self.message_user(
                request,
                gettext("The workshop is full: %(name)s is on the waiting list.")
                % {"name": registration.full_name},
                messages.WARNING,
            )

    def get_inlines(self, request, obj):
        return [CheckInInline] if obj is not None else []

    def save_related(self, request, form, formsets, change):
        if not change:  # register() saved the days and options with the registration
            return
        if {"days", "options"} & set(form.changed_data):
            try:
                services.change_choices(
                    form.instance,
                    days=form.cleaned_data["days"],
                    options=form.cleaned_data["options"],
                )
            except services.RegistrationError as refused:
                self.message_user(request, refused.message, messages.ERROR)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        check_ins = formset.save(commit=False)
        for check_in in check_ins:
            if check_in.pk is None:
                check_in.checked_in_by = request.user
            check_in.save()
        for check_in in formset.deleted_objects:
            check_in.delete()

    def log_addition(self, request, obj, message):
        if obj.pk is not None:
            return super().log_addition(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:  # refused by the service (see save_model): back to the empty form
            return HttpResponseRedirect(request.get_full_path())
        return super().response_add(request, obj, post_url_continue)

    def delete_model(self, request, obj):
        services.forget([obj])

    def delete_queryset(self, request, queryset):
        services.forget(queryset)

    @admin.display(description=_("attends"))
    def parts_attended(self, obj):
        return ", ".join(obj.parts)

    @admin.display(description=_("email"))
    def email_state(self, obj):
        """The latest registration email's state (each is an email of the outbox: mail/)."""
        return latest_state_label(obj)

    @admin.display(description=_("emails"))
    def emails(self, obj):
        """Every email sent to the person, newest first, with its state; the list of them."""
        return emails_of(obj)

    def has_export_permission(self, request):
        return may_export(request)

    def has_announce_permission(self, request):
        """Writing to those selected is writing an announcement."""
        return request.user.has_perm("registration.add_announcement")

    @admin.action(description=_("Export selected registrations as CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        registrations = list(queryset.select_related("workshop").order_by("created_at", "pk"))
        workshops = sorted({r.workshop for r in registrations}, key=lambda w: w.starts_on)
        several = len(workshops) > 1
        days = sorted({day for workshop in workshops for day in workshop.days})
        # When people arrived (ticked in at the desk): a column per day on which someone
        # exported arrived. Nobody arrives before an edition begins: no query until then.
        begun = any(timezone.now() >= workshop.starts_at for workshop in workshops)
        arrivals = desk.arrivals(registrations) if begun else {}
        arrival_days = sorted({day for per_day in arrivals.values() for day in per_day})
        options = list(
            Option.objects.filter(workshop__in=workshops)
            .select_related("workshop")
            .order_by("workshop__starts_on", "position", "pk")
        )
        response, writer = csv_response(f"registrations-{timezone.localdate():%Y-%m-%d}.csv")
        writer.writerow(
            [_header(name) for name in CSV_COLUMNS_BEFORE_CHOICES]
            + [dateformat.format(day, "l j F Y") for day in days]
            + [_option_name(option, several) for option in options]
            + [_header(name) for name in CSV_COLUMNS_AFTER_CHOICES]
            + [f"Arrived {dateformat.format(day, 'l j F Y')}" for day in arrival_days]
        )
        for registration in registrations:
            # A day or an option of another edition than the person's is left blank.
            chosen_days = set(registration.days)
            chosen_options = set(registration.options.all())
            row = [_csv_value(registration, name) for name in CSV_COLUMNS_BEFORE_CHOICES]
            row += [
                _yes_no(day in chosen_days) if day in registration.workshop.days else ""
                for day in days
            ]
            row += [
                _yes_no(option in chosen_options)
                if option.workshop_id == registration.workshop_id
                else ""
                for option in options
            ]
            row += [_csv_value(registration, name) for name in CSV_COLUMNS_AFTER_CHOICES]
            row += _arrival_times(registration, arrival_days, arrivals.get(registration.pk, {}))
            writer.writerow([defuse_formula(value) for value in row])
        return response

    @admin.action(description=_("Resend the email of their current state"), permissions=["change"])
    def resend_email(self, request, queryset):
        kinds = {
            Registration.Status.CONFIRMED: EmailKind.CONFIRMED,
            Registration.Status.WAITLISTED: EmailKind.WAITLISTED,
            Registration.Status.CANCELLED: EmailKind.CANCELLED,
        }
        count = 0
        for registration in queryset:
            if registration.confirmation_expired():
                continue  # the address was never confirmed: it may not be theirs
            kind = kinds.get(registration.status, EmailKind.CONFIRM_ADDRESS)
            if registration.awaits_confirmation():
                kind = EmailKind.CONFIRM_ADDRESS
            services.resend_email(registration, kind)
            count += 1
        self.message_user(
            request, gettext("%(count)s email(s) queued.") % {"count": count}, messages.SUCCESS
        )

    @admin.action(
        description=_("Cancel selected registrations (frees their seats)"), permissions=["change"]
    )
    def cancel_registrations(self, request, queryset):
        selected = list(queryset)
        cancelled = 0
        promoted_ids = set()
        for registration in selected:
            try:
                promoted_ids |= {r.pk for r in services.cancel(registration)}
            except services.RegistrationError as refused:
                self.message_user(request, refused.message, messages.ERROR)
            else:
                cancelled += 1
        if not cancelled:
            return
        # Someone promoted by an early cancellation may be among those cancelled next.
        promoted = Registration.objects.confirmed().filter(pk__in=promoted_ids)
        message = gettext("%(count)s registration(s) cancelled.") % {"count": cancelled}
        if promoted:
            message += " " + gettext("Promoted from the waiting list: %(names)s.") % {
                "names": ", ".join(r.full_name for r in promoted)
            }
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(
        description=_("Promote selected from the waiting list (if seats are free)"),
        permissions=["change"],
    )
    def promote_registrations(self, request, queryset):
        for registration in queryset:
            try:
                services.promote(registration)
            except services.RegistrationError as refused:
                self.message_user(request, refused.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(name)s now has a seat.") % {"name": registration.full_name},
                    messages.SUCCESS,
                )

    @admin.action(
        description=_("Confirm the address of selected (the person could not click)"),
        permissions=["change"],
    )
    def confirm_addresses(self, request, queryset):
        confirmed = []
        for registration in queryset:
            if not registration.awaits_confirmation():
                continue
            try:
                confirmed.append(services.confirm_address(registration))
            except services.RegistrationError as refused:
                self.message_user(
                    request, f"{registration.full_name}: {refused.message}", messages.ERROR
                )
            else:
                if dropped := confirmed[-1].dropped_options:
                    self.message_user(
                        request,
                        gettext("%(name)s keeps the place without %(options)s, full meanwhile.")
                        % {
                            "name": registration.full_name,
                            "options": ", ".join(option.label for option in dropped),
                        },
                        messages.WARNING,
                    )
        if confirmed:
            self.message_user(
                request,
                gettext("Address confirmed: %(names)s.")
                % {
                    "names": ", ".join(
                        f"{r.full_name} ({r.get_status_display().lower()})" for r in confirmed
                    )
                },
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext("None of those selected awaits an address confirmation."),
                messages.WARNING,
            )

    def _certificates(self, request, queryset) -> list:
        """The certificates of those selected ticked in at the desk, issued or brought up to date
        (services.issue_certificates), edition by edition; a message for an edition whose last
        day has not come, and for those never ticked in."""
        selected = list(queryset.select_related("workshop"))
        issued = []
        for workshop in sorted({r.workshop for r in selected}, key=lambda w: w.starts_on):
            people = [r for r in selected if r.workshop_id == workshop.pk]
            try:
                issued += services.issue_certificates(workshop, registrations=people)
            except services.NoCertificate as refused:
                self.message_user(request, refused.message, messages.WARNING)
        left_out = len(selected) - len(issued)
        if left_out:
            self.message_user(
                request,
                gettext(
                    "%(count)s of those selected get no certificate: never ticked in at the "
                    "desk (add their days on their page), their certificate revoked, or their "
                    "edition not over."
                )
                % {"count": left_out},
                messages.WARNING,
            )
        return issued

    @admin.action(
        description=_("Certificates of attendance of selected, one PDF"), permissions=["export"]
    )
    def certificates_pdf(self, request, queryset):
        issued = self._certificates(request, queryset)
        if not issued:
            return None
        pdf = certificates.certificates_pdf(issued)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"certificates-{timezone.localdate():%Y-%m-%d}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(
        description=_("Email selected their certificate of attendance (each person once)"),
        permissions=["change"],
    )
    def email_certificates(self, request, queryset):
        issued = self._certificates(request, queryset)
        addresses = dict(
            Registration.objects.filter(
                pk__in=[certificate.registration_id for certificate in issued]
            ).values_list("pk", "email")
        )
        already = set(
            Delivery.objects.filter(kind=CERTIFICATE, registration__in=list(addresses)).values_list(
                "recipient_id", flat=True
            )
        )
        by_workshop: dict = {}
        for certificate in issued:
            by_workshop.setdefault(certificate.workshop, []).append(certificate.registration_id)
        with transaction.atomic():
            for workshop, ids in by_workshop.items():
                outbox.queue_each(
                    CERTIFICATE,
                    [(pk, addresses[pk]) for pk in ids],
                    recipient_model=Registration,
                    about=workshop,
                )
        queued = len(addresses) - len(already)
        message = gettext("%(count)s certificate(s) of attendance queued for email.") % {
            "count": queued
        }
        if already:
            message += " " + gettext("%(count)s person(s) had theirs already: not sent again.") % {
                "count": len(already)
            }
        if issued:
            self.message_user(request, message, messages.SUCCESS)


def _header(name: str) -> str:
    return header(Registration, name)


def _arrival_times(
    registration: Registration, days: list[dt.date], arrived: dict[dt.date, dt.datetime]
) -> list[str]:
    """When the person was ticked in at the desk each day (HH:MM in their workshop's time zone),
    blank where they were not."""
    zone = registration.workshop.tzinfo
    return [
        timezone.localtime(arrived[day], zone).strftime("%H:%M") if day in arrived else ""
        for day in days
    ]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _csv_value(registration: Registration, name: str) -> str:
    value = getattr(registration, name)
    if isinstance(value, bool):
        return _yes_no(value)
    if hasattr(value, "isoformat"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if value is None:
        return ""
    if name in ("status", "position"):
        return getattr(registration, f"get_{name}_display")()
    return str(value)
