"""A visitor's and an organizer's journeys through the site, in Chromium."""

import datetime as dt
import io
import re

import icalendar
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from program.models import Poster, Session, Speaker, Talk, Workshop
from registration import services
from registration.forms import day_label
from registration.models import CheckIn, Registration

from ..factories import WorkshopFactory, paris_time
from .conftest import (
    JEREMY,
    PHONE,
    fill_registration_form,
    move_workshop,
    personal_link,
    skip_or_fail,
)

COHEN_TALK = "Implicit Regularization in Regularized (Nonnegative) Low-Rank Approximations"
# The seed's talk abstracts have no math (only poster 3's has): the journey adds two formulas.
TALK_MATH = r"We approximate $X \approx WH^\top$ with a rank $r$ chosen by the penalty."


def seats_line(page):
    return page.locator(".status-line")


def is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def press_tab_until(page, selector: str, *, limit: int) -> int:
    """Press Tab until `selector` has the focus; how many presses it took (at most `limit`)."""
    target = page.locator(selector)
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if is_focused(target):
            return presses
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
    raise AssertionError(f"{selector} not reached in {limit} Tab presses; focus is on {focused}")


# 1. Home → program → a talk, its math typeset → its calendar file; the posters' math.


def test_program_journey_reaches_a_talk_and_downloads_its_calendar_file(
    page, workshop, browser_errors, tmp_path
):
    talk = Talk.objects.get(slug="cohen-implicit-regularization")
    talk.abstract += f"\n\n{TALK_MATH}"
    talk.save(update_fields=["abstract"])
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Program").click()

    expect(page).to_have_url(re.compile(r"/program/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Program")
    page.get_by_role("link", name=COHEN_TALK).click()

    expect(page).to_have_url(re.compile(r"/program/talks/cohen-implicit-regularization/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(COHEN_TALK)
    expect(page.locator(".talk .people")).to_have_text("Jérémy Cohen (CNRS-CREATIS, Lyon)")
    expect(page.locator(".talk .when time").first).to_have_text("Wednesday 27 November 2024, 10:30")
    abstract = page.locator(".talk .abstract")
    expect(abstract).to_contain_text("Regularized nonnegative low-rank approximations")
    expect(abstract.locator(".katex")).to_have_count(2)
    expect(abstract).not_to_contain_text("$")
    expect(abstract).not_to_contain_text("\\approx", use_inner_text=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Add to calendar")).click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    assert saved.suffix == ".ics"
    calendar = icalendar.Calendar.from_ical(saved.read_bytes())
    events = calendar.walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == [f"{COHEN_TALK} (Jérémy Cohen)"]
    assert events[0].decoded("DTSTART") == paris_time(dt.date(2024, 11, 27), 10, 30)
    assert browser_errors == []


def test_posters_page_typesets_the_math_of_the_abstracts(page, workshop, browser_errors):
    with_math = Poster.objects.get(workshop=workshop, number=3)
    formulas = with_math.abstract.count("$") // 2
    assert formulas == 5  # $\boldsymbol{B}$, $\boldsymbol{B}(t)$, $t \in [a, b]$…

    page.goto("/program/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Posters").click()

    abstract = page.locator("#poster-3 .abstract")
    expect(abstract.locator(".katex")).to_have_count(formulas)
    expect(abstract.locator(".katex-mathml math").first).to_be_attached()
    shown = abstract.inner_text()
    assert "$" not in shown
    assert "\\boldsymbol" not in shown
    assert "Nyström++ estimators" in shown
    assert browser_errors == []


def test_printed_program_starts_with_the_workshop_its_dates_and_venue(page, workshop):
    page.goto("/lorainne24/program/")
    title = page.locator(".print-title")
    expect(title).to_be_hidden()  # on screen, the site's header says it

    page.emulate_media(media="print")
    expect(title).to_be_visible()
    expect(page.locator(".site-header")).to_be_hidden()
    pdf = page.pdf(format="A4")

    lines = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    top = " ".join(lines[: lines.index("Program")])
    assert "LoRAINNe'24: Workshop on LOw-Rank Approximations and their Interactions" in top
    assert "26–27 November 2024 · IDMC (Institut des Sciences du Digital), Nancy, France" in top


# 2. Registration while open → email → personal page → cancellation.


def test_registration_journey_from_form_to_email_link_to_cancellation(
    page, confirming_workshop, browser_errors
):
    page.goto("/register/")
    expect(seats_line(page)).to_contain_text("Registration is open: 80 seats left")
    fill_registration_form(page)
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(page.get_by_role("main")).to_contain_text(f"an email to {JEREMY['email']}")
    registration = Registration.objects.get(email=JEREMY["email"])
    assert (registration.first_name, registration.last_name) == ("Jérémy", "Иштева")
    # The seed confirms addresses: the seat is held until Jérémy follows the emailed link.
    assert registration.status == Registration.Status.HELD
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([JEREMY["email"]], "LoRAINNe'24: confirm your address")
    ]
    assert "Dear Jérémy," in mail.outbox[0].body
    confirm = re.search(
        r"Confirm your address: \S*(/registration/[\w-]+/confirm/)", mail.outbox[0].body
    )
    page.goto(confirm.group(1))
    page.get_by_role("button", name="Confirm my address").click()

    link = registration.get_absolute_url()
    expect(page).to_have_url(re.compile(f"{re.escape(link)}$"))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert [m.subject for m in mail.outbox][1:] == ["LoRAINNe'24: your registration is confirmed"]
    assert "Dear Jérémy," in mail.outbox[1].body
    assert personal_link(mail.outbox[1]) == link
    page.goto("/register/")
    expect(seats_line(page)).to_contain_text("79 seats left")

    page.goto(link)
    expect(page.locator(".notice--ok")).to_have_text(
        "Your seat is confirmed. See you at IDMC (Institut des Sciences du Digital)!"
    )
    expect(page.locator(".details")).to_contain_text("Jérémy Иштева")
    page.get_by_role("link", name="Cancel my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your registration?")
    page.get_by_role("button", name="Yes, cancel my registration").click()

    expect(page).to_have_url(re.compile(f"{re.escape(link)}$"))
    expect(page.get_by_role("status")).to_have_text(
        "Your registration is cancelled. We have sent you an email to confirm it."
    )
    expect(page.locator(".notice").last).to_have_text("This registration is cancelled.")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert mail.outbox[-1].subject == "LoRAINNe'24: your registration is cancelled"
    page.goto("/register/")
    expect(seats_line(page)).to_contain_text("Registration is open: 80 seats left")
    assert browser_errors == []


# 3. Registration when full, and after the deadline.


def test_registration_when_full_puts_the_person_on_the_waiting_list(
    page, open_workshop, browser_errors
):
    for number in (1, 2):
        services.register(
            open_workshop,
            first_name=f"Person {number}",
            last_name="Test",
            email=f"person-{number}@example.org",
            affiliation="LORIA",
            position=Registration.Position.RESEARCHER,
        )
    open_workshop.capacity = open_workshop.registrations.confirmed().count()
    open_workshop.save(update_fields=["capacity"])
    mail.outbox.clear()

    page.goto("/register/")
    expect(page.locator(".notice--warn")).to_contain_text("All 2 seats are taken.")
    submit = page.locator("form.form button[type=submit]")
    expect(submit).to_have_text("Join the waiting list")
    fill_registration_form(page)
    submit.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    registration = Registration.objects.get(email=JEREMY["email"])
    assert registration.status == Registration.Status.WAITLISTED
    assert open_workshop.registrations.confirmed().count() == 2
    assert [m.subject for m in mail.outbox] == ["LoRAINNe'24: you are on the waiting list"]
    page.goto(personal_link(mail.outbox[0]))
    expect(page.locator(".notice--warn")).to_contain_text(
        "You are on the waiting list, in place 1."
    )
    assert browser_errors == []


def test_registration_after_the_deadline_shows_the_closed_message_and_no_form(
    page, closed_workshop, browser_errors
):
    page.goto("/register/")

    expect(seats_line(page)).to_contain_text("Registration is closed")
    expect(page.get_by_role("main")).to_contain_text(
        "Registration is closed: the deadline has passed."
    )
    expect(page.locator("main form")).to_have_count(0)
    expect(page.get_by_role("textbox")).to_have_count(0)
    # No button but the language switch's.
    expect(page.get_by_role("main").get_by_role("button")).to_have_count(0)
    assert browser_errors == []


# 4. The keyboard alone; a phone.


def test_registration_with_the_keyboard_alone(page, open_workshop, browser_errors):
    call_command("loaddata", "lorainne24_options", verbosity=0)  # the cocktail, the lunch
    page.goto("/register/")
    assert page.evaluate("document.activeElement === document.body")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    assert is_focused(skip_link)
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    press_tab_until(page, "#id_first_name", limit=10)
    page.keyboard.type(JEREMY["first_name"])
    for field in ("last_name", "email", "affiliation"):
        assert press_tab_until(page, f"#id_{field}", limit=1) == 1
        page.keyboard.type(JEREMY[field])
    press_tab_until(page, "#id_position", limit=1)
    page.keyboard.press("ArrowDown")  # Master's student
    page.keyboard.press("ArrowDown")  # PhD student
    expect(page.locator("#id_position")).to_have_value("phd")
    press_tab_until(page, "#id_days_0", limit=1)  # checked already: attends
    press_tab_until(page, "#id_days_1", limit=1)
    page.keyboard.press("Space")  # not on day 2
    press_tab_until(page, "#id_options_0", limit=1)  # the cocktail
    page.keyboard.press("Space")
    press_tab_until(page, "#id_options_1", limit=1)  # the lunch: not ticked
    press_tab_until(page, "#id_dietary_requirements", limit=1)
    page.keyboard.type("Végétarien")
    press_tab_until(page, "#id_listed_publicly", limit=1)
    page.keyboard.press("Space")
    press_tab_until(page, "#id_privacy_consent", limit=1)
    page.keyboard.press("Space")
    press_tab_until(page, "form.form button[type=submit]", limit=2)  # after the notice's link
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    registration = Registration.objects.get(email=JEREMY["email"])
    assert registration.status == Registration.Status.CONFIRMED
    answers = (
        registration.first_name,
        registration.last_name,
        registration.affiliation,
        registration.position,
        registration.parts,
        registration.dietary_requirements,
        registration.listed_publicly,
    )
    assert answers == (
        "Jérémy",
        "Иштева",
        "Université de Lorraine, CRAN",
        Registration.Position.PHD,
        [day_label(open_workshop.days[0]), "Cocktail and posters"],
        "Végétarien",
        True,
    )
    assert browser_errors == []


@pytest.fixture
def phone(new_context):
    """A page on a 375×667 touch screen that honours <meta name="viewport">."""
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    return context.new_page()


@pytest.mark.parametrize(
    "path", ["/", "/program/", "/register/", "/program/talks/cohen-implicit-regularization/"]
)
def test_phone_page_does_not_scroll_sideways(phone, open_workshop, path):
    phone.goto(path)

    widths = phone.evaluate(
        "({page: document.documentElement.scrollWidth, window: window.innerWidth})"
    )
    # A phone zooms out to fit a page wider than its screen: innerWidth then grows with it.
    assert widths["page"] <= widths["window"] == PHONE["width"], f"{path} is too wide: {widths}"


def test_phone_navigation_links_are_visible_and_big_enough_to_tap(phone, open_workshop):
    phone.goto("/")
    links = phone.get_by_role("navigation", name="Main").get_by_role("link")

    expect(links).to_have_text(["Home", "Program", "Speakers", "Posters", "Register"])
    for link in links.all():
        expect(link).to_be_in_viewport(ratio=1)
        box = link.bounding_box()
        assert box["height"] >= 44, f"{link.inner_text()} is {box['height']} px tall"
        assert box["width"] >= 44, f"{link.inner_text()} is {box['width']} px wide"
    links.get_by_text("Program").tap()
    expect(phone).to_have_url(re.compile(r"/program/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Program")


def test_registration_on_a_phone(phone, open_workshop):
    phone.goto("/register/")
    fill_registration_form(phone)
    phone.get_by_role("button", name="Register").tap()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    registration = Registration.objects.get(email=JEREMY["email"])
    assert registration.status == Registration.Status.CONFIRMED


def test_deadline_shows_the_visitors_own_time_when_it_differs(new_context, open_workshop):
    page = new_context(timezone_id="America/New_York").new_page()

    page.goto("/register/")

    deadline = page.locator(".deadline")
    expect(deadline.locator("time")).to_contain_text("23:59:59 CET")
    expect(deadline.locator(".local-time")).to_contain_text("your time, America/New_York")
    expect(deadline.locator(".local-time")).to_contain_text("17:59:59")


# 5. An organizer adds a talk and schedules it.


def choose_in_autocomplete(page, field: str, search: str, option: str) -> None:
    """Pick `option` in the admin's autocomplete (select2) widget of `field`, as a person does."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).click()


@pytest.fixture
def organizer(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return get_user_model().objects.create_superuser(
        "orga", "orga@example.org", "a long password for the test"
    )


def log_in_to_admin(page) -> None:
    """Log in as `organizer`, on the admin's login page."""
    page.goto(f"/{settings.ADMIN_URL}")
    page.get_by_label("Username").fill("orga")
    page.get_by_label("Password").fill("a long password for the test")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()
    # #site-name is on the login page too: only a logged-in page has the user's tools.
    expect(page.locator("#user-tools")).to_contain_text("orga")


def test_organizer_adds_a_talk_puts_it_in_a_session_and_sees_it_on_the_program(
    page, workshop, organizer, browser_errors
):
    admin = f"/{settings.ADMIN_URL}"
    slot = Session.objects.get(
        workshop=workshop,
        title="Invited talk",
        starts_at=paris_time(dt.date(2024, 11, 27), 15),
    )
    gusak = Speaker.objects.get(workshop=workshop, name="Julia Gusak")
    title = "Identifiability of nonnegative matrix factorizations"
    slug = "identifiability-of-nonnegative-matrix-factorizations"

    log_in_to_admin(page)
    page.goto(f"{admin}program/talk/add/")
    page.locator("#id_workshop").select_option(label="LoRAINNe'24")
    page.locator("#id_title").fill(title)
    page.locator("#id_title").blur()
    expect(page.locator("#id_slug")).to_have_value(slug)  # filled in from the title
    page.locator("#id_kind").select_option(label="Invited talk")
    choose_in_autocomplete(page, "speakers", "Gusak", "Julia Gusak")
    expect(page.locator("#id_speakers option:checked")).to_have_text(["Julia Gusak (LoRAINNe'24)"])
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    talk = Talk.objects.get(slug=slug)
    assert list(talk.speakers.all()) == [gusak]

    page.goto(f"{admin}program/session/{slot.pk}/change/")
    choose_in_autocomplete(page, "talk", "Identifiability", title)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    slot.refresh_from_db()
    assert slot.talk == talk

    page.goto("/program/")
    row = page.locator(f"#session-{slot.pk}")
    expect(row.locator("th")).to_have_text("15:00–15:30")
    expect(row.get_by_role("link", name=title)).to_be_visible()
    expect(row.locator(".speakers")).to_have_text("Julia Gusak")
    row.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".talk .when time").first).to_have_text("Wednesday 27 November 2024, 15:00")
    assert browser_errors == []


def test_organizer_gives_a_draft_talk_a_speaker_and_the_past_edition_is_unchanged(
    page, workshop, organizer, browser_errors
):
    edition = WorkshopFactory(acronym="LoRAINNe'25", slug="lorainne25", published=False)
    Speaker.objects.create(workshop=edition, name="Francesco Tudisco", sort_name="Tudisco")
    talk = Talk.objects.create(workshop=edition, slug="tudisco-25", title="Low-rank neural ODEs")
    page.goto("/lorainne24/speakers/")
    before = page.locator("main").inner_text()
    assert "Francesco Tudisco" in before

    log_in_to_admin(page)
    page.goto(f"/{settings.ADMIN_URL}program/talk/{talk.pk}/change/")
    page.locator(".field-speakers .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Tudisco")
    # Only this edition's Francesco Tudisco is offered, and it says so.
    expect(page.locator(".select2-results__option")).to_have_text(
        ["Francesco Tudisco (LoRAINNe'25)"]
    )
    page.locator(".select2-results__option").click()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    assert [speaker.workshop for speaker in talk.speakers.all()] == [edition]

    page.goto("/lorainne24/speakers/")
    assert page.locator("main").inner_text() == before
    assert browser_errors == []


# 6. CI runs them all.


def test_a_missing_browser_or_axe_fails_in_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        skip_or_fail("Chromium not found")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        skip_or_fail("Chromium not found")


def test_organizer_starts_the_next_edition_and_publishes_it(
    page, workshop, organizer, browser_errors
):
    admin = f"/{settings.ADMIN_URL}"
    page.goto(admin)
    page.get_by_label("Username").fill("orga")
    page.get_by_label("Password").fill("a long password for the test")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text("orga")

    page.goto(f"{admin}program/workshop/{workshop.pk}/change/")
    page.get_by_role("link", name="Start the next edition from this one").click()
    expect(page.get_by_label("Acronym")).to_have_value("LoRAINNe'25")  # suggested
    expect(page.get_by_label("First day")).to_have_value("26/11/2025")  # a year on
    # The admin's own date widget, styled, its calendar opening on the suggested month.
    icon = page.locator(".field-starts_on .date-icon")
    assert "icon-calendar.svg" in icon.evaluate("icon => getComputedStyle(icon).backgroundImage")
    icon.click()
    calendar = page.locator(".calendarbox")
    expect(calendar.locator("caption")).to_have_text("November 2025")
    calendar.locator("td a", has_text=re.compile(r"^25$")).click()
    expect(page.get_by_label("First day")).to_have_value("25/11/2025")
    expect(page.get_by_label("Confirm addresses before a seat is held")).to_be_checked()
    page.get_by_label("Copy the speakers").check()
    page.get_by_label("Copy the shape of the timetable").check()
    page.get_by_role("button", name="Start LoRAINNe'25 as a draft").click()
    expect(page.locator(".messagelist .success")).to_contain_text("LoRAINNe'25 is ready as a draft")
    edition = Workshop.objects.get(slug="lorainne25")
    assert (edition.published, edition.sessions.count()) == (False, workshop.sessions.count())
    assert (edition.starts_on, edition.confirm_addresses) == (dt.date(2025, 11, 25), True)

    page.goto(f"{admin}program/workshop/")
    page.locator(f"input[name=_selected_action][value='{edition.pk}']").check()
    page.locator("select[name=action]").select_option("publish")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("1 edition published.")

    page.goto("/")
    expect(page.locator("h1")).to_contain_text("LoRAINNe'25")
    expect(page.locator("#past-editions")).to_be_visible()
    page.get_by_role("link", name="LoRAINNe'24").click()
    expect(page).to_have_url(f"{page.url.split('/lorainne24/')[0]}/lorainne24/")
    expect(page.locator("h1")).to_contain_text("LoRAINNe'24")
    assert browser_errors == []


def log_in(page) -> None:
    page.goto(f"/{settings.ADMIN_URL}")
    page.get_by_label("Username").fill("orga")
    page.get_by_label("Password").fill("a long password for the test")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text("orga")


def test_organizer_sends_an_announcement_then_ticks_two_people_in_on_a_phone(
    page, phone, open_workshop, organizer, browser_errors
):
    # The first morning of the workshop: the desk ticks people in only on a day of the edition.
    today = timezone.localdate(timezone=open_workshop.tzinfo)
    move_workshop(open_workshop, today, deadline=today)
    people = [
        services.register(
            open_workshop,
            first_name=first,
            last_name=last,
            email=email,
            affiliation="Université de Lorraine",
            position="researcher",
        )
        for first, last, email in [
            ("Jérémy", "Cohen", "jeremy@example.org"),
            ("André", "Lefèvre", "andre@example.org"),
            ("Mariya", "Ishteva", "mariya@example.org"),
        ]
    ]
    mail.outbox.clear()

    # At the office: tell everyone the room changed.
    log_in(page)
    page.goto(f"/{settings.ADMIN_URL}registration/announcement/add/")
    page.locator("#id_workshop").select_option(label=open_workshop.acronym)
    page.locator("#id_audience").select_option("confirmed")
    page.locator("#id_subject_en_gb").fill("The talks move to room 120")
    page.locator("#id_body_en_gb").fill(
        "Dear {name},\n\nwe meet in room 120. Your registration: {link}"
    )
    page.locator("input[name=_continue]").click()
    expect(page.locator(".announcement-preview")).to_contain_text("Dear Jérémy,")
    recipients = page.locator(".announcement-recipients li")
    expect(recipients).to_have_text(
        [f"{p.full_name} <{p.email}>" for p in people]  # who gets it, in registration order
    )
    page.get_by_role("button", name="Send to 3 people").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in people)
    assert all("room 120" in message.body for message in mail.outbox)

    # At the entrance, on a phone: three letters, a tap, twice.
    log_in(phone)
    phone.goto("/desk/")
    for letters, name in [("coh", "Cohen"), ("lef", "Lefèvre")]:
        phone.get_by_label("First or last name").fill(letters)
        phone.get_by_role("button", name="Search").tap()
        row = phone.locator(".desk-person", has_text=name)
        row.get_by_role("button", name="Check in").tap()
        expect(phone.locator(".desk-person--arrived", has_text=name)).to_be_visible()
    day = open_workshop.starts_on
    expect(phone.locator(".desk-counts li").first).to_contain_text("2 arrived / 3 expected")
    assert sorted(c.registration.last_name for c in CheckIn.objects.filter(day=day)) == [
        "Cohen",
        "Lefèvre",
    ]
    widths = phone.evaluate("document.documentElement.scrollWidth")
    assert widths <= PHONE["width"]
    assert browser_errors == []
