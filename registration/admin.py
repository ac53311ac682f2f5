"""Organizers' back office: registrations, seats at a glance, exports and emails.

Every change of seats goes through registration.services, under the same lock as the public
form, so no admin path exceeds the capacity.
"""

import csv
import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import capfirst

from program import admin as program_admin
from program.models import Session, Workshop

from . import announcements, desk, documents, services
from .emails import unknown_placeholders
from .forms import ANSWERS, day_label
from .models import Announcement, AttendedDay, Delivery, EmailKind, Option, Registration

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
    "email_sent_at",
    "email_error",
]


class EmailStateFilter(admin.SimpleListFilter):
    title = "email"
    parameter_name = "email_state"

    def lookups(self, request, model_admin):
        return [("sent", "Sent"), ("failed", "Failed"), ("pending", "Not sent yet")]

    def queryset(self, request, queryset):
        if self.value() == "sent":
            return queryset.filter(email_error="", email_sent_at__isnull=False)
        if self.value() == "failed":
            return queryset.exclude(email_error="")
        if self.value() == "pending":
            return queryset.filter(email_error="", email_sent_at__isnull=True)
        return queryset


class DayFilter(admin.SimpleListFilter):
    """Who comes on a day: the days someone registered for."""

    title = "day"
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

    title = "option"
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
        error_messages={"required": "Choose at least one day."},
    )

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
                    "email", "This email address is already registered for this workshop."
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
                f"{', '.join(day_label(day) for day in outside)}: not a day of {workshop.acronym}.",
            )
        if foreign := [option for option in options if option.workshop_id != workshop.pk]:
            self.add_error(
                "options",
                f"{', '.join(o.label for o in foreign)}: not an option of {workshop.acronym}.",
            )
        held = set(self.instance.options.all()) if self.instance.pk else set()
        cancelled = self.instance.status == Registration.Status.CANCELLED
        added = [option for option in options if option not in held]
        if added and not cancelled:
            for option in services.full_options(added):
                self.add_error(
                    "options", f"{option.label} is full: all {option.capacity} places are taken."
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


class OptionInline(admin.TabularInline):
    """An edition's options, to edit with the edition (WorkshopAdmin.inlines)."""

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


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    form = RegistrationAdminForm
    list_display = [
        "last_name",
        "first_name",
        "email",
        "affiliation",
        "status",
        "parts_attended",
        "dietary_requirements",
        "email_state",
        "created_at",
    ]
    list_display_links = ["last_name", "first_name"]
    list_filter = [
        "workshop",
        "status",
        EmailStateFilter,
        "position",
        DayFilter,
        OptionFilter,
        "listed_publicly",
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
        "write_announcement",
    ]
    readonly_fields = [
        "status",
        "token",
        "created_at",
        "updated_at",
        "waitlisted_at",
        "cancelled_at",
        "privacy_consent_at",
        "email_sent_at",
        "email_error",
        "email_attempts",
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
        ("Attending", {"fields": ["days", "options", "dietary_requirements"]}),
        ("Privacy", {"fields": ["listed_publicly", "privacy_consent_at"]}),
        (
            "History and email",
            {
                "fields": [
                    "created_at",
                    "updated_at",
                    "waitlisted_at",
                    "cancelled_at",
                    "email_sent_at",
                    "email_error",
                    "email_attempts",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("attended_days", "options")

    # Seats at a glance above the list; then, for the edition the list is filtered on (else the
    # current one), who comes each day and to each option, and what the caterer must know.
    def changelist_view(self, request, extra_context=None):
        workshops = Workshop.objects.annotate(
            confirmed=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
            ),
            waiting=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
            ),
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
                        "description": "The person gets a seat if one is free, else a place on the waiting list, and an email.",
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
            registration = services.register(
                form.cleaned_data["workshop"], enforce_deadline=False, **answers
            )
        except services.AlreadyRegistered as already:
            # The form's own constraint check normally catches this first.
            registration = already.registration
            self.message_user(request, f"{registration} was already registered.", messages.WARNING)
        except services.RegistrationError as refused:
            # An option filled up between the form's check and the lock: nothing was added.
            self.message_user(request, refused.message, messages.ERROR)
            return
        obj.pk = registration.pk
        obj.status = registration.status
        if registration.status == Registration.Status.WAITLISTED:
            self.message_user(
                request,
                f"The workshop is full: {registration.full_name} is on the waiting list.",
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        if not change:  # register() saved the days and options with the registration
            return
        try:
            services.change_choices(
                form.instance,
                days=form.cleaned_data["days"],
                options=form.cleaned_data["options"],
            )
        except services.RegistrationError as refused:
            self.message_user(request, refused.message, messages.ERROR)

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

    @admin.display(description="attends")
    def parts_attended(self, obj):
        return ", ".join(obj.parts)

    @admin.display(description="email")
    def email_state(self, obj):
        if obj.email_error:
            return f"failed ({obj.email_attempts} tries)"
        if obj.email_sent_at:
            return f"sent {timezone.localtime(obj.email_sent_at):%d %b %H:%M}"
        return "not sent yet"

    @admin.action(description="Export selected registrations as CSV")
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
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="registrations-{timezone.localdate():%Y-%m-%d}.csv"'
        )
        response.write(
            "\ufeff"
        )  # a byte-order mark, so that spreadsheets read UTF-8 (André, Иштева)
        writer = csv.writer(response)
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
            writer.writerow([_defuse_formula(value) for value in row])
        return response

    @admin.action(description="Resend the email of their current state")
    def resend_email(self, request, queryset):
        kinds = {
            Registration.Status.CONFIRMED: EmailKind.CONFIRMED,
            Registration.Status.WAITLISTED: EmailKind.WAITLISTED,
            Registration.Status.CANCELLED: EmailKind.CANCELLED,
        }
        count = 0
        for registration in queryset:
            services.resend_email(registration, kinds[registration.status])
            count += 1
        self.message_user(request, f"{count} email(s) queued.", messages.SUCCESS)

    @admin.action(description="Cancel selected registrations (frees their seats)")
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
        message = f"{cancelled} registration(s) cancelled."
        if promoted:
            message += (
                " Promoted from the waiting list: " + ", ".join(r.full_name for r in promoted) + "."
            )
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Promote selected from the waiting list (if seats are free)")
    def promote_registrations(self, request, queryset):
        for registration in queryset:
            try:
                services.promote(registration)
            except services.RegistrationError as refused:
                self.message_user(request, refused.message, messages.ERROR)
            else:
                self.message_user(
                    request, f"{registration.full_name} now has a seat.", messages.SUCCESS
                )


def _header(name: str) -> str:
    return capfirst(Registration._meta.get_field(name).verbose_name)


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


def _defuse_formula(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: make them text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


admin.site.unregister(Workshop)


@admin.register(Workshop)
class WorkshopAdmin(program_admin.WorkshopAdmin):
    """The program's workshop admin, plus the edition's registration options, what a capacity
    change does to registrations, and the options a next edition takes."""

    inlines = [*program_admin.WorkshopAdmin.inlines, OptionInline]
    actions = [*program_admin.WorkshopAdmin.actions, "badges", "sign_in_sheets"]

    @admin.action(description="Name badges of the confirmed participants (PDF)")
    def badges(self, request, queryset):
        workshop = self._one(request, queryset)
        if workshop is None:
            return None
        people = [
            documents.Person(r.first_name, r.last_name, r.affiliation)
            for r in workshop.registrations.confirmed()
        ]
        pdf = documents.badges_pdf(edition=workshop.acronym, people=people)
        return _pdf_response(pdf, f"{workshop.slug}-badges.pdf")

    @admin.action(description="Sign-in sheets, one per day (PDF)")
    def sign_in_sheets(self, request, queryset):
        workshop = self._one(request, queryset)
        if workshop is None:
            return None
        confirmed = workshop.registrations.confirmed().prefetch_related("attended_days")
        days = [
            (
                dateformat.format(day, "l j F Y"),
                [
                    documents.Person(r.first_name, r.last_name, r.affiliation)
                    for r in confirmed
                    if day in r.days
                ],
            )
            for day in workshop.days
        ]
        pdf = documents.sign_in_sheet_pdf(edition=workshop.acronym, days=days)
        return _pdf_response(pdf, f"{workshop.slug}-sign-in-sheets.pdf")

    def _one(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select one edition.", messages.WARNING)
            return None
        return queryset.get()

    def edition_started(self, source, edition):
        services.copy_options(source, edition)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            # More seats: the waiting list moves up at once, under the registration lock.
            promoted = services.fill_free_seats(obj)
            if promoted:
                names = ", ".join(registration.full_name for registration in promoted)
                self.message_user(
                    request, f"Promoted from the waiting list: {names}.", messages.SUCCESS
                )


# Announcements and their deliveries ----------------------------------------------------------


class AnnouncementForm(forms.ModelForm):
    """An announcement to write: its audience is checked against its edition, its text against
    the placeholders that are filled, so that sending refuses nothing the form accepted."""

    # Declared, so that the admin does not wrap it in a widget to add registrations.
    selected = forms.ModelMultipleChoiceField(
        queryset=Registration.objects.all(), required=False, widget=forms.MultipleHiddenInput
    )

    class Meta:
        model = Announcement
        fields = ["workshop", "audience", "day", "option", "selected", "subject", "body"]

    def clean(self):
        cleaned = super().clean()
        workshop, audience = cleaned.get("workshop"), cleaned.get("audience")
        for name in ("subject", "body"):
            if unknown := unknown_placeholders(cleaned.get(name) or ""):
                self.add_error(
                    name,
                    f"Unknown placeholder {', '.join(unknown)}: only {{name}} (the person's first "
                    "name) and {link} (their personal link) are filled in.",
                )
        if workshop is None:
            return cleaned
        day, option, selected = cleaned.get("day"), cleaned.get("option"), cleaned.get("selected")
        if audience == Announcement.Audience.DAY and day not in workshop.days:
            days = ", ".join(day_label(day) for day in workshop.days)
            self.add_error("day", f"Choose one of the days of {workshop.acronym}: {days}.")
        if audience == Announcement.Audience.OPTION and (
            option is None or option.workshop_id != workshop.pk
        ):
            self.add_error("option", f"Choose one of the options of {workshop.acronym}.")
        if audience == Announcement.Audience.SELECTED:
            if not selected:
                self.add_error(
                    "audience",
                    "No registration is selected: select them in the list of registrations, "
                    "then use the action “Write an announcement to the selected”.",
                )
            elif any(registration.workshop_id != workshop.pk for registration in selected):
                self.add_error(
                    "audience", f"Some selected registrations are not of {workshop.acronym}."
                )
        return cleaned


def _stale_sending(prefix: str = "") -> Q:
    """Deliveries still `sending` long after a worker claimed them: the worker stopped."""
    since = timezone.now() - announcements.SENDING_TIMEOUT
    return Q(**{f"{prefix}state": Delivery.State.SENDING, f"{prefix}updated_at__lt": since})


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """Write, preview, test, send; then the announcement stays, read-only, with its counts."""

    form = AnnouncementForm
    list_display = [
        "subject",
        "workshop",
        "audience_shown",
        "sent_at",
        "queued",
        "sent",
        "failed",
        "unknown",
    ]
    list_filter = ["workshop"]
    list_select_related = ["workshop", "option"]
    search_fields = ["subject", "body"]
    fieldsets = [
        ("To", {"fields": ["workshop", "audience", "day", "option", "selected"]}),
        (
            "Message",
            {
                "fields": ["subject", "body"],
                "description": "In the text, {name} becomes each person's first name and {link} "
                "their personal link. Every email ends with the personal link anyway.",
            },
        ),
    ]

    def get_queryset(self, request):
        state = "deliveries__state"
        stale = _stale_sending("deliveries__")
        return (
            super()
            .get_queryset(request)
            .annotate(
                queued_count=Count(
                    "deliveries",
                    filter=Q(**{state: Delivery.State.QUEUED})
                    | (Q(**{state: Delivery.State.SENDING}) & ~stale),
                ),
                sent_count=Count("deliveries", filter=Q(**{state: Delivery.State.SENT})),
                failed_count=Count("deliveries", filter=Q(**{state: Delivery.State.FAILED})),
                unknown_count=Count("deliveries", filter=stale),
            )
        )

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.sent_at:
            return [
                (None, {"fields": ["workshop", "audience_shown", "sent_at", "deliveries"]}),
                ("Message", {"fields": ["subject", "body"]}),
            ]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.sent_at:
            return ["workshop", "audience_shown", "sent_at", "deliveries", "subject", "body"]
        return []

    def save_model(self, request, obj, form, change):
        if obj.sent_at:
            return  # sent: the announcement stays as it went out
        if not change:
            obj.created_by = request.user
        # Sending what the preview has not shown yet is refused below (response_change).
        request.announcement_changed = change and form.has_changed()
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not obj.sent_at:
            context["preview"] = announcements.preview_announcement(obj)
            try:
                announcements.check_announcement(obj)
            except announcements.AnnouncementRefused as refused:
                context["preview_problem"] = refused.message
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            "Saved as a draft. Check the preview below, send yourself a test, then send it.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(obj))

    def response_change(self, request, obj):
        if "_test" in request.POST:
            return self._send_test(request, obj)
        if "_send" in request.POST:
            return self._send(request, obj)
        return super().response_change(request, obj)

    def _send_test(self, request, obj):
        try:
            person = announcements.send_test_announcement(obj, to=request.user.email)
        except announcements.AnnouncementRefused as refused:
            self.message_user(request, refused.message, messages.ERROR)
        else:
            self.message_user(
                request,
                f"A test was sent to {request.user.email}, as {person.full_name} will read it.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._change_url(obj))

    def _send(self, request, obj):
        if getattr(request, "announcement_changed", False):
            self.message_user(
                request,
                "Your changes are saved but nothing was sent: check the preview, then send.",
                messages.WARNING,
            )
            return HttpResponseRedirect(self._change_url(obj))
        try:
            queued = announcements.send_announcement(obj)
        except announcements.AnnouncementRefused as refused:
            self.message_user(request, refused.message, messages.ERROR)
            return HttpResponseRedirect(self._change_url(obj))
        if queued:
            self.message_user(
                request,
                f"“{obj.subject}” is queued for {queued} people: the task worker sends it now.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                f"“{obj.subject}” was sent already: nobody was queued again.",
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:registration_announcement_changelist"))

    def _change_url(self, obj) -> str:
        return reverse("admin:registration_announcement_change", args=[obj.pk])

    @admin.display(description="audience")
    def audience_shown(self, obj):
        if obj.audience == Announcement.Audience.DAY and obj.day:
            return f"Those attending {day_label(obj.day)}"
        if obj.audience == Announcement.Audience.OPTION and obj.option:
            return f"Those who chose {obj.option.label}"
        return obj.get_audience_display()

    @admin.display(description="queued")
    def queued(self, obj):
        return obj.queued_count

    @admin.display(description="sent")
    def sent(self, obj):
        return obj.sent_count

    @admin.display(description="failed")
    def failed(self, obj):
        return obj.failed_count

    @admin.display(description="unknown")
    def unknown(self, obj):
        return obj.unknown_count

    @admin.display(description="deliveries")
    def deliveries(self, obj):
        url = reverse("admin:registration_delivery_changelist")
        return format_html(
            '{} queued, {} sent, {} failed, {} unknown: <a href="{}?announcement__id__exact={}">'
            "see each person’s</a>",
            obj.queued_count,
            obj.sent_count,
            obj.failed_count,
            obj.unknown_count,
            url,
            obj.pk,
        )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Each person's copy of an announcement, and the reminders, with what became of them."""

    list_display = [
        "registration",
        "kind",
        "announcement",
        "state_shown",
        "attempts",
        "sent_at",
        "error",
    ]
    list_filter = ["kind", "state", "announcement"]
    list_select_related = ["registration", "announcement"]
    search_fields = ["registration__email", "registration__first_name", "registration__last_name"]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="state", ordering="state")
    def state_shown(self, obj):
        if obj.state == Delivery.State.SENDING and (
            obj.updated_at < timezone.now() - announcements.SENDING_TIMEOUT
        ):
            return "unknown: the worker stopped while sending"
        return obj.get_state_display()

    @admin.action(description="Send again (failed, or unknown: they may get it twice)")
    def send_again(self, request, queryset):
        count = announcements.send_again(queryset)
        self.message_user(request, f"{count} email(s) queued again.", messages.SUCCESS)


@admin.action(description="Write an announcement to the selected")
def write_announcement(modeladmin, request, queryset):
    """RegistrationAdmin's action: the announcement form, addressed to those selected."""
    workshops = set(queryset.values_list("workshop_id", flat=True))
    if len(workshops) != 1:
        modeladmin.message_user(
            request,
            "Select registrations of one edition: an announcement comes from one edition.",
            messages.ERROR,
        )
        return None
    query = {
        "workshop": workshops.pop(),
        "audience": Announcement.Audience.SELECTED,
        "selected": ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)),
    }
    return HttpResponseRedirect(
        f"{reverse('admin:registration_announcement_add')}?{urlencode(query)}"
    )


# Named in RegistrationAdmin.actions; offered nowhere else.
admin.site.add_action(write_announcement)
admin.site.disable_action("write_announcement")


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
