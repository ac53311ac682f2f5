"""The practical information page (/info/, /<edition>/info/), its Markdown, the contact address
as a mailto: link, and math in titles left for KaTeX."""

import icalendar
import pytest

from program.markdown import render
from program.models import Poster, Talk
from program.templatetags.markdown import is_email_address
from tests.pages import get_page

pytestmark = pytest.mark.django_db

TRANSPORT = (
    "Tram **line 1** to *Place Stanislas*, then a 5-minute walk.\n\n"
    "- From the station: 10 minutes\n"
    "- [Timetables](https://www.reseau-stan.com/)"
)


@pytest.fixture
def informed(seeded):
    """LoRAINNe'24 with its practical information written, wifi and accommodation left empty."""
    seeded.venue_address = "Pôle Herbert Simon, 13 rue Michel Ney, 54000 Nancy, France"
    seeded.venue_room = "Amphithéâtre A001"
    seeded.info_getting_there = "Ten minutes on foot from **Nancy-Ville** station."
    seeded.info_transport = TRANSPORT
    seeded.info_other = "Lunch is served on site on both days."
    seeded.save()
    return seeded


@pytest.mark.parametrize("url", ["/info/", "/lorainne24/info/"])
def test_info_page_shows_sections_at_both_addresses(client, informed, url):
    main = get_page(client, url).find("main")

    assert main.find("h1").text == "Practical information"
    venue = main.section("Venue").text
    assert "Pôle Herbert Simon, 13 rue Michel Ney, 54000 Nancy" in venue
    assert "Room: Amphithéâtre A001" in venue
    getting_there = main.section("How to get there")
    assert "Ten minutes on foot from Nancy-Ville station." in getting_there.text
    assert getting_there.find("strong").text == "Nancy-Ville"
    assert informed.venue_directions_url in getting_there.links()
    transport = main.section("Transport")
    assert transport.find("strong").text == "line 1"
    assert [li.text for li in transport.find_all("li")] == [
        "From the station: 10 minutes",
        "Timetables",
    ]
    assert transport.find("a").attrs == {"href": "https://www.reseau-stan.com/", "rel": "noopener"}
    assert "Lunch is served on site on both days." in main.section("Good to know").text


def test_info_page_hides_empty_sections(client, informed):
    main = get_page(client, "/info/").find("main")

    headings = [h2.text for h2 in main.find_all("h2")]

    assert headings == ["Venue", "How to get there", "Transport", "Good to know", "Questions"]


def test_info_page_without_directions_or_text_has_no_getting_there(client, seeded):
    seeded.venue_directions_url = ""
    seeded.info_wifi = "Network **eduroam**, or ask at the desk."
    seeded.save()

    main = get_page(client, "/info/").find("main")

    assert [h2.text for h2 in main.find_all("h2")] == ["Venue", "Wifi", "Questions"]


def test_nav_info_link_only_when_edition_has_information(client, seeded):
    nav = get_page(client, "/").find("nav", aria_label="Main")
    assert "/lorainne24/info/" not in nav.links()

    seeded.info_wifi = "eduroam"
    seeded.save()

    nav = get_page(client, "/").find("nav", aria_label="Main")
    assert "/lorainne24/info/" in nav.links()
    info_nav = get_page(client, "/info/").find("nav", aria_label="Main")
    assert info_nav.find("a", aria_current="page").text == "Info"


def test_info_page_neutralises_script_onerror_and_bad_links(client, seeded):
    seeded.info_other = (
        "<script>alert('x')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        "[click](javascript:alert(1)) and [data](data:image/png;base64,iVBORw0KGgo=)"
    )
    seeded.save()

    response = client.get("/info/")
    section = get_page(client, "/info/").find("main").section("Good to know")

    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img" not in html
    assert all(not link.startswith(("javascript:", "data:")) for link in section.links())
    assert section.find_all("a", href=True) == []


def test_render_sanitizes_script_onerror_and_urls():
    html = render(
        '<script>alert(1)</script> <img src=x onerror="alert(1)"> '
        "[a](javascript:alert(1)) [b](data:image/png;base64,iVBORw0KGgo=) "
        "[c](vbscript:msgbox) [d](https://example.org/ 'Home') <mailto:team@example.org>"
    )

    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript:' not in html
    assert 'href="data:' not in html
    assert 'href="vbscript:' not in html
    assert '<a href="https://example.org/" title="Home" rel="noopener">d</a>' in html
    assert '<a href="mailto:team@example.org" rel="noopener">' in html


def test_render_keeps_allowed_markdown_and_lowers_headings():
    html = render("# Hotels\n\n| Hotel | Price |\n|---|---|\n| Ibis | 80 € |\n\n> `code`")

    assert html == (
        "<h3>Hotels</h3>\n<table>\n<thead>\n<tr>\n<th>Hotel</th>\n<th>Price</th>\n</tr>\n"
        "</thead>\n<tbody>\n<tr>\n<td>Ibis</td>\n<td>80 €</td>\n</tr>\n</tbody>\n</table>\n"
        "<blockquote>\n<p><code>code</code></p>\n</blockquote>\n"
    )


def test_render_empty_text_is_empty():
    assert render("") == ""


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("lorainne24@univ-lorraine.fr", True),
        ("firstname.lastname@univ-lorraine.fr", False),  # the seed's pattern, not an address
        ("the organizers' desk, room A001", False),
        ("", False),
    ],
)
def test_is_email_address_when_valid_and_not_a_pattern(address, expected):
    assert is_email_address(address) is expected


def test_contact_is_mailto_link_for_an_address(client, seeded):
    seeded.contact_email = "lorainne24@univ-lorraine.fr"
    seeded.save()

    page = get_page(client, "/")

    contact = page.find("main").section("Contact")
    assert contact.links()[-1] == "mailto:lorainne24@univ-lorraine.fr"
    assert "mailto:lorainne24@univ-lorraine.fr" in page.find("footer").links()


def test_contact_is_plain_text_for_the_seed_pattern(client, seeded):
    page = get_page(client, "/")

    for part in (page.find("main").section("Contact"), page.find("footer")):
        assert "firstname.lastname@univ-lorraine.fr" in part.text
        assert not any(link.startswith("mailto:") for link in part.links())


def test_talk_title_keeps_math_for_katex_on_talk_program_and_posters(client, seeded):
    talk = Talk.objects.get(slug="cohen-implicit-regularization")
    talk.title = "Implicit regularization of $\\ell_1$ in <NMF>"
    talk.save()
    poster = Poster.objects.get(workshop=seeded, number=1)
    poster.title = "Compression with rank $r \\ll n$"
    poster.save()

    talk_page = get_page(client, "/program/talks/cohen-implicit-regularization/")
    program = get_page(client, "/program/")
    posters = get_page(client, "/posters/")

    assert (
        talk_page.find("h1", class_="tex").text == "Implicit regularization of $\\ell_1$ in <NMF>"
    )
    titles = [span.text for span in program.find_all("span", class_="tex")]
    assert "Implicit regularization of $\\ell_1$ in <NMF>" in titles
    assert posters.find_all("span", class_="tex")[0].text == "Compression with rank $r \\ll n$"
    for page in (talk_page, program, posters):
        scripts = [s.attrs["src"] for s in page.find_all("script", src=True)]
        assert any(src.endswith("js/math.js") for src in scripts)


def test_venue_address_is_one_and_the_same_on_every_page_and_in_the_exports(client, informed):
    where = f"{informed.venue_name}, {informed.venue_address}"
    info = get_page(client, "/lorainne24/info/")
    program = get_page(client, "/lorainne24/program/")
    calendar = icalendar.Calendar.from_ical(client.get("/lorainne24/program/calendar.ics").content)
    exported = client.get("/lorainne24/program.json").json()["workshop"]["venue"]

    assert informed.venue_address in info.find("main").section("Venue").text
    assert where in info.find("footer").text
    assert where in program.find("main").text  # "All times are … at IDMC …, <address>."
    assert {str(event["LOCATION"]) for event in calendar.walk("VEVENT")} == {where}
    assert exported["address"] == informed.venue_address
