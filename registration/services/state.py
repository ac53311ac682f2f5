"""Where registration stands: open or not by the clock, full or not by the seats taken; the
errors a rule answers with, in the words of the person who asked."""

import dataclasses
import datetime as dt

from django.db import models
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from program.models import Workshop

from ..models import takes_seat, waits_in_line


class RegistrationState(models.TextChoices):
    NOT_YET_OPEN = "not_yet_open", _("Registration is not open yet")
    OPEN = "open", _("Registration is open")
    FULL = "full", _("Full: waiting list open")
    CLOSED = "closed", _("Registration is closed")
    OVER = "over", _("The workshop is over")


class RegistrationError(Exception):
    """A rule refused the request; the message is written for the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RegistrationNotOpen(RegistrationError):
    pass


class RegistrationClosed(RegistrationError):
    pass


class WorkshopOver(RegistrationError):
    pass


@dataclasses.dataclass(frozen=True)
class RegistrationStatus:
    state: RegistrationState
    capacity: int
    seats_taken: int
    waiting: int

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def accepts_registrations(self) -> bool:
        return self.state in (RegistrationState.OPEN, RegistrationState.FULL)


def _timed_state(workshop: Workshop, now: dt.datetime) -> RegistrationState | None:
    """The state the clock alone decides, or None while registration is open."""
    if now >= workshop.ends_at:
        return RegistrationState.OVER
    if now >= workshop.registration_closes_at:
        return RegistrationState.CLOSED
    if workshop.registration_opens_at and now < workshop.registration_opens_at:
        return RegistrationState.NOT_YET_OPEN
    return None


def registration_status(
    workshop: Workshop, *, now: dt.datetime | None = None
) -> RegistrationStatus:
    """Where registration stands at `now` (default: the current time): seats held for an address
    to confirm are taken until their hold expires. One query, no lock."""
    now = now or timezone.now()
    counts = workshop.registrations.aggregate(
        seats_taken=models.Count("pk", filter=takes_seat(now)),
        waiting=models.Count("pk", filter=waits_in_line()),
    )
    return registration_status_from_counts(workshop, **counts, now=now)


def registration_status_from_counts(
    workshop: Workshop, *, seats_taken: int, waiting: int, now: dt.datetime | None = None
) -> RegistrationStatus:
    """Where registration stands at `now`, from counts of confirmed and waiting people that the
    caller read (the page cache reads them with the workshop's content version). No query."""
    state = _timed_state(workshop, now or timezone.now())
    if state is None:
        full = seats_taken >= workshop.capacity
        state = RegistrationState.FULL if full else RegistrationState.OPEN
    return RegistrationStatus(
        state=state, capacity=workshop.capacity, seats_taken=seats_taken, waiting=waiting
    )


def check_open(workshop: Workshop, now: dt.datetime) -> None:
    """Raise RegistrationNotOpen before the registration period, RegistrationClosed after it."""
    state = _timed_state(workshop, now)
    if state == RegistrationState.NOT_YET_OPEN:
        opens = timezone.localtime(workshop.registration_opens_at, workshop.tzinfo)
        raise RegistrationNotOpen(
            gettext("Registration opens on %(day)s at %(time)s (%(zone)s time).")
            % {
                "day": dateformat.format(opens, "l j F Y"),
                "time": dateformat.format(opens, "H:i"),
                "zone": workshop.timezone,
            }
        )
    if state in (RegistrationState.CLOSED, RegistrationState.OVER):
        deadline = workshop.last_registration_moment
        raise RegistrationClosed(
            gettext("Registration closed after %(moment)s (%(zone)s time).")
            % {"moment": dateformat.format(deadline, "l j F Y, H:i:s"), "zone": workshop.timezone}
        )


# What check_not_over says for each change refused once the workshop is over.
OVER_MESSAGES = {
    "added": _("%(acronym)s is over: its registrations can no longer be added."),
    "cancelled": _("%(acronym)s is over: its registrations can no longer be cancelled."),
    "renewed": _("%(acronym)s is over: its registrations can no longer be renewed."),
    "changed": _("%(acronym)s is over: its registrations can no longer be changed."),
}


def check_not_over(workshop: Workshop, now: dt.datetime, change: str) -> None:
    """Raise WorkshopOver, saying which `change` (a key of OVER_MESSAGES), once it has ended."""
    if now >= workshop.ends_at:
        raise WorkshopOver(OVER_MESSAGES[change] % {"acronym": workshop.acronym})
