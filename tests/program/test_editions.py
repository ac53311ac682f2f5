"""Editions: every LoRAINNe on one site. The next one is started from the last in the admin,
stays a draft until published, and no address of an earlier edition ever stops working."""

import datetime as dt
import html
import zoneinfo
from urllib.parse import urlsplit

import icalendar
import pytest
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, resolve

from program import services
from program.models import Session, Talk, Workshop
from tests.factories import (
    OrganizerFactory,
    SessionFactory,
    TalkFactory,
    WorkshopFactory,
)
from tests.pages import get_page, normalise
from tests.registration.html_forms import form_data

pytestmark = pytest.mark.django_db

EDITION = "/lorainne24/"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris_time(moment: dt.datetime) -> dt.datetime:
    """The wall-clock time in Paris."""
    return moment.astimezone(PARIS).replace(tzinfo=None)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _addresses_of_2024(seeded: Workshop) -> list[str]:
    """Every public address of LoRAINNe'24: its own pages, and the short talk addresses that
    its pages, emails and calendars gave out before it had its own."""
    pages = ["", "program/", "program/calendar.ics", "program.json", "speakers/", "posters/"]
    pages += ["register/", "participants/", "privacy/"]
    addresses = [EDITION + page for page in pages]
    for talk in seeded.talks.select_related("session"):
        addresses += [f"{EDITION}program/talks/{talk.slug}/", f"/program/talks/{talk.slug}/"]
        if getattr(talk, "session", None):
            addresses += [
                f"{EDITION}program/talks/{talk.slug}/calendar.ics",
                f"/program/talks/{talk.slug}/calendar.ics",
            ]
    return addresses


def _follow_once(client: Client, address: str):
    """The page at `address`, through at most one permanent redirect."""
    response = client.get(address)
    if response.status_code == 301:
        response = client.get(urlsplit(response["Location"]).path)
    return response


def _uids(body: bytes) -> list[str]:
    return sorted(str(event["UID"]) for event in icalendar.Calendar.from_ical(body).walk("VEVENT"))


def _next_edition_url(workshop: Workshop) -> str:
    return f"/admin/program/workshop/{workshop.pk}/next/"


def _start_2025(admin_client, seeded, *, unticked: tuple[str, ...] = (), **options) -> Workshop:
    """Post the next edition's form as a browser would: what it suggests and ticks, `options`
    typed or ticked over it, the boxes named in `unticked` unticked."""
    page = admin_client.get(_next_edition_url(seeded)).content.decode()
    data = form_data(page, "next_edition_form") | {
        "name": seeded.name,
        "acronym": "LoRAINNe'25",
        "slug": "lorainne25",
        "starts_on": "2025-11-25",
        **options,
    }
    for box in unticked:
        del data[box]
    response = admin_client.post(_next_edition_url(seeded), data)
    assert response.status_code == 302, response.context["form"].errors
    return Workshop.objects.get(slug="lorainne25")


def _publish(admin_client, workshop: Workshop) -> None:
    response = admin_client.post(
        "/admin/program/workshop/",
        {"action": "publish", "_selected_action": [workshop.pk]},
    )
    assert response.status_code == 302


def test_every_2024_address_still_answers_with_2024_content_once_2025_is_current(
    client, admin_client, seeded
):
    addresses = _addresses_of_2024(seeded)
    before = {address: client.get(address) for address in addresses}
    assert {address: r.status_code for address, r in before.items()} == dict.fromkeys(
        addresses, 200
    )
    uids = _uids(before[EDITION + "program/calendar.ics"].content)

    edition = _start_2025(admin_client, seeded, copy_speakers="on", copy_timetable="on")
    _publish(admin_client, edition)
    assert "LoRAINNe'25" in client.get("/").content.decode()  # 2025 is current

    for address in addresses:
        response = _follow_once(client, address)
        assert response.status_code == 200, address
        body = html.unescape(response.content.decode())  # pages write ' as &#x27;
        if response["Content-Type"].startswith("text/html"):
            title = body.split("<title>")[1].split("</title>")[0]
            assert "LoRAINNe'24" in title, address
        else:
            assert "LoRAINNe'24" in body, address
            assert "LoRAINNe'25" not in body, address
    assert client.get("/program/talks/cohen-implicit-regularization/").status_code == 301
    after = client.get(EDITION + "program/calendar.ics").content
    assert _uids(after) == uids
    assert f"{EDITION}program/talks/cohen-implicit-regularization/" in after.decode()


def test_next_edition_copies_the_edition_with_every_date_moved(admin_client, seeded):
    edition = _start_2025(admin_client, seeded, copy_speakers="on", copy_timetable="on")

    assert not edition.published
    assert (edition.starts_on, edition.ends_on) == (dt.date(2025, 11, 25), dt.date(2025, 11, 26))
    assert edition.registration_deadline == dt.date(2025, 11, 10)
    assert (edition.venue_name, edition.capacity, edition.timezone) == (
        seeded.venue_name,
        seeded.capacity,
        seeded.timezone,
    )
    assert [o.name for o in edition.organizers.all()] == [o.name for o in seeded.organizers.all()]
    assert sorted(s.name for s in edition.speakers.all()) == sorted(
        s.name for s in seeded.speakers.all()
    )
    assert edition.talks.count() == 0
    assert not edition.registrations.exists()
    old = [(paris_time(s.starts_at), s.kind) for s in seeded.sessions.all()]
    new = [(paris_time(s.starts_at), s.kind) for s in edition.sessions.all()]
    assert [(moment + dt.timedelta(days=364), kind) for moment, kind in old] == new
    # Texts with dates are filled from the new row: nothing to retype, nothing stale.
    assert "by 10 November at the latest" in edition.registration_terms_text
    assert "on 25 November and should finish on 26 November" in edition.schedule_note_text


def _source_with_practical_information(seeded: Workshop) -> Workshop:
    """LoRAINNe'24 with its Info page filled in, and options away from their defaults."""
    for field in Workshop.PRACTICAL_INFORMATION_FIELDS:
        setattr(seeded, field, f"The {field} of 2024.")
    seeded.venue_address = "13 rue Michel Ney, 54000 Nancy, France"
    seeded.venue_room = "Amphithéâtre Gilles Kahn"
    seeded.hold_hours, seeded.reminder_days_before = 48, 5
    seeded.save()
    return seeded


def test_next_edition_copies_every_field_but_those_it_names_as_not_copied(seeded):
    source = _source_with_practical_information(seeded)

    edition = services.start_next_edition(
        source, name="X", acronym="X'25", slug="x25", starts_on=dt.date(2025, 11, 25)
    )

    fields = {field.name for field in Workshop._meta.concrete_fields}
    assert services.NOT_COPIED - fields == set()  # a misspelt name would let its field be copied
    edition.refresh_from_db()
    lost = {
        name
        for name in fields - services.NOT_COPIED
        if getattr(edition, name) != getattr(source, name)
    }
    assert lost == set()


def test_next_edition_keeps_the_address_room_and_practical_information(seeded):
    source = _source_with_practical_information(seeded)

    edition = services.start_next_edition(
        source, name="X", acronym="X'25", slug="x25", starts_on=dt.date(2025, 11, 25)
    )

    edition.refresh_from_db()
    assert (edition.venue_address, edition.venue_room) == (
        "13 rue Michel Ney, 54000 Nancy, France",
        "Amphithéâtre Gilles Kahn",
    )
    assert {field: getattr(edition, field) for field in Workshop.PRACTICAL_INFORMATION_FIELDS} == {
        field: getattr(source, field) for field in Workshop.PRACTICAL_INFORMATION_FIELDS
    }
    assert edition.info_wifi == "The info_wifi of 2024."


def test_next_edition_without_speakers_or_timetable_copies_neither(admin_client, seeded):
    edition = _start_2025(admin_client, seeded)

    assert (edition.speakers.count(), edition.sessions.count()) == (0, 0)
    assert edition.organizers.count() == seeded.organizers.count()


def test_next_edition_form_is_an_admin_form_with_its_styles_and_calendar(admin_client, seeded):
    page = get_page(admin_client, _next_edition_url(seeded))

    styles = {link.attrs["href"] for link in page.find_all("link", rel="stylesheet")}
    scripts = {script.attrs.get("src") for script in page.find_all("script")}
    assert {"/static/admin/css/forms.css", "/static/admin/css/widgets.css"} <= styles
    assert {
        "/admin/jsi18n/",
        "/static/admin/js/core.js",
        "/static/admin/js/calendar.js",
        "/static/admin/js/admin/DateTimeShortcuts.js",
    } <= scripts
    form = page.find("form", id="next_edition_form")
    assert [normalise(h.text) for h in form.find_all("h2", class_="fieldset-heading")] == [
        "What to copy",
        "Registration",
    ]
    assert len(form.find_all("fieldset", class_="module")) == 3
    first_day = form.find("div", class_="field-starts_on")
    assert first_day.find("input").attrs["class"] == "vDateField"  # DateTimeShortcuts' calendar
    assert normalise(form.find(id="id_slug_helptext").text) == (
        "The last part of the edition's address on the site: lorainne25 for /lorainne25/."
    )


def test_next_edition_form_asks_to_confirm_addresses_ticked_by_default(admin_client, seeded):
    Workshop.objects.filter(pk=seeded.pk).update(confirm_addresses=False)

    page = get_page(admin_client, _next_edition_url(seeded))

    row = page.find("div", class_="field-confirm_addresses")
    box = row.find("input", name="confirm_addresses")
    assert (box.attrs["type"], "checked" in box.attrs) == ("checkbox", True)
    assert normalise(row.find("label").text) == "Confirm addresses before a seat is held"
    assert normalise(row.find(id="id_confirm_addresses_helptext").text).startswith(
        "A registration holds its seat only once the person has clicked the link sent to "
        "their address"
    )


@pytest.mark.parametrize("confirm", [True, False])
def test_next_edition_confirms_addresses_as_its_form_says(admin_client, seeded, confirm):
    Workshop.objects.filter(pk=seeded.pk).update(confirm_addresses=not confirm)

    edition = _start_2025(admin_client, seeded, unticked=() if confirm else ("confirm_addresses",))

    assert edition.confirm_addresses is confirm


def test_next_edition_form_suggests_the_next_names_and_refuses_a_taken_address(
    admin_client, seeded
):
    page = admin_client.get(_next_edition_url(seeded)).content.decode()
    assert 'value="LoRAINNe&#x27;25"' in page
    assert 'value="lorainne25"' in page

    response = admin_client.post(
        f"/admin/program/workshop/{seeded.pk}/next/",
        {"name": "X", "acronym": "X", "slug": "lorainne24", "starts_on": "2025-11-25"},
    )

    assert response.status_code == 200
    assert "Another edition has this address already." in response.content.decode()
    assert Workshop.objects.count() == 1


def test_draft_is_hidden_from_the_public_and_previewed_by_organizers(client, admin_client, seeded):
    edition = _start_2025(admin_client, seeded)

    assert client.get("/lorainne25/").status_code == 404
    assert client.get("/lorainne25/register/").status_code == 404
    preview = admin_client.get("/lorainne25/").content.decode()
    assert "Only organizers see this edition" in preview
    assert "LoRAINNe'25" in preview
    assert "LoRAINNe'24" in client.get("/").content.decode()  # still the current edition
    assert edition.pk not in [w.pk for w in Workshop.objects.published()]


def test_new_edition_hides_empty_sections(client, admin_client, seeded):
    edition = _start_2025(admin_client, seeded)
    edition.organizers.all().delete()
    _publish(admin_client, edition)

    main = get_page(client, "/").find("main")

    headings = [h.text for h in main.find_all("h2")]
    assert "Confirmed speakers" not in headings
    assert "Organizing committee:" not in main.text
    assert "Past editions" in headings
    assert "LoRAINNe'24" in main.section("Past editions").text


def test_short_addresses_carry_a_canonical_link_to_the_edition_address(client, seeded):
    for short, own in [("/", EDITION), ("/program/", EDITION + "program/")]:
        page = get_page(client, short)
        [canonical] = [link for link in page.find_all("link") if link.attrs["rel"] == "canonical"]
        assert canonical.attrs["href"] == "http://testserver" + own


def test_unknown_talk_of_no_edition_is_still_404(client, seeded):
    assert client.get("/program/talks/no-such-talk/").status_code == 404
    assert client.get(EDITION + "program/talks/no-such-talk/").status_code == 404


def _routes(patterns, prefix: str = ""):
    """Every address of the URLconf written in full ("admin/login/", "<slug:edition>/desk/")."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


# The first part of every address of the site but an edition's own (/<edition>/…).
SITE_PATHS = sorted(
    first
    for first in {route.split("/")[0] for route in _routes(get_resolver().url_patterns)}
    if first and not first.startswith("<")
)


def test_site_paths_include_the_pages_an_edition_slug_used_to_shadow():
    assert {"admin", "desk", "info", "register", "i18n", "healthz"} <= set(SITE_PATHS)


@pytest.mark.parametrize("slug", SITE_PATHS)
def test_edition_slug_of_a_site_path_is_refused(seeded, slug):
    seeded.slug = slug

    with pytest.raises(ValidationError) as refused:
        seeded.full_clean()

    assert (
        f"“{slug}” is an address of the site itself; choose another, such as the year."
        in (refused.value.message_dict["slug"])
    )


@pytest.mark.parametrize("slug", ["static", "media"])
def test_edition_slug_of_the_files_prefixes_is_refused(seeded, slug):
    seeded.slug = slug

    with pytest.raises(ValidationError, match="address of the site itself"):
        seeded.full_clean()


def test_edition_slug_that_is_no_site_path_is_accepted_and_reaches_its_home_page(seeded):
    seeded.slug = "2025"
    seeded.full_clean()

    match = resolve("/2025/")
    assert (match.view_name, match.kwargs) == ("program:home", {"edition": "2025"})


@pytest.mark.parametrize("slug", ["desk", "info"])
def test_next_edition_at_a_site_path_is_refused(admin_client, seeded, slug):
    response = admin_client.post(
        f"/admin/program/workshop/{seeded.pk}/next/",
        {"name": "X", "acronym": "X", "slug": slug, "starts_on": "2025-11-25"},
    )

    assert response.status_code == 200
    assert f"“{slug}” is an address of the site itself" in html.unescape(response.content.decode())
    assert Workshop.objects.count() == 1
    with pytest.raises(ValidationError, match="address of the site itself"):
        services.start_next_edition(
            seeded, name="X", acronym="X", slug=slug, starts_on=dt.date(2025, 11, 25)
        )
    assert Workshop.objects.count() == 1


def test_unknown_date_placeholder_is_refused_naming_it(seeded):
    seeded.registration_terms = "Register by {deadlin}."

    with pytest.raises(ValidationError, match=r"Unknown placeholder \{deadlin\}"):
        seeded.full_clean()


def test_suggest_next_raises_the_last_number():
    assert services.suggest_next("LoRAINNe'24") == "LoRAINNe'25"
    assert services.suggest_next("lorainne-2099") == "lorainne-2100"
    assert services.suggest_next("2009") == "2010"
    assert services.suggest_next("spring") == "spring"


def test_shift_keeps_the_wall_clock_time_across_summer_time(seeded):
    summer = WorkshopFactory(starts_on=dt.date(2025, 6, 3), ends_on=dt.date(2025, 6, 4))
    slot = seeded.sessions.get(title="Registration")  # 13:45 Paris, winter time

    moved = services.shift(slot.starts_at, seeded, summer)

    assert paris_time(moved) == dt.datetime(2025, 6, 3, 13, 45)


@pytest.mark.parametrize("url", ["/", "/program/", "/speakers/", "/program/calendar.ics"])
def test_query_count_is_the_same_with_three_editions(client, url):
    """Cold pages of the current edition cost as many queries with other editions beside it."""

    def build(starts_on: dt.date) -> Workshop:
        workshop = WorkshopFactory(starts_on=starts_on, ends_on=starts_on + dt.timedelta(days=1))
        OrganizerFactory(workshop=workshop)
        talk = TalkFactory(workshop=workshop)
        SessionFactory(workshop=workshop, talk=talk)
        return workshop

    build(dt.date(2030, 11, 26))
    client.get(url)
    counts = []
    for _ in range(2):
        caches["pages"].clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
        build(dt.date(2020 + len(counts), 11, 26))
        build(dt.date(2024 + len(counts), 11, 26))
    assert counts[0] == counts[1]


def test_slot_of_a_talk_copied_as_a_placeholder_titled_by_its_kind(admin_client, seeded):
    edition = _start_2025(admin_client, seeded, copy_timetable="on")
    cohen = Session.objects.get(workshop=seeded, talk__slug="cohen-implicit-regularization")

    copy = edition.sessions.get(starts_at=services.shift(cohen.starts_at, seeded, edition))

    assert copy.talk is None
    assert copy.title == Talk.Kind(cohen.talk.kind).label


def test_next_edition_takes_the_registration_options_linked_to_the_copied_slots(
    admin_client, seeded
):
    edition = _start_2025(admin_client, seeded, copy_timetable="on")

    copied = {option.label: option.session for option in edition.options.select_related("session")}
    assert (
        set(copied)
        == {option.label for option in seeded.options.all()}
        == {
            "Lunch",
            "Cocktail and posters",
        }
    )
    assert copied["Lunch"].workshop == edition
    assert paris_time(copied["Lunch"].starts_at) == paris_time(
        seeded.options.get(label="Lunch").session.starts_at
    ) + dt.timedelta(days=364)


def test_cached_page_of_a_past_edition_follows_the_next_one_being_published(
    client, admin_client, seeded
):
    """A page shows other editions too (the next one, past editions): publishing another edition
    changes the key of every cached page, not only of the edition published."""
    before = get_page(client, EDITION).find("p", class_="notice")  # now cached
    assert before.text == "LoRAINNe'24 took place on 26–27 November 2024."

    _publish(admin_client, _start_2025(admin_client, seeded))

    notice = get_page(client, EDITION).find("p", class_="notice")
    assert notice.text == (
        "LoRAINNe'24 took place on 26–27 November 2024. The current edition is LoRAINNe'25."
    )
    assert notice.links() == ["/lorainne25/"]


def test_next_edition_keeps_each_copied_speakers_language(admin_client, seeded):
    """The link emails of the next edition are written in the language chosen for the speaker."""
    seeded.speakers.filter(name="Francesco Tudisco").update(language="fr")

    edition = _start_2025(admin_client, seeded, copy_speakers="on")

    languages = dict(edition.speakers.values_list("name", "language"))
    assert languages["Francesco Tudisco"] == "fr"
    assert languages["Jérémy Cohen"] == "en-gb"
