"""An organizer writes the French versions in the admin, beside the English ones (a role among
them, in the folded organizers), in Chromium; axe-core finds nothing on the admin's page, its
organizers unfolded or not, nor on the public page, in either language; the README's screenshot
of the side-by-side fields (docs/screenshots/admin-translations.png)."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from program.models import Workshop

from .conftest import save_screenshot
from .test_accessibility import describe
from .test_languages import (
    axe_context,  # noqa: F401 (a fixture)
    violations_of,
)

DESCRIPTION_FR = (
    "Cet atelier explore les décompositions et approximations de rang faible de matrices et de "
    "tenseurs, et leurs interactions avec les réseaux de neurones et l’apprentissage automatique."
)
NOTE_FR = "Nous commencerons vers 13 h le {first_day} et finirons le {last_day} dans l’après-midi."


@pytest.fixture
def organizer_session(settings):
    """The session cookie of an organizer logged in to the admin."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = get_user_model().objects.create_superuser(
        "orga", "orga@example.org", "a long password for the test"
    )
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _logged_in(context, base_url, session):
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])
    return context.new_page()


def _change_page(workshop) -> str:
    return f"/{settings.ADMIN_URL}program/workshop/{workshop.pk}/change/"


def _assert_no_violations(page):
    violations = violations_of(page)
    assert violations == [], f"axe found on {page.url}:\n{describe(violations)}"


def test_organizer_writes_the_french_versions_beside_the_english(
    axe_context,  # noqa: F811
    workshop,
    organizer_session,
    base_url,
):
    page = _logged_in(axe_context("en-gb"), base_url, organizer_session)
    page.goto(_change_page(workshop))
    english = page.get_by_label("Description (English)")
    french = page.get_by_label("Description (French)")
    expect(english).to_have_value(workshop.description_en_gb)
    expect(french).to_have_value("")

    french.fill(DESCRIPTION_FR)
    page.get_by_label("Schedule note (French)").fill(NOTE_FR)
    page.locator("#id_options-0-label_fr").fill("Déjeuner")
    page.locator("#organizers-group summary").first.click()  # folded, as the timetable
    page.get_by_label("Role (English)").first.fill("General chair")
    page.get_by_label("Role (French)").first.fill("Président")
    _assert_no_violations(page)  # the stacked organizers, each field with its label
    french.scroll_into_view_if_needed()
    save_screenshot(page.locator("fieldset").filter(has=french), "admin-translations")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    saved = Workshop.objects.get(pk=workshop.pk)
    assert (saved.description_fr, saved.schedule_note_fr) == (DESCRIPTION_FR, NOTE_FR)
    assert saved.description_en_gb == workshop.description_en_gb
    assert saved.options.filter(label_fr="Déjeuner").count() == 1
    assert saved.organizers.values_list("role_en_gb", "role_fr").first() == (
        "General chair",
        "Président",
    )
    _assert_no_violations(page)


@pytest.mark.parametrize("language", ["en-gb", "fr"])
def test_admin_and_public_pages_have_no_wcag_violations_in_each_language(
    axe_context,  # noqa: F811
    workshop,
    organizer_session,
    base_url,
    language,
):
    Workshop.objects.filter(pk=workshop.pk).update(
        description_fr=DESCRIPTION_FR, schedule_note_fr=NOTE_FR
    )
    context = axe_context(language)
    admin = _logged_in(context, base_url, organizer_session)
    admin.goto(_change_page(workshop))
    expect(admin.locator("html")).to_have_attribute("lang", language)
    _assert_no_violations(admin)

    home = context.new_page()
    home.goto("/")
    main = home.get_by_role("main")
    if language == "fr":
        expect(main).to_contain_text(DESCRIPTION_FR)
        expect(main).to_contain_text("finirons le 27 novembre")
    else:
        expect(main).to_contain_text(workshop.description_en_gb.split(".")[0])
        expect(main).not_to_contain_text(DESCRIPTION_FR)
    _assert_no_violations(home)
