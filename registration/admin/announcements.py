"""Announcements: write, preview for a real recipient, test, send; and how many of their copies
left (each copy is an email of the outbox: mail/admin.py)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from mail import outbox
from mail.models import Delivery
from program import translated_texts
from program.admin.translations import SideBySideTranslations

from .. import announcements
from ..forms import day_label
from ..models import Announcement, Registration


class AnnouncementForm(forms.ModelForm):
    """An announcement to write: its audience is checked against its edition, its text against
    the placeholders that are filled, so that sending refuses nothing the form accepted."""

    # Declared, so that the admin does not wrap it in a widget to add registrations.
    selected = forms.ModelMultipleChoiceField(
        queryset=Registration.objects.all(), required=False, widget=forms.MultipleHiddenInput
    )

    class Meta:
        model = Announcement
        # The admin gives the fields, from its fieldsets (program.forms.WorkshopAdminForm says
        # why not a `fields` list).
        exclude = ()  # noqa: DJ006

    def clean(self):
        cleaned = super().clean()
        workshop, audience = cleaned.get("workshop"), cleaned.get("audience")
        for name in (*translated_texts.columns("subject"), *translated_texts.columns("body")):
            if problem := announcements.placeholder_problem(cleaned.get(name) or ""):
                self.add_error(name, problem)
        if workshop is None:
            return cleaned
        day, option, selected = cleaned.get("day"), cleaned.get("option"), cleaned.get("selected")
        if audience == Announcement.Audience.DAY and day not in workshop.days:
            days = ", ".join(day_label(day) for day in workshop.days)
            self.add_error(
                "day",
                gettext("Choose one of the days of %(acronym)s: %(days)s.")
                % {"acronym": workshop.acronym, "days": days},
            )
        if audience == Announcement.Audience.OPTION and (
            option is None or option.workshop_id != workshop.pk
        ):
            self.add_error(
                "option",
                gettext("Choose one of the options of %(acronym)s.")
                % {"acronym": workshop.acronym},
            )
        if audience == Announcement.Audience.SELECTED:
            if not selected:
                self.add_error(
                    "audience",
                    gettext(
                        "No registration is selected: select them in the list of registrations, "
                        "then use the action “Write an announcement to the selected”."
                    ),
                )
            elif any(registration.workshop_id != workshop.pk for registration in selected):
                self.add_error(
                    "audience",
                    gettext("Some selected registrations are not of %(acronym)s.")
                    % {"acronym": workshop.acronym},
                )
        return cleaned


@admin.register(Announcement)
class AnnouncementAdmin(SideBySideTranslations, TranslationAdmin):
    """Write, preview, test, send; then the announcement stays, read-only, with its counts. The
    subject and text in English, and in French for those who registered in French (optional:
    without it they get the English)."""

    form = AnnouncementForm
    list_display = [
        "subject",
        "workshop",
        "audience_shown",
        "sent_at",
        "queued",
        "sent",
        "failed",
        "stuck",
    ]
    list_filter = ["workshop"]
    list_select_related = ["workshop", "option"]
    search_fields = [
        *translated_texts.columns("subject"),
        *translated_texts.columns("body"),
    ]  # both
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
        stuck = outbox.stuck(
            timezone.now(), state_field=state, lease_field="deliveries__lease_expires_at"
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                queued_count=Count(
                    "deliveries",
                    filter=Q(**{state: Delivery.State.QUEUED})
                    | (Q(**{state: Delivery.State.SENDING}) & ~stuck),
                ),
                sent_count=Count("deliveries", filter=Q(**{state: Delivery.State.SENT})),
                failed_count=Count("deliveries", filter=Q(**{state: Delivery.State.FAILED})),
                stuck_count=Count("deliveries", filter=stuck),
            )
        )

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.sent_at:
            return [
                (None, {"fields": ["workshop", "audience_shown", "sent_at", "deliveries"]}),
                ("Message", {"fields": self.replace_orig_field(["subject", "body"])}),
            ]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.sent_at:
            return self.replace_orig_field(
                ["workshop", "audience_shown", "sent_at", "deliveries", "subject", "body"]
            )
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
            gettext(
                "Saved as a draft. Check the preview below, send yourself a test, then send it."
            ),
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
                gettext("A test was sent to %(email)s, as %(name)s will read it.")
                % {"email": request.user.email, "name": person.full_name},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(self._change_url(obj))

    def _send(self, request, obj):
        if getattr(request, "announcement_changed", False):
            self.message_user(
                request,
                gettext(
                    "Your changes are saved but nothing was sent: check the preview, then send."
                ),
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
                gettext(
                    "“%(subject)s” is queued for %(count)s people: the task worker sends it now."
                )
                % {"subject": obj.subject, "count": queued},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext("“%(subject)s” was sent already: nobody was queued again.")
                % {"subject": obj.subject},
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:registration_announcement_changelist"))

    def _change_url(self, obj) -> str:
        return reverse("admin:registration_announcement_change", args=[obj.pk])

    @admin.display(description=_("audience"))
    def audience_shown(self, obj):
        if obj.audience == Announcement.Audience.DAY and obj.day:
            return gettext("Those attending %(day)s") % {"day": day_label(obj.day)}
        if obj.audience == Announcement.Audience.OPTION and obj.option:
            return gettext("Those who chose %(option)s") % {"option": obj.option.label}
        return obj.get_audience_display()

    @admin.display(description=_("queued"))
    def queued(self, obj):
        return obj.queued_count

    @admin.display(description=_("sent"))
    def sent(self, obj):
        return obj.sent_count

    @admin.display(description=_("failed"))
    def failed(self, obj):
        return obj.failed_count

    @admin.display(description=_("stuck"))
    def stuck(self, obj):
        return obj.stuck_count

    @admin.display(description=_("deliveries"))
    def deliveries(self, obj):
        query = urlencode(
            {
                "about_type__id__exact": ContentType.objects.get_for_model(obj).pk,
                "about_id": obj.pk,
            }
        )
        return format_html(
            '{} queued, {} sent, {} failed, {} stuck: <a href="{}?{}">see each person’s</a>',
            obj.queued_count,
            obj.sent_count,
            obj.failed_count,
            obj.stuck_count,
            reverse("admin:mail_delivery_changelist"),
            query,
        )


# RegistrationAdmin.has_announce_permission: may add an announcement.
@admin.action(description=_("Write an announcement to the selected"), permissions=["announce"])
def write_announcement(modeladmin, request, queryset):
    """RegistrationAdmin's action: the announcement form, addressed to those selected."""
    workshops = set(queryset.values_list("workshop_id", flat=True))
    if len(workshops) != 1:
        modeladmin.message_user(
            request,
            gettext("Select registrations of one edition: an announcement comes from one edition."),
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
