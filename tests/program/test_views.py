"""Public pages: error pages, page structure, self-hosted assets, links and time zones."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import include, path

from program.models import Talk
from tests.factories import SessionFactory, TalkFactory, paris_time
from tests.pages import EN_DASH, Element, get_page, parse

pytestmark = pytest.mark.django_db

KATEX_ASSETS = [
    "/static/vendor/katex/katex.min.css",
    "/static/vendor/katex/katex.min.js",
    "/static/vendor/katex/contrib/auto-render.min.js",
    "/static/js/math.js",
]

DATA_BLOCK_TYPES = {"application/ld+json", "application/json"}


def _raise_error(request):
    raise RuntimeError("A bug in a view")


# This module doubles as a URLconf: the site's, plus a page that fails (for the 500 page).
urlpatterns = [path("boom/", _raise_error), path("", include("lorainne.urls"))]


def _site_pages() -> list[str]:
    talks = [talk.get_absolute_url() for talk in Talk.objects.order_by("slug")]
    return ["/", "/program/", "/speakers/", "/posters/", *talks]


def _assets(page: Element) -> list[str]:
    """What the browser loads by itself: every src= and every <link href=> (a canonical or an
    alternate link names the page's own address, in a language: nothing is loaded from it)."""
    sources = [element.attrs["src"] for element in page.find_all(src=True)]
    links = page.find_all("link", href=True)
    names = ("canonical", "alternate")
    return sources + [link.attrs["href"] for link in links if link.attrs.get("rel") not in names]


def _static_path(url: str) -> str | None:
    """The path of a static file under the static folders, or None if `url` is not static."""
    prefix = static("")
    return url.removeprefix(prefix) if url.startswith(prefix) else None


# --- Error pages ---------------------------------------------------------------------------------


def test_unknown_talk_renders_custom_404_page(client, seeded):
    response = client.get("/program/talks/no-such-talk/")

    page = parse(response.content)
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert page.find("title").text == "Page not found"
    assert page.find("h1").text == "Page not found"
    assert "/lorainne24/program/" in page.find("main").links()


def test_unknown_address_renders_custom_404_page(client, seeded):
    page = get_page(client, "/no/such/page/", status=404)

    assert page.find("title").text == "Page not found"
    # The layout still knows the workshop: the footer names it.
    assert "LoRAINNe'24 · IDMC (Institut des Sciences du Digital)" in page.find("footer").text


def test_home_is_a_404_while_no_workshop_is_set_up(client, db):
    page = get_page(client, "/", status=404)

    assert page.find("h1").text == "Page not found"
    assert page.find("a", class_="brand").text == "LoRAINNe"


def test_500_template_renders_without_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = get_template("500.html").render({})

    page = parse(html)
    assert page.find("title").text == "Server error"
    assert page.find("h1").text == "Something went wrong on our side"
    assert "/" in page.find("main").links()
    assert page.find("html").attrs["lang"] == "en-gb"


def test_server_error_renders_500_template(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    assert parse(response.content).find("h1").text == "Something went wrong on our side"


# --- Structure and accessibility -----------------------------------------------------------------


def test_every_page_has_one_h1_a_main_a_labelled_nav_and_a_language(client, seeded):
    urls = [*_site_pages(), "/no-such-page/"]

    for url in urls:
        page = parse(client.get(url).content)

        assert len(page.find_all("h1")) == 1, url
        assert len(page.find_all("main")) == 1, url
        assert [nav.attrs.get("aria-label") for nav in page.find_all("nav")] == ["Main"], url
        assert page.find("html").attrs.get("lang") == "en-gb", url
    assert len(urls) == 16


def test_every_page_has_a_title_naming_the_workshop(client, seeded):
    for url in _site_pages():
        title = get_page(client, url).find("title").text

        assert "LoRAINNe'24" in title, url


# --- Math ----------------------------------------------------------------------------------------


def test_math_pages_load_katex_from_own_static_files(client, seeded):
    math_pages = ["/posters/", *[talk.get_absolute_url() for talk in Talk.objects.all()]]

    for url in math_pages:
        assets = _assets(get_page(client, url))

        assert set(KATEX_ASSETS) <= set(assets), url
    for asset in KATEX_ASSETS:
        assert finders.find(_static_path(asset)), asset


def test_poster_tex_is_in_the_html_as_written(client, seeded):
    response = client.get("/posters/")

    [matti] = [
        element.text
        for element in parse(response.content).find_all(class_="tex")
        if "Randomized trace estimators" in element.text
    ]
    assert r"constant matrices $\boldsymbol{B}$." in matti
    assert r"a real parameter $t \in [a, b]$." in matti
    assert r"$t_1, t_2, \dots$" in response.content.decode()


def test_talk_tex_is_in_the_html_as_written_and_escaped(client, seeded):
    tex = r"$\|A - A_r\|_F < \varepsilon$ for $A \in \mathbb{R}^{m \times n}$"
    talk = TalkFactory(workshop=seeded, abstract=f"We bound the error: {tex}.")

    response = client.get(talk.get_absolute_url())

    [abstract] = parse(response.content).find_all(class_="abstract")
    assert abstract.text == f"We bound the error: {tex}."
    assert r"$\|A - A_r\|_F &lt; \varepsilon$" in response.content.decode()


# --- Assets and links ----------------------------------------------------------------------------


def test_pages_load_nothing_from_other_hosts(client, seeded):
    for url in _site_pages():
        for asset in _assets(get_page(client, url)):
            parts = urlsplit(asset)

            assert (parts.scheme, parts.netloc) == ("", ""), f"{url} loads {asset}"
            assert asset.startswith("/"), f"{url} loads {asset}"


def test_pages_have_no_inline_script_or_style(client, seeded):
    # A strict Content-Security-Policy (no 'unsafe-inline') must hold on every page.
    for url in _site_pages():
        page = get_page(client, url)

        inline_scripts = [script for script in page.find_all("script") if "src" not in script.attrs]
        # Only data blocks (JSON-LD), which browsers never run, may be inline.
        assert {script.attrs.get("type") for script in inline_scripts} <= DATA_BLOCK_TYPES, url
        assert page.find_all("style") == [], url
        assert page.find_all(style=True) == [], url
        assert not [
            name for element in page.iter() for name in element.attrs if name.startswith("on")
        ], url


def test_internal_links_and_assets_all_exist(client, seeded):
    checked: dict[str, Element] = {}

    for url in _site_pages():
        page = get_page(client, url)
        for target in sorted({*page.links(), *_assets(page)}):
            if not target.startswith("/") or target.startswith("//"):
                continue  # a speaker's homepage, or an anchor on the same page
            parts = urlsplit(target)
            if (static_path := _static_path(parts.path)) is not None:
                assert finders.find(static_path), f"{url} links to missing {target}"
                continue
            if parts.path.endswith(".pdf"):  # the book of abstracts: a PDF, not a page
                if parts.path not in checked:
                    response = client.get(parts.path)
                    assert response["Content-Type"] == "application/pdf", f"{url}: {target}"
                    checked[parts.path] = Element("pdf")
                continue
            if parts.path not in checked:
                checked[parts.path] = get_page(client, parts.path)
            if parts.fragment:
                ids = {element.attrs.get("id") for element in checked[parts.path].iter()}
                assert parts.fragment in ids, f"{url} links to missing {target}"

    edition = "/lorainne24/"
    assert {edition + page for page in ("", "program/", "speakers/", "posters/")} <= set(checked)
    talk_pages = [
        page for page in checked if re.fullmatch(edition + r"program/talks/[\w-]+/", page)
    ]
    assert len(talk_pages) == 11


# --- The printed program ---------------------------------------------------------------------------


def test_program_has_a_title_block_for_paper_with_the_workshop_dates_and_venue(client, seeded):
    main = get_page(client, "/lorainne24/program/").find("main")

    title = main.find(class_="print-title")

    assert "print-only" in title.attrs["class"].split()  # hidden on screen (site.css)
    assert title.text == (
        "LoRAINNe'24: Workshop on LOw-Rank Approximations and their Interactions with Neural "
        f"NEtworks 26{EN_DASH}27 November 2024 · IDMC (Institut des Sciences du Digital), "
        "Nancy, France"
    )
    elements = list(main.iter())
    assert elements.index(title) < elements.index(main.find("h1"))  # on top of the first sheet


# --- Time zones ----------------------------------------------------------------------------------


def test_program_shows_paris_times_when_time_zone_setting_is_utc(client, seeded, settings):
    settings.TIME_ZONE = "UTC"

    program = get_page(client, "/program/").find("main")

    [row] = [row for row in program.find_all("tr") if "André de Almeida" in row.text]
    assert [time.attrs["datetime"] for time in row.find_all("time")] == [
        "2024-11-26T14:15:00+01:00",
        "2024-11-26T15:15:00+01:00",
    ]
    assert [time.text for time in row.find_all("time")] == ["14:15", "15:15"]
    assert "All times are Europe/Paris time (CET)" in program.text


def test_talk_and_speaker_pages_show_paris_times_when_time_zone_setting_is_utc(
    client, seeded, settings
):
    settings.TIME_ZONE = "UTC"

    talk = get_page(client, "/program/talks/de-almeida-tensor-decompositions/").find("main")
    speakers = get_page(client, "/speakers/").find("main")

    assert f"Tuesday 26 November 2024, 14:15{EN_DASH}15:15 (Europe/Paris time)" in talk.text
    assert "Tuesday 26 November, 14:15" in speakers.text


def test_program_groups_days_in_paris_time_when_time_zone_setting_is_utc(client, seeded, settings):
    # 00:30 in Paris on the 27th is still the 26th in UTC: the slot belongs to day 2.
    settings.TIME_ZONE = "UTC"
    SessionFactory(
        workshop=seeded,
        starts_at=paris_time(dt.date(2024, 11, 27), 0, 30),
        ends_at=paris_time(dt.date(2024, 11, 27), 1, 0),
        kind="social",
        title="Night walk in Nancy",
        talk=None,
    )

    program = get_page(client, "/program/").find("main")

    assert "Night walk in Nancy" not in program.section("Day 1:").text
    assert f"00:30{EN_DASH}01:00 Night walk in Nancy" in program.section("Day 2:").text
    assert len(program.find_all("section", class_="day")) == 2
