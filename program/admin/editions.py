"""The editions' back office: a workshop's page with its committee and timetable, starting the
next edition, publishing; moving its dates is moving.py's."""

import datetime as dt

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from .. import book, services
from ..forms import (
    NextEditionForm,
    SessionForm,
    TimetableFormSet,
    WorkshopAdminForm,
)
from ..models import Organizer, Session, Workshop
from .actions import update_and_report
from .choices import EditionAutocompleteJsonView, EditionChoicesMixin
from .moving import MoveEditionMixin
from .translations import SideBySideTranslations

PUBLISHED = ngettext_lazy("%(count)s edition published.", "%(count)s editions published.", "count")
HIDDEN = ngettext_lazy("%(count)s edition hidden.", "%(count)s editions hidden.", "count")


def slot_day_and_time(session: Session) -> tuple[str, str]:
    """A slot's day and its 24-hour times in its edition's time zone, as the site shows them:
    ("Wed 27 Nov 2024", "10:30–11:00")."""
    zone = session.workshop.tzinfo
    starts = timezone.localtime(session.starts_at, zone)
    ends = timezone.localtime(session.ends_at, zone)
    return f"{starts:%a %d %b %Y}", f"{starts:%H:%M}–{ends:%H:%M}"


def timetable_url(workshop: Workshop) -> str:
    """The timetable's own page: the slots of this edition, by day."""
    return reverse("admin:program_session_changelist") + f"?workshop__id__exact={workshop.pk}"


class OrganizerInline(SideBySideTranslations, TranslationStackedInline):
    """The organizing committee, each role in both languages (program/translation.py).
    Stacked, as the options' inline, so that each field has a label of its own."""

    model = Organizer
    fields = ["name", "role", "url", "position"]
    extra = 0
    classes = ["collapse"]  # set once per edition: folded, like the timetable


class SessionInline(EditionChoicesMixin, admin.TabularInline):
    """Every slot at once, folded away so that the edition's page stays short: for moving a
    block of slots together. One slot at a time is easier on the timetable's own page."""

    model = Session
    form = SessionForm
    formset = TimetableFormSet
    extra = 0
    fields = ["starts_at", "ends_at", "kind", "talk", "title"]
    autocomplete_fields = ["talk"]
    show_change_link = True
    classes = ["collapse"]
    verbose_name_plural = _("timetable, every slot at once")


@admin.register(Workshop)
class WorkshopAdmin(MoveEditionMixin, SideBySideTranslations, TranslationAdmin):
    """Each text organizers write shows a field per language, English first
    (program/translation.py)."""

    list_display = [
        "acronym",
        "name",
        "published",
        "starts_on",
        "ends_on",
        "venue_name",
        "capacity",
        "registration_deadline",
    ]
    search_fields = ["acronym", "name", "venue_name"]
    prepopulated_fields = {"slug": ["acronym"]}
    form = WorkshopAdminForm
    inlines = [OrganizerInline, SessionInline]
    readonly_fields = ["timetable"]
    # What organizers change most (seats, deadline) comes first; the long texts come last.
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "published"]}),
        (
            _("Registration"),
            {
                "fields": [
                    "capacity",
                    "registration_deadline",
                    "registration_opens_at",
                    "changes_deadline",
                    "reminder_days_before",
                    "reminder_note",
                    "confirm_addresses",
                    "hold_hours",
                    "registration_terms",
                ]
            },
        ),
        (
            _("When and where"),
            {
                "fields": [
                    "starts_on",
                    "ends_on",
                    "timezone",
                    "timetable",
                    "venue_name",
                    "venue_address",
                    "venue_directions_url",
                ]
            },
        ),
        (_("On the home page"), {"fields": ["description", "schedule_note"]}),
        (_("Contact"), {"fields": ["contact_email"]}),
        (
            _("Practical information"),
            {
                "classes": ["collapse"],
                "description": _(
                    "The edition's Info page, in Markdown (### for a heading, "
                    "[text](https://…) for a link). A part left empty is not shown."
                ),
                "fields": list(Workshop.PRACTICAL_INFORMATION_FIELDS),
            },
        ),
    ]

    actions = ["start_next_edition", "publish", "unpublish"]
    change_form_template = "admin/program/workshop/change_form.html"

    @admin.action(description=_("Publish the selected editions"), permissions=["change"])
    def publish(self, request, queryset):
        update_and_report(self, request, queryset, PUBLISHED, published=True)

    @admin.action(
        description=_("Make the selected editions drafts again (hidden from the public)"),
        permissions=["change"],
    )
    def unpublish(self, request, queryset):
        update_and_report(self, request, queryset, HIDDEN, published=False)

    # Starting an edition adds one: the same permission as its form (next_edition_view).
    @admin.action(
        description=_("Start the next edition from the selected one"), permissions=["add"]
    )
    def start_next_edition(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Select one edition to start from."), messages.WARNING
            )
            return None
        return redirect("admin:program_workshop_next", queryset.get().pk)

    def get_urls(self):
        view = self.admin_site.admin_view(self.next_edition_view)
        autocomplete = EditionAutocompleteJsonView.as_view(admin_site=self.admin_site)
        return [
            path("<int:pk>/next/", view, name="program_workshop_next"),
            path(
                "<int:pk>/book.pdf",
                self.admin_site.admin_view(self.book_view),
                name="program_workshop_book",
            ),
            path(
                "autocomplete/",
                self.admin_site.admin_view(autocomplete),
                name="program_edition_autocomplete",
            ),
            *super().get_urls(),
        ]

    def book_view(self, request, pk):
        """The edition's book of abstracts (program/book.py), a draft's too: the same PDF as the
        program page's, from the same cache."""
        workshop = get_object_or_404(Workshop, pk=pk)
        if not self.has_view_permission(request, workshop):
            raise PermissionDenied
        response = HttpResponse(book.book_pdf(workshop), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{book.filename(workshop)}"'
        return response

    def next_edition_view(self, request, pk):
        """Ask for the new name, acronym, address and first day, and whether it confirms
        addresses; copy the rest (a draft)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        source = get_object_or_404(Workshop, pk=pk)
        initial = {
            "name": source.name,
            "acronym": services.suggest_next(source.acronym),
            "slug": services.suggest_next(source.slug),
            "starts_on": source.starts_on.replace(year=source.starts_on.year + 1)
            if (source.starts_on.month, source.starts_on.day) != (2, 29)
            else source.starts_on + dt.timedelta(days=365),
        }
        form = NextEditionForm(request.POST or None, initial=initial)
        # The admin's own markup, widgets and scripts, as on any change form.
        adminform = helpers.AdminForm(form, form.fieldsets, {}, model_admin=self)
        if form.is_valid():
            try:
                edition = services.start_next_edition(source, **form.cleaned_data)
            except ValidationError as invalid:
                form.add_error(None, invalid)
            else:
                self.message_user(
                    request,
                    gettext(
                        "%(edition)s is ready as a draft, copied from %(source)s: check it, "
                        "fill in its program, then publish it."
                    )
                    % {"edition": edition.acronym, "source": source.acronym},
                    messages.SUCCESS,
                )
                return redirect("admin:program_workshop_change", edition.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Start the next edition from %(acronym)s")
            % {"acronym": source.acronym},
            "source": source,
            "form": form,
            "adminform": adminform,
            "opts": self.model._meta,
            "media": self.media + adminform.media,
        }
        return TemplateResponse(request, "admin/program/workshop/next_edition.html", context)

    @admin.display(description=_("timetable"))
    def timetable(self, workshop):
        if workshop.pk is None:
            return gettext("Save the edition first, then add its slots.")
        count = workshop.sessions.count()
        return format_html(
            '<a href="{}">{}</a>',
            timetable_url(workshop),
            ngettext(
                "Edit the timetable (%(count)s slot)", "Edit the timetable (%(count)s slots)", count
            )
            % {"count": count},
        )
