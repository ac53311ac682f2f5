"""The edition's page as the registration side extends it: its options, what a capacity change
does to the waiting list, the options a next edition takes, badges and sign-in sheets."""

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils import dateformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from program import admin as program_admin
from program.models import Workshop

from .. import documents, services
from .certificates import CertificateSignatureInline
from .registrations import OptionInline, may_export

admin.site.unregister(Workshop)


@admin.register(Workshop)
class WorkshopAdmin(program_admin.WorkshopAdmin):
    """The program's workshop admin, plus the edition's registration options, what a capacity
    change does to registrations, and the options a next edition takes."""

    inlines = [*program_admin.WorkshopAdmin.inlines, OptionInline, CertificateSignatureInline]
    actions = [*program_admin.WorkshopAdmin.actions, "badges", "sign_in_sheets"]

    def has_export_permission(self, request):
        return may_export(request)

    @admin.action(
        description=_("Name badges of the confirmed participants (PDF)"), permissions=["export"]
    )
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

    @admin.action(description=_("Sign-in sheets, one per day (PDF)"), permissions=["export"])
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
            self.message_user(request, gettext("Select one edition."), messages.WARNING)
            return None
        return queryset.get()

    def get_readonly_fields(self, request, obj=None):
        # The capacity decides who has a seat: raising it promotes the waiting list (emails go
        # out). That is the registrations' business, not a program editor's.
        readonly = super().get_readonly_fields(request, obj)
        if request.user.has_perm("registration.change_registration"):
            return readonly
        return [*readonly, "capacity"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            # More seats: the waiting list moves up at once, under the registration lock.
            promoted = services.fill_free_seats(obj)
            if promoted:
                names = ", ".join(registration.full_name for registration in promoted)
                self.message_user(
                    request,
                    gettext("Promoted from the waiting list: %(names)s.") % {"names": names},
                    messages.SUCCESS,
                )


# Announcements and their deliveries ----------------------------------------------------------


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
