"""Personal data deleted: a person forgotten on request, an edition's registrations once its
retention period is over (settings.REGISTRATION_RETENTION_DAYS). Certificates of attendance
stay (Certificate.registration is set to NULL): they hold only what their verification page
shows, and must still be checkable after the registrations are gone."""

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.utils import timezone

from program.models import Workshop

from ..models import Registration
from .locks import locked_workshop
from .seats import promote_into_free_seats


def forget(registrations: Iterable[Registration]) -> int:
    """Delete registrations (personal data) and give the seats they held to the waiting list.

    Locks each workshop concerned; sends promotion emails after commit. Returns how many were
    deleted.
    """
    registrations = list(registrations)
    deleted = 0
    for workshop_id in sorted({r.workshop_id for r in registrations}):
        with locked_workshop(Workshop(pk=workshop_id)) as workshop:
            ids = [r.pk for r in registrations if r.workshop_id == workshop_id]
            deleted += _delete(Registration.objects.filter(pk__in=ids))
            promote_into_free_seats(workshop, timezone.now())
    return deleted


def purge_personal_data(*, ended_before: dt.datetime) -> int:
    """Delete every registration of the workshops that ended before `ended_before`."""
    ended = [w for w in Workshop.objects.all() if w.ends_at <= ended_before]
    return _delete(Registration.objects.filter(workshop__in=ended))


def _delete(registrations: models.QuerySet) -> int:
    """Delete, with their days and options; how many registrations were deleted."""
    _, per_model = registrations.delete()
    return per_model.get(Registration._meta.label, 0)
