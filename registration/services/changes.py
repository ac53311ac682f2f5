"""Changes by the participant, on their personal page: the days and options they attend, their
dietary requirements, affiliation and public listing, until the edition's changes deadline."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext

from program.models import Workshop

from ..emails import queue_email
from ..models import EmailKind, Option, Registration
from .choices import OptionFull, change_choices
from .seats import locked_edition
from .state import RegistrationError, check_not_over


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

    Locks the workshop row (seats.locked_edition; change_choices takes it again in the same
    transaction). Raises WorkshopOver once the workshop has ended, RegistrationError for a
    cancelled registration, ChangesClosed after the changes deadline, ValidationError on bad
    input (no day, a day or an option of another edition, a blank affiliation), OptionFull when
    an option added has no place left. After commit, sends the "registration changed" email with
    the new answers, unless nothing changed. Returns whether anything changed.
    """
    with locked_edition(registration, now=now) as (workshop, registration, now):
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
            change_choices(registration, days=days, options=options, now=now)
        except OptionFull as full:
            raise OptionFull(full.option, gettext("Untick it to save your changes.")) from None
        changed = _answers_of(registration) != before
        if not changed:
            transaction.set_rollback(True)  # not even updated_at moves
            return False
        queue_email(registration, EmailKind.CHANGED)
    return True


def _answers_of(registration: Registration) -> tuple:
    return (
        sorted(registration.attended_days.values_list("day", flat=True)),
        sorted(registration.options.values_list("pk", flat=True)),
        registration.dietary_requirements,
        registration.affiliation,
        registration.listed_publicly,
    )
