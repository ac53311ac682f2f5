"""The program's back office. What changed is recorded by the database (triggers.py): no save
hook here keeps calendars or cached pages in step."""

from django.contrib import admin
from django.db.models import Count

from .models import Organizer, Poster, Session, Speaker, Talk, Workshop


class OrganizerInline(admin.TabularInline):
    model = Organizer
    extra = 0


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["starts_at", "ends_at", "kind", "talk", "title"]
    autocomplete_fields = ["talk"]
    show_change_link = True


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
    inlines = [OrganizerInline, SessionInline]
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "description", "schedule_note"]}),
        (
            "When and where",
            {
                "fields": [
                    "starts_on",
                    "ends_on",
                    "timezone",
                    "venue_name",
                    "venue_address",
                    "venue_directions_url",
                ]
            },
        ),
        (
            "Registration",
            {
                "fields": [
                    "capacity",
                    "registration_opens_at",
                    "registration_deadline",
                    "registration_terms",
                ]
            },
        ),
        ("Contact", {"fields": ["contact_email"]}),
    ]


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
    list_select_related = ["session"]
    ordering = ["session__starts_at", "title"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("speakers")

    @admin.display(description="speakers")
    def speaker_names(self, obj):
        return ", ".join(speaker.name for speaker in obj.speakers.all())

    @admin.display(description="time", ordering="session__starts_at")
    def slot(self, obj):
        session = getattr(obj, "session", None)
        return session.starts_at if session else "to be announced"


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "ends_at", "kind", "__str__", "workshop"]
    list_filter = ["workshop", "kind"]
    search_fields = ["title", "talk__title", "talk__speakers__name"]
    autocomplete_fields = ["talk"]
    list_select_related = ["talk", "workshop"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at"]


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
