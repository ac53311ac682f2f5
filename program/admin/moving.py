"""Moving an edition's dates from its admin page: a new first day saved on the edition's page asks
first, on a page of its own, whether the whole edition moves with it (services.move_edition): its
last day, deadlines, opening and slots. The page carries everything typed in the form, so that
nothing is lost: Cancel goes back to the form as it was typed, and saving it again with that
first day moves nothing. WorkshopAdmin (editions.py) takes it as a mixin."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import dateformat, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import services
from ..models import Workshop

MOVE_ANSWER = "_move_edition"  # the organizer's answer on the page that asks: move or back
FIRST_DAY_ASKED = "_first_day_asked"  # the edition's first day when the page asked
FIRST_DAY_KEPT = "_first_day_kept"  # a first day the organizer chose to save without moving
NOT_SAVED = _(
    "Nothing is saved yet, and nothing moved: the form is as you typed it. Save it again to "
    "change the first day alone, leaving the other dates and the timetable where they are."
)
DATE_FIELDS = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)


def typed_first_day(form: forms.ModelForm) -> dt.date | None:
    """The first day typed on the edition's form, or None when it is not a day (the form says
    so when it is saved)."""
    field = form.fields.get("starts_on")
    if field is None or field.disabled:
        return None
    try:
        return field.clean(form["starts_on"].data)
    except ValidationError:
        return None


def typed_on_top(typed: QueryDict, shown_before: dict, shown_after: dict) -> QueryDict:
    """`typed` (a form as the organizer sent it back) with each input they left as it was shown
    (`shown_before`) set to what the form shows now (`shown_after`)."""
    data = typed.copy()
    for name, before in shown_before.items():
        after = shown_after.get(name, "")
        if after != before and typed.get(name, "") == before:
            data[name] = after
    return data


def shown_date(value: dt.date | dt.datetime, zone) -> str:
    """A date as the page that asks shows it: “Tuesday 25 November 2025”, with the time of an
    instant in the edition's zone."""
    if isinstance(value, dt.datetime):
        return dateformat.format(timezone.localtime(value, zone), "l j F Y, H:i")
    return dateformat.format(value, "l j F Y")


class MoveEditionMixin:
    """The edition's change form (of a ModelAdmin of Workshop), asking before a new first day
    moves the whole edition."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST" or object_id is None or "_saveasnew" in request.POST:
            return super().changeform_view(request, object_id, form_url, extra_context)
        workshop = self.get_object(request, unquote(object_id))
        if workshop is None or not self.has_change_permission(request, workshop):
            return super().changeform_view(request, object_id, form_url, extra_context)
        answer = request.POST.get(MOVE_ANSWER)
        if answer and request.POST.get(FIRST_DAY_ASKED) != workshop.starts_on.isoformat():
            # Sent from a page that asked about the edition as it was: a second click on Move,
            # say, whose form holds the dates from before the move.
            self.message_user(
                request,
                gettext("The edition's dates changed meanwhile: nothing was saved again."),
                messages.WARNING,
            )
            return redirect("admin:program_workshop_change", workshop.pk)
        form = self._typed_form(request, workshop)
        starts_on = typed_first_day(form)
        if starts_on is None or starts_on == workshop.starts_on:
            return super().changeform_view(request, object_id, form_url, extra_context)
        if request.POST.get(FIRST_DAY_KEPT) == starts_on.isoformat():
            extra_context = {**(extra_context or {}), "first_day_kept": starts_on}
            return super().changeform_view(request, object_id, form_url, extra_context)
        if answer == "back":
            # The form as typed, not saved; saved again with this first day, nothing moves.
            request.move_cancelled = True
            extra_context = {**(extra_context or {}), "first_day_kept": starts_on}
            return super().changeform_view(request, object_id, form_url, extra_context)
        if answer == "move":
            return self._move(request, workshop, form, starts_on, object_id, form_url)
        return self._move_confirmation(request, workshop, form, starts_on)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if getattr(request, "move_cancelled", False):
            return type(form.__name__, (form,), {"not_saved": NOT_SAVED})
        return form

    def _typed_form(self, request, workshop: Workshop) -> forms.ModelForm:
        """The edition's form bound to what was typed, not validated."""
        fields = flatten_fieldsets(self.get_fieldsets(request, workshop))
        return self.get_form(request, workshop, change=True, fields=fields)(
            request.POST, request.FILES, instance=workshop
        )

    def _move(self, request, workshop, form, starts_on, object_id, form_url):
        """Move the edition, then save what else was typed on its form, in one transaction:
        nothing is moved unless the whole form saves."""
        with transaction.atomic():
            shown_before = self._shown_dates(request, workshop)
            try:
                moved = services.move_edition(workshop, starts_on=starts_on)
            except ValidationError as invalid:
                return self._move_confirmation(request, workshop, form, starts_on, invalid.messages)
            # What the organizer typed, on top of the moved edition: each date or time left as
            # the form showed it takes its moved value; one they changed stays as they typed it.
            request.POST = typed_on_top(
                request.POST, shown_before, self._shown_dates(request, moved)
            )
            response = super().changeform_view(request, object_id, form_url)
            if response.status_code != 302:
                transaction.set_rollback(True)  # the form is shown again with its errors
                return response
        count = moved.sessions.count()
        self.message_user(
            request,
            ngettext(
                "%(edition)s moved to %(dates)s, with its deadlines and its %(count)s slot.",
                "%(edition)s moved to %(dates)s, with its deadlines and its %(count)s slots.",
                count,
            )
            % {"edition": moved.acronym, "dates": moved.date_range, "count": count},
            messages.SUCCESS,
        )
        return response

    def _shown_dates(self, request, workshop: Workshop) -> dict[str, str]:
        """What the edition's page shows in its date and time inputs (the edition's and every
        inline row's), by input name, as the browser sends it back."""
        fields = flatten_fieldsets(self.get_fieldsets(request, workshop))
        forms_shown = [
            self.get_form(request, workshop, change=True, fields=fields)(instance=workshop)
        ]
        prefixes = {}
        for FormSet, inline in self.get_formsets_with_inlines(request, workshop):
            # Named as ModelAdmin._create_formsets names them.
            prefix = FormSet.get_default_prefix()
            prefixes[prefix] = prefixes.get(prefix, 0) + 1
            if prefixes[prefix] != 1 or not prefix:
                prefix = f"{prefix}-{prefixes[prefix]}"
            queryset = inline.get_queryset(request)
            forms_shown += FormSet(instance=workshop, prefix=prefix, queryset=queryset).forms
        shown = {}
        for form in forms_shown:
            for bound in form:
                if isinstance(bound.field, DATE_FIELDS):
                    widget = bound.field.widget.get_context(bound.html_name, bound.value(), {})
                    for part in widget["widget"].get("subwidgets") or [widget["widget"]]:
                        shown[part["name"]] = part["value"] or ""
        return shown

    def _move_confirmation(self, request, workshop, form, starts_on, errors=()):
        """The page that asks: what moves, from when to when; Confirm or Cancel."""
        days = (starts_on - workshop.starts_on).days
        moved = services.moved_dates(workshop, starts_on)
        zone = workshop.tzinfo
        dates = []
        for name in ("starts_on", *services.MOVED_WITH_FIRST_DAY):
            before, after = getattr(workshop, name), moved[name]
            if before is None:
                continue
            label = Workshop._meta.get_field(name).verbose_name
            if name != "starts_on" and name in form.changed_data:
                dates.append((label, shown_date(before, zone), None))  # as typed
            else:
                dates.append((label, shown_date(before, zone), shown_date(after, zone)))
        slots = workshop.sessions.count()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Move %(acronym)s with its first day?")
            % {"acronym": workshop.acronym},
            "workshop": workshop,
            "opts": self.model._meta,
            "dates": dates,
            "slots": slots,
            "zone": workshop.timezone,
            "shift": (
                ngettext("%(count)s day later", "%(count)s days later", days)
                if days > 0
                else ngettext("%(count)s day earlier", "%(count)s days earlier", -days)
            )
            % {"count": abs(days)},
            "errors": errors,
            "typed": [
                (name, value)
                for name, values in request.POST.lists()
                if name not in {"csrfmiddlewaretoken", MOVE_ANSWER, FIRST_DAY_ASKED}
                for value in values
            ],
            "move_answer": MOVE_ANSWER,
            "first_day_asked": (FIRST_DAY_ASKED, workshop.starts_on.isoformat()),
        }
        return TemplateResponse(request, "admin/program/workshop/move_edition.html", context)
