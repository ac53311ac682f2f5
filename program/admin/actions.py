"""What the admin actions that set one field on the rows selected share: one UPDATE, then a
message saying how many rows it changed (publish, unpublish, lock and unlock a talk's text)."""

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.db.models import QuerySet
from django.http import HttpRequest


def update_and_report(
    model_admin: ModelAdmin, request: HttpRequest, queryset: QuerySet, message, **values
) -> int:
    """Set `values` on every row of `queryset` in one statement and tell the organizer how many
    changed, with `message`: an ngettext_lazy(singular, plural, "count") whose texts hold
    %(count)s. Returns that number."""
    count = queryset.update(**values)
    model_admin.message_user(request, message % {"count": count}, messages.SUCCESS)
    return count
