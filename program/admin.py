from django.contrib import admin, messages
from django.db.models import Count

from registration.services import fill_free_seats

from . import services
from .models import Organizer, Poster, Session, Speaker, Talk, Workshop


class ProgramContentAdmin(admin.ModelAdmin):
    """Deleting content marks its workshop modified (see services.record_removal)."""

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.record_removal([obj.workshop_id])

    def delete_queryset(self, request, queryset):
        workshop_ids = list(queryset.values_list("workshop_id", flat=True))
        super().delete_queryset(request, queryset)
        services.record_removal(workshop_ids)


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            services.record_workshop_change(obj, form.changed_data)
        if change and "capacity" in form.changed_data:
            # More seats: the waiting list moves up at once, under the registration lock.
            promoted = fill_free_seats(obj)
            if promoted:
                names = ", ".join(registration.full_name for registration in promoted)
                self.message_user(
                    request, f"Promoted from the waiting list: {names}.", messages.SUCCESS
                )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Session:
            for session_form in formset.initial_forms:
                if session_form.has_changed():
                    _record_session_form(session_form)


def _record_session_form(form) -> None:
    """Bump the calendar SEQUENCE of a session edited in a form (its own page or an inline)."""
    services.record_session_change(
        form.instance, form.changed_data, previous_talk_id=form.initial.get("talk")
    )


@admin.register(Speaker)
class SpeakerAdmin(ProgramContentAdmin):
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
class TalkAdmin(ProgramContentAdmin):
    list_display = ["__str__", "speaker_names", "kind", "slot", "workshop"]
    list_filter = ["workshop", "kind", ("session", admin.EmptyFieldListFilter)]
    search_fields = ["title", "abstract", "speakers__name"]
    autocomplete_fields = ["speakers"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["session"]
    ordering = ["session__starts_at", "title"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("speakers")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            services.record_talk_change(form.instance, form.changed_data)

    @admin.display(description="speakers")
    def speaker_names(self, obj):
        return ", ".join(speaker.name for speaker in obj.speakers.all())

    @admin.display(description="time", ordering="session__starts_at")
    def slot(self, obj):
        session = getattr(obj, "session", None)
        return session.starts_at if session else "to be announced"


@admin.register(Session)
class SessionAdmin(ProgramContentAdmin):
    list_display = ["starts_at", "ends_at", "kind", "__str__", "workshop"]
    list_filter = ["workshop", "kind"]
    search_fields = ["title", "talk__title", "talk__speakers__name"]
    autocomplete_fields = ["talk"]
    list_select_related = ["talk", "workshop"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            _record_session_form(form)


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
