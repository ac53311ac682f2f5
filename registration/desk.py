"""The check-in desk: who is expected on a day, who has arrived, walk-ins.

A tick is a CheckIn row, unique per person and day: a double tick, or two phones ticking at
once, keep one row. A walk-in takes a seat under the same workshop-row lock as a registration
(services.locked_workshop), only while one is free.
"""

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Iterable

from django.db import models
from django.utils import dateformat, timezone
from django.utils.translation import gettext

from program.models import Workshop

from .models import AttendedDay, CheckIn, Registration
from .names import fold
from .services import (
    AlreadyRegistered,
    NoSeatLeft,
    RegistrationError,
    check_not_over,
    locked_workshop,
    register,
    seat_free,
)

_WORD_BREAKS = re.compile(r"[\s\-'’.]+")
DESK_SEARCH_MIN_LETTERS = 2  # "Li", "Wu", "Ng" are whole names
DESK_SEARCH_LIMIT = 20  # a phone's screenful or two; more letters narrow it


@functools.lru_cache(maxsize=20_000)
def _name_words(name: str) -> tuple[str, ...]:
    """The words of a name, folded ("Dupont-Marchal" → ("dupont", "marchal")). Kept per process:
    a desk asks about the same thousand names all day."""
    return tuple(word for word in _WORD_BREAKS.split(fold(name)) if word)


@functools.lru_cache(maxsize=20_000)
def _name_starts(first_name: str, last_name: str) -> str:
    """Every word of a person's names after a space (" andre lefevre"): a typed term begins one
    of their words exactly when " " + term is in it, one substring test instead of a loop over
    the words (no word holds a space). Kept per process, as _name_words."""
    return "".join(f" {word}" for word in _name_words(first_name) + _name_words(last_name))


@dataclasses.dataclass(frozen=True)
class DeskSearch:
    """The people a search at the desk found (at most DESK_SEARCH_LIMIT), and how many more."""

    people: list[Registration]
    more: int


def search_at_desk(workshop: Workshop, text: str, *, day: dt.date) -> DeskSearch | None:
    """Confirmed and waitlisted people of `workshop` a search at the desk finds: each word typed
    begins a word of their first or last name, accents and case aside ("lef", "andre l"). Sorted
    by last name; each with `attends_day` (registered for `day`) and `arrived_at` (their tick of
    `day`, or None).

    Compared in Python on names read in one query: the same on PostgreSQL and SQLite, with no
    extension (unaccent) and no extra column; a thousand names take a few milliseconds. Then one
    query for those shown. No lock. None when fewer than DESK_SEARCH_MIN_LETTERS letters were
    typed.
    """
    terms = [term for term in _WORD_BREAKS.split(fold(text)) if term]
    if sum(len(term) for term in terms) < DESK_SEARCH_MIN_LETTERS:
        return None
    names = workshop.registrations.exclude(status=Registration.Status.CANCELLED).values_list(
        "pk", "first_name", "last_name"
    )
    starts = [f" {term}" for term in terms]
    found = []
    for pk, first_name, last_name in names:
        words = _name_starts(first_name, last_name)
        if all(start in words for start in starts):
            found.append((_name_words(last_name), _name_words(first_name), pk))
    found.sort()
    order = {pk: index for index, (*_, pk) in enumerate(found[:DESK_SEARCH_LIMIT])}
    shown = Registration.objects.filter(pk__in=order).annotate(
        attends_day=models.Exists(
            AttendedDay.objects.filter(registration=models.OuterRef("pk"), day=day)
        ),
        arrived_at=models.Subquery(
            CheckIn.objects.filter(registration=models.OuterRef("pk"), day=day).values("arrived_at")
        ),
    )
    people = sorted(shown, key=lambda registration: order[registration.pk])
    return DeskSearch(people=people, more=len(found) - len(order))


@dataclasses.dataclass(frozen=True)
class DayCount:
    day: dt.date
    arrived: int
    expected: int


def desk_counts(workshop: Workshop) -> list[DayCount]:
    """For each day of the edition: how many people arrived (checked in) and how many confirmed
    people are expected. Two queries, no lock."""
    expected = dict(
        AttendedDay.objects.filter(
            registration__workshop=workshop, registration__status=Registration.Status.CONFIRMED
        )
        .values_list("day")
        .annotate(people=models.Count("pk"))
        .order_by()
    )
    arrived = dict(
        CheckIn.objects.filter(registration__workshop=workshop)
        .values_list("day")
        .annotate(people=models.Count("pk"))
        .order_by()
    )
    return [
        DayCount(day=day, arrived=arrived.get(day, 0), expected=expected.get(day, 0))
        for day in workshop.days
    ]


class DeskClosed(RegistrationError):
    """Today, in the edition's time zone, is not one of its days: nobody is ticked in."""


def desk_closed_because(workshop: Workshop, *, now: dt.datetime | None = None) -> str | None:
    """Why nobody can be ticked in at `now` (default: the current time), or None on a day of the
    edition in its time zone. A tick says that someone came in: it is taken on the day they do,
    and the export's arrival columns are read from the edition's first day on."""
    today = timezone.localdate(now or timezone.now(), workshop.tzinfo)
    if today in workshop.days:
        return None
    values = {
        "today": dateformat.format(today, "j F"),
        "acronym": workshop.acronym,
        "first_day": dateformat.format(workshop.starts_on, "l j F Y"),
        "last_day": dateformat.format(workshop.ends_on, "l j F Y"),
    }
    if today < workshop.starts_on:
        return (
            gettext(
                "Today (%(today)s) is not a day of %(acronym)s: check-in opens on %(first_day)s."
            )
            % values
        )
    return (
        gettext("Today (%(today)s) is not a day of %(acronym)s: its last day was %(last_day)s.")
        % values
    )


def check_desk_open(workshop: Workshop, *, now: dt.datetime | None = None) -> None:
    """Raise DeskClosed, saying when check-in opens (or closed), unless today is a day of the
    edition in its time zone."""
    if reason := desk_closed_because(workshop, now=now):
        raise DeskClosed(reason)


def _check_day(workshop: Workshop, day: dt.date) -> None:
    if day not in workshop.days:
        raise RegistrationError(
            gettext("%(day)s is not a day of %(acronym)s.")
            % {"day": dateformat.format(day, "l j F Y"), "acronym": workshop.acronym}
        )


def check_in(
    registration: Registration, *, day: dt.date, by=None, now: dt.datetime | None = None
) -> tuple[CheckIn, bool]:
    """Tick a confirmed person in at the entrance for `day` (a day of their edition), on a day of
    the edition (`now`, default the current time, in its time zone); returns the check-in and
    whether it is new. Ticking twice, even from two phones at the same instant, keeps the first
    tick: the database's unique constraint decides, get_or_create reads the winner. No lock: a
    tick takes no seat. Raises DeskClosed on a day that is not the edition's, RegistrationError
    for someone without a seat or a day outside the edition. Sends nothing.
    """
    check_desk_open(registration.workshop, now=now)
    _check_day(registration.workshop, day)
    if registration.status != Registration.Status.CONFIRMED:
        raise RegistrationError(
            f"{registration.full_name} has no confirmed seat "
            f"({registration.get_status_display().lower()}): an organizer can give them a free "
            "seat in the admin."
        )
    return CheckIn.objects.get_or_create(
        registration=registration, day=day, defaults={"checked_in_by": by}
    )


def arrivals(registrations: Iterable[Registration]) -> dict[int, dict[dt.date, dt.datetime]]:
    """When each of `registrations` was ticked in, by registration id and day. One query."""
    found: dict[int, dict[dt.date, dt.datetime]] = {}
    ticks = CheckIn.objects.filter(registration__in=[r.pk for r in registrations]).values_list(
        "registration_id", "day", "arrived_at"
    )
    for registration_id, day, arrived_at in ticks:
        found.setdefault(registration_id, {})[day] = arrived_at
    return found


def undo_check_in(registration: Registration, *, day: dt.date) -> bool:
    """Take back a mistaken tick; returns whether there was one. Sends nothing."""
    deleted, _ = CheckIn.objects.filter(registration=registration, day=day).delete()
    return bool(deleted)


def add_walk_in(
    workshop: Workshop,
    *,
    first_name: str,
    last_name: str,
    email: str,
    affiliation: str,
    position: str,
    day: dt.date,
    by=None,
    now: dt.datetime | None = None,
) -> Registration:
    """Someone who did not register turns up at the desk: registered as confirmed for `day` (no
    option), whatever the registration deadline, and checked in at once — only if a seat is
    free: a walk-in never joins the waiting list.

    Locks the workshop row (register() takes it again in the same transaction; Busy past the
    lock timeout). Raises WorkshopOver after the workshop, DeskClosed before its first day (in
    its time zone), NoSeatLeft when every seat is taken, AlreadyRegistered for an email
    registered already, ValidationError on bad input (blank name, a day outside the edition).
    After commit, sends the confirmation email with the personal link.
    """
    now = now or timezone.now()
    with locked_workshop(workshop) as locked:
        check_not_over(locked, now, "added")
        check_desk_open(locked, now=now)
        # Someone registered already is searched at the desk, full or not.
        if existing := locked.registrations.with_email(email).first():
            raise AlreadyRegistered(existing)
        if not seat_free(locked, now):
            raise NoSeatLeft(
                gettext(
                    "No seat is free: all %(capacity)s seats are taken. Raise the capacity in "
                    "the admin to let this person in."
                )
                % {"capacity": locked.capacity}
            )
        registration = register(
            locked,
            days=[day],
            enforce_deadline=False,
            address_confirmed=True,  # the person stands at the desk
            now=now,
            first_name=first_name,
            last_name=last_name,
            email=email,
            affiliation=affiliation,
            position=position,
        )
        CheckIn.objects.create(registration=registration, day=day, checked_in_by=by)
    return registration
