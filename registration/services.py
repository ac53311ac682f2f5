"""Registration rules: when registration is open and who gets a seat."""

import datetime as dt

from django.db import models
from django.utils import timezone

from program.models import Workshop


class RegistrationState(models.TextChoices):
    NOT_YET_OPEN = "not_yet_open", "Registration is not open yet"
    OPEN = "open", "Registration is open"
    CLOSED = "closed", "Registration is closed"
    OVER = "over", "The workshop is over"


def registration_state(workshop: Workshop, *, now: dt.datetime | None = None) -> RegistrationState:
    """Where registration stands at `now` (default: the current time)."""
    now = now or timezone.now()
    if now >= workshop.ends_at:
        return RegistrationState.OVER
    if now >= workshop.registration_closes_at:
        return RegistrationState.CLOSED
    if workshop.registration_opens_at and now < workshop.registration_opens_at:
        return RegistrationState.NOT_YET_OPEN
    return RegistrationState.OPEN
