"""During the workshop, the home and program pages show what is on now and what comes next,
in the workshop's time zone; cached pages change exactly when a slot starts or ends."""

import datetime as dt
import html
import itertools
import re

import pytest

from program.models import Session
from program.now_next import boundaries, last_boundary, now_and_next
from tests.factories import paris_time

pytestmark = pytest.mark.django_db

DAY_1 = dt.date(2024, 11, 26)
DAY_2 = dt.date(2024, 11, 27)
PAGES = ["/", "/program/"]


def _now_next(client, url: str) -> str | None:
    """The text of the page's "Now and next" section, spaces collapsed (None: not shown)."""
    page = client.get(url).content.decode()
    match = re.search(r'<section class="now-next".*?</section>', page, re.S)
    if match is None:
        return None
    text = html.unescape(re.sub(r"<[^>]+>", "", match.group()))
    return " ".join(text.split())


def _title(starts_at: dt.datetime) -> str:
    return Session.objects.get(starts_at=starts_at).display_title


@pytest.mark.parametrize("url", PAGES)
def test_now_next_during_a_talk_shows_the_talk_and_the_next_one(client, seeded, time_machine, url):
    time_machine.move_to(paris_time(DAY_1, 14, 30), tick=False)
    talk = Session.objects.get(starts_at=paris_time(DAY_1, 14, 15)).talk

    shown = _now_next(client, url)

    speakers = ", ".join(speaker.name for speaker in talk.speakers.order_by("sort_name", "name"))
    assert f"Now 14:15–15:15 {talk.display_title} {speakers}" in shown
    assert f"Next 15:15–15:45 {_title(paris_time(DAY_1, 15, 15))}" in shown
    assert "Times are Europe/Paris time." in shown


@pytest.mark.parametrize("url", PAGES)
def test_now_next_in_a_break_shows_the_break(client, seeded, time_machine, url):
    time_machine.move_to(paris_time(DAY_1, 16), tick=False)

    shown = _now_next(client, url)

    assert "Now 15:45–16:15 Coffee break" in shown
    assert f"Next 16:15–17:15 {_title(paris_time(DAY_1, 16, 15))}" in shown


@pytest.mark.parametrize("url", PAGES)
def test_now_next_in_a_gap_shows_nothing_now_and_the_coming_slot(client, seeded, time_machine, url):
    seeded.sessions.get(starts_at=paris_time(DAY_1, 15, 45)).delete()  # no coffee break
    time_machine.move_to(paris_time(DAY_1, 16), tick=False)

    shown = _now_next(client, url)

    assert "Now Nothing is on right now." in shown
    assert f"Next 16:15–17:15 {_title(paris_time(DAY_1, 16, 15))}" in shown


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("hour", [21, 23, 24 + 7])  # before and after midnight: the same page
def test_now_next_in_the_evening_of_day_1_shows_the_first_slot_of_day_2_with_its_day(
    client, seeded, time_machine, url, hour
):
    time_machine.move_to(paris_time(DAY_1, 0) + dt.timedelta(hours=hour), tick=False)

    shown = _now_next(client, url)

    assert shown == (
        "Now and next Now Nothing is on right now. "
        "Next Wednesday 27 November, 09:00–09:30 Welcome coffee, registration "
        "Times are Europe/Paris time."
    )


@pytest.mark.parametrize("url", PAGES)
def test_now_next_after_the_last_slot_starts_shows_nothing_next(client, seeded, time_machine, url):
    time_machine.move_to(paris_time(DAY_2, 16, 30), tick=False)

    shown = _now_next(client, url)

    assert shown == "Now and next Now 16:00–17:00 Farewell break Times are Europe/Paris time."


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(
    "instant",
    [
        paris_time(DAY_1, 0) - dt.timedelta(days=3),  # days before
        paris_time(DAY_1, 13, 44),  # the first day, before the first slot
        paris_time(DAY_2, 17),  # the last slot has just ended
        paris_time(DAY_2, 23, 30),
        paris_time(DAY_2, 0) + dt.timedelta(days=30),  # long after
    ],
)
def test_now_next_is_not_shown_outside_the_workshop(client, seeded, time_machine, url, instant):
    time_machine.move_to(instant, tick=False)

    response = client.get(url)

    assert response.status_code == 200
    assert "Now and next" not in response.content.decode()


def test_now_next_gives_the_reader_the_start_in_their_own_time(client, seeded, time_machine):
    time_machine.move_to(paris_time(DAY_1, 14, 30), tick=False)

    page = client.get("/program/").content.decode()

    assert '<time datetime="2024-11-26T14:15:00+01:00" data-local-time>14:15</time>' in page
    assert '<time datetime="2024-11-26T15:15:00+01:00" data-local-time>15:15</time>' in page


@pytest.mark.parametrize("url", PAGES)
def test_cached_page_changes_when_a_slot_starts(
    client, seeded, time_machine, django_assert_num_queries, url
):
    time_machine.move_to(paris_time(DAY_1, 14, 10), tick=False)
    before = _now_next(client, url)
    time_machine.move_to(paris_time(DAY_1, 14, 14), tick=False)
    with django_assert_num_queries(1):
        assert _now_next(client, url) == before  # from the cache
    time_machine.move_to(paris_time(DAY_1, 14, 20), tick=False)
    after = _now_next(client, url)  # rendered: the talk has started

    time_machine.move_to(paris_time(DAY_1, 14, 25), tick=False)
    with django_assert_num_queries(1):
        again = _now_next(client, url)

    assert "Now 14:00–14:15 Opening remarks" in before
    assert f"Now 14:15–15:15 {_title(paris_time(DAY_1, 14, 15))}" in after
    assert again == after


def test_cached_page_outside_the_workshop_reads_no_slots(
    client, seeded, time_machine, django_assert_num_queries
):
    time_machine.move_to(paris_time(DAY_1, 0) - dt.timedelta(days=3), tick=False)
    client.get("/speakers/")  # the workshop row is now cached
    client.get("/posters/")

    with django_assert_num_queries(1):
        client.get("/posters/")


def test_now_and_next_changes_only_at_slot_boundaries(seeded):
    sessions = list(seeded.sessions.timetable())
    bounds = boundaries((s.starts_at, s.ends_at) for s in sessions)
    instants = [paris_time(DAY_1, 13, 45) + dt.timedelta(minutes=5 * n) for n in range(12 * 28)]

    for earlier, later in itertools.pairwise(instants):
        if last_boundary(bounds, earlier) == last_boundary(bounds, later):
            assert now_and_next(sessions, earlier) == now_and_next(sessions, later)

    assert last_boundary(bounds, paris_time(DAY_1, 13, 44)) is None
    assert last_boundary(bounds, paris_time(DAY_2, 17)) is None
    assert now_and_next(sessions, paris_time(DAY_2, 17)) is None
    assert now_and_next([], paris_time(DAY_1, 14)) is None
