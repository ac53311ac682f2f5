"""The call for contributions in the admin. A minimal SubmissionAdmin carrying the decision
actions (admin_decisions.py); the review's list (scores, filters, CSV) builds on it."""

from django.contrib import admin

from .admin_decisions import DecisionActionsMixin
from .models import Author, Submission


class AuthorInline(admin.TabularInline):
    model = Author
    extra = 0
    fields = ["position", "name", "affiliation", "presenting"]


@admin.register(Submission)
class SubmissionAdmin(DecisionActionsMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "decision", "decision_sent_at", "workshop"]
    list_filter = ["workshop", "kind", "decision", ("decision_sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["workshop"]
    search_fields = ["title", "email", "authors__name"]
    inlines = [AuthorInline]
    # The decision changes through the actions only (services/decisions.py's rules).
    readonly_fields = ["decision", "decision_message", "decided_at", "decision_sent_at"]
