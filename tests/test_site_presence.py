"""What search engines and shared links see: an address per language and the alternates naming
them, /sitemap.xml, /robots.txt, the favicon, and the OpenGraph and Twitter-card tags with the
edition's picture."""

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import http_date
from PIL import Image

from contributions.models import Call
from contributions.review_views import ReviewerMixin
from program.models import Talk
from registration.views import DeskMixin, ParticipantListView

from .factories import PosterFactory, TalkFactory, WorkshopFactory
from .pages import parse

pytestmark = pytest.mark.django_db

HOST = "http://testserver"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
# While LoRAINNe'24 takes registrations; the factories' editions are all later.
DURING_REGISTRATION = dt.datetime(2024, 10, 15, 10, tzinfo=dt.UTC)


@pytest.fixture
def editions(seeded, time_machine):
    """LoRAINNe'24 (over by now, published), the next edition (published, its call open, a talk
    and a poster) and a draft with a talk of its own."""
    time_machine.move_to(DURING_REGISTRATION, tick=False)
    upcoming = WorkshopFactory()
    TalkFactory(workshop=upcoming, slug="low-rank-adaptation")
    PosterFactory(workshop=upcoming)
    Call.objects.create(
        workshop=upcoming,
        opens_at=DURING_REGISTRATION - dt.timedelta(days=7),
        closes_at=DURING_REGISTRATION + dt.timedelta(days=30),
    )
    draft = WorkshopFactory(published=False, slug="draft-edition")
    TalkFactory(workshop=draft, slug="secret-results")
    return {"seeded": seeded, "upcoming": upcoming, "draft": draft}


def robots_allows(robots: str, path: str) -> bool:
    """Whether `path` may be crawled, as Google and Bing read robots.txt (RFC 9309): the longest
    matching rule wins, Allow on a tie; `*` matches any run of characters."""
    best = (-1, True)
    for line in robots.splitlines():
        field, _, value = line.partition(":")
        if field.strip().lower() not in ("allow", "disallow") or not value.strip():
            continue
        rule = value.strip()
        pattern = "".join(".*" if char == "*" else re.escape(char) for char in rule)
        if re.match(pattern, path):
            allowed = field.strip().lower() == "allow"
            best = max(best, (len(rule), allowed))
    return best[1]


def crawl(client, starts: list[str]) -> dict[str, str]:
    """Every page of this site an anonymous visitor reaches by following links from `starts`
    (path: HTML), HTML pages answering 200 only (no calendar, PDF or JSON)."""
    seen, queue, pages = set(starts), list(starts), {}
    while queue:
        path = queue.pop()
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        pages[path] = html
        for href in parse(html).links():
            link = urlsplit(urljoin(HOST + path, href))
            if f"{link.scheme}://{link.netloc}" != HOST:
                continue  # another site, mailto:, webcal:
            address = link.path + (f"?{link.query}" if link.query else "")
            if address not in seen:
                seen.add(address)
                queue.append(address)
    return pages


def read_sitemap(client) -> list[dict]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    entries = []
    for url in ET.fromstring(response.content).iter(f"{SITEMAP}url"):
        entries.append(
            {
                "loc": url.findtext(f"{SITEMAP}loc"),
                "lastmod": url.findtext(f"{SITEMAP}lastmod"),
                "alternates": {
                    link.get("hreflang"): link.get("href")
                    for link in url.iter(f"{XHTML}link")
                    if link.get("rel") == "alternate"
                },
            }
        )
    return entries


def alternates_of(html: str) -> dict[str, str]:
    return {
        link.attrs["hreflang"]: link.attrs["href"]
        for link in parse(html).find_all("link", rel="alternate", hreflang=True)
    }


def in_languages(url: str) -> dict[str, str]:
    return {"en": f"{url}?lang=en", "fr": f"{url}?lang=fr", "x-default": url}


# An address per language


def test_lang_parameter_gives_each_language_from_the_cache(
    client, seeded, django_assert_num_queries
):
    pages = {}
    for language in ("fr", "en", "fr", "en"):
        pages[language] = parse(client.get(f"/?lang={language}").content)

    # The second of each came from the page cache: one statement, the edition's version.
    with django_assert_num_queries(1):
        french = parse(client.get("/?lang=fr").content)
    with django_assert_num_queries(1):
        english = parse(client.get("/?lang=en").content)

    assert french.find("html").attrs["lang"] == "fr"
    assert french.find("a", class_="skip-link").text == "Aller au contenu principal"
    assert english.find("html").attrs["lang"] == "en-gb"
    assert english.find("a", class_="skip-link").text == "Skip to main content"
    assert pages["fr"].find("html").attrs["lang"] == "fr"
    assert pages["en"].find("html").attrs["lang"] == "en-gb"


def test_lang_parameter_outvotes_the_cookie_and_the_browser(client, seeded):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    page = parse(client.get("/program/?lang=en", headers={"accept-language": "fr"}).content)

    assert page.find("html").attrs["lang"] == "en-gb"
    assert page.find("h1").text == "Program"
    # Without the parameter, the cookie's choice, as before.
    assert parse(client.get("/program/").content).find("h1").text == "Programme"


def test_unknown_lang_parameter_leaves_the_visitors_choice(client, seeded):
    for value in ("xx", "", "fr-ZZ-<script>"):
        response = client.get(f"/program/?lang={value}", headers={"accept-language": "fr"})

        assert response.status_code == 200
        assert parse(response.content).find("h1").text == "Programme"


def test_language_switch_leaves_the_address_language_behind(client, seeded):
    response = client.post(
        "/i18n/setlang/", {"language": "en-gb", "next": "/lorainne24/program/?lang=fr"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/lorainne24/program/"
    assert parse(client.get(response["Location"]).content).find("h1").text == "Program"


def test_every_page_names_its_address_in_each_language(client, editions):
    pages = crawl(client, ["/", "/editions/"])

    assert {"/lorainne24/program/", "/lorainne24/participants/"} <= pages.keys()
    for path, html in pages.items():
        # A short address's page names the edition's own address (its canonical one).
        canonical = parse(html).find_all("link", rel="canonical")
        url = canonical[0].attrs["href"] if canonical else HOST + path
        assert alternates_of(html) == in_languages(url), path


def test_page_in_a_language_names_itself_canonical(client, seeded):
    page = parse(client.get("/lorainne24/posters/?lang=fr").content)

    assert page.find("link", rel="canonical").attrs["href"] == f"{HOST}/lorainne24/posters/?lang=fr"


def test_page_not_found_names_its_address_in_each_language(client, seeded):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert alternates_of(response.content.decode()) == in_languages(f"{HOST}/no-such-page/")


# /sitemap.xml


def test_sitemap_lists_every_public_address_of_the_published_editions(client, editions):
    robots = client.get("/robots.txt").content.decode()
    published = [w.get_absolute_url() for w in (editions["seeded"], editions["upcoming"])]
    public = {
        HOST + path
        for path in crawl(client, [*published, "/editions/"])
        if robots_allows(robots, path)
    }

    entries = read_sitemap(client)

    assert {entry["alternates"]["x-default"] for entry in entries} == public
    assert sorted(entry["loc"] for entry in entries) == sorted(
        f"{url}?lang={language}" for url in public for language in ("en", "fr")
    )
    for entry in entries:
        assert entry["alternates"] == in_languages(entry["alternates"]["x-default"])
    # The crawl met what the sitemap must have: talks, the open call, the registration form.
    assert f"{HOST}/lorainne24/program/talks/cohen-implicit-regularization/" in public
    upcoming = editions["upcoming"].slug
    assert {f"{HOST}/{upcoming}/call/", f"{HOST}/{upcoming}/register/"} <= public


def test_sitemap_lists_nothing_of_a_draft(client, editions):
    entries = read_sitemap(client)

    addresses = [entry["loc"] for entry in entries] + [
        url for entry in entries for url in entry["alternates"].values()
    ]
    assert addresses
    assert not [url for url in addresses if "draft-edition" in url or "secret-results" in url]
    # The draft's pages exist, for organizers: only the sitemap leaves them out.
    assert client.get("/draft-edition/program/talks/secret-results/").status_code == 404


def test_sitemap_lastmod_is_the_editions_last_change(client, editions):
    seeded, upcoming = editions["seeded"], editions["upcoming"]

    # Any change to an edition's content raises its change time (program/triggers.py).
    Talk.objects.filter(slug="low-rank-adaptation").update(title="Low-rank adapters, revisited")
    upcoming.refresh_from_db()
    response = client.get("/sitemap.xml")
    entries = read_sitemap(client)

    assert response["Last-Modified"] == http_date(upcoming.content_changed_at.timestamp())
    for workshop in (seeded, upcoming):
        lastmods = {e["lastmod"] for e in entries if f"/{workshop.slug}/" in e["loc"]}
        assert lastmods == {f"{workshop.content_changed_at:%Y-%m-%d}"}
    editions_page = [e for e in entries if e["loc"] == f"{HOST}/editions/?lang=en"]
    assert editions_page[0]["lastmod"] == f"{upcoming.content_changed_at:%Y-%m-%d}"


# /robots.txt


def example_paths() -> list[tuple[str, object]]:
    """An address of every route of the URLconf, with its view: converters filled in."""
    values = {
        "edition": "lorainne24",
        "token": "a-token",
        "code": "a-token",  # a certificate's verification code: as personal as a token
        "slug": "a-talk",
        "pk": "1",
    }

    def walk(patterns, prefix: str):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                filled = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m[1], "x"), route)
                yield "/" + filled, pattern.callback

    return list(walk(get_resolver().url_patterns, ""))


def test_robots_txt_keeps_personal_staff_and_admin_addresses_out(client, seeded):
    robots = client.get("/robots.txt")
    text = robots.content.decode()

    assert robots["Content-Type"] == "text/plain; charset=utf-8"
    personal = [
        path
        for path, view in example_paths()
        if "a-token" in path
        or issubclass(
            getattr(view, "view_class", object), (DeskMixin, ReviewerMixin, ParticipantListView)
        )
        or path.startswith(f"/{settings.ADMIN_URL}")
    ]
    examples = {
        "/registration/a-token/",
        "/certificate/a-token/",
        "/lorainne24/desk/",
        "/lorainne24/review/",
    }
    assert examples | {f"/{settings.ADMIN_URL}"} <= set(personal)
    assert [path for path in personal if robots_allows(text, path)] == []
    for public in ("/", "/lorainne24/", "/lorainne24/program/talks/a-talk/", "/editions/"):
        assert robots_allows(text, public)
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text.splitlines()


def test_robots_txt_follows_the_admin_address(client, seeded, settings):
    settings.ADMIN_URL = "organizers-only/"

    text = client.get("/robots.txt").content.decode()

    assert not robots_allows(text, "/organizers-only/program/workshop/")
    assert robots_allows(text, "/admin/")


# The favicon


def test_favicon_at_the_root_and_linked_from_every_page(client, seeded):
    response = client.get("/favicon.ico")
    page = parse(client.get("/").content)

    assert response.status_code == 200
    icon = Image.open(io.BytesIO(response.content))
    assert icon.format == "ICO"
    assert icon.info["sizes"] == {(16, 16), (32, 32), (48, 48)}
    icons = {link.attrs["href"] for link in page.find_all("link", rel="icon")}
    assert icons == {"/static/favicon.ico", "/static/favicon.svg"}
    svg = ET.parse(Path(settings.BASE_DIR) / "static" / "favicon.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"


# OpenGraph and Twitter cards


def meta_of(html: str) -> dict[str, str]:
    tags = parse(html).find_all("meta")
    return {
        tag.attrs.get("property") or tag.attrs.get("name"): tag.attrs["content"]
        for tag in tags
        if (tag.attrs.get("property") or tag.attrs.get("name") or "").startswith(
            ("og:", "twitter:")
        )
    }


def test_home_page_card_tells_the_workshop(client, seeded):
    meta = meta_of(client.get("/").content.decode())

    title = "LoRAINNe'24: Workshop on LOw-Rank Approximations and their Interactions with Neural NEtworks"
    assert meta["og:title"] == meta["twitter:title"] == title
    assert meta["og:description"].startswith("This workshop will explore low-rank matrix")
    assert meta["og:description"] == meta["twitter:description"]
    assert len(meta["og:description"]) <= 200
    assert meta["og:url"] == f"{HOST}/lorainne24/"
    assert meta["og:type"] == "website"
    assert meta["og:locale"] == "en_GB"
    assert meta["og:locale:alternate"] == "fr_FR"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:image"] == meta["twitter:image"]
    assert meta["og:image"].startswith(f"{HOST}/lorainne24/og.png?")
    assert "26–27 November 2024" in meta["og:image:alt"]


def test_talk_page_card_is_plain_text(client, seeded):
    talk = TalkFactory(
        workshop=seeded,
        slug="math",
        title=r"Sketching $\mathbb{R}^{m \times n}$ matrices",
        abstract=r"For $X \in \mathbb{R}^{m \times n}$ of rank $r$, a sketch suffices.",
    )

    meta = meta_of(client.get(talk.get_absolute_url()).content.decode())

    assert meta["og:title"] == "Sketching ℝ^(m × n) matrices · LoRAINNe'24"
    assert meta["og:description"] == "For X ∈ ℝ^(m × n) of rank r, a sketch suffices."
    assert meta["og:url"] == HOST + talk.get_absolute_url()
    assert meta["twitter:card"] == "summary_large_image"


def test_talk_without_abstract_card_names_its_speakers(client, seeded):
    talk = TalkFactory(workshop=seeded, slug="to-come", abstract="", kind=Talk.Kind.KEYNOTE)
    speaker = talk.speakers.get()

    meta = meta_of(client.get(talk.get_absolute_url()).content.decode())

    assert (
        meta["og:description"] == f"Keynote by {speaker.name} at LoRAINNe'24, 26–27 November 2024."
    )


def test_posters_page_card_in_french(client, seeded):
    meta = meta_of(client.get("/lorainne24/posters/?lang=fr").content.decode())

    assert meta["og:title"] == "Posters · LoRAINNe'24"
    count = seeded.posters.count()
    assert meta["og:description"].startswith(
        f"{count} posters présentés à LoRAINNe'24, 26–27 novembre 2024, IDMC"
    )
    assert meta["og:locale"] == "fr_FR"
    assert meta["og:url"] == f"{HOST}/lorainne24/posters/?lang=fr"
    assert meta["og:image"].endswith("&lang=fr")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_share_image_is_a_1200_by_630_png(client, seeded, language):
    url = meta_of(client.get(f"/?lang={language}").content.decode())["og:image"]

    response = client.get(url.removeprefix(HOST))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("PNG", (1200, 630))


def test_share_image_follows_the_edition(client, seeded):
    first = client.get("/lorainne24/og.png").content
    assert client.get("/lorainne24/og.png").content == first  # drawn once, kept

    seeded.name = "Workshop on low-rank approximations"
    seeded.save()

    assert client.get("/lorainne24/og.png").content != first


def test_share_image_of_a_draft_is_not_shown(client, seeded):
    draft = WorkshopFactory(published=False, slug="draft-edition")

    assert (
        client.get(reverse("program:share-image", kwargs={"edition": draft.slug})).status_code
        == 404
    )


def test_root_files_answer_head_and_refuse_post(client, seeded):
    for path in ("/robots.txt", "/favicon.ico"):
        assert client.head(path).status_code == 200
        assert client.post(path).status_code == 405
