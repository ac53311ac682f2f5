"""The program's back office. What changed is recorded by the database (triggers.py): no save
hook here keeps calendars or cached pages in step."""

import datetime as dt

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mail import outbox
from mail.admin import emails_of, latest_state_label
from mail.models import Delivery, with_latest_email

from . import services
from .emails import SPEAKER_LINK, speaker_link
from .forms import (
    NextEditionForm,
    PosterForm,
    SessionForm,
    TalkForm,
    TimetableFormSet,
    WorkshopAdminForm,
    edition_label,
    of_an_edition,
)
from .materials import MaterialForm
from .models import Material, Organizer, Poster, Session, Speaker, Talk, Workshop


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


class EditionAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete for rows of an edition (speakers, talks): each result names its
    edition, and `?edition=<pk>` (set by the widgets below) limits them to that edition."""

    def get_queryset(self):
        rows = super().get_queryset()
        if not of_an_edition(rows.model):
            return rows
        edition = self.request.GET.get("edition", "")
        rows = rows.select_related("workshop")
        return rows.filter(workshop=int(edition)) if edition.isdigit() else rows

    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": edition_label(obj)}


class EditionAutocomplete:
    """An autocomplete widget that asks EditionAutocompleteJsonView, for the rows of `edition`
    once its form knows it (forms.EditionRowForm), of every edition before."""

    edition: Workshop | None = None
    url_name = "%s:program_edition_autocomplete"

    def get_url(self):
        url = super().get_url()
        return f"{url}?edition={self.edition.pk}" if self.edition and self.edition.pk else url


class EditionAutocompleteSelect(EditionAutocomplete, AutocompleteSelect):
    pass


class EditionAutocompleteSelectMultiple(EditionAutocomplete, AutocompleteSelectMultiple):
    pass


class EditionChoicesMixin:
    """The admin of a row of an edition whose autocompletes choose rows of an edition (a talk's
    speakers, a slot's talk): they ask for those of the row's edition, each named with its
    edition. Its form is an EditionRowForm, which says which edition and refuses another's. An
    add page opened from a list filtered by edition is for that edition."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if self._edition_autocomplete(db_field, request):
            kwargs.setdefault(
                "widget",
                EditionAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if self._edition_autocomplete(db_field, request):
            kwargs.setdefault(
                "widget",
                EditionAutocompleteSelectMultiple(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _edition_autocomplete(self, db_field, request) -> bool:
        return db_field.name in self.get_autocomplete_fields(request) and of_an_edition(
            db_field.related_model
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        filters = QueryDict(request.GET.get("_changelist_filters", ""))
        if "workshop" not in initial and filters.get("workshop__id__exact"):
            initial["workshop"] = filters["workshop__id__exact"]
        return initial


class OrganizerInline(admin.TabularInline):
    model = Organizer
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


class MaterialInline(admin.TabularInline):
    """A talk's or a poster's PDFs and links, checked and named as on the speakers' own page
    (program/materials.py). A PDF is replaced on its own line: the same material, so the same
    address (a line deleted and added again would give the new file another one)."""

    model = Material
    form = MaterialForm
    extra = 1
    fields = ["kind", "file", "url", "served_as"]
    readonly_fields = ["served_as"]
    verbose_name_plural = _("slides, posters and links")

    @admin.display(description=_("on the site"))
    def served_as(self, material):
        if material.pk is None:
            return "—"
        return format_html('<a href="{}">{}</a>', material.get_absolute_url(), material)


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
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
        count = queryset.update(published=True)
        self.message_user(
            request,
            ngettext("%(count)s edition published.", "%(count)s editions published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Make the selected editions drafts again (hidden from the public)"),
        permissions=["change"],
    )
    def unpublish(self, request, queryset):
        count = queryset.update(published=False)
        self.message_user(
            request,
            ngettext("%(count)s edition hidden.", "%(count)s editions hidden.", count)
            % {"count": count},
            messages.SUCCESS,
        )

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
                "autocomplete/",
                self.admin_site.admin_view(autocomplete),
                name="program_edition_autocomplete",
            ),
            *super().get_urls(),
        ]

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
                self.edition_started(source, edition)
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

    def edition_started(self, source: Workshop, edition: Workshop) -> None:
        """What else to copy into a new edition (the registration side adds its options)."""

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


class PersonalLinkFilter(admin.SimpleListFilter):
    """Who has answered on their own page, who was sent the link and has not, whose link is on
    its way, failed or stuck (to send again), who was not sent one: from their latest link email
    (annotated by SpeakerAdmin.get_queryset)."""

    title = _("personal link")
    parameter_name = "link"

    def lookups(self, request, model_admin):
        return [
            ("answered", _("answered")),
            ("waiting", _("link sent, not answered")),
            ("queued", _("link queued, not sent yet")),
            ("failed", _("link failed")),
            ("not_sent", _("no link sent")),
        ]

    def queryset(self, request, queryset):
        stuck = outbox.stuck(
            timezone.now(), state_field="last_email_state", lease_field="last_email_lease"
        )
        states = {
            "answered": Q(answered_at__isnull=False),
            "waiting": Q(last_email_state=Delivery.State.SENT, answered_at__isnull=True),
            "queued": Q(last_email_state__in=[Delivery.State.QUEUED, Delivery.State.SENDING])
            & ~stuck,
            "failed": Q(last_email_state=Delivery.State.FAILED) | stuck,
            "not_sent": Q(last_email_state__isnull=True, answered_at__isnull=True),
        }
        if self.value() in states:
            return queryset.filter(states[self.value()])
        return queryset


def report_links(model_admin, request, sent: list[Speaker], without_address: list[Speaker]):
    """Say who gets a link, and who cannot for want of an address."""
    if sent:
        model_admin.message_user(
            request,
            ngettext(
                "The personal link is on its way to %(count)s speaker: %(names)s.",
                "The personal link is on its way to %(count)s speakers: %(names)s.",
                len(sent),
            )
            % {"count": len(sent), "names": ", ".join(speaker.name for speaker in sent)},
            messages.SUCCESS,
        )
    if without_address:
        model_admin.message_user(
            request,
            gettext(
                "No email address, so no link sent, for: %(names)s. Add their address on their "
                "page, then send again."
            )
            % {"names": ", ".join(speaker.name for speaker in without_address)},
            messages.WARNING,
        )


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "affiliation", "talk_count", "link_state", "workshop"]
    list_filter = ["workshop", PersonalLinkFilter]
    search_fields = ["name", "affiliation", "email"]
    ordering = ["sort_name", "name"]
    readonly_fields = ["personal_link", "link_emails", "answered_at"]
    actions = ["send_link", "revoke_and_send_link"]

    def get_queryset(self, request):
        return with_latest_email(
            super().get_queryset(request).annotate(talk_count=Count("talks")), SPEAKER_LINK
        )

    @admin.display(description=_("talks"), ordering="talk_count")
    def talk_count(self, obj):
        return obj.talk_count

    @admin.display(description=_("personal link"), ordering="answered_at")
    def link_state(self, speaker):
        # What the organizer must act on first: a link that failed or is stuck; then whether the
        # speaker answered (however they got the link: the admin shows it to copy), else where
        # the link email stands.
        email = latest_state_label(speaker)
        if speaker.last_email_state == Delivery.State.FAILED or outbox.is_stuck(
            speaker.last_email_state, speaker.last_email_lease
        ):
            if not speaker.last_email_error:  # stuck: no error to show
                return gettext("%(state)s, send again") % {"state": email}
            return gettext("%(state)s, send again: %(error)s") % {
                "state": email,
                "error": speaker.last_email_error,
            }
        if speaker.answered_at:
            return gettext("answered %(when)s") % {
                "when": date_format(timezone.localtime(speaker.answered_at), "j M H:i")
            }
        return email

    @admin.display(description=_("emails"))
    def link_emails(self, speaker):
        return emails_of(speaker)

    @admin.display(description=_("personal link"))
    def personal_link(self, speaker):
        """The link itself, to copy into an email of one's own; it is the key to their page."""
        if speaker.pk is None:
            return gettext("Save the speaker first.")
        return format_html("<code>{}</code>", speaker_link(speaker))

    @admin.action(description=_("Send their personal link"), permissions=["change"])
    def send_link(self, request, queryset):
        report_links(self, request, *services.send_speaker_links(queryset))

    @admin.action(
        description=_("Revoke and send a new link (the old one stops working)"),
        permissions=["change"],
    )
    def revoke_and_send_link(self, request, queryset):
        report_links(self, request, *services.revoke_speaker_links(queryset))


@admin.register(Talk)
class TalkAdmin(EditionChoicesMixin, admin.ModelAdmin):
    form = TalkForm
    list_display = ["__str__", "speaker_names", "kind", "slot", "text_locked", "workshop"]
    list_filter = ["workshop", "kind", ("session", admin.EmptyFieldListFilter), "text_locked"]
    actions = ["lock_text", "unlock_text", "send_speaker_links"]
    search_fields = ["title", "abstract", "speakers__name"]
    autocomplete_fields = ["speakers"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MaterialInline]
    list_select_related = ["session__workshop"]
    ordering = ["session__starts_at", "title"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("speakers")

    @admin.display(description=_("speakers"))
    def speaker_names(self, obj):
        return ", ".join(speaker.name for speaker in obj.speakers.all())

    @admin.display(description=_("time"), ordering="session__starts_at")
    def slot(self, obj):
        session = getattr(obj, "session", None)
        return ", ".join(slot_day_and_time(session)) if session else gettext("to be announced")

    @admin.action(
        description=_("Lock text: speakers can no longer change title and abstract"),
        permissions=["change"],
    )
    def lock_text(self, request, queryset):
        count = queryset.update(text_locked=True)
        self.message_user(
            request,
            ngettext(
                "%(count)s talk locked: speakers can still add slides.",
                "%(count)s talks locked: speakers can still add slides.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unlock text: speakers can change title and abstract again"),
        permissions=["change"],
    )
    def unlock_text(self, request, queryset):
        count = queryset.update(text_locked=False)
        self.message_user(
            request,
            ngettext("%(count)s talk unlocked.", "%(count)s talks unlocked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_speaker_links_permission(self, request):
        """The speakers' links are the speakers' (SpeakerAdmin's actions need the same)."""
        return request.user.has_perm("program.change_speaker")

    @admin.action(
        description=_("Send their speakers their personal links"), permissions=["speaker_links"]
    )
    def send_speaker_links(self, request, queryset):
        speakers = Speaker.objects.filter(talks__in=queryset).distinct()
        report_links(self, request, *services.send_speaker_links(speakers))


@admin.register(Session)
class SessionAdmin(EditionChoicesMixin, admin.ModelAdmin):
    """The timetable's own page: filtered by edition (the link on the edition's page), by day."""

    form = SessionForm
    list_display = ["day", "time", "what", "kind", "workshop"]
    list_display_links = ["time", "what"]
    list_filter = ["workshop", "kind"]
    search_fields = ["title", "talk__title", "talk__speakers__name"]
    autocomplete_fields = ["talk"]
    list_select_related = ["talk", "workshop"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at"]

    @admin.display(description=_("day"), ordering="starts_at")
    def day(self, session):
        return slot_day_and_time(session)[0]

    @admin.display(description=_("time"), ordering="starts_at")
    def time(self, session):
        return slot_day_and_time(session)[1]

    @admin.display(description=_("what"))
    def what(self, session):
        return session.display_title


@admin.register(Poster)
class PosterAdmin(EditionChoicesMixin, admin.ModelAdmin):
    form = PosterForm
    list_display = ["number", "__str__", "presenter_names", "workshop"]
    list_filter = ["workshop"]
    search_fields = ["title", "abstract", "presenters__name"]
    autocomplete_fields = ["presenters"]
    inlines = [MaterialInline]
    ordering = ["number"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("presenters")

    @admin.display(description=_("presenters"))
    def presenter_names(self, obj):
        return ", ".join(person.name for person in obj.presenters.all())
