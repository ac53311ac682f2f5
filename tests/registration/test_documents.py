"""registration.documents: name badges and sign-in sheets, read back from the PDF.

pypdf reads the text, the pages and the embedded fonts; pdfplumber, where each character lies
(a name must stay inside its badge). The PDFs need Pango (WeasyPrint) and Debian's fonts: where
they are missing the tests skip and say what to install; in CI they fail.
"""

import io
import logging
import os
import shutil
import subprocess

import pdfplumber
import pytest
from pypdf import PdfReader

from program.pdf import FONTS
from registration.documents import (
    BADGE_MM,
    BADGE_PADDING_MM,
    BADGES_PER_SHEET,
    COLUMNS,
    EDITION_BOX_MM,
    MM,
    NAME_BOX_MM,
    SHEET_MARGIN_MM,
    WALK_IN_ROWS,
    Person,
    alphabetical,
    badges_pdf,
    sign_in_sheet_pdf,
)

EDITION = "LoRAINNe'24"
# Where each family of pdf.FONTS comes from (Debian packages).
FONT_PACKAGES = {
    "Noto Sans": "fonts-noto-core",
    "Noto Sans Arabic": "fonts-noto-core",
    "Noto Sans CJK JP": "fonts-noto-cjk",
    "DejaVu Sans": "fonts-dejavu-core",
}

PARTICIPANTS = [
    Person("Marie", "Curie", "Université de Paris"),
    Person("Мария", "Иштева", "Université de Namur"),
    Person("Émile", "Borel", "Sorbonne Université"),
    Person("Zoë", "Ødegård", "NTNU"),
    Person("Łukasz", "Wróbel", "Politechnika Warszawska"),
    Person("Dmitri", "Petrov", "Skoltech"),
    Person("Ann", "Lee", ""),
    Person("Jean-Baptiste", "de la Tour", "Inria"),
    Person("Søren", "Kierkegaard", "Københavns Universitet"),
    Person("Ada", "Lovelace", "University of London"),
    Person("Alan", "Turing", "University of Manchester"),
    Person("Grace", "Hopper", "Yale University"),
    Person("Sofia", "Kovalevskaya", "Stockholms universitet"),
    Person("Hedy", "Lamarr", ""),
    Person("Carl Friedrich", "Gauß", "Universität Göttingen"),
    Person("Nguyễn Thị", "Minh Khai", "Đại học Quốc gia Hà Nội"),
    Person("Évariste", "Galois", "École normale supérieure"),
]
ARABIC = Person("محمد", "بن عبد الله", "جامعة القاهرة")
CJK = Person("太郎", "山田", "東京大学")
CYRILLIC = Person("Мария", "Иштева", "Université de Namur")
# 120 characters each: a name as long as the registration form lets through, in every shape.
LONG_NAMES = {
    "words": Person(
        "Aurelio Bartholomew Konstantin Maximian",
        "von Hohenzollern-Sigmaringen und Wolfeschlegelsteinhausenbergerdorff-Montmorency",
    ),
    "capitals": Person("W" * 59, "M" * 60),
    "one word": Person("", "Wolfeschlegelsteinhausenbergerdorff" * 3 + "Y" * 15),
    "cyrillic": Person("Константин Александрович", "Достоевский-Салтыков-Щедрин " * 3 + "Ж" * 11),
    "arabic": Person("عبد الرحمن محمد", "بن عبد الله بن عبد المطلب الهاشمي القرشي " * 2 + "ن" * 22),
    "cjk": Person(("山田花子太郎" * 4)[:23], "東京大学大学院情報理工学系研究科" * 6),
}


def skip_or_fail(message: str):
    """Skip where a library or font is missing on a developer's machine; fail in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI must render the PDFs)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def pdf_requirements():
    """The fonts of pdf.FONTS and WeasyPrint's libraries, or say what to install.

    The fonts first: WeasyPrint warns on import when fontconfig knows none (an error here)."""
    if shutil.which("fc-list") is None:
        skip_or_fail("fc-list not found, to look for the fonts: apt-get install -y fontconfig")
    assert set(FONT_PACKAGES) == set(FONTS)
    missing = [
        family for family in FONTS if subprocess.run(["fc-list", "-q", family]).returncode != 0
    ]
    if missing:
        packages = " ".join(sorted({FONT_PACKAGES[family] for family in missing}))
        skip_or_fail(f"fonts missing: {', '.join(missing)}: apt-get install -y {packages}")
    try:
        import weasyprint  # noqa: F401 (loads Pango: the test of its presence)
    except OSError as error:
        skip_or_fail(
            f"WeasyPrint cannot load Pango ({error}): "
            "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
        )


renders_pdf = pytest.mark.usefixtures("pdf_requirements")


def _pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _squeezed(text: str) -> str:
    """Without whitespace: a name wrapped over lines reads back whole."""
    return "".join(text.split())


def _embedded_fonts(pdf: bytes) -> set[str]:
    """The PostScript names (subset tag dropped) of the fonts whose file the PDF embeds."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                if "/DescendantFonts" in font
                else font["/FontDescriptor"]
            ).get_object()
            if {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor):
                names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


def _badge_box(number: int) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in points from the page's top left of the n-th badge's inside
    (its padding excluded)."""
    column, row = number % COLUMNS, number % BADGES_PER_SHEET // COLUMNS
    left = SHEET_MARGIN_MM[0] + column * BADGE_MM[0] + BADGE_PADDING_MM[0]
    top = SHEET_MARGIN_MM[1] + row * BADGE_MM[1] + BADGE_PADDING_MM[1]
    right = left + BADGE_MM[0] - 2 * BADGE_PADDING_MM[0]
    bottom = top + BADGE_MM[1] - 2 * BADGE_PADDING_MM[1]
    return left * MM, top * MM, right * MM, bottom * MM


def _outside(chars: list[dict], box: tuple[float, float, float, float]) -> list[str]:
    """The characters that reach outside the box (by more than a tenth of a millimetre)."""
    left, top, right, bottom = box
    slack = 0.1 * MM
    return [
        char["text"]
        for char in chars
        if char["x0"] < left - slack
        or char["x1"] > right + slack
        or char["top"] < top - slack
        or char["bottom"] > bottom + slack
    ]


# Badges.


@pytest.fixture(scope="module")
def badges(pdf_requirements) -> bytes:
    return badges_pdf(edition=EDITION, people=PARTICIPANTS)


def test_badges_for_17_people_fill_three_a4_sheets(badges):
    reader = PdfReader(io.BytesIO(badges))

    assert len(reader.pages) == 3
    assert [round(float(side) / MM) for side in reader.pages[0].mediabox[2:]] == [210, 297]


def test_badges_show_every_name_affiliation_and_the_edition(badges):
    pages = _pages_text(badges)
    text = _squeezed("".join(pages))

    for person in PARTICIPANTS:
        assert _squeezed(person.name) in text
        assert _squeezed(person.affiliation) in text
    assert [_squeezed(page).count(EDITION) for page in pages] == [8, 8, 1]


def test_badges_are_in_alphabetical_order_of_last_name(badges):
    text = _squeezed("".join(_pages_text(badges)))

    positions = [text.index(_squeezed(person.name)) for person in alphabetical(PARTICIPANTS)]

    assert positions == sorted(positions)
    assert text.index("ÉmileBorel") < text.index("MarieCurie") < text.index("Jean-Baptistede")


def test_badges_keep_every_text_inside_its_badge(badges):
    with pdfplumber.open(io.BytesIO(badges)) as pdf:
        for sheet, page in enumerate(pdf.pages):
            on_sheet = PARTICIPANTS[sheet * BADGES_PER_SHEET :][:BADGES_PER_SHEET]
            for number in range(len(on_sheet)):
                box = _badge_box(number)
                chars = page.within_bbox((box[0], box[1], box[2], box[3]), strict=False).chars
                assert chars
                assert _outside(chars, box) == []
            # Nothing but the badges' texts: every character falls in one of them.
            assert sum(
                len(page.within_bbox(_badge_box(n), strict=False).chars)
                for n in range(len(on_sheet))
            ) == len(page.chars)


def test_badges_draw_cut_marks_at_the_corners_of_the_badges(badges):
    with pdfplumber.open(io.BytesIO(badges)) as pdf:
        page = pdf.pages[2]  # one badge on it: the marks are those of the whole sheet
        vertical = {round(line["x0"] / MM, 1) for line in page.lines if line["x0"] == line["x1"]}
        horizontal = {
            round(line["top"] / MM, 1) for line in page.lines if line["top"] == line["bottom"]
        }

    assert vertical == {15.0, 105.0, 195.0}
    assert horizontal == {38.5, 93.5, 148.5, 203.5, 258.5}


@renders_pdf
@pytest.mark.parametrize("shape", LONG_NAMES)
def test_badges_fit_a_name_of_120_characters_inside_the_badge_whole(shape):
    person = LONG_NAMES[shape]
    assert len(person.name) == 120

    pdf = badges_pdf(edition=EDITION, people=[person])

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = _squeezed(_pages_text(pdf)[0])
    if shape != "arabic":  # read back in logical order, but split where the shaping joined
        assert _squeezed(person.name) in text
    else:
        assert all(word in text for word in person.name.split())
    with pdfplumber.open(io.BytesIO(pdf)) as plumbed:
        chars = plumbed.pages[0].chars
    left, top, right, _ = _badge_box(0)
    name_box = (left, top + EDITION_BOX_MM * MM, right, top + (EDITION_BOX_MM + NAME_BOX_MM) * MM)
    name_chars = [
        char for char in chars if "Bold" in char["fontname"] and char["top"] > name_box[1] - MM
    ]
    assert len(name_chars) >= len(_squeezed(person.name)) * 0.8  # Arabic joins some letters
    assert _outside(name_chars, name_box) == []
    assert _outside(chars, _badge_box(0)) == []


@renders_pdf
def test_badges_render_every_script_with_embedded_fonts():
    pdf = badges_pdf(edition=EDITION, people=[ARABIC, CJK, CYRILLIC, PARTICIPANTS[2]])

    text = _squeezed("".join(_pages_text(pdf)))
    fonts = _embedded_fonts(pdf)
    with pdfplumber.open(io.BytesIO(pdf)) as plumbed:
        font_of = {char["text"]: char["fontname"] for char in plumbed.pages[0].chars}

    assert "山田太郎" in text or "太郎山田" in text
    assert "東京大学" in text
    assert "МарияИштева" in text
    assert "ÉmileBorel" in text
    assert all(word in text for word in ("محمد", "بن", "عبد", "الله"))
    assert any("CJK" in font for font in fonts), fonts
    assert any("Arabic" in font for font in fonts), fonts
    assert "Noto-Sans-Bold" in fonts
    assert "CJK" in font_of["山"]
    assert "Noto-Sans-Bold" in font_of["И"]
    assert "Arabic" in font_of[ARABIC.affiliation[0]]


@renders_pdf
def test_badges_layout_uses_only_css_that_weasyprint_understands(caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        badges_pdf(edition=EDITION, people=PARTICIPANTS[:1])
        sign_in_sheet_pdf(edition=EDITION, days=[("Tuesday 26 November 2024", PARTICIPANTS)])

    assert caplog.messages == []


@renders_pdf
def test_badges_for_nobody_are_an_empty_document():
    pdf = badges_pdf(edition=EDITION, people=[])

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert _pages_text(pdf) == [""]


# Sign-in sheets.

DAYS = ["Tuesday 26 November 2024", "Wednesday 27 November 2024"]


@pytest.fixture(scope="module")
def sign_in_sheets(pdf_requirements) -> bytes:
    return sign_in_sheet_pdf(
        edition=EDITION, days=[(DAYS[0], PARTICIPANTS), (DAYS[1], [*PARTICIPANTS[:4], ARABIC])]
    )


def _days_pages(pdf: bytes) -> dict[str, list[str]]:
    """Each day's pages, by the title of the sheet that starts it."""
    days: dict[str, list[str]] = {}
    for text in _pages_text(pdf):
        if f"{EDITION} · sign-in sheet" in text:
            day = next(label for label in DAYS if label in text)
        days.setdefault(day, []).append(text)
    return days


def test_sign_in_sheet_starts_a_page_titled_with_edition_and_day_for_each_day(sign_in_sheets):
    days = _days_pages(sign_in_sheets)

    assert list(days) == DAYS
    assert len(days[DAYS[1]]) == 1
    for label, pages in days.items():
        assert all(label in page for page in pages)  # the header of a following page too
        assert pages[0].count(f"{EDITION} · sign-in sheet") == 1
        assert "Name Affiliation Signature" in pages[0]


def test_sign_in_sheet_lists_the_people_of_each_day_by_last_name(sign_in_sheets):
    days = _days_pages(sign_in_sheets)
    first_day = "\n".join(days[DAYS[0]])
    second_day = "\n".join(days[DAYS[1]])

    positions = [
        first_day.index(f"{person.last_name}, {person.first_name}")
        for person in alphabetical(PARTICIPANTS)
    ]
    assert positions == sorted(positions)
    assert f"{len(PARTICIPANTS)} participants expected" in first_day
    assert "Иштева, Мария" in second_day
    assert "Lovelace" not in second_day
    assert all(word in second_day for word in ARABIC.name.split())
    assert "5 participants expected" in second_day


@renders_pdf
def test_sign_in_sheet_runs_on_to_further_pages_for_a_long_list():
    people = [Person(f"First{n}", f"Last{n:03}", "University") for n in range(60)]

    pdf = sign_in_sheet_pdf(edition=EDITION, days=[(DAYS[0], people)])

    pages = _pages_text(pdf)
    assert len(pages) >= 3
    assert all(DAYS[0] in page and "Name Affiliation Signature" in page for page in pages)
    text = "\n".join(pages)
    assert [text.index(f"Last{n:03}, First{n}") for n in range(60)] == sorted(
        text.index(f"Last{n:03}, First{n}") for n in range(60)
    )


@renders_pdf
def test_sign_in_sheet_of_a_day_without_anybody_says_so():
    pdf = sign_in_sheet_pdf(edition=EDITION, days=[(DAYS[0], [])])

    assert "No participant is expected this day." in _pages_text(pdf)[0]


def _signature_boxes(pdf: bytes) -> list[int]:
    """How many boxes to sign each page draws: a box is the one cell with borders at its sides."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [
            sum(1 for line in page.lines if line["x0"] == line["x1"]) // 2
            for page in document.pages
        ]


@renders_pdf
def test_sign_in_sheet_ends_each_day_with_empty_lines_for_walk_ins():
    pdf = sign_in_sheet_pdf(edition=EDITION, days=[(DAYS[0], PARTICIPANTS[:3]), (DAYS[1], [])])

    pages = _pages_text(pdf)
    assert WALK_IN_ROWS == 10
    assert _signature_boxes(pdf) == [3 + 10, 10]
    assert all(
        _squeezed("Not on the list? Write your name on an empty line at the end, and sign.")
        in _squeezed(page)
        for page in pages
    )
    assert "No participant is expected this day." in pages[1]


# Names whose first letter Unicode does not decompose (Ł, Ø), beside plain ones: sorted as the
# desk folds them, Łukasiewicz with the L's and Øberg with the O's, not after the Z's.
FOLDED_ORDER = [
    Person("Łukasz", "Łukasiewicz", "Politechnika Warszawska"),
    Person("Anna", "Nowak", "Uniwersytet Jagielloński"),
    Person("Ole", "Øberg", "NTNU"),
    Person("Zadie", "Smith", "University College London"),
]


@renders_pdf
def test_badges_sort_lukasz_before_zadie():
    people = [FOLDED_ORDER[index] for index in (3, 2, 1, 0)]

    text = _squeezed("".join(_pages_text(badges_pdf(edition=EDITION, people=people))))

    positions = [text.index(_squeezed(person.name)) for person in FOLDED_ORDER]
    assert positions == sorted(positions)


@renders_pdf
def test_sign_in_sheet_sorts_lukasz_before_zadie():
    people = [FOLDED_ORDER[index] for index in (3, 2, 1, 0)]

    pdf = sign_in_sheet_pdf(edition=EDITION, days=[(DAYS[0], people)])

    text = "\n".join(_pages_text(pdf))
    positions = [text.index(f"{p.last_name}, {p.first_name}") for p in FOLDED_ORDER]
    assert positions == sorted(positions)


# Order and names, without a PDF.


def test_alphabetical_ignores_case_and_accents_then_sorts_by_first_name():
    people = [
        Person("Zoé", "Zola"),
        Person("Émile", "émond"),
        Person("Bob", "Abel"),
        Person("Anne", "Eberhardt"),
        Person("Paul", "lefèvre"),
        Person("Marc", "Lefebvre"),
        Person("Ève", "Abel"),
        Person("Adam", "Abel"),
    ]

    assert [(p.last_name, p.first_name) for p in alphabetical(people)] == [
        ("Abel", "Adam"),
        ("Abel", "Bob"),
        ("Abel", "Ève"),
        ("Eberhardt", "Anne"),
        ("émond", "Émile"),
        ("Lefebvre", "Marc"),
        ("lefèvre", "Paul"),
        ("Zola", "Zoé"),
    ]


def test_alphabetical_folds_letters_without_a_decomposition_as_the_desk_does():
    people = [
        Person("Zadie", "Nowak"),
        Person("Łukasz", "Nowak"),
        Person("Carl", "Gauß"),
        Person("Karl", "Gauss"),
        Person("Ǽsa", "Ærø"),
        Person("Bo", "Adams"),
        Person("Đorđe", "Đoković"),
        Person("Hugo", "Dodd"),
        Person("Œdipe", "Lebrun"),
        Person("Olga", "Lebrun"),
    ]

    assert [(p.last_name, p.first_name) for p in alphabetical(people)] == [
        ("Adams", "Bo"),
        ("Ærø", "Ǽsa"),
        ("Dodd", "Hugo"),
        ("Đoković", "Đorđe"),
        ("Gauß", "Carl"),  # ß is ss: the same name, by first name
        ("Gauss", "Karl"),
        ("Lebrun", "Œdipe"),
        ("Lebrun", "Olga"),
        ("Nowak", "Łukasz"),
        ("Nowak", "Zadie"),
    ]


def test_person_name_joins_first_and_last_name_without_stray_spaces():
    assert Person(" Marie ", "Curie ").name == "Marie Curie"
    assert Person("", "Curie").name == "Curie"
