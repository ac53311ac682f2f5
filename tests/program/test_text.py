"""Titles with math as plain text (program.text.plain_text) wherever no math is typeset: the
browser tab, screen readers' link text, calendars, schema.org data, emails
and the admin. Pages keep the TeX for KaTeX where they show the title."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import icalendar
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from program import checks, text
from program.models import Material, Poster, Session, Talk
from program.text import KATEX, MATH, plain_text, unreadable_formulas
from tests.pages import get_page, parse

from .test_exports import _json_ld

pytestmark = pytest.mark.django_db

MATH_TITLE = r"Low-rank factors of $X \in \mathbb{R}^{m \times n}$ with $\|X\|_F \leq 1$"
PLAIN_TITLE = "Low-rank factors of X ∈ ℝ^(m × n) with ‖X‖_F ≤ 1"
MATH_ABSTRACT = r"We bound $\sigma_{k+1}(A)$ for $A \in \mathbb{R}^{n \times n}$."
PLAIN_ABSTRACT = "We bound σ_(k+1)(A) for A ∈ ℝ^(n × n)."
KATEX_CHECK = Path(__file__).with_name("katex_check.mjs")


@pytest.fixture
def cohen(seeded) -> Talk:
    """Jérémy Cohen's talk (Wednesday 10:30), titled with math, with a video link."""
    talk = Talk.objects.get(slug="cohen-implicit-regularization")
    talk.title = MATH_TITLE
    talk.abstract = MATH_ABSTRACT
    talk.save(update_fields=["title", "abstract"])
    Material.objects.create(talk=talk, kind=Material.Kind.VIDEO, url="https://video.example.org/")
    return talk


# The function.


def test_plain_text_writes_the_seed_posters_math_as_unicode(seeded):
    abstract = Poster.objects.get(workshop=seeded, number=3).abstract

    plain = plain_text(abstract)

    assert abstract.count("$") == 10
    assert "$" not in plain
    assert "\\" not in plain
    assert "t ∈ [a, b]" in plain
    assert "B(t)" in plain
    assert "t_1, t_2, …" in plain


@pytest.mark.parametrize(
    ("tex", "plain"),
    [
        (r"$\mathbb{R}^{n}$", "ℝ^n"),
        (r"$\mathbb{R}^{m \times n}$", "ℝ^(m × n)"),
        (r"$A_{k}^{(t+1)} \approx U V^\top$", "A_k^(t+1) ≈ U V^⊤"),
        (r"$$\sum_{i=1}^{n} \sigma_i$$", "∑_(i=1)^n σ_i"),
        (r"50% of the rank, not $\$5$", "50% of the rank, not $5"),
    ],
)
def test_plain_text_reads_formulas_and_leaves_the_text_around_them(tex, plain):
    assert plain_text(tex) == plain


def test_plain_text_leaves_a_formula_it_cannot_read_as_written():
    assert plain_text(r"Broken $\mathbb{R$ formula") == r"Broken $\mathbb{R$ formula"


# What KaTeX cannot typeset: each shows as written, in the page (KaTeX, in red) and off it.
BROKEN = [
    r"$\mathbb{R$",  # a brace left open
    r"$a}{b$",  # a brace closed before it opens
    r"$\frac{a}$",  # a command short of an argument
    r"$\fraq{a}{b}$",  # a command KaTeX does not know
    r"$x^$",  # nothing to raise
    r"$\left( x$",  # \left without \right
    r"$$\sum_{i=1}^{n$$",
]
READABLE = [
    r"$\boldsymbol{B}(t)$",  # a command pylatexenc does not know, but KaTeX does
    r"$\operatorname{rank}(X) \leq r$",
    r"$\left( \frac{a}{b} \right)$",
    r"$\begin{pmatrix} a & b \\ c & d \end{pmatrix}$",
    r"$\|X\|_F$",
    r"$x_{}$",
    MATH_TITLE,
    MATH_ABSTRACT,
]


@pytest.mark.parametrize("formula", BROKEN)
def test_plain_text_shows_a_formula_katex_cannot_typeset_as_its_tex(formula):
    text = f"Before {formula} after, and $t \\in [a, b]$."

    assert plain_text(text) == f"Before {formula} after, and t ∈ [a, b]."
    assert unreadable_formulas(text) == [formula]


@pytest.mark.parametrize(
    "text", ["Costs $5 a day", "A lone $", "$", "$$", r"An escaped \$\frac{a}$ is no formula"]
)
def test_plain_text_leaves_a_dollar_that_opens_no_formula_as_written(text):
    assert plain_text(text) == text
    assert unreadable_formulas(text) == []


@pytest.mark.parametrize("text", [r"Odd $\frac1\$$ end", r"$\c\sqrt[\'\c$b]"])
def test_plain_text_leaves_what_pylatexenc_stumbles_on_as_written(text):
    """Input on which pylatexenc itself raises (found by feeding it random TeX): as written."""
    assert plain_text(text) == text


@pytest.mark.parametrize("text", READABLE)
def test_unreadable_formulas_finds_none_in_formulas_katex_typesets(text):
    assert unreadable_formulas(text) == []
    assert "$" not in plain_text(text)


def test_unreadable_formulas_finds_none_in_the_seed(seeded):
    texts = [t for p in Poster.objects.all() for t in (p.title, p.abstract)] + [
        t for talk in Talk.objects.all() for t in (talk.title, talk.abstract)
    ]

    assert sum(text.count("$") for text in texts) == 10  # the seed's math: poster 3's abstract
    assert [formula for text in texts for formula in unreadable_formulas(text)] == []


def test_unreadable_formulas_agrees_with_the_vendored_katex(seeded):
    """The server's verdict is the one the pages' own KaTeX gives (static/vendor/katex/)."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is needed to run KaTeX")
        pytest.skip("node is needed to run KaTeX")
    seed = [match[0] for match in MATH.finditer(Poster.objects.get(number=3).abstract)]
    formulas = [match for text in BROKEN + READABLE + seed for match in MATH.finditer(text)]
    result = subprocess.run(
        [node, str(KATEX_CHECK), str(KATEX)],
        input=json.dumps([match[1] or match[2] for match in formulas]),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    katex = json.loads(result.stdout)
    assert katex == [not unreadable_formulas(match[0]) for match in formulas]
    assert katex.count(False) == len(BROKEN)


def test_plain_text_is_the_only_place_that_converts_tex():
    """One place to change when math outside the page changes (a later issue)."""
    sources = [
        path
        for package in ("program", "registration", "mail", "jobs", "lorainne")
        for path in (Path(settings.BASE_DIR) / package).rglob("*.py")
        if "pylatexenc" in path.read_text()
    ]

    assert [str(path.relative_to(settings.BASE_DIR)) for path in sources] == ["program/text.py"]


@pytest.fixture
def katex_missing(monkeypatch, tmp_path):
    """The vendored KaTeX gone (a checkout without `make vendor`)."""
    monkeypatch.setattr(text, "KATEX", tmp_path / "katex.min.js")
    text.katex_commands.cache_clear()
    yield
    monkeypatch.undo()
    text.katex_commands.cache_clear()


def test_check_finds_the_commands_of_the_vendored_katex():
    assert checks.katex_commands() == []
    assert {"mathbb", "boldsymbol", "operatorname"} <= text.katex_commands()
    assert "fraq" not in text.katex_commands()


def test_check_says_when_katex_is_missing_and_formulas_then_show_as_tex(katex_missing):
    (error,) = checks.katex_commands()

    assert error.id == "program.E002"
    assert "make vendor" in error.hint
    assert plain_text.__wrapped__(r"In $\mathbb{R}^{n}$") == r"In $\mathbb{R}^{n}$"


# Where titles go.


def test_talk_page_title_is_plain_and_its_heading_keeps_the_tex_for_katex(client, cohen):
    page = get_page(client, cohen.get_absolute_url())

    title = page.find("title").text
    assert title == f"{PLAIN_TITLE} · LoRAINNe'24"
    assert "$" not in title
    assert "\\" not in title
    assert page.find("h1").text == MATH_TITLE
    assert "tex" in page.find("h1").attrs["class"].split()
    # What screen readers read after "Add to calendar" and "Video".
    hidden = [span.text for span in page.find("main").find_all("span", class_="visually-hidden")]
    assert f": {PLAIN_TITLE}" in hidden
    assert hidden.count(f": {PLAIN_TITLE}") == 2


@pytest.mark.parametrize("url", ["/lorainne24/program/", "/lorainne24/speakers/"])
def test_links_to_a_talk_say_its_title_as_plain_text_to_screen_readers(client, cohen, url):
    main = get_page(client, url).find("main")

    (link,) = [a for a in main.find_all("a") if a.attrs.get("href") == cohen.get_absolute_url()]

    seen, read = link.find("span", class_="tex"), link.find("span", class_="visually-hidden")
    assert seen.attrs["aria-hidden"] == "true"
    assert seen.text == MATH_TITLE  # typeset by KaTeX on the page
    assert "tex" in seen.attrs["class"]
    assert read.text == PLAIN_TITLE  # what a screen reader says
    assert "visually-hidden" in read.attrs["class"]


def test_calendars_and_json_ld_hold_the_plain_title_and_program_json_the_tex(client, cohen):
    feed = icalendar.Calendar.from_ical(client.get("/lorainne24/program/calendar.ics").content)
    own = icalendar.Calendar.from_ical(
        client.get(f"/lorainne24/program/talks/{cohen.slug}/calendar.ics").content
    )
    data = _json_ld(get_page(client, cohen.get_absolute_url()))
    program = client.get("/lorainne24/program.json").json()

    (event,) = [e for e in feed.walk("VEVENT") if str(e["URL"]).endswith(cohen.slug + "/")]
    (own_event,) = own.walk("VEVENT")
    assert str(event["SUMMARY"]) == str(own_event["SUMMARY"]) == f"{PLAIN_TITLE} (Jérémy Cohen)"
    assert str(own["X-WR-CALNAME"]) == f"LoRAINNe'24: {PLAIN_TITLE}"
    description = str(event["DESCRIPTION"]).split("\n")
    assert description[:3] == ["Jérémy Cohen (CNRS-CREATIS, Lyon)", "", PLAIN_ABSTRACT]
    assert str(own_event["DESCRIPTION"]) == str(event["DESCRIPTION"])
    assert data["name"] == PLAIN_TITLE
    assert data["description"] == PLAIN_ABSTRACT
    # program.json is data: its titles and abstracts stay as written, for whoever reads it to
    # typeset, and their text forms stand beside them.
    (slot,) = [s for s in program["sessions"] if s["talk"] == cohen.slug]
    (talk,) = [t for t in program["talks"] if t["slug"] == cohen.slug]
    assert slot["title"] == talk["title"] == MATH_TITLE
    assert slot["title_text"] == talk["title_text"] == PLAIN_TITLE
    assert (talk["abstract"], talk["abstract_text"]) == (MATH_ABSTRACT, PLAIN_ABSTRACT)


def test_admin_names_a_talk_and_its_slot_by_the_plain_title(admin_client, cohen):
    talks = parse(admin_client.get(reverse("admin:program_talk_changelist")).content)
    slots = parse(admin_client.get(reverse("admin:program_session_changelist")).content)

    assert str(cohen) == PLAIN_TITLE
    assert str(Session.objects.get(talk=cohen)) == f"{PLAIN_TITLE} (Wed 27 Nov 10:30)"
    assert PLAIN_TITLE in talks.find("table", id="result_list").text
    assert PLAIN_TITLE in slots.find("table", id="result_list").text
    assert "mathbb" not in talks.find("table", id="result_list").text


def test_speaker_link_email_names_the_talk_by_its_plain_title(
    admin_client, cohen, django_capture_on_commit_callbacks
):
    speaker = cohen.speakers.get()
    speaker.email = "jeremy.cohen@example.org"
    speaker.save(update_fields=["email"])

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:program_speaker_changelist"),
            {"action": "send_link", "_selected_action": [speaker.pk]},
        )

    (message,) = mail.outbox
    html = message.alternatives[0].content
    assert f"Talk: {PLAIN_TITLE}" in message.body
    assert f"Talk: {PLAIN_TITLE}" in parse(html).text
    assert "mathbb" not in message.body + html
