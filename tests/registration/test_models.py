"""registration.models: a registrant's place on the waiting list, days and options."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count

from program.models import Session
from registration import services
from registration.models import (
    AttendedDay,
    Option,
    Registration,
    awaits_confirmation,
    confirmation_expired,
)

from ..factories import OptionFactory
from .conftest import NOW, make_workshop

pytestmark = pytest.mark.django_db


def test_waiting_list_position_counts_from_one_in_order_of_arrival(full_workshop):
    registrations = list(full_workshop.registrations.order_by("pk"))

    positions = [r.waiting_list_position() for r in registrations]

    assert positions == [None, None, None, 1, 2]


def test_waiting_list_position_of_a_cancelled_registration_is_none(full_workshop):
    waiting = full_workshop.registrations.waiting_list_order().first()
    services.cancel(waiting)
    waiting.refresh_from_db()

    assert waiting.waiting_list_position() is None


def test_waiting_list_position_ignores_the_waiting_list_of_another_workshop(full_workshop, sign_up):
    other = make_workshop(slug="other", capacity=0)
    sign_up(other)
    latecomer = sign_up(full_workshop)

    assert latecomer.waiting_list_position() == 3


def test_waiting_list_position_takes_one_query(full_workshop, django_assert_num_queries):
    waiting = Registration.objects.get(email="person-5@example.org")  # its workshop not loaded

    with django_assert_num_queries(1):
        assert waiting.waiting_list_position() == 2


def test_parts_are_the_days_then_the_options_in_their_order(open_workshop, sign_up):
    dinner = OptionFactory(workshop=open_workshop, label="Conference dinner", position=2)
    lunch = OptionFactory(workshop=open_workshop, label="Lunch", position=1)

    registration = sign_up(open_workshop, options=[dinner, lunch])

    assert registration.parts == [
        "Tuesday 26 November",
        "Wednesday 27 November",
        "Lunch",
        "Conference dinner",
    ]


def test_option_factory_defaults_pass_full_clean():
    option = OptionFactory()

    option.full_clean()

    assert option.session.workshop == option.workshop
    assert option.session.kind == Session.Kind.MEAL


def test_option_with_a_slot_of_another_workshop_fails_validation(open_workshop):
    other = make_workshop(slug="other", acronym="Other")
    option = OptionFactory.build(
        workshop=open_workshop, session=OptionFactory(workshop=other).session
    )

    with pytest.raises(ValidationError) as invalid:
        option.full_clean()

    assert invalid.value.message_dict == {
        "session": ["Choose a slot of this workshop's timetable."]
    }


def test_option_label_is_unique_in_its_workshop(open_workshop):
    OptionFactory(workshop=open_workshop, label="Lunch")

    with pytest.raises(ValidationError) as invalid:
        OptionFactory.build(workshop=open_workshop, label="Lunch", session=None).full_clean()

    assert invalid.value.messages == ["This workshop already has an option with this label."]


def test_attended_days_of_a_workshop_are_counted_in_one_query(
    open_workshop, sign_up, django_assert_num_queries
):
    tuesday, wednesday = open_workshop.days
    sign_up(open_workshop)
    sign_up(open_workshop, days=[wednesday])

    with django_assert_num_queries(1):
        per_day = dict(
            AttendedDay.objects.filter(registration__workshop=open_workshop)
            .values_list("day")
            .annotate(people=Count("pk"))
            .order_by()
        )

    assert per_day == {tuesday: 1, wednesday: 2}


def test_lorainne24_fixtures_give_the_lunch_and_the_cocktail_their_slots(db):
    call_command("loaddata", "lorainne24", "lorainne24_options", verbosity=0)

    options = list(Option.objects.select_related("workshop", "session"))

    assert [(o.label, o.workshop.slug, o.session.kind) for o in options] == [
        ("Cocktail and posters", "lorainne24", Session.Kind.SOCIAL),
        ("Lunch", "lorainne24", Session.Kind.MEAL),
    ]
    for option in options:
        option.full_clean()


def test_awaiting_confirmation_reads_the_same_in_a_query_and_on_a_row(open_workshop, sign_up):
    """models.awaits_confirmation (a query's filter: the admin's) and
    Registration.awaits_confirmation() (one row: the services' and pages') agree for every
    status and hold, and so do their complements, confirmation_expired."""
    holds = {"none": None, "past": NOW - dt.timedelta(hours=1), "live": NOW + dt.timedelta(hours=1)}
    cases = {}
    for status, hold in itertools.product(Registration.Status, holds):
        registration = sign_up(open_workshop)
        Registration.objects.filter(pk=registration.pk).update(
            status=status, hold_expires_at=holds[hold]
        )
        cases[registration.pk] = (status, hold)
    rows = Registration.objects.filter(pk__in=cases)

    awaiting = {r.pk for r in rows if r.awaits_confirmation()}
    expired = {r.pk for r in rows if r.confirmation_expired()}

    assert {cases[pk] for pk in awaiting} == {("held", "live"), ("waitlisted", "live")}
    assert set(rows.filter(awaits_confirmation(NOW)).values_list("pk", flat=True)) == awaiting
    assert {cases[pk] for pk in expired} == {
        ("held", "past"),
        ("waitlisted", "past"),
        ("cancelled", "past"),
        ("cancelled", "live"),
        ("confirmed", "past"),
        ("confirmed", "live"),
    }
    assert set(rows.filter(confirmation_expired(NOW)).values_list("pk", flat=True)) == expired
