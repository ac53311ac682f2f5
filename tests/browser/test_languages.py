"""The site in French in a real browser: the language switch with the keyboard alone, axe-core in
both languages, and the README's screenshots of the French pages."""

import pytest
from playwright.sync_api import expect

from registration import services

from .conftest import AXE, DESKTOP, save_screenshot, skip_or_fail
from .test_accessibility import axe_violations as violations_of
from .test_accessibility import describe, visit

# Pages a visitor reaches by their address, and the start of their <h1> in each language.
PAGES = {
    "home": ("/", "LoRAINNe'24 Workshop on LOw-Rank", "LoRAINNe'24 Workshop on LOw-Rank"),
    "program": ("/program/", "Program", "Programme"),
    "talk": (
        "/program/talks/cohen-implicit-regularization/",
        "Implicit Regularization",
        "Implicit Regularization",
    ),
    "speakers": ("/speakers/", "Confirmed speakers", "Orateurs confirmés"),
    "posters": ("/posters/", "Posters", "Posters"),
    "register": ("/register/", "Register for LoRAINNe'24", "S’inscrire à LoRAINNe'24"),
    "privacy": ("/privacy/", "Privacy notice", "Politique de confidentialité"),
    "participants": ("/participants/", "Participants", "Participants"),
    "not-found": ("/no-such-page/", "Page not found", "Page introuvable"),
}
LOCALES = {"en-gb": "en-GB", "fr": "fr-FR"}


def test_language_switch_works_with_the_keyboard_alone(new_context, open_workshop):
    page = new_context().new_page()
    page.goto("/program/")
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")

    french = page.get_by_role("button", name="Français")
    for _ in range(30):  # Tab through the header until the switch has the focus
        page.keyboard.press("Tab")
        if french.evaluate("button => button === document.activeElement"):
            break
    expect(french).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.url.endswith("/program/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme")
    expect(page.get_by_role("button", name="English")).to_be_enabled()
    # The choice is kept: the next page is French too, whatever the browser's language.
    page.get_by_role("link", name="Orateurs").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orateurs confirmés")


def test_browser_language_is_the_first_guess(new_context, open_workshop):
    page = new_context(locale="fr-FR").new_page()
    page.goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("navigation")).to_contain_text("Programme")
    # The deadline's time hint, in the reader's own zone, is French too.
    page = new_context(locale="fr-FR", timezone_id="America/New_York").new_page()
    page.goto("/register/")
    hint = page.locator(".deadline .local-time")
    expect(hint).to_contain_text("votre heure locale, America/New_York\N{NO-BREAK SPACE}:")
    expect(hint).to_contain_text("novembre")


def test_personal_link_opens_in_the_registrants_language_and_the_switch_keeps_hers(
    new_context, open_workshop
):
    """A French registrant opens her link in a browser set to English: her page is French. The
    switch there (a real form post, with the browser's Origin) makes it English, for her."""
    elodie = services.register(
        open_workshop,
        first_name="Élodie",
        last_name="Marchal",
        email="elodie@example.org",
        affiliation="Université de Lorraine",
        position="phd",
        language="fr",
    )
    page = new_context(locale="en-GB").new_page()
    page.goto(elodie.get_absolute_url())

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre inscription à LoRAINNe'24")
    page.get_by_role("button", name="English").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration for LoRAINNe'24")
    assert page.url.endswith(elodie.get_absolute_url())
    elodie.refresh_from_db()
    assert elodie.language == "en-gb"


@pytest.fixture
def axe_context(new_context):
    """Contexts on which axe-core can be injected (see test_accessibility.axe_page)."""
    if not AXE.is_file():
        skip_or_fail(f"axe-core not found at {AXE}: run `npm ci`")
    return lambda language: new_context(bypass_csp=True, locale=LOCALES[language])


@pytest.mark.parametrize("language", LOCALES)
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_wcag_violations_in_each_language(axe_context, open_workshop, name, language):
    path, english, french = PAGES[name]
    page = axe_context(language).new_page()
    visit(path)(page, open_workshop)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        french if language == "fr" else english
    )

    violations = violations_of(page)
    assert violations == [], f"axe found on {page.url}:\n{describe(violations)}"


@pytest.mark.parametrize("name", ["home", "register"])
def test_screenshot_of_french_page(new_context, open_workshop, name):
    page = new_context(locale="fr-FR").new_page()
    page.goto(PAGES[name][0])
    expect(page.get_by_role("heading", level=1)).to_contain_text(PAGES[name][2])

    path = save_screenshot(page, f"{name}-desktop-fr")

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert page.viewport_size == DESKTOP
