"""Every email the site sends, with what became of it; failed or stuck ones sent again."""

import datetime as dt

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import outbox
from .kinds import KINDS
from .models import Delivery


def state_label(
    state: str | None,
    *,
    lease_expires_at: dt.datetime | None = None,
    attempts: int = 0,
    sent_at: dt.datetime | None = None,
) -> str:
    """A delivery's state as organizers read it: queued, sending, sent (when), failed (tries),
    stuck (sending past its lease: its worker stopped while sending), or no email at all."""
    if state is None:
        return gettext("no email")
    if state == Delivery.State.SENT and sent_at:
        return gettext("sent %(when)s") % {
            "when": date_format(timezone.localtime(sent_at), "d M H:i")
        }
    if state == Delivery.State.FAILED:
        return gettext("failed (%(attempts)s tries)") % {"attempts": attempts}
    if outbox.is_stuck(state, lease_expires_at):
        return gettext("stuck: its worker stopped while sending")
    return Delivery.State(state).label.lower()


def latest_state_label(obj) -> str:
    """state_label() of a row annotated by models.with_latest_email()."""
    return state_label(
        obj.last_email_state,
        lease_expires_at=obj.last_email_lease,
        attempts=obj.last_email_attempts,
        sent_at=obj.last_email_sent_at,
    )


def emails_of(recipient: models.Model) -> str:
    """Every email to `recipient` (a registration, a speaker), newest first, with its state, and
    a link to them in the outbox's list: for the person's page in the admin."""
    if recipient.pk is None:
        return "-"
    recipient_type = ContentType.objects.get_for_model(recipient)
    deliveries = (
        Delivery.objects.filter(recipient_type=recipient_type, recipient_id=recipient.pk)
        .prefetch_related("about")
        .order_by("-created_at", "-pk")
    )
    url = (
        reverse("admin:mail_delivery_changelist")
        + "?"
        + urlencode({"recipient_type__id__exact": recipient_type.pk, "recipient_id": recipient.pk})
    )
    return format_html(
        '<ul>{}</ul><a href="{}">{}</a>',
        format_html_join(
            "",
            "<li>{} {}: {}</li>",
            (
                (
                    f"{timezone.localtime(d.created_at):%d %b %H:%M}",
                    d.description,
                    state_label(
                        d.state,
                        lease_expires_at=d.lease_expires_at,
                        attempts=d.attempts,
                        sent_at=d.sent_at,
                    ),
                )
                for d in deliveries
            ),
        ),
        url,
        gettext("See them one by one"),
    )


class StateFilter(admin.SimpleListFilter):
    """The states as state_label() names them, stuck apart from sending."""

    title = _("state")
    parameter_name = "state"
    state_field, lease_field = "state", "lease_expires_at"

    def lookups(self, request, model_admin):
        return [
            *Delivery.State.choices[:2],
            ("stuck", _("Stuck (sending past its lease)")),
            *Delivery.State.choices[2:],
        ]

    def queryset(self, request, queryset):
        sending = models.Q(**{self.state_field: Delivery.State.SENDING})
        stuck = outbox.stuck(
            timezone.now(), state_field=self.state_field, lease_field=self.lease_field
        )
        match self.value():
            case Delivery.State.SENDING:
                return queryset.filter(sending & ~stuck)
            case "stuck":
                return queryset.filter(stuck)
            case Delivery.State.QUEUED | Delivery.State.SENT | Delivery.State.FAILED:
                return queryset.filter(**{self.state_field: self.value()})
        return queryset


class VariantFilter(admin.SimpleListFilter):
    """Which email of its kind (a registration email: confirmed, waiting list…), by name."""

    title = _("which email")
    parameter_name = "variant"

    def lookups(self, request, model_admin):
        return [(value, label) for kind in KINDS.values() for value, label in kind.variants.items()]

    def queryset(self, request, queryset):
        return queryset.filter(variant=self.value()) if self.value() else queryset


class LatestEmailStateFilter(StateFilter):
    """The state of each row's latest email of a kind (annotated by models.with_latest_email)."""

    title = _("email")
    parameter_name = "email_state"
    state_field, lease_field = "last_email_state", "last_email_lease"


# The filters of the links from a person's or an announcement's page to their emails.
RELATED_FILTERS = {"recipient_type__id__exact", "recipient_id", "about_type__id__exact", "about_id"}


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The outbox: registration emails, announcements, reminders, speakers' links."""

    list_display = ["recipient_shown", "description", "state_shown", "attempts", "sent_at", "error"]
    list_filter = ["kind", StateFilter, VariantFilter]
    search_fields = ["to"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("about")

    def lookup_allowed(self, lookup, value, request):
        # The links from a person's emails (emails_of) and from an announcement to its copies.
        return lookup in RELATED_FILTERS or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("email"))
    def description(self, obj):
        return obj.description

    @admin.display(description=_("to"), ordering="to")
    def recipient_shown(self, obj):
        """The address, linked to the person's page in the admin (their registration, the
        speaker)."""
        recipient_type = ContentType.objects.get_for_id(obj.recipient_type_id)
        try:
            url = reverse(
                f"admin:{recipient_type.app_label}_{recipient_type.model}_change",
                args=[obj.recipient_id],
            )
        except NoReverseMatch:
            return obj.to
        return format_html('<a href="{}">{}</a>', url, obj.to)

    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_send_permission(self, request):
        return request.user.has_perm("mail.change_delivery")

    @admin.display(description=_("state"), ordering="state")
    def state_shown(self, obj):
        return state_label(
            obj.state,
            lease_expires_at=obj.lease_expires_at,
            attempts=obj.attempts,
            sent_at=obj.sent_at,
        )

    @admin.action(
        description=_("Send again (failed, or stuck: they may get it twice)"),
        permissions=["send"],
    )
    def send_again(self, request, queryset):
        count = outbox.send_again(queryset)
        self.message_user(
            request,
            ngettext("%(count)s email queued again.", "%(count)s emails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
