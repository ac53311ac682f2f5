"""Real-browser tests: Debian's Chromium, driven by Playwright, against Django's live server.

The site runs in a thread of this process (pytest-django's `live_server`, transactional
database): the tests change the database with the ORM, read `mail.outbox`, and see in the
browser what a visitor sees. Chromium is Debian's (`apt-get install -y chromium`, as .ci/run does);
`playwright install` is never used. Without it the tests skip, except in CI, where they fail.

Screenshots and other artifacts go to tests/artifacts/ (kept by CI, ignored by git).
"""

import datetime as dt
import os
import re
import shutil
import threading
from pathlib import Path

# Playwright's sync API runs an asyncio event loop in the test's thread, for the whole session
# (its browser is session-scoped): Django then refuses ORM calls from that thread, in these tests
# and in every test that runs after them. The ORM is used synchronously here, as in any test.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from django.utils import timezone

from program import services
from program.models import Workshop

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    # No calls home: this machine's network is closed, and the tests need none.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = BASE_DIR / "tests" / "artifacts"
DOCS_SCREENSHOTS = BASE_DIR / "docs" / "screenshots"

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}
WORKSHOP_TIMEZONE = "Europe/Paris"


def skip_or_fail(message: str):
    """Skip where a tool is missing on a developer's machine; fail in CI, which must run all."""
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI must run the browser tests)", pytrace=False)
    pytest.skip(message)


def pytest_configure(config):
    """Playwright's own failure screenshots go with the other artifacts, unless asked otherwise."""
    if config.getoption("--output", default=None) == "test-results":
        config.option.output = str(ARTIFACTS / "playwright")
    if config.getoption("--screenshot", default=None) == "off":
        config.option.screenshot = "only-on-failure"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.is_file():
        skip_or_fail(
            f"Chromium not found at {CHROMIUM}: install Debian's with `apt-get install -y chromium` "
            "(never `playwright install`)"
        )
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


class OneRequestAtATimeWSGIServer(ThreadedWSGIServer):
    """Django's live server, with its threads taking turns to run the site.

    On SQLite the test database lives in memory and the server shares this process's one
    connection to it. Two requests running at once on that connection can deadlock in CPython's
    sqlite3 module: one holds SQLite's lock while a Python function of Django's (date truncation,
    for the admin's date hierarchy) waits for the GIL, the other holds the GIL while binding
    parameters, which waits for SQLite's lock. Seen in CI as a browser test that never ended.
    Connections are still accepted and read by a thread each (Chromium opens connections it
    may never use, which would block a single-threaded server); only the site's code, and the
    reading of its response, run one request at a time.
    """

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session")
def _one_request_at_a_time():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LiveServerThread, "server_class", OneRequestAtATimeWSGIServer)
        yield


@pytest.fixture(scope="session")
def live_server(_one_request_at_a_time, django_db_setup, live_server):
    """pytest-django's live server, one request at a time, started once the test database exists.

    On SQLite the test database lives in memory, and the server's thread shares this thread's
    connection to it only if the server starts after the database was created; otherwise each
    request opens a connection of its own, never closed.
    """
    return live_server


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """page.goto("/register/") goes to the live server.

    Also replaces pytest-playwright's own `base_url` fixture, a method of a plugin class that
    pytest deprecates (a warning, so an error under `filterwarnings = error`).
    """
    return live_server.url


@pytest.fixture
def new_context(new_context):
    """Browser contexts with a desktop window, British English and the workshop's time zone (no
    local-time hint), unless the test asks otherwise, and that answer the favicon request.

    The site has no favicon: Chromium's request for it would only add a 404 page, rendered with
    a database query, in a thread of its own, while the test goes on.
    """

    def make(**kwargs):
        defaults = {"viewport": DESKTOP, "locale": "en-GB", "timezone_id": WORKSHOP_TIMEZONE}
        context = new_context(**(defaults | kwargs))
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        return context

    return make


@pytest.fixture
def browser_errors(page) -> list[str]:
    """Console errors and uncaught exceptions of `page` (a blocked script or style is one)."""
    errors = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


# The workshop.


@pytest.fixture
def workshop(live_server, seeded) -> Workshop:
    """LoRAINNe'24 as published (26–27 November 2024: over at today's real date)."""
    return seeded


def move_workshop(workshop: Workshop, starts_on: dt.date, *, deadline: dt.date) -> Workshop:
    """Move the workshop and its timetable to `starts_on` as an organizer does
    (services.move_edition), with this registration deadline.

    The live server reads the real clock, so the dates are set relative to the real today.
    """
    services.move_edition(workshop, starts_on=starts_on)
    Workshop.objects.filter(pk=workshop.pk).update(registration_deadline=deadline)
    workshop.refresh_from_db()
    return workshop


def next_edition_start(workshop: Workshop) -> dt.date:
    """The same day of the year as the seed's first day (26 November), next year."""
    return workshop.starts_on.replace(year=timezone.localdate().year + 1)


@pytest.fixture
def confirming_workshop(workshop) -> Workshop:
    """LoRAINNe'24 moved to 26–27 November next year, registration open until 11 November; as
    seeded, it confirms addresses (a seat is held until the emailed link is followed)."""
    starts_on = next_edition_start(workshop)
    return move_workshop(workshop, starts_on, deadline=starts_on - dt.timedelta(days=15))


@pytest.fixture
def open_workshop(confirming_workshop) -> Workshop:
    """The same, registering in one step (no address confirmation): most journeys are about
    something else; test_journeys.py's first registration journey confirms the address."""
    confirming_workshop.confirm_addresses = False
    confirming_workshop.save(update_fields=["confirm_addresses"])
    return confirming_workshop


@pytest.fixture
def closed_workshop(workshop) -> Workshop:
    """LoRAINNe'24 next year, the registration deadline yesterday (Paris time)."""
    yesterday = timezone.localdate(timezone=workshop.tzinfo) - dt.timedelta(days=1)
    return move_workshop(workshop, next_edition_start(workshop), deadline=yesterday)


# The registration form.

JEREMY = {
    "first_name": "Jérémy",
    "last_name": "Иштева",
    "email": "jeremy.ishteva@example.org",
    "affiliation": "Université de Lorraine, CRAN",
}


def fill_registration_form(page, person: dict = JEREMY) -> None:
    """Fill the form as a person would, with the mouse: names, position, consent."""
    for field in ("first_name", "last_name", "email", "affiliation"):
        page.locator(f"#id_{field}").fill(person[field])
    page.get_by_label("Position or career stage").select_option(label="PhD student")
    page.get_by_label("I have read the privacy notice").check()


PERSONAL_LINK = re.compile(r"/registration/[\w-]+/")


def personal_link(message) -> str:
    """The path of the personal page in a registration email (one link, however often shown)."""
    links = set(PERSONAL_LINK.findall(message.body))
    assert len(links) == 1, f"expected one personal link in the email, found {sorted(links)}"
    return links.pop()


# Files the tests leave.


def save_screenshot(page, name: str) -> Path:
    """Write the screenshot to the artifacts, and copy it over the README's in docs/screenshots/."""
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path)
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
    return path
