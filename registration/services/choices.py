"""Days and options: what a person attends, checked against the edition, and the options'
capacities. An option's places are counted under the edition's lock, as seats are."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import dateformat
from django.utils.translation import gettext

from program import services as program_services
from program import translated_texts
from program.models import Workshop

from ..models import AttendedDay, Option, Registration, holds_option_place
from .seats import locked_edition
from .state import RegistrationError


class OptionFull(RegistrationError):
    def __init__(self, option: Option, advice: str):
        super().__init__(
            gettext("%(option)s is full: all %(capacity)s places are taken.")
            % {"option": option.label, "capacity": option.capacity}
            + f" {advice}"
        )
        self.option = option


def full_options(options: Iterable[Option]) -> list[Option]:
    """Those of `options` that have no place left for one more person, as the database has them
    now. One query, no lock: the services check again under the workshop's lock."""
    counted = Option.objects.filter(
        pk__in=[option.pk for option in options], capacity__isnull=False
    ).annotate(taken=models.Count("registrations", filter=holds_option_place("registrations__")))
    return [option for option in counted if option.taken >= option.capacity]


def check_room(options: Iterable[Option], advice: str) -> None:
    """Raise OptionFull for the first of `options` that is full. Caller holds the workshop's
    lock, which every change of who holds an option takes."""
    if full := full_options(options):
        raise OptionFull(full[0], advice)


def clean_choices(
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


def drop_full_options(registration: Registration) -> list[Option]:
    """A registration about to take places in its options (its address confirmed): remove the
    limited options that filled while it did not count (models.holds_option_place) and return
    them, so that the person is told. Caller holds the workshop's lock."""
    dropped = full_options(registration.options.all())
    if dropped:
        registration.options.remove(*dropped)
    return dropped


def save_choices(registration: Registration, days: list[dt.date], options: list[Option]) -> None:
    """Record the days and options of a saved registration (from clean_choices)."""
    registration.attended_days.exclude(day__in=days).delete()
    kept = set(registration.attended_days.values_list("day", flat=True))
    AttendedDay.objects.bulk_create(
        [AttendedDay(registration=registration, day=day) for day in days if day not in kept]
    )
    registration.options.set(options)


def change_choices(
    registration: Registration,
    *,
    days: Iterable[dt.date],
    options: Iterable[Option],
    now: dt.datetime | None = None,
) -> Registration:
    """An organizer changes the days and options of a registration (`now`: the clock of the
    change, default the current time).

    Locks the workshop row (seats.locked_edition). Raises ValidationError for no day, or a day or
    an option of another edition; OptionFull when an option added has no place left (those it
    holds it keeps; a registration whose address is still to confirm holds none, and is checked
    when it confirms). Sends nothing.
    """
    with locked_edition(registration, now=now) as (workshop, registration, _):
        days, options = clean_choices(workshop, registration, days, options)
        if Registration.objects.filter(holds_option_place(), pk=registration.pk).exists():
            held = set(registration.options.all())
            check_room([o for o in options if o not in held], gettext("Raise its capacity first."))
        save_choices(registration, days, options)
    return registration


# A receiver of program.services.edition_started, connected by RegistrationConfig.ready().
def copy_options(sender=Workshop, *, source: Workshop, edition: Workshop, **kwargs) -> list[Option]:
    """Give a new edition (program.services.start_next_edition, in its transaction) the options
    of `source`, each with the copied slot at the same moved time when the timetable was
    copied."""
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
                # Both languages' labels (registration/translation.py).
                **{column: getattr(option, column) for column in translated_texts.columns("label")},
                session=slot,
                capacity=option.capacity,
                position=option.position,
            )
        )
    return Option.objects.bulk_create(options)


# A receiver of program.services.edition_moved, connected by RegistrationConfig.ready().
def move_days(sender, *, edition: Workshop, days: int, **kwargs) -> None:
    """The edition moved by `days` days (program.services.move_edition, whose transaction holds
    the workshop's lock): each person attends the same days of it, and an announcement not sent
    yet to those attending a day is for the same day of it. Check-ins stay as they happened."""
    attended = list(AttendedDay.objects.filter(registration__workshop=edition))
    # Deleted and created again: moving each row in place could meet the next day's row of the
    # same person (one day per person is unique).
    AttendedDay.objects.filter(pk__in=[row.pk for row in attended]).delete()
    AttendedDay.objects.bulk_create(
        AttendedDay(registration_id=row.registration_id, day=row.day + dt.timedelta(days=days))
        for row in attended
    )
    for announcement in edition.announcements.filter(sent_at__isnull=True, day__isnull=False):
        announcement.day += dt.timedelta(days=days)
        announcement.save(update_fields=["day"])
