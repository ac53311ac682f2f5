"""Address ownership: on an edition that confirms addresses, a registration from the public form
holds its seat (or keeps its waiting-list place) until the person confirms their address by the
emailed link, within the edition's hold_hours (models.awaits_confirmation)."""

import datetime as dt

from django.utils import dateformat, timezone
from django.utils.translation import gettext

from ..emails import queue_email
from ..models import EmailKind, Registration
from .choices import drop_full_options
from .seats import locked_edition, promote_into_free_seats
from .state import RegistrationError


class HoldExpired(RegistrationError):
    pass


def confirm_address(registration: Registration, *, now: dt.datetime | None = None) -> Registration:
    """The person clicked the link sent to their address (or an organizer confirms it for them),
    before their hold expired: a held seat becomes theirs; a waiting-list place is kept, in line
    from when they joined. Confirming twice changes nothing.

    Only now do they take places in their options (models.holds_option_place): a limited option
    that filled meanwhile is removed from their choices, and they keep the seat without it. The
    returned registration's `dropped_options` lists those removed (empty if none), for the
    caller to tell them.

    Locks the workshop row; sweeps the edition's expired holds first (seats.locked_edition: the
    clock and the registration are read under the lock, so a hold that expired while we waited,
    and may have given its seat to someone else, is not confirmed). Raises HoldExpired (after the
    sweep is saved) when the time to confirm has passed. After commit, sends the confirmation
    email, or the waiting-list one (the promotion one if a seat is free).
    """
    with locked_edition(registration, now=now) as (workshop, registration, now):
        expired = registration.confirmation_expired(now)
        registration.dropped_options = []
        if registration.awaits_confirmation(now):
            # Before the status changes: until then the registration holds no option place.
            registration.dropped_options = drop_full_options(registration)
            registration.hold_expires_at = None
            registration.address_confirmed_at = now
            if registration.status == Registration.Status.HELD:
                registration.status = Registration.Status.CONFIRMED
                queue_email(registration, EmailKind.CONFIRMED)
            registration.save(
                update_fields=["status", "hold_expires_at", "address_confirmed_at", "updated_at"]
            )
            if registration.status == Registration.Status.WAITLISTED:
                promoted = promote_into_free_seats(workshop, now)
                if registration.pk in {r.pk for r in promoted}:
                    registration.status = Registration.Status.CONFIRMED
                else:
                    queue_email(registration, EmailKind.WAITLISTED)
    if expired:
        last = timezone.localtime(registration.hold_expires_at, workshop.tzinfo)
        raise HoldExpired(
            gettext(
                "The time to confirm your address ran out on %(moment)s (%(zone)s time), so the "
                "place kept for you went to someone else."
            )
            % {"moment": dateformat.format(last, "l j F Y, H:i"), "zone": workshop.timezone}
        )
    return registration
