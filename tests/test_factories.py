"""The factories' defaults are valid, realistic objects of one workshop, in Paris time."""

import datetime as dt

import pytest

from program.models import Workshop
from tests.factories import (
    OrganizerFactory,
    PosterFactory,
    SessionFactory,
    SpeakerFactory,
    TalkFactory,
    WorkshopFactory,
    paris_time,
)

pytestmark = pytest.mark.django_db


def test_factory_defaults_pass_full_clean():
    objects = [
        WorkshopFactory(),
        OrganizerFactory(),
        SpeakerFactory(),
        TalkFactory(),
        SessionFactory(),
        SessionFactory(coffee_break=True),
        PosterFactory(),
    ]

    for obj in objects:
        obj.full_clean()

    assert all(obj.pk for obj in objects)


def test_session_factory_makes_a_talk_slot_at_nine_in_paris_in_one_workshop():
    session = SessionFactory()

    assert session.talk.workshop == session.workshop
    assert [speaker.workshop for speaker in session.talk.speakers.all()] == [session.workshop]
    assert session.starts_at == paris_time(session.workshop.starts_on, 9)
    assert session.starts_at.utcoffset() == dt.timedelta(hours=1)  # November: CET
    assert session.ends_at - session.starts_at == dt.timedelta(minutes=30)


def test_talk_and_poster_factories_take_given_speakers():
    workshop = WorkshopFactory()
    speakers = SpeakerFactory.create_batch(2, workshop=workshop)

    talk = TalkFactory(workshop=workshop, speakers=speakers)
    poster = PosterFactory(workshop=workshop, presenters=speakers[:1])
    untitled = TalkFactory(workshop=workshop, speakers=[])

    assert set(talk.speakers.all()) == set(speakers)
    assert list(poster.presenters.all()) == speakers[:1]
    assert untitled.speakers.count() == 0


def test_each_new_workshop_is_the_current_one():
    WorkshopFactory()

    latest = WorkshopFactory()

    assert Workshop.objects.current() == latest
