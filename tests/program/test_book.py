"""The book of abstracts (program/book.py): the PDF of the seed read back with pypdf and
pdfplumber, its formulas drawn, its index's page numbers, its download from the cache, and the
same content as a page."""

import datetime as dt
import io
import itertools
import re

import pdfplumber
import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from program import book
from program.models import Poster, Talk
from program.text import typeset_html
from tests.factories import PosterFactory, SessionFactory, SpeakerFactory, TalkFactory, paris_time
from tests.pages import parse
from tests.registration.test_documents import pdf_requirements  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_requirements")]

MATH_ABSTRACT = (
    "We factor $X \\in \\mathbb{R}^{n \\times n}$ into tensors of low rank.\n\n"
    "The error $\\|X - \\hat X\\|_F$ decays fast."
)
# Poster 3 of the seed: "… dependent matrices $\\boldsymbol{B}(t)$ which continuously depend …".
SEED_MATH_POSTER = 3
FOOTER_POINTS = 50  # the page's bottom margin, 20 mm (book.css), less a little


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _unhyphenated(text: str) -> str:
    """Without whitespace nor hyphens: a paragraph read back whole, whether the book hyphenated
    a word at the end of a line or not."""
    return re.sub(r"[\s\-\u2010\u00ad]", "", text)


def _book_of(workshop) -> bytes:
    workshop.refresh_from_db()  # its content version, raised by the triggers
    return book.build_pdf(workshop)


@pytest.fixture
def with_math(seeded):
    """The seed, with a talk whose abstract has the math the workshop writes (ℝ, norms)."""
    talk = seeded.talks.get(title="Decoupling multivariate functions using tensors")
    talk.abstract = MATH_ABSTRACT
    talk.save()
    return seeded


def test_book_of_the_seed_has_every_abstract_and_no_tex(with_math):
    pages = _pages(_book_of(with_math))

    text = _unhyphenated("".join(pages))
    abstracts = [
        *Talk.objects.exclude(abstract="").values_list("abstract", flat=True),
        *Poster.objects.exclude(abstract="").values_list("abstract", flat=True),
    ]
    assert len(abstracts) == 6
    for abstract in abstracts:
        # Each abstract's words, the formulas left out (drawn, they are not text).
        for words in re.split(r"\$[^$]*\$", abstract):
            assert _unhyphenated(words) in text
    assert "$" not in text
    assert "\\mathbb" not in text
    assert "\\" not in text


def test_book_draws_the_formula_of_a_seed_abstract_between_its_words(seeded):
    poster = seeded.posters.get(number=SEED_MATH_POSTER)
    assert "matrices $\\boldsymbol{B}(t)$ which continuously" in poster.abstract

    with pdfplumber.open(io.BytesIO(_book_of(seeded))) as pdf:
        page = next(p for p in pdf.pages if "continuously depend on a real" in p.extract_text())
        words = page.extract_words()
        # "matrices", then the formula, then "which" on the same line (the abstract has
        # "matrices which" once more, without a formula between: the wider gap is this one).
        before, after = max(
            (
                (one, two)
                for one, two in itertools.pairwise(words)
                if (one["text"], two["text"]) == ("matrices", "which")
                and abs(one["top"] - two["top"]) < 1
            ),
            key=lambda pair: pair[1]["x0"] - pair[0]["x1"],
        )
        drawn = [
            curve
            for curve in page.curves
            if before["x1"] <= curve["x0"] < curve["x1"] <= after["x0"]
            and before["top"] - 3 <= curve["top"] < curve["bottom"] <= before["bottom"] + 3
        ]
    # B and t in paths, between the words: the gap holds the formula's glyphs, not empty space.
    assert len(drawn) >= 2
    assert after["x0"] - before["x1"] > 15


def test_book_index_gives_the_pages_where_each_author_appears(with_math):
    pdf = _book_of(with_math)
    pages = _pages(pdf)
    index_at = next(n for n, text in enumerate(pages) if text.startswith("Index of authors"))

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[index_at]
        # Above the footer: its page number would run on after the last entry.
        text = page.crop((0, 0, page.width, page.height - FOOTER_POINTS)).extract_text()
    index = _squeezed(text).replace(".", "")
    speakers = {s for t in Talk.objects.all() for s in t.speakers.all()} | {
        s for p in Poster.objects.all() for s in p.presenters.all()
    }
    assert len(speakers) == 14
    for speaker in speakers:
        who = _squeezed(f"{speaker.name} ({speaker.affiliation})")
        # Where the book shows them with their affiliation: their talks and posters (the
        # timetable names them without it).
        expected = [str(n + 1) for n, text in enumerate(pages[:index_at]) if who in _squeezed(text)]
        assert expected, speaker.name
        assert all(pages[int(n) - 1].rstrip().endswith(n) for n in expected)  # the footer's
        printed = re.search(re.escape(who.replace(".", "")) + r"([\d,]+)", index)
        assert printed, speaker.name
        assert printed[1].split(",") == expected, speaker.name


def test_book_shows_a_broken_formula_as_its_tex(seeded):
    talk = seeded.talks.get(title="Decoupling multivariate functions using tensors")
    talk.abstract = "The bound $\\frac{a}$ holds, and so does $\\mystery{x}$, for all $n$."
    talk.save()

    text = "".join(_pages(_book_of(seeded)))

    assert "The bound $\\frac{a}$ holds, and so does $\\mystery{x}$, for all" in text


def test_book_has_a_bookmark_for_each_part_and_talk(seeded):
    outline = PdfReader(io.BytesIO(_book_of(seeded))).outline
    parts = [entry["/Title"] for entry in outline if not isinstance(entry, list)]
    talks = [entry["/Title"] for entry in outline[3]]

    assert parts == ["Book of abstracts", "Timetable", "Talks", "Posters", "Index of authors"]
    assert len(talks) == seeded.talks.count()
    assert "Decoupling multivariate functions using tensors" in talks


def test_typeset_html_draws_formulas_and_escapes_the_rest():
    html = typeset_html("<b>Rank</b> $r \\le n$ & $\\frac{1}$ or $\\nosuch$ $$\\sum_i x_i$$")

    images = re.findall(r'<img class="math( display)?" src="data:image/svg\+xml;base64,', html)
    assert images == ["", " display"]
    assert html.startswith("&lt;b&gt;Rank&lt;/b&gt; <img")
    assert 'alt="r \\le n"' in html
    assert "&amp; $\\frac{1}$ or $\\nosuch$ <img" in html


def test_book_download_is_built_once_then_served_from_the_cache(
    client, seeded, django_assert_max_num_queries
):
    url = reverse("program:book-pdf", kwargs={"edition": seeded.slug})
    first = client.get(url)
    assert first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF-")

    # The edition's one statement (lorainne/page_cache.py); nothing read to build a book.
    with django_assert_max_num_queries(1):
        second = client.get(url)

    assert second.content == first.content
    assert client.get(url, headers={"if-none-match": second["ETag"]}).status_code == 304


def test_book_built_by_another_process_is_not_built_again(
    client, seeded, django_assert_max_num_queries
):
    url = reverse("program:book-pdf", kwargs={"edition": seeded.slug})
    first = client.get(url)
    # Another web process: its own memory ("pages") has no book, the shared cache has it.
    caches["pages"].clear()

    # The edition's statement and its row (kept in the emptied "pages" too); building the book
    # would take six more.
    with django_assert_max_num_queries(2):
        second = client.get(url)

    assert second.content == first.content


def test_book_download_changes_with_the_content(client, seeded):
    url = reverse("program:book-pdf", kwargs={"edition": seeded.slug})
    before = client.get(url)
    talk = seeded.talks.get(title="Decoupling multivariate functions using tensors")
    talk.title = "Decoupling multivariate functions with tensors"
    talk.save()

    after = client.get(url)

    assert after["ETag"] != before["ETag"]
    assert "Decoupling multivariate functions with tensors" in "".join(_pages(after.content))


def test_book_of_a_draft_is_for_organizers(client, admin_client, seeded):
    seeded.published = False
    seeded.save()
    url = reverse("program:book-pdf", kwargs={"edition": seeded.slug})

    assert client.get(url).status_code == 404
    response = admin_client.get(reverse("admin:program_workshop_book", args=[seeded.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="lorainne24-book-of-abstracts.pdf"'
    )
    assert "Index of authors" in "".join(_pages(response.content))


def test_admin_links_to_the_book(admin_client, seeded):
    url = reverse("admin:program_workshop_book", args=[seeded.pk])

    page = parse(
        admin_client.get(reverse("admin:program_workshop_change", args=[seeded.pk])).content
    )

    assert [link.text for link in page.find_all("a", href=url)] == ["Book of abstracts (PDF)"]


def test_program_page_links_to_the_book(client, seeded):
    page = parse(client.get(reverse("program:program", kwargs={"edition": seeded.slug})).content)

    pdf = reverse("program:book-pdf", kwargs={"edition": seeded.slug})
    html = reverse("program:book", kwargs={"edition": seeded.slug})
    assert [link.text for link in page.find_all("a", href=pdf)] == [
        "Download the book of abstracts (PDF)"
    ]
    assert [link.text for link in page.find_all("a", href=html)] == [
        "Read the book of abstracts as a web page"
    ]


def test_book_page_holds_the_book(client, with_math, django_assert_max_num_queries):
    url = reverse("program:book", kwargs={"edition": with_math.slug})

    with django_assert_max_num_queries(9):
        response = client.get(url)

    page = parse(response.content)
    assert page.find("title").text == "Book of abstracts · LoRAINNe'24"
    assert page.find("h1").text == "Book of abstracts"
    talks = page.section("Talks")
    talk = talks.find("article", id=f"talk-{with_math.talks.get(abstract=MATH_ABSTRACT).pk}")
    assert talk.find("h3").text == "Decoupling multivariate functions using tensors"
    assert (
        talk.find("ul", class_="people").text == "Mariya Ishteva (Katholieke Universiteit Leuven)"
    )
    assert talk.find(class_="when").text == "Tuesday 26 November 2024, 15:15–15:45"
    # The TeX as written, for KaTeX (static/js/math.js) to typeset in the browser.
    paragraphs = [p.text for p in talk.find("div", class_="tex").find_all("p")]
    assert paragraphs == [
        "We factor $X \\in \\mathbb{R}^{n \\times n}$ into tensors of low rank.",
        "The error $\\|X - \\hat X\\|_F$ decays fast.",
    ]
    assert [h3.text for h3 in talks.find_all("h3")][:2] == [
        "Overview of tensor decompositions and some applications to wireless communications",
        "Decoupling multivariate functions using tensors",
    ]
    posters = page.section("Posters")
    assert [p.find(class_="kind").text for p in posters.find_all("article")] == [
        "Poster 1",
        "Poster 2",
        "Poster 3",
    ]
    index = page.section("Index of authors").find("ul", class_="index")
    first = index.find_all("li")[0]
    assert first.find(class_="name").text == "André de Almeida"
    assert [(a.attrs["href"], a.text) for a in first.find_all("a")] == [
        (
            f"#talk-{with_math.talks.get(title__startswith='Overview of tensor').pk}",
            "Overview of tensor decompositions and some applications to wireless communications",
        )
    ]
    pdf = reverse("program:book-pdf", kwargs={"edition": with_math.slug})
    assert page.find_all("a", href=pdf)


def test_book_follows_the_readers_language(client, seeded):
    url = reverse("program:book-pdf", kwargs={"edition": seeded.slug})
    english = client.get(url, headers={"accept-language": "en"})

    french = client.get(url, headers={"accept-language": "fr"})

    text = "".join(_pages(french.content))
    assert french["ETag"] != english["ETag"]
    assert "Livre des résumés" in text
    assert "Index des auteurs" in text
    assert "mardi 26 novembre 2024, 14:15–15:15" in text
    assert "Book of abstracts" not in text
    assert [e["/Title"] for e in PdfReader(io.BytesIO(french.content)).outline[:3]] == [
        "Livre des résumés",
        "Emploi du temps",
        "Exposés",
    ]


def _queries_of_book_page(client, workshop) -> int:
    caches["pages"].clear()  # the page rendered, not served from the page cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("program:book", kwargs={"edition": workshop.slug}))
    assert response.status_code == 200
    return len(queries)


def test_book_reads_as_many_queries_for_many_talks_as_for_few(client, seeded):
    few = _queries_of_book_page(client, seeded)
    for number in range(10):
        speakers = SpeakerFactory.create_batch(2, workshop=seeded)
        talk = TalkFactory(workshop=seeded, slug=f"more-{number}", speakers=speakers)
        SessionFactory(
            workshop=seeded,
            talk=talk,
            starts_at=paris_time(seeded.ends_on, 17, 0) + dt.timedelta(minutes=number * 5),
            ends_at=paris_time(seeded.ends_on, 17, 5) + dt.timedelta(minutes=number * 5),
        )
        PosterFactory(workshop=seeded, number=10 + number, presenters=speakers)

    many = _queries_of_book_page(client, seeded)

    assert few == many
    assert len(book.read_book(seeded).talks) == 21


def test_book_timetable_gives_the_page_of_each_abstract_and_of_the_posters(seeded):
    pages = _pages(_book_of(seeded))
    timetable = next(text for text in pages if text.startswith("Timetable"))
    posters_at = next(n for n, text in enumerate(pages, 1) if text.startswith("Posters"))
    talk_at = next(n for n, text in enumerate(pages, 1) if "Mariya Ishteva (Katholieke" in text)

    # Each row: the time, the title, the speakers, then the page.
    assert f"17:15–17:30 Spotlight posters {posters_at}" in timetable.splitlines()
    assert _squeezed(
        f"15:15–15:45 Decoupling multivariate functions using tensors Mariya Ishteva {talk_at} "
        "15:45–16:15 Coffee break"
    ) in _squeezed(timetable)
