"""A past edition says so on every page, and offers no registration; one page lists them all.

LoRAINNe'24 (26–27 November 2024) is over today; a newer edition comes from the factories."""

import datetime as dt

import pytest

from program.models import Workshop
from tests.factories import WorkshopFactory, paris_time
from tests.pages import get_page

pytestmark = pytest.mark.django_db

EDITION = "/lorainne24/"
TOOK_PLACE = "LoRAINNe'24 took place on 26–27 November 2024."


def _pages_of(workshop: Workshop, prefix: str) -> list[str]:
    """Every page of an edition that shows the site's menu."""
    talk = workshop.talks.order_by("slug").first()
    pages = ["", "program/", f"program/talks/{talk.slug}/", "speakers/", "posters/", "info/"]
    pages += ["register/", "participants/", "privacy/"]
    return [prefix + page for page in pages]


def _menu(page) -> list[str]:
    return [a.text for a in page.find("nav").find_all("a")]


def _notices(page) -> list[str]:
    return [notice.text for notice in page.find("main").find_all("p", class_="notice")]


@pytest.fixture
def lorainne25(seeded) -> Workshop:
    """The next edition, published and current: the clock in October 2025, between the two."""
    return WorkshopFactory(
        acronym="LoRAINNe'25",
        slug="lorainne25",
        starts_on=dt.date(2025, 11, 25),
        ends_on=dt.date(2025, 11, 27),
        venue_name="Loria",
        venue_address="Villers-lès-Nancy, France",
    )


def test_past_edition_every_page_says_when_it_took_place_and_offers_no_registration(client, seeded):
    for address in _pages_of(seeded, EDITION):
        page = get_page(client, address)

        # The only edition: no newer one to point to.
        assert _notices(page) == [TOOK_PLACE], address
        assert _menu(page) == ["Home", "Program", "Speakers", "Posters"], address
        assert not [link for link in page.links() if "/register/" in link], address


def test_past_edition_at_the_short_addresses_says_so_too(client, seeded):
    """The seed alone: LoRAINNe'24 is the current edition, and over."""
    page = get_page(client, "/program/")

    assert _notices(page) == [TOOK_PLACE]
    assert "Register" not in _menu(page)


def test_past_edition_notice_links_the_newer_current_edition(
    client, seeded, lorainne25, time_machine
):
    time_machine.move_to(paris_time(dt.date(2025, 10, 1), 10), tick=False)

    for address in _pages_of(seeded, EDITION):
        page = get_page(client, address)
        [notice] = page.find("main").find_all("p", class_="notice")

        assert notice.text == f"{TOOK_PLACE} The current edition is LoRAINNe'25.", address
        assert notice.links() == ["/lorainne25/"], address
    # The current edition, before it: no notice, and its menu registers.
    current = get_page(client, "/program/")
    assert _notices(current) == []
    assert _menu(current)[-1] == "Register"


def test_past_edition_notice_in_french(client, seeded):
    client.cookies["django_language"] = "fr"

    page = get_page(client, EDITION + "program/")

    assert _notices(page) == ["LoRAINNe'24 a eu lieu (26–27 novembre 2024)."]


def test_cached_page_of_the_current_edition_says_it_is_over_once_it_ends(
    client, seeded, time_machine
):
    """A page cached on the last evening is not served after midnight: its key holds whether
    the edition is over."""
    time_machine.move_to(paris_time(dt.date(2024, 11, 27), 23, 59), tick=False)
    before = get_page(client, EDITION + "program/")  # now cached
    assert _notices(before) == []
    assert _menu(before)[-1] == "Register"

    time_machine.move_to(paris_time(dt.date(2024, 11, 28), 0, 0), tick=False)
    after = get_page(client, EDITION + "program/")

    assert _notices(after) == [TOOK_PLACE]
    assert "Register" not in _menu(after)


def _editions(page) -> list[str]:
    return [item.text for item in page.find("ul", class_="editions").find_all("li")]


def test_all_editions_lists_every_published_edition_newest_first_marking_the_current(
    client, lorainne25
):
    WorkshopFactory(acronym="LoRAINNe'26", slug="lorainne26", published=False)

    page = get_page(client, "/editions/")

    assert page.find("h1").text == "All editions"
    assert _editions(page) == [
        "LoRAINNe'25 (current edition), 25–27 November 2025, Loria, Villers-lès-Nancy, France",
        "LoRAINNe'24, 26–27 November 2024, IDMC (Institut des Sciences du Digital), Nancy, France",
    ]
    assert page.find("ul", class_="editions").links() == ["/lorainne25/", "/lorainne24/"]


def test_all_editions_is_linked_from_every_page_footer_and_the_home_page(client, lorainne25):
    for address in ["/", "/lorainne24/program/", "/lorainne25/speakers/"]:
        footer = get_page(client, address).find("footer")
        assert "/editions/" in footer.links(), address
    past = get_page(client, "/").find("main").section("Past editions")
    assert past.links() == ["/lorainne24/", "/editions/"]


def test_all_editions_is_cached_until_an_edition_is_published(client, admin_client, lorainne25):
    assert len(_editions(get_page(client, "/editions/"))) == 2  # now cached
    draft = WorkshopFactory(acronym="LoRAINNe'23", slug="lorainne23", published=False)
    assert len(_editions(get_page(client, "/editions/"))) == 2

    Workshop.objects.filter(pk=draft.pk).update(published=True)

    assert len(_editions(get_page(client, "/editions/"))) == 3


def test_all_editions_without_any_published_is_not_found(client, db):
    WorkshopFactory(published=False)

    assert client.get("/editions/").status_code == 404


@pytest.mark.parametrize("others", [0, 5])
def test_all_editions_queries_do_not_grow_with_the_editions(
    client, seeded, others, django_assert_num_queries
):
    for year in range(others):
        WorkshopFactory(starts_on=dt.date(2010 + year, 11, 24))

    # The page cache's statement, the current edition's row, the list.
    with django_assert_num_queries(3):
        page = get_page(client, "/editions/")

    assert len(_editions(page)) == 1 + others
