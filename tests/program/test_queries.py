"""List pages run a fixed number of queries, however many talks, speakers and posters there are."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from lorainne import page_cache
from program.models import Organizer, Poster, Session, Speaker, Talk, Workshop
from tests.factories import WorkshopFactory, paris_time

pytestmark = pytest.mark.django_db


def _build_workshop(talk_count: int) -> Workshop:
    """The current workshop (it starts after every other) with `talk_count` talks.

    Every talk has two speakers; every other talk has a slot in the timetable (the rest are
    "time to be announced"), with a coffee break after every fourth slot; there are as many
    posters as talks, and three organizers.
    """
    latest = Workshop.objects.aggregate(latest=Max("starts_on"))["latest"] or dt.date(2024, 1, 1)
    workshop = WorkshopFactory(starts_on=latest + dt.timedelta(days=365))
    workshop.ends_on = workshop.starts_on + dt.timedelta(days=talk_count // 30 + 1)
    workshop.save()
    speakers = Speaker.objects.bulk_create(
        Speaker(
            workshop=workshop,
            name=f"Speaker {i}",
            sort_name=f"Speaker {i:04}",
            affiliation=f"University {i}",
            homepage=f"https://people.example.org/speaker-{i}/",
        )
        for i in range(talk_count)
    )
    talks = Talk.objects.bulk_create(
        Talk(
            workshop=workshop, slug=f"talk-{i}", title=f"Low-rank talk {i}", abstract="A $k$-rank."
        )
        for i in range(talk_count)
    )
    TalkSpeaker = Talk.speakers.through
    TalkSpeaker.objects.bulk_create(
        TalkSpeaker(talk=talk, speaker=speakers[(i + shift) % talk_count])
        for i, talk in enumerate(talks)
        for shift in (0, 1)
    )
    start = paris_time(workshop.starts_on, 9)
    sessions = []
    for i, talk in enumerate(talks[::2]):
        starts_at = start + dt.timedelta(minutes=30 * len(sessions))
        sessions.append(
            Session(
                workshop=workshop,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(minutes=30),
                talk=talk,
            )
        )
        if i % 4 == 3:
            sessions.append(
                Session(
                    workshop=workshop,
                    starts_at=starts_at + dt.timedelta(minutes=30),
                    ends_at=starts_at + dt.timedelta(minutes=60),
                    kind=Session.Kind.BREAK,
                    title="Coffee break",
                )
            )
    Session.objects.bulk_create(sessions)
    posters = Poster.objects.bulk_create(
        Poster(workshop=workshop, number=i + 1, title=f"Poster on tensors {i}", abstract="$r$")
        for i in range(talk_count)
    )
    PosterPresenter = Poster.presenters.through
    PosterPresenter.objects.bulk_create(
        PosterPresenter(poster=poster, speaker=speakers[i]) for i, poster in enumerate(posters)
    )
    Organizer.objects.bulk_create(
        Organizer(workshop=workshop, name=f"Organizer {i}", position=i) for i in range(3)
    )
    return workshop


@pytest.mark.parametrize(
    ("url", "last_item"),
    [
        ("/", "Speaker 499"),
        ("/program/", "Low-rank talk 499"),
        ("/speakers/", "Low-rank talk 499"),
        ("/posters/", "Poster on tensors 499"),
    ],
)
def test_list_page_query_count_is_the_same_for_3_and_500_talks(
    client, django_assert_num_queries, url, last_item
):
    _build_workshop(3)
    client.get(url)  # warm up Django's own caches, so that only the page's queries are counted
    caches["pages"].clear()  # and render the page, rather than serve it from the page cache
    with CaptureQueriesContext(connection) as small:
        small_response = client.get(url)
    _build_workshop(500)
    caches["pages"].clear()

    with django_assert_num_queries(len(small)):
        response = client.get(url)

    assert small_response.status_code == response.status_code == 200
    assert last_item.replace("499", "2") in small_response.content.decode()
    assert last_item in response.content.decode()


def test_build_workshop_makes_the_current_workshop_with_its_talks(db):
    _build_workshop(3)

    workshop = _build_workshop(10)

    assert Workshop.objects.current() == workshop
    assert workshop.talks.count() == 10
    assert workshop.sessions.filter(talk__isnull=False).count() == 5
    assert workshop.talks.unscheduled().count() == 5
    assert [speaker.name for speaker in workshop.talks.get(slug="talk-9").speakers.all()] == [
        "Speaker 0",
        "Speaker 9",
    ]


@pytest.mark.parametrize("url", ["/", "/program/", "/speakers/", "/posters/"])
def test_cached_page_costs_only_the_content_version(client, django_assert_num_queries, url):
    """One statement: the content version, with the seat counts the home page shows."""
    _build_workshop(500)
    first = client.get(url)

    with django_assert_num_queries(1):
        again = client.get(url)

    assert again.content == first.content


def test_cached_page_costs_one_query_with_production_caches(
    client, settings, django_assert_num_queries
):
    """Production counts rate limits in the database cache (.env.example); pages stay in the
    process, so a cached page still costs only the content version."""
    settings.CACHES = settings.CACHES | {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "test_rate_limits",
        }
    }
    call_command("createcachetable", verbosity=0)
    _build_workshop(3)
    first = client.get("/program/")

    with django_assert_num_queries(1):
        again = client.get("/program/")

    assert again.content == first.content


@pytest.mark.parametrize("url", ["/register/", "/participants/", "/privacy/", "/program/"])
def test_current_workshop_is_read_once_per_request(client, seeded, url):
    """`request.workshop` is resolved once, lazily: one statement reads which workshop, and its
    row comes from the cache after the first request."""
    client.get(url)  # the workshop's row is now cached for this content version

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)

    assert response.status_code == 200
    # On PostgreSQL the statement is prepared once per connection, then EXECUTE'd by name.
    marks = ("content_version", page_cache.PREPARED_NAME)
    reading_workshop = [q["sql"] for q in captured if any(mark in q["sql"] for mark in marks)]
    assert len(reading_workshop) == 1


def test_healthz_never_reads_the_workshop(client, seeded, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1
        assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # The edition (with its seat counts) and its row, the organizers, the speakers, the
        # editions: the registration line takes the counts read with the edition.
        ("/", 5),
        # The edition and its row, the talks with their speakers and materials, the timetable.
        ("/program/", 6),
        # The same, and the posters with their presenters and materials.
        ("/program.json", 9),
    ],
)
def test_rendered_page_reads_each_row_once(client, django_assert_num_queries, url, queries):
    """A page the cache does not hold reads the talks once (not once for the timetable and again
    for the talks to be announced or the JSON's talks) and the editions once (not once for the
    past ones and again for the current one)."""
    _build_workshop(500)
    client.get(url)  # Django's own one-time lookups
    caches["pages"].clear()

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200


def test_read_program_gives_each_slot_the_talk_of_the_list(django_assert_num_queries):
    workshop = _build_workshop(10)

    with django_assert_num_queries(4):
        program = workshop.read_program()
        talks = {talk.pk: talk for talk in program.talks}
        slots = [session for session in program.sessions if session.talk_id]
        assert all(session.talk is talks[session.talk_id] for session in slots)
        assert all(session.workshop is workshop for session in program.sessions)
        assert all(talk.workshop is workshop for talk in program.talks)
        names = {talk.slug: [s.name for s in talk.speaker_list] for talk in program.talks}

    assert len(slots) == 5
    assert [talk.slug for talk in program.unscheduled_talks] == [
        "talk-1", "talk-3", "talk-5", "talk-7", "talk-9"
    ]  # fmt: skip
    assert names["talk-9"] == ["Speaker 0", "Speaker 9"]
    assert [session.starts_at for session in program.sessions] == sorted(
        session.starts_at for session in program.sessions
    )
