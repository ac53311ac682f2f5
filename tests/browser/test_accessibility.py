"""Every public page passes axe-core's WCAG 2.2 A and AA rules, in Chromium.

axe-core comes from npm (package.json's devDependencies, installed by `npm ci`, which
`make test` runs). The pages are checked as a visitor's browser shows them, scripts run.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from program.models import Material, Speaker
from registration import services
from registration.models import Registration

from .conftest import AXE, JEREMY, fill_registration_form, personal_link, skip_or_fail

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def axe_page(new_context):
    """A page on which axe-core can be injected.

    Playwright's add_script_tag(path=…) inserts the file's text as an inline <script>, which the
    site's Content-Security-Policy rightly blocks. These contexts bypass the CSP, for these tests
    only: the journeys keep it, so a script or style that the CSP blocks shows there.
    """
    if not AXE.is_file():
        skip_or_fail(f"axe-core not found at {AXE}: run `npm ci`")
    return new_context(bypass_csp=True).new_page()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=AXE)
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]},
    )
    return results["violations"]


def describe(violations: list[dict]) -> str:
    """Each violation's rule id, impact and help, then the selectors of the elements at fault."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        lines += [f"    at {' > '.join(node['target'])}" for node in violation["nodes"]]
    return "\n".join(lines)


def assert_no_violations(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe found on {page.url}:\n{describe(violations)}"


# How to bring a page up: a function of (page, workshop) that leaves the browser on it.


def visit(path: str):
    def go(page, workshop):
        page.goto(path)

    return go


def submitted(page, workshop):
    page.goto("/register/")
    fill_registration_form(page)
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()


def manage(page, workshop):
    services.register(workshop, **JEREMY, position=Registration.Position.PHD)
    page.goto(personal_link(mail.outbox[-1]))


def cancel(page, workshop):
    manage(page, workshop)
    page.get_by_role("link", name="Cancel my registration").click()


def cancelled(page, workshop):
    cancel(page, workshop)
    page.get_by_role("button", name="Yes, cancel my registration").click()
    page.get_by_role("status").wait_for()


def register_with_errors(page, workshop):
    page.goto("/register/")
    page.locator("#id_email").fill("not an address")
    page.get_by_role("button", name="Register").click()
    page.get_by_role("alert").wait_for()


def speaker_page(page, workshop):
    """A speaker's own page, the preview showing the math they typed, and the warning of a
    formula KaTeX cannot typeset."""
    speaker = Speaker.objects.get(workshop=workshop, name="Francesco Tudisco")
    page.goto(reverse("program:speaker-page", kwargs={"token": speaker.token}))
    page.get_by_label("Title").fill(r"Low-rank training in $\mathbb{R}^{n\times n}$")
    page.get_by_label("Abstract").fill(r"Factors in $\mathbb{R$.")
    page.locator(".preview__title .katex").wait_for()
    page.locator(".formula-warnings .notice").wait_for()


def speaker_page_locked(page, workshop):
    speaker = Speaker.objects.get(workshop=workshop, name="Jérémy Cohen")
    speaker.talks.update(text_locked=True)
    page.goto(reverse("program:speaker-page", kwargs={"token": speaker.token}))


def speaker_material(action: str):
    """The page that asks a speaker to confirm the removal of their slides, or to choose the
    PDF that replaces them."""

    def go(page, workshop):
        speaker = Speaker.objects.get(workshop=workshop, name="Francesco Tudisco")
        slides = Material.objects.create(
            talk=speaker.talks.get(),
            kind=Material.Kind.SLIDES,
            file="materials/slides.pdf",
            download_name="slides.pdf",
        )
        page.goto(
            reverse(
                f"program:speaker-{action}-material",
                kwargs={"token": speaker.token, "pk": slides.pk},
            )
        )

    return go


def register_when_full(page, workshop):
    services.register(workshop, **JEREMY, position=Registration.Position.PHD)
    workshop.capacity = 1
    workshop.save(update_fields=["capacity"])
    page.goto("/register/")


# Each page: the start of its <h1> (the right page was reached), and how to bring it up.
PAGES = {
    "home": ("LoRAINNe'24 Workshop on LOw-Rank", visit("/")),
    "program": ("Program", visit("/program/")),
    "talk": ("Implicit Regularization", visit("/program/talks/cohen-implicit-regularization/")),
    "speakers": ("Confirmed speakers", visit("/speakers/")),
    "posters": ("Posters", visit("/posters/")),
    "book": ("Book of abstracts", visit("/program/book/")),
    "info": ("Practical information", visit("/info/")),
    "register": ("Register for LoRAINNe'24", visit("/register/")),
    "register-with-errors": ("Register for LoRAINNe'24", register_with_errors),
    "register-when-full": ("Register for LoRAINNe'24", register_when_full),
    "check-your-inbox": ("Check your inbox", submitted),
    "manage-registration": ("Your registration for LoRAINNe'24", manage),
    "cancel-registration": ("Cancel your registration?", cancel),
    "registration-cancelled": ("Your registration for LoRAINNe'24", cancelled),
    "privacy": ("Privacy notice", visit("/privacy/")),
    "participants": ("Participants", visit("/participants/")),
    "not-found": ("Page not found", visit("/no-such-page/")),
    "speaker-page": ("Your page as a speaker", speaker_page),
    "speaker-page-locked": ("Your page as a speaker", speaker_page_locked),
    "speaker-link-unknown": ("This speaker link does not work", visit("/speaker/unknown-link/")),
    "speaker-material-remove": ("Remove “slides.pdf”?", speaker_material("remove")),
    "speaker-material-replace": ("Replace “slides.pdf”", speaker_material("replace")),
    "editions": ("All editions", visit("/editions/")),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_wcag_violations(axe_page, open_workshop, name):
    heading, bring_up = PAGES[name]
    bring_up(axe_page, open_workshop)
    expect(axe_page.get_by_role("heading", level=1)).to_contain_text(heading)

    assert_no_violations(axe_page)


def test_register_page_when_closed_has_no_wcag_violations(axe_page, closed_workshop):
    axe_page.goto("/register/")
    expect(axe_page.get_by_role("main")).to_contain_text("Registration is closed")

    assert_no_violations(axe_page)


def test_past_edition_page_has_no_wcag_violations(axe_page, workshop):
    """LoRAINNe'24 as seeded, over today: its notice, its menu without Register."""
    axe_page.goto("/lorainne24/program/")
    expect(axe_page.get_by_role("status")).to_have_text(
        "LoRAINNe'24 took place on 26–27 November 2024."
    )

    assert_no_violations(axe_page)


def test_missing_form_label_fails_the_check(axe_page, open_workshop):
    """The check bites: the register page, served with one <label> removed, fails it."""

    def without_first_name_label(route):
        response = route.fetch()
        html, removed = re.subn(r'<label for="id_first_name"[^>]*>.*?</label>', "", response.text())
        assert removed == 1
        route.fulfill(response=response, body=html)

    axe_page.route("**/register/", without_first_name_label)
    axe_page.goto("/register/")

    with pytest.raises(AssertionError) as failure:
        assert_no_violations(axe_page)
    violations = axe_violations(axe_page)
    label = next(violation for violation in violations if violation["id"] == "label")
    assert [node["target"] for node in label["nodes"]] == [["#id_first_name"]]
    assert "label (critical): Form elements must have labels" in str(failure.value)
    assert "at #id_first_name" in str(failure.value)
