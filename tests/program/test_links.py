"""Addresses people typed are links only when they lead to a web page: a `javascript:` URL that
reached the database without a form (the shell, a fixture, an import) is shown as text."""

import pytest

from program.models import Material, Organizer, Speaker, Workshop
from tests.factories import OrganizerFactory, PosterFactory, SessionFactory, WorkshopFactory
from tests.pages import get_page

pytestmark = pytest.mark.django_db

SCRIPT = "javascript:alert(1)"


@pytest.fixture
def scripted_links():
    """An edition whose speaker homepages, organizer link, directions and material links were
    all set to a script with queryset.update(), past every form."""
    workshop = WorkshopFactory()
    talk = SessionFactory(workshop=workshop).talk
    PosterFactory(workshop=workshop)
    OrganizerFactory(workshop=workshop, url="https://orga.example.org/")
    Material.objects.create(talk=talk, kind=Material.Kind.VIDEO, url="https://video.example.org/")
    Speaker.objects.update(homepage=SCRIPT)
    Organizer.objects.update(url=f" {SCRIPT}")  # browsers drop the leading space
    Workshop.objects.update(venue_directions_url="JavaScript:alert(1)")
    Material.objects.update(url="java\nscript:alert(1)")
    return talk


def _hrefs(client, url: str) -> list[str]:
    return [a.attrs["href"] for a in get_page(client, url).find_all("a", href=True)]


@pytest.mark.parametrize("page", ["home", "talk", "speakers", "info"])
def test_a_script_url_saved_past_the_forms_is_no_link(client, scripted_links, page):
    talk = scripted_links
    url = {
        "home": "/",
        "talk": talk.get_absolute_url(),
        "speakers": "/speakers/",
        "info": "/info/",
    }[page]

    hrefs = _hrefs(client, url)

    assert hrefs  # the page has its other links
    assert not [href for href in hrefs if "script" in href.lower()]


def test_a_script_url_leaves_the_name_as_text(client, scripted_links):
    talk = scripted_links
    speaker = talk.speakers.get()

    html = client.get(talk.get_absolute_url()).content.decode()

    assert speaker.name in html
    assert "Video" in html


def test_web_addresses_stay_links(client):
    workshop = WorkshopFactory()
    talk = SessionFactory(workshop=workshop).talk
    OrganizerFactory(workshop=workshop, url="https://orga.example.org/")
    Material.objects.create(talk=talk, kind=Material.Kind.VIDEO, url="http://video.example.org/")

    home, talk_page = _hrefs(client, "/"), _hrefs(client, talk.get_absolute_url())

    assert "https://orga.example.org/" in home
    assert workshop.venue_directions_url in home
    assert talk.speakers.get().homepage in talk_page
    assert "http://video.example.org/" in talk_page
