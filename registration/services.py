"""Registration rules: when registration is open, who gets a seat, who waits, who is told.

Every function that changes seats runs in one transaction that first locks the workshop row
(`SELECT … FOR UPDATE` on PostgreSQL; on SQLite every transaction begins IMMEDIATE, which takes the
database's write lock). So two requests, in any number of processes, never both take the last
seat. Emails are queued only after the transaction commits: a registration is never lost to a
mail server that is down.
"""

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from program import services as program_services
from program.models import Workshop

from .addresses import normalised_or_as_typed
from .emails import queue_email
from .models import AttendedDay, EmailKind, Option, Registration, takes_seat, waits_in_line
from .throttle import allow_email_to

# Who holds a place in an option: someone on the waiting list keeps theirs, so that a promotion
# never takes an option past its capacity; so does a seat held until its address is confirmed.
HOLDS_OPTIONS = [
    Registration.Status.CONFIRMED,
    Registration.Status.HELD,
    Registration.Status.WAITLISTED,
]


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


class AlreadyRegistered(RegistrationError):
    def __init__(self, registration: Registration):
        super().__init__(gettext("This email address is already registered for this workshop."))
        self.registration = registration


class NoSeatLeft(RegistrationError):
    pass


class OptionFull(RegistrationError):
    def __init__(self, option: Option, advice: str):
        super().__init__(
            gettext("%(option)s is full: all %(capacity)s places are taken.")
            % {"option": option.label, "capacity": option.capacity}
            + f" {advice}"
        )
        self.option = option


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


@dataclasses.dataclass(frozen=True)
class Attendance:
    """What the room and the caterer need to know: how many confirmed people come each day and to
    each option, and their dietary requirements (the same words, whatever their case, grouped).
    An option also has the places held (the waiting list's too), which its capacity limits."""

    workshop: Workshop
    days: list[tuple[dt.date, int]]
    options: list[tuple[Option, int, int]]
    dietary_requirements: list[tuple[str, int]]


def attendance(workshop: Workshop) -> Attendance:
    """Confirmed people per day, per option, per dietary requirement. Three queries, no lock."""
    confirmed = models.Q(registration__status=Registration.Status.CONFIRMED)
    per_day = dict(
        AttendedDay.objects.filter(confirmed, registration__workshop=workshop)
        .values_list("day")
        .annotate(people=models.Count("pk"))
        .order_by()
    )
    options = workshop.options.annotate(
        people=models.Count(
            "registrations",
            filter=models.Q(registrations__status=Registration.Status.CONFIRMED),
        ),
        held=models.Count(
            "registrations", filter=models.Q(registrations__status__in=HOLDS_OPTIONS)
        ),
    )
    requirements = workshop.registrations.confirmed().exclude(dietary_requirements="")
    spellings: dict[str, str] = {}  # the first way each requirement was written
    counts: Counter[str] = Counter()
    for text in requirements.order_by("created_at", "pk").values_list(
        "dietary_requirements", flat=True
    ):
        words = " ".join(text.split()).rstrip(".")
        if not words:
            continue
        key = words.casefold()
        spellings.setdefault(key, words[:1].upper() + words[1:])
        counts[key] += 1
    return Attendance(
        workshop=workshop,
        # Days the edition no longer has (its dates moved) stay visible while people hold them.
        days=[(day, per_day.get(day, 0)) for day in sorted({*workshop.days, *per_day})],
        options=[(option, option.people, option.held) for option in options],
        dietary_requirements=sorted(
            ((spellings[key], people) for key, people in counts.items()),
            key=lambda item: (-item[1], item[0].casefold()),
        ),
    )


def _check_open(workshop: Workshop, now: dt.datetime) -> None:
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
    if now >= workshop.ends_at:
        raise WorkshopOver(OVER_MESSAGES[change] % {"acronym": workshop.acronym})


def lock_workshop(workshop: Workshop) -> Workshop:
    """Lock the workshop row until the transaction ends, and return it fresh."""
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


def _queue_email(registration: Registration, kind: EmailKind) -> None:
    queue_email(registration, kind)  # a Delivery in this transaction, sent after commit


def _take_seat_or_wait(workshop: Workshop, registration: Registration, now: dt.datetime) -> None:
    """Give `registration` a seat if one is free, else a place at the end of the waiting list.
    A registration whose address is still to confirm (hold_expires_at set) only holds the seat."""
    if seat_free(workshop, now):
        pending = registration.hold_expires_at is not None
        registration.status = Registration.Status.HELD if pending else Registration.Status.CONFIRMED
        registration.waitlisted_at = None
    else:
        registration.status = Registration.Status.WAITLISTED
        registration.waitlisted_at = now


def seats_taken(workshop: Workshop, now: dt.datetime) -> int:
    """Confirmed seats and live holds at `now` (models.takes_seat). One query; under the lock
    when a seat is to be given."""
    return workshop.registrations.taking_seats(now).count()


def seat_free(workshop: Workshop, now: dt.datetime) -> bool:
    """Whether a seat can be given at `now`: the capacity rule, in one place. Under the lock."""
    return seats_taken(workshop, now) < workshop.capacity


def _expire_holds(workshop: Workshop, now: dt.datetime) -> int:
    """Cancel the registrations of `workshop` whose address was not confirmed in time (a held
    seat or a waiting-list place), then give the freed seats to the waiting list. Caller holds
    the lock. Nobody is emailed about the expiry: the address may not be theirs. The counts
    ignore an expired hold already; this records it and moves the waiting list. Returns how
    many expired."""
    expired = workshop.registrations.filter(
        status__in=[Registration.Status.HELD, Registration.Status.WAITLISTED],
        hold_expires_at__lte=now,
    ).update(
        status=Registration.Status.CANCELLED, cancelled_at=now, waitlisted_at=None, updated_at=now
    )
    if expired:
        _fill_free_seats(workshop, now)
    return expired


def expire_holds(*, now: dt.datetime | None = None) -> int:
    """The sweep (schedule.run_schedule, every hour): expire the unconfirmed holds of every
    edition that has some past their time, and promote from the waiting lists. Locks each such
    workshop in turn; sends the promotion emails after commit. Returns how many expired."""
    now = now or timezone.now()
    due = (
        Registration.objects.filter(
            status__in=[Registration.Status.HELD, Registration.Status.WAITLISTED],
            hold_expires_at__lte=now,
        )
        .values_list("workshop_id", flat=True)
        .distinct()
        .order_by("workshop_id")
    )
    expired = 0
    for workshop_id in list(due):
        with transaction.atomic():
            expired += _expire_holds(lock_workshop(Workshop(pk=workshop_id)), now)
    return expired


def _fill_free_seats(workshop: Workshop, now: dt.datetime) -> list[Registration]:
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
        _queue_email(registration, EmailKind.PROMOTED)
    return promoted


def full_options(options: Iterable[Option]) -> list[Option]:
    """Those of `options` that have no place left for one more person, as the database has them
    now. One query, no lock: the services check again under the workshop's lock."""
    counted = Option.objects.filter(
        pk__in=[option.pk for option in options], capacity__isnull=False
    ).annotate(
        taken=models.Count(
            "registrations", filter=models.Q(registrations__status__in=HOLDS_OPTIONS)
        )
    )
    return [option for option in counted if option.taken >= option.capacity]


def _check_room(options: Iterable[Option], advice: str) -> None:
    """Raise OptionFull for the first of `options` that is full. Caller holds the workshop's
    lock, which every change of who holds an option takes."""
    if full := full_options(options):
        raise OptionFull(full[0], advice)


def _clean_choices(
    workshop: Workshop,
    registration: Registration,
    days: Iterable[dt.date] | None,
    options: Iterable[Option],
) -> tuple[list[dt.date], list[Option]]:
    """`registration` validated, and the days and options checked against the edition: the days
    (default: all of them) sorted, the options fresh from the database. Raises ValidationError
    with every error of the answers, keyed by field name."""
    errors: dict = {}
    try:
        registration.full_clean()
    except ValidationError as invalid:
        errors = invalid.update_error_dict(errors)
    days = sorted(set(workshop.days if days is None else days))
    outside = [day for day in days if day not in workshop.days]
    if not days:
        errors["days"] = [gettext("Choose at least one day.")]
    elif outside:
        errors["days"] = [
            gettext("%(day)s is not a day of %(acronym)s.")
            % {"day": dateformat.format(day, "l j F Y"), "acronym": workshop.acronym}
            for day in outside
        ]
    asked = {option.pk: option for option in options}
    fresh = list(Option.objects.filter(pk__in=asked, workshop=workshop))
    found = {option.pk for option in fresh}
    if foreign := [option for pk, option in asked.items() if pk not in found]:
        errors["options"] = [
            gettext("%(option)s is not an option of %(acronym)s.")
            % {"option": option.label, "acronym": workshop.acronym}
            for option in foreign
        ]
    if errors:
        raise ValidationError(errors)
    return days, fresh


def _save_choices(registration: Registration, days: list[dt.date], options: list[Option]) -> None:
    registration.attended_days.exclude(day__in=days).delete()
    kept = set(registration.attended_days.values_list("day", flat=True))
    AttendedDay.objects.bulk_create(
        [AttendedDay(registration=registration, day=day) for day in days if day not in kept]
    )
    registration.options.set(options)


def register(
    workshop: Workshop,
    *,
    days: Iterable[dt.date] | None = None,
    options: Iterable[Option] = (),
    enforce_deadline: bool = True,
    address_confirmed: bool = False,
    language: str = settings.LANGUAGE_CODE,
    now: dt.datetime | None = None,
    **answers: str | bool,
) -> Registration:
    """Register a person with their answers (RegistrationForm's, by name; see forms.ANSWERS): a
    seat if one is free, else the waiting list. `days`: the days of the edition they attend
    (default: every day); `options`: the edition's options they choose; `language`: the one
    they registered in, in which every email to them is written.

    When the edition confirms addresses (Workshop.confirm_addresses) and no organizer vouches for
    the address (address_confirmed=False: the public form), the seat is only held, or the
    waiting-list place kept, for the edition's hold_hours, until the person confirms the address
    (confirm_address); the email asks them to. Expired holds are swept first, so their seats go
    to the waiting list before anyone new.

    Locks the workshop row. Raises RegistrationNotOpen / RegistrationClosed outside the
    registration period (unless an organizer adds the person: enforce_deadline=False),
    AlreadyRegistered if the email is registered already (whatever its case), ValidationError on
    bad input (no day, a day or an option of another edition), OptionFull when an option chosen
    has no place left. After commit, sends the confirmation, waiting-list or "confirm your
    address" email.
    """
    email = answers["email"] = normalised_or_as_typed(answers.get("email", ""))
    try:
        with transaction.atomic():
            workshop = lock_workshop(workshop)
            # The clock is read under the lock: the waiting list's order is the lock's, and a
            # hold that expires while we wait for the lock is seen expired.
            now = now or timezone.now()
            if enforce_deadline:
                _check_open(workshop, now)
            _expire_holds(workshop, now)
            existing = workshop.registrations.with_email(email).first()
            if existing is not None:
                raise AlreadyRegistered(existing)
            registration = Registration(
                workshop=workshop, **answers, language=language, privacy_consent_at=now
            )
            if workshop.confirm_addresses and not address_confirmed:
                registration.hold_expires_at = now + dt.timedelta(hours=workshop.hold_hours)
            days, options = _clean_choices(workshop, registration, days, options)
            _check_room(options, gettext("Untick it to register."))
            _take_seat_or_wait(workshop, registration, now)
            registration.save()
            _save_choices(registration, days, options)
            if registration.hold_expires_at is not None:
                allow_email_to(registration.email)  # counted: the first of the hour's few
                _queue_email(registration, EmailKind.CONFIRM_ADDRESS)
            else:
                confirmed = registration.status == Registration.Status.CONFIRMED
                _queue_email(
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

    Locks the workshop row. Cancelling twice changes nothing. Raises WorkshopOver once the
    workshop has ended. Sends the cancellation email, and the promotion emails of those who got
    the seat, after commit. Returns those promoted.
    """
    now = now or timezone.now()
    with transaction.atomic():
        workshop = lock_workshop(registration.workshop)
        _expire_holds(workshop, now)
        registration = Registration.objects.get(pk=registration.pk)
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
        _queue_email(registration, EmailKind.CANCELLED)
        return _fill_free_seats(workshop, now)


def rejoin(registration: Registration, *, now: dt.datetime | None = None) -> Registration:
    """Take a cancelled registration back while registration is open, with the days and options
    it had: a seat or the waiting list.

    Only the personal link reaches this, and only the address received it: so it confirms the
    address too (a hold that expired is taken back as a plain registration).

    Locks the workshop row. Raises WorkshopOver once the workshop has ended, RegistrationClosed
    outside the registration period, OptionFull when one of its options has no place left. Sends
    the confirmation or waiting-list email after commit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        workshop = lock_workshop(registration.workshop)
        _expire_holds(workshop, now)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status != Registration.Status.CANCELLED:
            return registration
        check_not_over(workshop, now, "renewed")
        _check_open(workshop, now)
        _check_room(
            registration.options.all(),
            gettext("To register again without it, write to the organizers."),
        )
        registration.cancelled_at = None
        if registration.hold_expires_at is not None:
            registration.hold_expires_at = None
            registration.address_confirmed_at = now
        _take_seat_or_wait(workshop, registration, now)
        registration.save()
        confirmed = registration.status == Registration.Status.CONFIRMED
        _queue_email(registration, EmailKind.CONFIRMED if confirmed else EmailKind.WAITLISTED)
    return registration


def promote(registration: Registration) -> Registration:
    """An organizer moves a waitlisted person into a free seat, ahead of the queue.

    Locks the workshop row; raises NoSeatLeft when every seat is taken (raise the capacity first).
    Sends the promotion email after commit.
    """
    now = timezone.now()
    with transaction.atomic():
        workshop = lock_workshop(registration.workshop)
        _expire_holds(workshop, now)
        registration = Registration.objects.get(pk=registration.pk)
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
        _queue_email(registration, EmailKind.PROMOTED)
    return registration


def change_choices(
    registration: Registration, *, days: Iterable[dt.date], options: Iterable[Option]
) -> Registration:
    """An organizer changes the days and options of a registration.

    Locks the workshop row. Raises ValidationError for no day, or a day or an option of another
    edition; OptionFull when an option added has no place left (those it holds it keeps). Sends
    nothing.
    """
    with transaction.atomic():
        workshop = lock_workshop(registration.workshop)
        registration = Registration.objects.get(pk=registration.pk)
        days, options = _clean_choices(workshop, registration, days, options)
        if registration.status in HOLDS_OPTIONS:
            held = set(registration.options.all())
            _check_room([o for o in options if o not in held], gettext("Raise its capacity first."))
        _save_choices(registration, days, options)
    return registration


def fill_free_seats(workshop: Workshop) -> list[Registration]:
    """After an organizer changed the capacity: promote from the waiting list into free seats.

    Locks the workshop row; sends the promotion emails after commit.
    """
    with transaction.atomic():
        return _fill_free_seats(lock_workshop(workshop), timezone.now())


# Address ownership ---------------------------------------------------------------------------


class HoldExpired(RegistrationError):
    pass


def awaits_confirmation(registration: Registration, *, now: dt.datetime | None = None) -> bool:
    """Whether the person still has time to confirm their address (a held seat, or a place on
    the waiting list kept for them). No query."""
    return (
        registration.status in (Registration.Status.HELD, Registration.Status.WAITLISTED)
        and registration.hold_expires_at is not None
        and (now or timezone.now()) < registration.hold_expires_at
    )


def hold_expired(registration: Registration, *, now: dt.datetime | None = None) -> bool:
    """Whether the address was not confirmed in time (swept already or not). No query."""
    if registration.hold_expires_at is None:
        return False
    if registration.status == Registration.Status.CANCELLED:
        return True  # cancel() clears hold_expires_at: only an expiry leaves it
    return not awaits_confirmation(registration, now=now)


def confirm_address(registration: Registration, *, now: dt.datetime | None = None) -> Registration:
    """The person clicked the link sent to their address (or an organizer confirms it for them),
    before their hold expired: a held seat becomes theirs; a waiting-list place is kept, in line
    from when they joined. Confirming twice changes nothing.

    Locks the workshop row; sweeps the edition's expired holds first. Raises HoldExpired (after
    the sweep is saved) when the time to confirm has passed. After commit, sends the
    confirmation email, or the waiting-list one (the promotion one if a seat is free).
    """
    with transaction.atomic():
        workshop = lock_workshop(registration.workshop)
        # Read under the lock: a hold that expired while we waited may already have given its
        # seat to someone else, and must not be confirmed.
        now = now or timezone.now()
        _expire_holds(workshop, now)
        registration = Registration.objects.get(pk=registration.pk)
        expired = hold_expired(registration, now=now)
        if awaits_confirmation(registration, now=now):
            registration.hold_expires_at = None
            registration.address_confirmed_at = now
            if registration.status == Registration.Status.HELD:
                registration.status = Registration.Status.CONFIRMED
                _queue_email(registration, EmailKind.CONFIRMED)
            registration.save(
                update_fields=["status", "hold_expires_at", "address_confirmed_at", "updated_at"]
            )
            if registration.status == Registration.Status.WAITLISTED:
                promoted = _fill_free_seats(workshop, now)
                if registration.pk in {r.pk for r in promoted}:
                    registration.status = Registration.Status.CONFIRMED
                else:
                    _queue_email(registration, EmailKind.WAITLISTED)
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


def forget(registrations: Iterable[Registration]) -> int:
    """Delete registrations (personal data) and give the seats they held to the waiting list.

    Locks each workshop concerned; sends promotion emails after commit. Returns how many were
    deleted.
    """
    registrations = list(registrations)
    deleted = 0
    for workshop_id in sorted({r.workshop_id for r in registrations}):
        with transaction.atomic():
            workshop = lock_workshop(Workshop(pk=workshop_id))
            ids = [r.pk for r in registrations if r.workshop_id == workshop_id]
            deleted += _delete(Registration.objects.filter(pk__in=ids))
            _fill_free_seats(workshop, timezone.now())
    return deleted


def purge_personal_data(*, ended_before: dt.datetime) -> int:
    """Delete every registration of the workshops that ended before `ended_before`."""
    ended = [w for w in Workshop.objects.all() if w.ends_at <= ended_before]
    return _delete(Registration.objects.filter(workshop__in=ended))


def _delete(registrations: models.QuerySet) -> int:
    """Delete, with their days and options; how many registrations were deleted."""
    _, per_model = registrations.delete()
    return per_model.get(Registration._meta.label, 0)


def copy_options(source: Workshop, edition: Workshop) -> list[Option]:
    """Give a new edition (program.services.start_next_edition) the options of `source`, each
    with the copied slot at the same moved time when the timetable was copied."""
    slots = {(slot.kind, slot.starts_at): slot for slot in edition.sessions.all()}
    options = []
    for option in source.options.select_related("session"):
        slot = None
        if option.session is not None:
            moved = program_services.shift(option.session.starts_at, source, edition)
            slot = slots.get((option.session.kind, moved))
        options.append(
            Option(
                workshop=edition,
                label=option.label,
                session=slot,
                capacity=option.capacity,
                position=option.position,
            )
        )
    return Option.objects.bulk_create(options)


# Changes by the participant ------------------------------------------------------------------


class ChangesClosed(RegistrationError):
    pass


def changes_are_open(registration: Registration, *, now: dt.datetime | None = None) -> bool:
    """Whether the person may still change their answers on their personal page. No query."""
    workshop = registration.workshop
    return registration.status != Registration.Status.CANCELLED and (now or timezone.now()) < min(
        workshop.changes_close_at, workshop.ends_at
    )


def _check_changes_open(workshop: Workshop, registration: Registration, now: dt.datetime) -> None:
    check_not_over(workshop, now, "changed")
    if registration.status == Registration.Status.CANCELLED:
        raise RegistrationError(
            gettext(
                "This registration is cancelled: register again before changing what you attend."
            )
        )
    if now >= workshop.changes_close_at:
        last = workshop.changes_close_at - dt.timedelta(seconds=1)
        raise ChangesClosed(
            gettext(
                "Changes closed after %(moment)s (%(zone)s time). To change something now, "
                "write to the organizers at %(contact)s."
            )
            % {
                "moment": dateformat.format(last.astimezone(workshop.tzinfo), "l j F Y, H:i"),
                "zone": workshop.timezone,
                "contact": workshop.contact_email,
            }
        )


def change_answers(
    registration: Registration,
    *,
    days: Iterable[dt.date],
    options: Iterable[Option],
    dietary_requirements: str,
    affiliation: str,
    listed_publicly: bool,
    now: dt.datetime | None = None,
) -> bool:
    """The person changes, on their personal page, the days and options they attend, their
    dietary requirements, affiliation and public listing, until the edition's changes deadline.

    Locks the workshop row (change_choices takes it again in the same transaction). Raises
    WorkshopOver once the workshop has ended, RegistrationError for a cancelled registration,
    ChangesClosed after the changes deadline, ValidationError on bad input (no day, a day or an
    option of another edition, a blank affiliation), OptionFull when an option added has no place
    left. After commit, sends the "registration changed" email with the new answers, unless
    nothing changed. Returns whether anything changed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        workshop = lock_workshop(registration.workshop)
        registration = Registration.objects.get(pk=registration.pk)
        _check_changes_open(workshop, registration, now)
        before = _answers_of(registration)
        registration.dietary_requirements = dietary_requirements
        registration.affiliation = affiliation
        registration.listed_publicly = listed_publicly
        registration.full_clean()
        registration.save(
            update_fields=["dietary_requirements", "affiliation", "listed_publicly", "updated_at"]
        )
        try:
            change_choices(registration, days=days, options=options)
        except OptionFull as full:
            raise OptionFull(full.option, gettext("Untick it to save your changes.")) from None
        changed = _answers_of(registration) != before
        if not changed:
            transaction.set_rollback(True)  # not even updated_at moves
            return False
        _queue_email(registration, EmailKind.CHANGED)
    return True


def _answers_of(registration: Registration) -> tuple:
    return (
        sorted(registration.attended_days.values_list("day", flat=True)),
        sorted(registration.options.values_list("pk", flat=True)),
        registration.dietary_requirements,
        registration.affiliation,
        registration.listed_publicly,
    )
