"""Public pages come from the page cache, and an organizer's edit shows on the very next request."""

import datetime as dt

import pytest
from django.urls import reverse

from program.models import Session, Talk
from registration.services import register

pytestmark = pytest.mark.django_db


def _talk_change_data(talk: Talk, **changes) -> dict:
    data = {
        "workshop": talk.workshop_id,
        "slug": talk.slug,
        "title": talk.title,
        "abstract": talk.abstract,
        "kind": talk.kind,
        "speakers": [speaker.pk for speaker in talk.speakers.all()],
        # The slides-and-links lines below the talk, none here.
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
    }
    return data | changes


def test_program_edit_in_admin_shows_on_the_next_request(client, admin_client, seeded):
    talk = Talk.objects.get(slug="cohen-implicit-regularization")
    assert "Implicit Regularization" in client.get("/program/").content.decode()  # now cached

    response = admin_client.post(
        reverse("admin:program_talk_change", args=[talk.pk]),
        _talk_change_data(talk, title="Implicit regularization, revisited"),
    )

    assert response.status_code == 302
    page = client.get("/program/").content.decode()
    assert "Implicit regularization, revisited" in page
    assert "Implicit Regularization in Regularized" not in page


def test_talk_page_and_calendar_follow_a_moved_session(client, seeded):
    session = Session.objects.get(talk__slug="cohen-implicit-regularization")
    client.get("/program/talks/cohen-implicit-regularization/")
    first_feed = client.get("/program/calendar.ics")

    duration = session.ends_at - session.starts_at
    session.starts_at += duration
    session.ends_at += duration
    session.save()

    page = client.get("/program/talks/cohen-implicit-regularization/").content.decode()
    assert "11:00" in page
    second_feed = client.get("/program/calendar.ics")
    assert second_feed["ETag"] != first_feed["ETag"]


def test_deleted_poster_disappears_on_the_next_request(client, seeded):
    assert "Randomized trace estimation" in client.get("/posters/").content.decode()

    seeded.posters.get(number=3).delete()

    assert "Randomized trace estimation" not in client.get("/posters/").content.decode()


def test_home_page_seat_count_follows_registrations_while_cached(client, seeded, time_machine):
    time_machine.move_to(dt.datetime(2024, 10, 15, 10, tzinfo=dt.UTC), tick=False)
    assert "80 seats left" in client.get("/").content.decode()

    register(
        seeded,
        first_name="Julia",
        last_name="Gusak",
        email="julia@example.org",
        affiliation="INRIA Bordeaux",
        position="researcher",
    )

    assert "79 seats left" in client.get("/").content.decode()


def test_edit_that_bypasses_the_models_shows_on_the_next_request(client, seeded):
    """A bulk update from a script touches no updated_at and sends no signal: the database
    triggers still change the content version."""
    talk_url = "/program/talks/cohen-implicit-regularization/"
    assert "Cerisara" in client.get("/speakers/").content.decode()  # now cached
    assert "Cohen" in _main(client.get(talk_url))

    seeded.speakers.filter(name__contains="Cerisara").update(affiliation="Université de Lorraine")
    seeded.talks.get(slug="cohen-implicit-regularization").speakers.clear()

    assert "Université de Lorraine" in client.get("/speakers/").content.decode()
    assert "Cohen" not in _main(client.get(talk_url))


def _main(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def test_workshop_row_change_shows_on_every_page_at_once(client, seeded):
    """The workshop row itself is cached per content version; a change to it is a new version."""
    assert "IDMC" in client.get("/").content.decode()
    assert "IDMC" in client.get("/participants/").content.decode()

    type(seeded).objects.filter(pk=seeded.pk).update(venue_name="Loria, amphithéâtre")

    for url in ("/", "/participants/", "/program/"):
        page = client.get(url).content.decode()
        assert "Loria, amphithéâtre" in page, url
