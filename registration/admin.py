"""Organizers' back office: registrations, seats at a glance, exports and emails.

Every change of seats goes through registration.services, under the same lock as the public
form, so no admin path exceeds the capacity.
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst

from program import admin as program_admin
from program.models import Workshop

from . import services
from .forms import RegistrationForm
from .models import EmailKind, Registration

# The export's columns; their headers are the fields' verbose names.
CSV_COLUMNS = [
    "first_name",
    "last_name",
    "email",
    "affiliation",
    "position",
    "status",
    "attends_day_one",
    "attends_day_two",
    "attends_cocktail",
    "attends_lunch",
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


class RegistrationAdminForm(forms.ModelForm):
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
        return cleaned


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
        "attends_day_one",
        "attends_day_two",
        "attends_cocktail",
        "attends_lunch",
        "listed_publicly",
    ]
    search_fields = ["first_name", "last_name", "email", "affiliation", "dietary_requirements"]
    ordering = ["created_at"]
    date_hierarchy = "created_at"
    list_select_related = ["workshop"]
    actions = ["export_csv", "resend_email", "cancel_registrations", "promote_registrations"]
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
        (
            "Attending",
            {
                "fields": [
                    "attends_day_one",
                    "attends_day_two",
                    "attends_cocktail",
                    "attends_lunch",
                    "dietary_requirements",
                ]
            },
        ),
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

    # Seats at a glance, above the list.
    def changelist_view(self, request, extra_context=None):
        workshops = Workshop.objects.annotate(
            confirmed=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
            ),
            waiting=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
            ),
        ).order_by("-starts_on")
        return super().changelist_view(
            request, {"seat_summary": workshops, **(extra_context or {})}
        )

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
                        "fields": ["workshop", *RegistrationForm.Meta.fields],
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

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        answers = {name: form.cleaned_data[name] for name in RegistrationForm.Meta.fields}
        try:
            registration = services.register(
                form.cleaned_data["workshop"], enforce_deadline=False, **answers
            )
        except services.AlreadyRegistered as already:
            # The form's own constraint check normally catches this first.
            registration = already.registration
            self.message_user(request, f"{registration} was already registered.", messages.WARNING)
        obj.pk = registration.pk
        obj.status = registration.status
        if registration.status == Registration.Status.WAITLISTED:
            self.message_user(
                request,
                f"The workshop is full: {registration.full_name} is on the waiting list.",
                messages.WARNING,
            )

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
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="registrations-{timezone.localdate():%Y-%m-%d}.csv"'
        )
        response.write(
            "\ufeff"
        )  # a byte-order mark, so that spreadsheets read UTF-8 (André, Иштева)
        writer = csv.writer(response)
        writer.writerow(
            [capfirst(Registration._meta.get_field(name).verbose_name) for name in CSV_COLUMNS]
        )
        for registration in queryset.order_by("created_at", "pk"):
            row = []
            for name in CSV_COLUMNS:
                value = getattr(registration, name)
                if isinstance(value, bool):
                    value = "yes" if value else "no"
                elif hasattr(value, "isoformat"):
                    value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
                elif value is None:
                    value = ""
                elif name in ("status", "position"):
                    value = getattr(registration, f"get_{name}_display")()
                row.append(_defuse_formula(str(value)))
            writer.writerow(row)
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


def _defuse_formula(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: make them text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


admin.site.unregister(Workshop)


@admin.register(Workshop)
class WorkshopAdmin(program_admin.WorkshopAdmin):
    """The program's workshop admin, plus what a capacity change does to registrations."""

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
