"""A person registers, cancels, or comes back: each under the edition's lock, a seat if one is
free, else the waiting list. The emails are queued in the same transaction and sent after it
commits: a registration is never lost to a mail server that is down."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext

from program.models import Workshop

from ..addresses import normalised_or_as_typed
from ..emails import queue_email
from ..models import EmailKind, Option, Registration
from ..throttle import allow_email_to
from .choices import check_room, clean_choices, save_choices
from .locks import locked_workshop
from .seats import expire_holds_of, locked_edition, promote_into_free_seats, take_seat_or_wait
from .state import RegistrationError, check_not_over, check_open


class AlreadyRegistered(RegistrationError):
    def __init__(self, registration: Registration):
        super().__init__(gettext("This email address is already registered for this workshop."))
        self.registration = registration


def register(
    workshop: Workshop,
    *,
    days: Iterable[dt.date] | None = None,
    options: Iterable[Option] = (),
    enforce_deadline: bool = True,
    address_confirmed: bool = False,
    client_address: str | None = None,
    language: str = settings.LANGUAGE_CODE,
    now: dt.datetime | None = None,
    **answers: str | bool,
) -> Registration:
    """Register a person with their answers (RegistrationForm's, by name; see forms.ANSWERS): a
    seat if one is free, else the waiting list. `days`: the days of the edition they attend
    (default: every day); `options`: the edition's options they choose; `language`: the one
    they registered in, in which every email to them is written; `client_address`: the address
    the public form was posted from (throttle.client_ip), kept on the registration.

    When the edition confirms addresses (Workshop.confirm_addresses) and no organizer vouches for
    the address (address_confirmed=False: the public form), the seat is only held, or the
    waiting-list place kept, for the edition's hold_hours, until the person confirms the address
    (confirm_address); the email asks them to. One client address holds only a few such seats
    at once (seats.holds_too_many): past that, its registrations wait on the waiting list. An
    unconfirmed registration takes no place in a limited option (models.holds_option_place)
    until confirmed. Expired holds are swept first, so their seats go to the waiting list
    before anyone new.

    Locks the workshop row (Busy past the lock timeout). Raises RegistrationNotOpen /
    RegistrationClosed outside the registration period (unless an organizer adds the person:
    enforce_deadline=False), AlreadyRegistered if the email is registered already (whatever its
    case), ValidationError on bad input (no day, a day or an option of another edition),
    OptionFull when an option chosen has no place left. After commit, sends the confirmation,
    waiting-list or "confirm your address" email.
    """
    email = answers["email"] = normalised_or_as_typed(answers.get("email", ""))
    try:
        with locked_workshop(workshop) as workshop:
            # The clock is read under the lock: the waiting list's order is the lock's, and a
            # hold that expires while we wait for the lock is seen expired.
            now = now or timezone.now()
            if enforce_deadline:
                check_open(workshop, now)
            expire_holds_of(workshop, now)
            existing = workshop.registrations.with_email(email).first()
            if existing is not None:
                raise AlreadyRegistered(existing)
            registration = Registration(
                workshop=workshop,
                **answers,
                language=language,
                client_address=client_address,
                privacy_consent_at=now,
            )
            if workshop.confirm_addresses and not address_confirmed:
                registration.hold_expires_at = now + dt.timedelta(hours=workshop.hold_hours)
            days, options = clean_choices(workshop, registration, days, options)
            check_room(options, gettext("Untick it to register."))
            take_seat_or_wait(workshop, registration, now)
            registration.save()
            save_choices(registration, days, options)
            if registration.hold_expires_at is not None:
                allow_email_to(registration.email)  # counted: the first of the hour's few
                queue_email(registration, EmailKind.CONFIRM_ADDRESS)
            else:
                confirmed = registration.status == Registration.Status.CONFIRMED
                queue_email(
                    registration, EmailKind.CONFIRMED if confirmed else EmailKind.WAITLISTED
                )
    except IntegrityError:
        # Only reachable if the email's uniqueness was raced past the lock (it cannot be, but the
        # database constraint is the last word).
        existing = workshop.registrations.with_email(email).first()
        if existing is None:
            raise
        raise AlreadyRegistered(existing) from None
    return registration


def send_link_again(registration: Registration) -> bool:
    """Email the person their personal link (a second registration with the same address), unless
    this address had its few emails of the hour already (throttle.allow_email_to): re-posting
    someone else's address must not flood their inbox. Returns whether it was queued."""
    if not allow_email_to(registration.email):
        return False
    queue_email(registration, EmailKind.LINK)
    return True


def resend_email(registration: Registration, kind: EmailKind) -> None:
    """An organizer sends an email again (after a failure, or on request): a new message."""
    queue_email(registration, kind)


def cancel(registration: Registration, *, now: dt.datetime | None = None) -> list[Registration]:
    """Cancel a registration and give its seat to the waiting list.

    Locks the workshop row (seats.locked_edition). Cancelling twice changes nothing. Raises
    WorkshopOver once the workshop has ended. Sends the cancellation email, and the promotion
    emails of those who got the seat, after commit. Returns those promoted.
    """
    with locked_edition(registration, now=now) as (workshop, registration, now):
        if registration.status == Registration.Status.CANCELLED:
            return []
        check_not_over(workshop, now, "cancelled")
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.waitlisted_at = None
        registration.hold_expires_at = None  # cancelled by the person, not expired
        registration.save(
            update_fields=[
                "status",
                "cancelled_at",
                "waitlisted_at",
                "hold_expires_at",
                "updated_at",
            ]
        )
        queue_email(registration, EmailKind.CANCELLED)
        return promote_into_free_seats(workshop, now)


def rejoin(registration: Registration, *, now: dt.datetime | None = None) -> Registration:
    """Take a cancelled registration back while registration is open, with the days and options
    it had: a seat or the waiting list.

    Only the personal link reaches this, and only the address received it: so it confirms the
    address too (a hold that expired is taken back as a plain registration).

    Locks the workshop row (seats.locked_edition). Raises WorkshopOver once the workshop has
    ended, RegistrationClosed outside the registration period, OptionFull when one of its options
    has no place left. Sends the confirmation or waiting-list email after commit.
    """
    with locked_edition(registration, now=now) as (workshop, registration, now):
        if registration.status != Registration.Status.CANCELLED:
            return registration
        check_not_over(workshop, now, "renewed")
        check_open(workshop, now)
        check_room(
            registration.options.all(),
            gettext("To register again without it, write to the organizers."),
        )
        registration.cancelled_at = None
        if registration.hold_expires_at is not None:
            registration.hold_expires_at = None
            registration.address_confirmed_at = now
        take_seat_or_wait(workshop, registration, now)
        registration.save()
        confirmed = registration.status == Registration.Status.CONFIRMED
        queue_email(registration, EmailKind.CONFIRMED if confirmed else EmailKind.WAITLISTED)
    return registration
