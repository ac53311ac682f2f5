"""A speaker on their own page, on a phone: a title with math, typeset while they type, their
slides as a PDF; then the talk page as everyone sees it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from program.models import Speaker, Talk

from .conftest import PHONE

TITLE = r"Low-rank training in $\mathbb{R}^{n\times n}$"
# The smallest file readers take as a PDF: the header, and the end marker in the last kilobyte.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def phone(new_context):
    """A page on a 375×667 touch screen that honours <meta name="viewport">."""
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    return context.new_page()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_speaker_sets_a_title_with_math_and_uploads_slides_on_a_phone(phone, open_workshop, media):
    errors = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    phone.on("pageerror", lambda error: errors.append(str(error)))
    talk = Talk.objects.get(slug="tudisco-talk")
    speaker = Speaker.objects.get(name="Francesco Tudisco")
    phone.goto(reverse("program:speaker-page", kwargs={"token": speaker.token}))
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Your page as a speaker at LoRAINNe'24"
    )

    phone.get_by_label("Title").fill(TITLE)

    preview = phone.locator(".preview__title")
    expect(preview.locator(".katex")).to_have_count(1)
    expect(preview.locator(".katex-mathml annotation")).to_have_text(r"\mathbb{R}^{n\times n}")
    assert "$" not in preview.inner_text()
    widths = phone.evaluate(
        "({page: document.documentElement.scrollWidth, window: window.innerWidth})"
    )
    assert widths["page"] <= widths["window"] == PHONE["width"], widths
    phone.get_by_label("PDF").set_input_files(
        files=[{"name": "Tudisco slides.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    phone.get_by_role("button", name="Save").tap()

    expect(phone.get_by_role("status")).to_have_text(
        "Thank you, your changes are saved: the site shows them now."
    )
    expect(phone.locator(".materials")).to_contain_text("Tudisco slides.pdf")
    phone.goto(talk.get_absolute_url())
    heading = phone.get_by_role("heading", level=1)
    expect(heading.locator(".katex")).to_have_count(1)
    assert "$" not in heading.inner_text()
    slides = phone.get_by_role("link", name=re.compile(r"^Slides \(PDF\)"))
    expect(slides).to_have_count(1)
    download = phone.request.get(slides.get_attribute("href"))
    assert download.status == 200
    assert download.body() == PDF
    assert errors == []


def test_speaker_replaces_their_slides_then_removes_them_once_asked_on_a_phone(
    phone, open_workshop, media
):
    talk = Talk.objects.get(slug="tudisco-talk")
    speaker = Speaker.objects.get(name="Francesco Tudisco")
    page = reverse("program:speaker-page", kwargs={"token": speaker.token})
    phone.goto(page)
    phone.get_by_label("PDF").set_input_files(
        files=[{"name": "slides.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    phone.get_by_role("button", name="Save").tap()
    expect(phone.locator(".materials")).to_contain_text("slides.pdf")
    address = talk.materials.get().get_absolute_url()
    new_pdf = PDF.replace(b"%PDF-1.4", b"%PDF-1.7")

    phone.get_by_role("link", name="Replace slides.pdf").tap()
    phone.get_by_label("New PDF").set_input_files(
        files=[{"name": "slides v2.pdf", "mimeType": "application/pdf", "buffer": new_pdf}]
    )
    phone.get_by_role("button", name="Replace").tap()
    expect(phone.get_by_role("status")).to_have_text(
        "“slides v2.pdf” replaces “slides.pdf”: its address on the site stays the same."
    )
    assert phone.request.get(address).body() == new_pdf  # the old link, followed

    phone.get_by_role("link", name="Remove slides v2.pdf").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Remove “slides v2.pdf”?")
    phone.get_by_role("link", name="No, keep it").tap()
    expect(phone.locator(".materials")).to_contain_text("slides v2.pdf")
    phone.get_by_role("link", name="Remove slides v2.pdf").tap()
    phone.get_by_role("button", name="Yes, remove it").tap()
    expect(phone.get_by_role("status")).to_have_text("“slides v2.pdf” is removed from the site.")
    assert not talk.materials.exists()
    assert phone.request.get(address).status == 404


def test_speaker_typing_a_formula_katex_cannot_typeset_is_warned_and_not_for_a_good_one(
    page, browser_errors, open_workshop
):
    talk = Talk.objects.get(slug="tudisco-talk")
    speaker = Speaker.objects.get(name="Francesco Tudisco")
    page.goto(reverse("program:speaker-page", kwargs={"token": speaker.token}))
    warnings = page.locator(f"#id_talk-{talk.pk}-abstract-tex")
    expect(warnings).to_have_attribute("aria-live", "polite")

    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Abstract").fill("Rank-$r$ factors of $$\\sum_{i$$ and $\\frac{a}$.")

    expect(page.locator(".preview__title .katex")).to_have_count(1)
    expect(warnings.locator("p")).to_have_text(
        [
            r"This formula will show as TeX: $$\sum_{i$$",
            r"This formula will show as TeX: $\frac{a}$",
        ]
    )

    page.get_by_label("Abstract").fill(r"Rank-$r$ factors of $$\sum_{i}$$ and $\frac{a}{b}$.")

    expect(page.locator(".preview__abstract .katex")).to_have_count(3)
    expect(warnings.locator("p")).to_have_count(0)
    page.get_by_label("Title").fill(r"Low-rank training in $\mathbb{R}^{n\times n$")
    expect(warnings).to_have_text(r"This formula will show as TeX: $\mathbb{R}^{n\times n$")
    assert browser_errors == []
