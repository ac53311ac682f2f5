"""The program's back office. What changed is recorded by the database (triggers.py): no save
hook here keeps calendars or cached pages in step."""

from django.contrib import admin
from django.db.models import Count
from django.http import QueryDict
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from .forms import SessionForm, TimetableFormSet, WorkshopAdminForm
from .models import Organizer, Poster, Session, Speaker, Talk, Workshop


def slot_time(session: Session) -> str:
    """A slot's day and 24-hour times in its edition's time zone, as the site shows them."""
    zone = session.workshop.tzinfo
    starts = timezone.localtime(session.starts_at, zone)
    ends = timezone.localtime(session.ends_at, zone)
    return f"{starts:%a %d %b %Y}, {starts:%H:%M}–{ends:%H:%M}"


def timetable_url(workshop: Workshop) -> str:
    """The timetable's own page: the slots of this edition, by day."""
    return reverse("admin:program_session_changelist") + f"?workshop__id__exact={workshop.pk}"


class OrganizerInline(admin.TabularInline):
    model = Organizer
    extra = 0


class SessionInline(admin.TabularInline):
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
    verbose_name_plural = "timetable, every slot at once"


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = [
        "acronym",
        "name",
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
        (None, {"fields": ["name", "acronym", "slug"]}),
        (
            "Registration",
            {
                "fields": [
                    "capacity",
                    "registration_deadline",
                    "registration_opens_at",
                    "registration_terms",
                ]
            },
        ),
        (
            "When and where",
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
        ("On the home page", {"fields": ["description", "schedule_note"]}),
        ("Contact", {"fields": ["contact_email"]}),
    ]

    @admin.display(description="timetable")
    def timetable(self, workshop):
        if workshop.pk is None:
            return "Save the edition first, then add its slots."
        count = workshop.sessions.count()
        return format_html(
            '<a href="{}">Edit the timetable ({} slot{})</a>',
            timetable_url(workshop),
            count,
            pluralize(count),
        )


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "affiliation", "homepage", "talk_count", "workshop"]
    list_filter = ["workshop"]
    search_fields = ["name", "affiliation"]
    ordering = ["sort_name", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(talk_count=Count("talks"))

    @admin.display(description="talks", ordering="talk_count")
    def talk_count(self, obj):
        return obj.talk_count


@admin.register(Talk)
class TalkAdmin(admin.ModelAdmin):
    list_display = ["__str__", "speaker_names", "kind", "slot", "workshop"]
    list_filter = ["workshop", "kind", ("session", admin.EmptyFieldListFilter)]
    search_fields = ["title", "abstract", "speakers__name"]
    autocomplete_fields = ["speakers"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["session__workshop"]
    ordering = ["session__starts_at", "title"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("speakers")

    @admin.display(description="speakers")
    def speaker_names(self, obj):
        return ", ".join(speaker.name for speaker in obj.speakers.all())

    @admin.display(description="time", ordering="session__starts_at")
    def slot(self, obj):
        session = getattr(obj, "session", None)
        return slot_time(session) if session else "to be announced"


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    """The timetable's own page: filtered by edition (the link on the edition's page), by day."""

    form = SessionForm
    list_display = ["when", "what", "kind", "workshop"]
    list_display_links = ["when", "what"]
    list_filter = ["workshop", "kind"]
    search_fields = ["title", "talk__title", "talk__speakers__name"]
    autocomplete_fields = ["talk"]
    list_select_related = ["talk", "workshop"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at"]

    @admin.display(description="when", ordering="starts_at")
    def when(self, session):
        return slot_time(session)

    @admin.display(description="what")
    def what(self, session):
        return session.display_title

    def get_changeform_initial_data(self, request):
        """A slot added from an edition's timetable belongs to that edition."""
        initial = super().get_changeform_initial_data(request)
        filters = QueryDict(request.GET.get("_changelist_filters", ""))
        if "workshop" not in initial and filters.get("workshop__id__exact"):
            initial["workshop"] = filters["workshop__id__exact"]
        return initial


@admin.register(Poster)
class PosterAdmin(admin.ModelAdmin):
    list_display = ["number", "__str__", "presenter_names", "workshop"]
    list_filter = ["workshop"]
    search_fields = ["title", "abstract", "presenters__name"]
    autocomplete_fields = ["presenters"]
    ordering = ["number"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("presenters")

    @admin.display(description="presenters")
    def presenter_names(self, obj):
        return ", ".join(person.name for person in obj.presenters.all())
