"""Invariants of the program: guarded by the database and by model validation."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lorainne import page_cache
from program.models import Session, Talk, Workshop
from tests.factories import (
    PosterFactory,
    SessionFactory,
    TalkFactory,
    WorkshopFactory,
    paris_time,
)

pytestmark = pytest.mark.django_db

END_AT_OR_BEFORE_START = pytest.mark.parametrize(
    "length", [dt.timedelta(0), dt.timedelta(minutes=-30)], ids=["ends-at-start", "ends-before"]
)


@END_AT_OR_BEFORE_START
def test_session_ending_at_or_before_its_start_is_refused_by_database(length):
    workshop = WorkshopFactory()
    starts_at = paris_time(workshop.starts_on, 16)

    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(workshop=workshop, starts_at=starts_at, ends_at=starts_at + length)

    assert Session.objects.count() == 0


@END_AT_OR_BEFORE_START
def test_session_ending_at_or_before_its_start_fails_full_clean(length):
    workshop = WorkshopFactory()
    starts_at = paris_time(workshop.starts_on, 16)
    session = SessionFactory.build(
        workshop=workshop, coffee_break=True, starts_at=starts_at, ends_at=starts_at + length
    )

    with pytest.raises(ValidationError) as error:
        session.full_clean()

    assert error.value.message_dict == {"__all__": ["A session must end after it starts."]}


def test_session_ending_after_its_start_passes_full_clean():
    workshop = WorkshopFactory()
    session = SessionFactory.build(workshop=workshop, coffee_break=True)

    session.full_clean()

    assert session.ends_at - session.starts_at == dt.timedelta(minutes=30)


def test_session_with_a_talk_of_another_workshop_fails_full_clean():
    workshop = WorkshopFactory()
    other_talk = TalkFactory(workshop=WorkshopFactory())
    session = SessionFactory.build(workshop=workshop, talk=other_talk)

    with pytest.raises(ValidationError) as error:
        session.full_clean()

    assert error.value.message_dict == {"talk": ["This talk belongs to another workshop."]}


def test_workshop_ending_before_it_starts_is_refused_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopFactory(starts_on=dt.date(2026, 11, 24), ends_on=dt.date(2026, 11, 23))


def test_workshop_with_unknown_time_zone_fails_full_clean():
    workshop = WorkshopFactory.build(timezone="Europe/Nancy")

    with pytest.raises(ValidationError) as error:
        workshop.full_clean()

    assert error.value.message_dict["timezone"] == [
        "“Europe/Nancy” is not a known time zone; use a name such as Europe/Paris."
    ]


def test_talk_slug_is_unique_per_workshop():
    talk = TalkFactory(slug="keynote")
    TalkFactory(slug="keynote", workshop=WorkshopFactory())  # another workshop: allowed

    with pytest.raises(IntegrityError), transaction.atomic():
        TalkFactory(slug="keynote", workshop=talk.workshop)

    assert Talk.objects.filter(slug="keynote").count() == 2


def test_poster_number_is_unique_per_workshop():
    poster = PosterFactory(number=7)

    with pytest.raises(IntegrityError), transaction.atomic():
        PosterFactory(number=7, workshop=poster.workshop)


def test_talk_without_title_is_shown_as_title_to_be_announced():
    talk = TalkFactory(title="")

    assert talk.display_title == str(talk) == "Title to be announced"


def test_session_title_falls_back_from_talk_to_title_to_kind():
    workshop = WorkshopFactory()
    with_talk = SessionFactory(workshop=workshop, talk__title="Low-rank adaptation")
    placeholder = SessionFactory(workshop=workshop, talk=None, title="Invited talk")
    lunch = SessionFactory(workshop=workshop, talk=None, kind=Session.Kind.MEAL)

    titles = [session.display_title for session in (with_talk, placeholder, lunch)]

    assert titles == ["Low-rank adaptation", "Invited talk", "Meal"]
    assert (
        placeholder.get_absolute_url()
        == f"/{placeholder.workshop.slug}/program/#session-{placeholder.pk}"
    )
    assert with_talk.get_absolute_url() == with_talk.talk.get_absolute_url()


def test_registration_closes_at_midnight_after_the_deadline_in_the_workshop_time_zone(seeded):
    assert seeded.registration_closes_at.isoformat() == "2024-11-12T00:00:00+01:00"
    assert seeded.last_registration_moment.isoformat() == "2024-11-11T23:59:59+01:00"
    assert seeded.ends_at.isoformat() == "2024-11-28T00:00:00+01:00"


def test_current_workshop_is_the_one_that_starts_last(seeded):
    later = WorkshopFactory(starts_on=dt.date(2026, 11, 24))
    WorkshopFactory(starts_on=dt.date(2025, 11, 25))

    assert Workshop.objects.current() == later
    assert page_cache.RequestEdition().workshop == later  # what pages show


def test_unscheduled_talks_are_those_without_a_session(seeded):
    unscheduled = Talk.objects.unscheduled()

    assert sorted(talk.slug for talk in unscheduled) == [
        "penke-low-rank-llm-training",
        "qi-multi-spiked-random-tensor",
        "sandler-artificial-neuroscience",
        "zniyed-network-compression",
    ]


def test_session_str_shows_its_start_in_the_workshop_time_zone(seeded):
    # Admin lists sessions by this text: organizers read Paris time (13:45), not UTC (12:45).
    session = Session.objects.get(title="Registration")

    text = str(session)

    assert text.startswith("Registration (")
    assert "13:45" in text
    assert "12:45" not in text
