"""The capacity rule and the waiting list: who takes a seat, who waits and in which order, how
an unconfirmed hold expires and its seat goes to the next in line. Every function here that
gives or frees a seat runs under the edition's lock (locks.py); promotion emails are queued in
the same transaction and sent after it commits."""

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from program.models import Workshop

from ..emails import queue_email
from ..models import EmailKind, Registration, hold_ran_out
from .locks import locked_workshop
from .state import RegistrationError


class NoSeatLeft(RegistrationError):
    pass


def seats_taken(workshop: Workshop, now: dt.datetime) -> int:
    """Confirmed seats and live holds at `now` (models.takes_seat). One query; under the lock
    when a seat is to be given."""
    return workshop.registrations.taking_seats(now).count()


def seat_free(workshop: Workshop, now: dt.datetime) -> bool:
    """Whether a seat can be given at `now`: the capacity rule, in one place. Under the lock."""
    return seats_taken(workshop, now) < workshop.capacity


def holds_too_many(workshop: Workshop, client_address: str | None, now: dt.datetime) -> bool:
    """Whether `client_address` already holds settings.REGISTRATION_MAX_HOLDS_PER_CLIENT
    unconfirmed seats of `workshop` at `now`: one client with throwaway addresses must not hold
    the room. An unknown address is not limited (only the public form records one). Under the
    lock."""
    if client_address is None:
        return False
    held = workshop.registrations.filter(
        client_address=client_address, status=Registration.Status.HELD, hold_expires_at__gt=now
    )
    return held.count() >= settings.REGISTRATION_MAX_HOLDS_PER_CLIENT


def take_seat_or_wait(workshop: Workshop, registration: Registration, now: dt.datetime) -> None:
    """Give `registration` a seat if one is free, else a place at the end of the waiting list.
    A registration whose address is still to confirm (hold_expires_at set) only holds the seat,
    and waits instead when its client address holds too many seats already (holds_too_many):
    like every unconfirmed place on the waiting list, it is in line once confirmed. Caller
    holds the lock and saves."""
    pending = registration.hold_expires_at is not None
    if seat_free(workshop, now) and not (
        pending and holds_too_many(workshop, registration.client_address, now)
    ):
        registration.status = Registration.Status.HELD if pending else Registration.Status.CONFIRMED
        registration.waitlisted_at = None
    else:
        registration.status = Registration.Status.WAITLISTED
        registration.waitlisted_at = now


def promote_into_free_seats(workshop: Workshop, now: dt.datetime) -> list[Registration]:
    """Promote the earliest people on the waiting list into free seats. Caller holds the lock.

    Once the workshop is over nobody is promoted: a seat for a past event is no news."""
    if now >= workshop.ends_at:
        return []
    free = workshop.capacity - seats_taken(workshop, now)
    if free <= 0:
        return []
    promoted = list(workshop.registrations.waiting_list_order()[:free])
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.waitlisted_at = None
        registration.save(update_fields=["status", "waitlisted_at", "updated_at"])
        queue_email(registration, EmailKind.PROMOTED)
    return promoted


def expire_holds_of(workshop: Workshop, now: dt.datetime) -> int:
    """Cancel the registrations of `workshop` whose address was not confirmed in time (a held
    seat or a waiting-list place), then give the freed seats to the waiting list. Caller holds
    the lock. Nobody is emailed about the expiry: the address may not be theirs. The counts
    ignore an expired hold already; this records it and moves the waiting list. Returns how
    many expired."""
    expired = workshop.registrations.filter(hold_ran_out(now)).update(
        status=Registration.Status.CANCELLED, cancelled_at=now, waitlisted_at=None, updated_at=now
    )
    if expired:
        promote_into_free_seats(workshop, now)
    return expired


@contextlib.contextmanager
def locked_edition(
    registration: Registration, *, now: dt.datetime | None = None
) -> Iterator[tuple[Workshop, Registration, dt.datetime]]:
    """What every change to one registration begins with, in one transaction: lock its edition
    (locks.locked_workshop: Busy past the timeout), read the clock (`now`, default: the current
    time, read under the lock: the lock's order is the order of events, and a hold that expired
    while we waited is seen expired), expire the edition's holds that ran out, and read the
    registration again (another request may have changed it while we waited). Yields the
    locked workshop, the fresh registration and `now`."""
    with locked_workshop(registration.workshop) as workshop:
        now = now or timezone.now()
        expire_holds_of(workshop, now)
        yield workshop, Registration.objects.get(pk=registration.pk), now


def expire_holds(*, now: dt.datetime | None = None) -> int:
    """A frequent job (registration/jobs.py, every EMAIL_SWEEP_SECONDS): expire the unconfirmed
    holds of every edition that has some past their time, and promote from the waiting lists.
    Locks each such workshop in turn; sends the promotion emails after commit. Returns how many
    expired."""
    now = now or timezone.now()
    due = (
        Registration.objects.filter(hold_ran_out(now))
        .values_list("workshop_id", flat=True)
        .distinct()
        .order_by("workshop_id")
    )
    expired = 0
    for workshop_id in list(due):
        with locked_workshop(Workshop(pk=workshop_id)) as workshop:
            expired += expire_holds_of(workshop, now)
    return expired


def fill_free_seats(workshop: Workshop) -> list[Registration]:
    """After an organizer changed the capacity: promote from the waiting list into free seats.

    Locks the workshop row; sends the promotion emails after commit.
    """
    with locked_workshop(workshop) as workshop:
        return promote_into_free_seats(workshop, timezone.now())


def promote(registration: Registration) -> Registration:
    """An organizer moves a waitlisted person into a free seat, ahead of the queue.

    Locks the workshop row; raises NoSeatLeft when every seat is taken (raise the capacity first).
    Sends the promotion email after commit.
    """
    with locked_edition(registration) as (workshop, registration, now):
        if registration.status != Registration.Status.WAITLISTED:
            raise RegistrationError(
                gettext("%(name)s is not on the waiting list.") % {"name": registration.full_name}
            )
        if not seat_free(workshop, now):
            raise NoSeatLeft(
                gettext("No seat is free for %(name)s: raise the capacity or cancel someone first.")
                % {"name": registration.full_name}
            )
        registration.status = Registration.Status.CONFIRMED
        registration.waitlisted_at = None
        registration.hold_expires_at = None  # the organizer vouches for an unconfirmed address
        registration.save(
            update_fields=["status", "waitlisted_at", "hold_expires_at", "updated_at"]
        )
        queue_email(registration, EmailKind.PROMOTED)
    return registration
