"""The organizers' decisions in the admin: actions of the submissions' list (SubmissionAdmin
takes DecisionActionsMixin). "Accept as poster", "Accept as talk" and "Reject" ask on a page of
their own for the message to the authors; "Send the decisions" emails them. The rules are
services/decisions.py's; here only the asking and the reporting."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from registration.services.locks import Busy

from .models import Submission
from .services import decisions

Decision = Submission.Decision
# The name of the button that applies a decision from its page (absent: show the page).
APPLY = "apply_decision"


class DecisionMessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the authors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=_(
            "Sent with the decision, as written, to each submission selected; the reviewers' "
            "comments for the authors follow it."
        ),
    )


class DecisionActionsMixin:
    """The decision actions, for a ModelAdmin of Submission."""

    actions = ["accept_as_poster", "accept_as_talk", "reject", "send_decisions"]

    @admin.action(description=_("Accept as poster"), permissions=["change"])
    def accept_as_poster(self, request, queryset):
        return self._decide(request, queryset, Decision.POSTER)

    @admin.action(description=_("Accept as talk"), permissions=["change"])
    def accept_as_talk(self, request, queryset):
        return self._decide(request, queryset, Decision.TALK)

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject(self, request, queryset):
        return self._decide(request, queryset, Decision.REJECTED)

    @admin.action(description=_("Send the decisions"), permissions=["change"])
    def send_decisions(self, request, queryset):
        selected = list(queryset.select_related("workshop"))
        sent = 0
        try:
            for workshop in {submission.workshop for submission in selected}:
                chosen = [s for s in selected if s.workshop_id == workshop.pk]
                sent += decisions.send_decisions(workshop, chosen)
        except (Busy, decisions.DecisionError) as error:
            self.message_user(request, busy_or(error), messages.ERROR)
            return None
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%(count)s decision is on its way to its authors.",
                    "%(count)s decisions are on their way to their authors.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        left = len(selected) - sent
        if left:
            self.message_user(
                request,
                ngettext(
                    "%(count)s submission was left out: undecided, its decision sent already, "
                    "withdrawn, or not confirmed.",
                    "%(count)s submissions were left out: undecided, their decision sent "
                    "already, withdrawn, or not confirmed.",
                    left,
                )
                % {"count": left},
                messages.WARNING,
            )
        return None

    def _decide(self, request, queryset, decision: str):
        """The page asking for the message (GET-like: the action chosen), then the decision on
        each submission selected (its button pressed)."""
        selected = list(queryset.select_related("workshop").order_by("pk"))
        if APPLY not in request.POST:
            initial = {"message": selected[0].decision_message} if len(selected) == 1 else {}
            return self._decision_page(
                request, selected, decision, DecisionMessageForm(initial=initial)
            )
        form = DecisionMessageForm(request.POST)
        if not form.is_valid():
            return self._decision_page(request, selected, decision, form)
        decided, refused = 0, []
        for submission in selected:
            try:
                decisions.decide(
                    submission,
                    decision=decision,
                    message=form.cleaned_data["message"],
                    by=request.user,
                )
            except (Busy, decisions.DecisionError) as error:
                refused.append(busy_or(error))
            else:
                decided += 1
        if decided:
            self.message_user(
                request,
                ngettext(
                    "%(count)s submission decided: %(decision)s. Nothing is sent until you "
                    "send the decisions.",
                    "%(count)s submissions decided: %(decision)s. Nothing is sent until you "
                    "send the decisions.",
                    decided,
                )
                % {"count": decided, "decision": Decision(decision).label},
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, message, messages.ERROR)
        return None

    def _decision_page(self, request, selected, decision, form):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("%(decision)s: the message to the authors")
            % {"decision": Decision(decision).label},
            "opts": self.model._meta,
            "submissions": selected,
            "decision_label": Decision(decision).label,
            "form": form,
            "action": request.POST.get("action", ""),
            "apply": APPLY,
            "selected_ids": [submission.pk for submission in selected],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/contributions/submission/decide.html", context)


def busy_or(error: Exception) -> str:
    if isinstance(error, Busy):
        return gettext("Another change of this edition is under way: try again in a moment.")
    return error.message
