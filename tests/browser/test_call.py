"""The call for contributions in Chromium (issue 23): a submission on a phone with the keyboard
alone, its math previewed live; axe-core on the call's pages and the reviewers' pages, in English
and in French; the README's screenshot of the review page."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from contributions.models import Call, Kind, Submission
from contributions.services import submissions as services
from contributions.services.calls import add_default_criteria
from contributions.services.submissions import AuthorData

from .conftest import DESKTOP, DOCS_SCREENSHOTS, PHONE, save_screenshot
from .test_accessibility import assert_no_violations
from .test_journeys import press_tab_until

ABSTRACT = r"We train networks whose weights stay in $\mathcal{M}_r$, the rank-$r$ matrices."
TITLE = r"Low-rank training on $\mathcal{M}_r$"
REVIEWER_PASSWORD = "a long password for the test"
FRENCH_SUBMITTER = {"email": "ines.garnier@example.org", "language": "fr"}


@pytest.fixture
def call(open_workshop) -> Call:
    """LoRAINNe'24 (moved to next year) with its call open: since yesterday, for 30 more days,
    by the live server's clock (the real one), taking posters and talks, default criteria."""
    now = timezone.now()
    created = Call.objects.create(
        workshop=open_workshop,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        text="Send your abstract by {deadline}: the workshop is on {dates}.",
    )
    add_default_criteria(open_workshop)
    return created


@pytest.fixture
def submission(call) -> Submission:
    """A poster submitted through the service, in French, its address confirmed."""
    made = services.submit(
        call.workshop,
        kind=Kind.POSTER,
        title=TITLE,
        abstract=ABSTRACT,
        authors=[
            AuthorData(name="Inès Garnier", affiliation="Université de Lorraine", presenting=True),
            AuthorData(name="Paul Roux", affiliation="Inria", presenting=False),
        ],
        **FRENCH_SUBMITTER,
    )
    services.confirm_address(made)
    return made


@pytest.fixture
def reviewer(settings):
    """A staff account in the reviewer group, with the group's rights as migrations give them.

    The browser tests' database is emptied after each test, the groups of the data migrations
    with it: they are given again by the migration's own function (one list of rights)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    roles = importlib.import_module("contributions.migrations.0002_roles_permissions")
    roles.give_rights(apps, None)
    user = get_user_model().objects.create_user(
        "lucie",
        email="lucie.martin@univ-lorraine.fr",
        password=REVIEWER_PASSWORD,
        first_name="Lucie",
        last_name="Martin",
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name="reviewer"))
    return user


def log_in_as_reviewer(page) -> None:
    """Log in as `reviewer` on the admin's login page (the review pages send visitors there)."""
    page.goto(f"/{settings.ADMIN_URL}")
    page.locator("#id_username").fill("lucie")
    page.locator("#id_password").fill(REVIEWER_PASSWORD)
    page.locator("#login-form [type=submit]").click()
    expect(page.locator("#user-tools")).to_be_visible()


# 1. A submission on a phone, with the keyboard alone.


@pytest.fixture
def phone(new_context):
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    return context.new_page()


def test_submission_on_a_phone_with_the_keyboard_alone(phone, call, browser_errors):
    phone.goto("/lorainne24/call/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Call for contributions: LoRAINNe'24"
    )

    phone.keyboard.press("Tab")
    expect(phone.get_by_role("link", name="Skip to main content")).to_be_focused()
    phone.keyboard.press("Enter")
    press_tab_until(phone, "#id_title", limit=10)
    phone.keyboard.type(TITLE)
    press_tab_until(phone, "#id_kind_0", limit=1)  # the first kind: Poster
    phone.keyboard.press("ArrowDown")  # the next: Contributed talk
    expect(phone.locator("#id_kind_1")).to_be_checked()
    press_tab_until(phone, "#id_abstract", limit=1)
    phone.keyboard.type(ABSTRACT)
    phone.keyboard.press("Enter")
    phone.keyboard.press("Enter")
    phone.keyboard.type(r"The loss decreases as $O(1/\sqrt{t})$.")

    # The live preview typesets the math as it is typed: both paragraphs, both formulas.
    preview = phone.locator(".preview__abstract")
    expect(preview.locator("p")).to_have_count(2)
    expect(preview.locator(".katex")).to_have_count(3)
    expect(preview.locator(".katex-mathml annotation").first).to_have_text(r"\mathcal{M}_r")
    expect(phone.locator(".preview__title .katex")).to_have_count(1)

    press_tab_until(phone, "#id_extended_abstract", limit=1)  # no PDF
    press_tab_until(phone, "#id_authors-0-name", limit=1)
    phone.keyboard.type("Inès Garnier")
    press_tab_until(phone, "#id_authors-0-affiliation", limit=1)
    phone.keyboard.type("Université de Lorraine, IECL")
    press_tab_until(phone, "#id_authors-0-presenting", limit=1)
    phone.keyboard.press("Space")
    press_tab_until(phone, "#id_authors-1-name", limit=1)
    phone.keyboard.type("Paul Roux")
    press_tab_until(phone, "#id_email", limit=10)  # past the blank rows
    phone.keyboard.type("ines.garnier@example.org")
    press_tab_until(phone, "form.form button[type=submit]", limit=1)  # the honeypot is skipped
    phone.keyboard.press("Enter")

    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(phone.get_by_role("main")).to_contain_text("ines.garnier@example.org")
    submission = Submission.objects.get(email="ines.garnier@example.org")
    assert (submission.kind, submission.title) == (Kind.TALK, TITLE)
    assert submission.abstract == f"{ABSTRACT}\n\nThe loss decreases as $O(1/\\sqrt{{t}})$."
    assert [(a.name, a.affiliation, a.presenting) for a in submission.authors.all()] == [
        ("Inès Garnier", "Université de Lorraine, IECL", True),
        ("Paul Roux", "", False),
    ]
    assert submission.address_confirmed_at is None
    assert [message.to for message in mail.outbox] == [["ines.garnier@example.org"]]
    widths = phone.evaluate(
        "({page: document.documentElement.scrollWidth, window: window.innerWidth})"
    )
    assert widths["page"] <= widths["window"] == PHONE["width"]
    assert browser_errors == []


def test_live_preview_speaks_the_language_of_the_page(new_context, call):
    """What the preview writes while the title is typed (its label, the empty abstract's
    sentence) is in the page's language, not in English."""
    page = new_context(locale="fr-FR").new_page()
    page.goto("/lorainne24/call/")
    expect(page.locator(".preview__label")).to_have_text("Aperçu, tel que le site l’affichera :")

    page.locator("#id_title").fill(TITLE)

    expect(page.locator(".preview__title .katex")).to_have_count(1)
    expect(page.locator(".preview__label")).to_have_text("Aperçu, tel que le site l’affichera :")
    expect(page.locator(".preview__abstract")).to_have_text("Résumé à venir.")
    page.locator("#id_title").fill("")
    expect(page.locator(".preview__title")).to_have_text("Titre à venir")


def test_call_form_warns_in_french_of_a_formula_katex_cannot_typeset_as_it_is_typed(
    new_context, call
):
    page = new_context(locale="fr-FR").new_page()
    page.goto("/lorainne24/call/")
    warnings = page.locator(".formula-warnings")
    page.locator("#id_title").fill(TITLE)
    expect(page.locator(".preview__title .katex")).to_have_count(1)
    expect(warnings.locator("p")).to_have_count(0)

    page.locator("#id_abstract").fill(r"Des facteurs dans $\mathcal{M}_{r$.")

    expect(warnings).to_have_text("Cette formule s’affichera en TeX\u00a0: $\\mathcal{M}_{r$")
    expect(warnings).to_have_attribute("aria-live", "polite")
    page.locator("#id_abstract").fill(ABSTRACT)
    expect(warnings.locator("p")).to_have_count(0)


# 2. axe-core on the call's pages and the reviewers' pages, in both languages.


def on_call(page, submission, reviewer):
    """The call's form, the preview showing the math typed in the title."""
    page.goto("/lorainne24/call/")
    page.locator("#id_title").fill(TITLE)
    page.locator(".preview__title .katex").wait_for()


def on_call_with_errors(page, submission, reviewer):
    page.goto("/lorainne24/call/")
    page.locator("#id_email").fill("not an address")
    page.locator("form.form button[type=submit]").click()
    page.get_by_role("alert").wait_for()


def on_submitted(page, submission, reviewer):
    page.goto("/lorainne24/call/submitted/")


def on_personal_page(page, submission, reviewer):
    page.goto(submission.get_absolute_url())
    page.locator(".preview__abstract .katex").first.wait_for()


def on_edit_with_errors(page, submission, reviewer):
    """The edit page: the personal page's form sent, with an error, back with its answers."""
    page.goto(submission.get_absolute_url())
    page.locator("#id_title").fill("")
    page.locator("form.form button[type=submit]").click()
    page.get_by_role("alert").wait_for()
    assert page.url.endswith(reverse("contributions:edit", args=[submission.token]))


def on_withdraw(page, submission, reviewer):
    page.goto(reverse("contributions:withdraw", args=[submission.token]))


def on_review_list(page, submission, reviewer):
    log_in_as_reviewer(page)
    page.goto("/review/")
    page.locator(".review-list .katex").wait_for()


def on_review(page, submission, reviewer):
    log_in_as_reviewer(page)
    page.goto(f"/review/{submission.pk}/")
    page.locator("h1 .katex").wait_for()


# Each page: how to bring it up, the start of its <h1> in English and in French.
CALL_PAGES = {
    "call": (on_call, "Call for contributions: LoRAINNe'24", "Appel à contributions"),
    "call-with-errors": (on_call_with_errors, "Call for contributions", "Appel à contributions"),
    "submitted": (on_submitted, "Check your inbox", "Consultez votre messagerie"),
    "personal-page": (on_personal_page, "Your submission", "Votre proposition"),
    "edit-with-errors": (on_edit_with_errors, "Your submission", "Votre proposition"),
    "withdraw": (on_withdraw, "Withdraw", "Retirer"),
    "review-list": (on_review_list, "Submissions to review", "Propositions à évaluer"),
    "review": (on_review, "Low-rank training", "Low-rank training"),
}
LOCALES = {"en-gb": "en-GB", "fr": "fr-FR"}


@pytest.mark.parametrize("language", LOCALES)
@pytest.mark.parametrize("name", CALL_PAGES)
def test_call_page_has_no_wcag_violations_in_each_language(
    new_context, submission, reviewer, name, language
):
    # As test_accessibility.axe_page: the CSP bypassed so that axe-core can be injected.
    page = new_context(bypass_csp=True, locale=LOCALES[language]).new_page()
    # The submitter's own pages speak the submitter's language (program/languages.py).
    Submission.objects.filter(pk=submission.pk).update(language=language)
    bring_up, english, french = CALL_PAGES[name]
    bring_up(page, submission, reviewer)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        french if language == "fr" else english
    )

    assert_no_violations(page)


# 3. The README's screenshot of the review page.


def test_screenshot_of_review_page(new_context, submission, reviewer):
    page = new_context(viewport=DESKTOP).new_page()
    log_in_as_reviewer(page)
    page.goto(f"/review/{submission.pk}/")
    page.locator("h1 .katex").wait_for()
    expect(page.get_by_role("group", name="Scores")).to_contain_text("Relevance")
    # The comments' labels start with a capital, as every other label does.
    expect(page.locator("label[for=id_comment]")).to_have_text("Comment for the committee:")
    expect(page.locator("label[for=id_comment_to_authors]")).to_have_text(
        "Comment for the authors (optional):"
    )

    path = save_screenshot(page, "review-desktop")

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (DOCS_SCREENSHOTS / "review-desktop.png").read_bytes() == path.read_bytes()
