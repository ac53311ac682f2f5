"""Speakers, talks, slots and posters in the back office."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from mail import outbox
from mail.admin import emails_of, latest_state_label
from mail.models import Delivery, with_latest_email

from .. import services
from ..emails import SPEAKER_LINK, speaker_link
from ..forms import (
    PosterForm,
    SessionForm,
    TalkForm,
)
from ..materials import MaterialForm
from ..models import Material, Poster, Session, Speaker, Talk
from .actions import update_and_report
from .choices import EditionChoicesMixin
from .editions import slot_day_and_time

TEXT_LOCKED = ngettext_lazy(
    "%(count)s talk locked: speakers can still add slides.",
    "%(count)s talks locked: speakers can still add slides.",
    "count",
)
TEXT_UNLOCKED = ngettext_lazy("%(count)s talk unlocked.", "%(count)s talks unlocked.", "count")


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
        update_and_report(self, request, queryset, TEXT_LOCKED, text_locked=True)

    @admin.action(
        description=_("Unlock text: speakers can change title and abstract again"),
        permissions=["change"],
    )
    def unlock_text(self, request, queryset):
        update_and_report(self, request, queryset, TEXT_UNLOCKED, text_locked=False)

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
        return session.plain_title


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
