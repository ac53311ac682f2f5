"""Name badges and sign-in sheets as PDF: plain data in, bytes out. The admin only wraps them.

The HTML comes from templates (`templates/registration/documents/`) and WeasyPrint lays it out
with the site's fonts (program/pdf.py): Arabic shaped, every script from a font that has it.

A name must fit its badge whatever its script and length. Its font size comes from an estimate
of its width (`_fit`, no font file read): the largest size at which it takes one line, or two
broken between words, and for an extreme name the largest at which all its lines fit the box's
height. The estimate errs wide, and the CSS breaks a word longer than a line
(`overflow-wrap: break-word`): no line leaves the badge.
"""

import base64
import datetime as dt
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import dateformat, translation

from program.models import date_range
from program.pdf import font_family, html_to_pdf

from .names import fold

MM = 72 / 25.4  # points per millimetre
A4_MM = (210, 297)
BADGE_MM = (90, 55)
COLUMNS, ROWS = 2, 4
BADGES_PER_SHEET = COLUMNS * ROWS
# The grid of badges sits in the middle of the sheet, badges edge to edge: one cut per line.
SHEET_MARGIN_MM = (
    (A4_MM[0] - COLUMNS * BADGE_MM[0]) / 2,
    (A4_MM[1] - ROWS * BADGE_MM[1]) / 2,
)
# Empty lines at the end of each day's sheet, for those who come without having registered
# (the desk adds them as walk-ins): about half a page.
WALK_IN_ROWS = 10
CUT_MARK_MM = 8  # length of a cut mark, in the sheet's margin
CUT_MARK_GAP_MM = 2  # between a mark and the badge corner it points at

# The badge's boxes, one under the other inside its padding (4 mm top and bottom, 5 mm at the
# sides): the edition's band (its text above a 1.5 mm rule), the name, the affiliation.
BADGE_PADDING_MM = (5, 4)
BADGE_CONTENT_WIDTH_MM = BADGE_MM[0] - 2 * BADGE_PADDING_MM[0]
EDITION_BOX_MM = 9
EDITION_RULE_MM = 1.5
NAME_BOX_MM = 24
AFFILIATION_BOX_MM = 12
LINE_HEIGHT = 1.15

# Font sizes in points, largest first; the CSS has a class per size (`size-24`).
NAME_SIZES = (26, 24, 22, 20, 18, 16, 14, 13, 12, 11, 10, 9, 8, 7, 6)
AFFILIATION_SIZES = (11, 10, 9, 8, 7, 6)
EDITION_SIZES = (10, 9, 8, 7, 6)
# The widths the estimate counts on, in em, a little wider than Noto Sans Bold's averages
# (Latin capitals 0.67, lower case 0.57; Cyrillic capitals 0.76, lower case 0.68): a name
# estimated too wide gets a slightly smaller size, one estimated too narrow would overflow.
CAPITAL_EM, LATIN_SMALL_EM, OTHER_EM, WIDE_EM, SPACE_EM = 0.8, 0.64, 0.72, 1.0, 0.28


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    affiliation: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name.strip()} {self.last_name.strip()}".strip()


def _width_in_em(character: str) -> float:
    if unicodedata.combining(character):
        return 0.0
    if unicodedata.east_asian_width(character) in ("W", "F"):
        return WIDE_EM
    if character.isspace():
        return SPACE_EM
    if character.isupper():
        return CAPITAL_EM
    if character.islower() and unicodedata.name(character, "").startswith("LATIN"):
        return LATIN_SMALL_EM
    return OTHER_EM


def _words(text: str) -> list[tuple[float, float]]:
    """(width, width of the space after it) in em of each stretch the line may not break in:
    a word, up to and with a hyphen; a CJK character, on its own (CJK breaks anywhere)."""
    words: list[tuple[float, float]] = []
    word = space = 0.0
    for character in text.strip():
        width = _width_in_em(character)
        if character.isspace():
            space += width
            continue
        wide = unicodedata.east_asian_width(character) in ("W", "F")
        if space or wide:
            if word:
                words.append((word, space))
            word = space = 0.0
        word += width
        if wide or character in "-\u2010":
            words.append((word, 0.0))
            word = 0.0
    if word:
        words.append((word, 0.0))
    return words


def _lines(words: list[tuple[float, float]], line: float) -> tuple[int, bool]:
    """How many lines of `line` em the words fill, laid out as a browser does (greedily), and
    whether some word had to be broken, being longer than a line."""
    count, filled, broken = 1, 0.0, False
    for word, space in words:
        if filled and filled + word > line:
            count, filled = count + 1, 0.0
        if word > line:
            # overflow-wrap: break-word breaks it where it reaches the end of the line.
            broken = True
            count += math.ceil(word / line) - 1
            filled = word % line
        else:
            filled += word
        filled += space
    return count, broken


def _fit(
    text: str, *, sizes: Sequence[int], width_mm: float, height_mm: float, max_lines: int
) -> int:
    """The largest of `sizes` (points) at which `text` fits a box of `width_mm` × `height_mm`.

    First choice: at most `max_lines` lines, broken between words. Failing that (a name far
    longer than names are, or one long word), as many lines as the box holds, words broken
    anywhere.
    """
    words = _words(text)
    fits_anyhow = None
    for size in sizes:
        count, broken = _lines(words, width_mm * MM / size)
        if count * size * LINE_HEIGHT > height_mm * MM:
            continue
        if count <= max_lines and not broken:
            return size
        fits_anyhow = fits_anyhow or size
    return fits_anyhow or sizes[-1]


def _direction(text: str) -> str:
    """Right to left ("rtl") when the first letter is Arabic or Hebrew, else "ltr"."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def alphabetical(people: Sequence[Person]) -> list[Person]:
    """By last name, then first name, ignoring case and accents as the desk's search does
    (names.fold): "Émile" sorts with "emile" before "Fabre", "Łukasz" with "lukasz"."""
    return sorted(people, key=lambda p: (fold(p.last_name.strip()), fold(p.first_name.strip())))


def _cut_marks() -> list[tuple[float, float, float, float]]:
    """Lines (x1, y1, x2, y2 in mm) in the sheet's margins, extending each cut of the grid."""
    left, top = SHEET_MARGIN_MM
    right = left + COLUMNS * BADGE_MM[0]
    bottom = top + ROWS * BADGE_MM[1]
    near, far = CUT_MARK_GAP_MM, CUT_MARK_GAP_MM + CUT_MARK_MM
    marks = []
    for column in range(COLUMNS + 1):
        x = left + column * BADGE_MM[0]
        marks += [(x, top - far, x, top - near), (x, bottom + near, x, bottom + far)]
    for row in range(ROWS + 1):
        y = top + row * BADGE_MM[1]
        marks += [(left - far, y, left - near, y), (right + near, y, right + far, y)]
    return marks


def _pdf(template: str, stylesheet: str, context: dict) -> bytes:
    """The PDF of `template` laid out with `stylesheet`, both rendered with `context`."""
    html = render_to_string(f"registration/documents/{template}", context)
    return _pdf_of_html(html, stylesheet, context)


def _pdf_of_html(html: str, stylesheet: str, context: dict) -> bytes:
    css = render_to_string(f"registration/documents/{stylesheet}", context)
    return html_to_pdf(html, css)


def _style_context() -> dict:
    sizes = sorted({*NAME_SIZES, *AFFILIATION_SIZES, *EDITION_SIZES}, reverse=True)
    return {
        "fonts": font_family(),
        "font_sizes": sizes,
        "line_height": LINE_HEIGHT,
    }


def badges_pdf(*, edition: str, people: Sequence[Person]) -> bytes:
    """Name badges of 90 × 55 mm, 8 to an A4 sheet (2 × 4) with cut marks, in alphabetical order.

    Each badge: the edition (`edition`, e.g. "LoRAINNe'24"), the name large, the affiliation.
    """
    edition_size = _fit(
        edition,
        sizes=EDITION_SIZES,
        width_mm=BADGE_CONTENT_WIDTH_MM,
        height_mm=EDITION_BOX_MM - EDITION_RULE_MM,
        max_lines=2,
    )
    badges = [
        {
            "name": person.name,
            "name_size": _fit(
                person.name,
                sizes=NAME_SIZES,
                width_mm=BADGE_CONTENT_WIDTH_MM,
                height_mm=NAME_BOX_MM,
                max_lines=2,
            ),
            "direction": _direction(person.name),
            "affiliation": person.affiliation.strip(),
            "affiliation_size": _fit(
                person.affiliation.strip(),
                sizes=AFFILIATION_SIZES,
                width_mm=BADGE_CONTENT_WIDTH_MM,
                height_mm=AFFILIATION_BOX_MM,
                max_lines=3,
            ),
            "affiliation_direction": _direction(person.affiliation),
            "column": number % COLUMNS,
            "row": number % BADGES_PER_SHEET // COLUMNS,
        }
        for number, person in enumerate(alphabetical(people))
    ]
    sheets = [
        badges[start : start + BADGES_PER_SHEET]
        for start in range(0, len(badges), BADGES_PER_SHEET)
    ]
    return _pdf(
        "badges.html",
        "badges.css",
        {
            **_style_context(),
            "edition": edition,
            "edition_size": edition_size,
            "sheets": sheets,
            "cut_marks": _cut_marks(),
            "a4": A4_MM,
            "badge": BADGE_MM,
            "columns": [SHEET_MARGIN_MM[0] + n * BADGE_MM[0] for n in range(COLUMNS)],
            "rows": [SHEET_MARGIN_MM[1] + n * BADGE_MM[1] for n in range(ROWS)],
            "padding": BADGE_PADDING_MM,
            "boxes": {
                "edition": EDITION_BOX_MM,
                "rule": EDITION_RULE_MM,
                "name": NAME_BOX_MM,
                "affiliation": AFFILIATION_BOX_MM,
            },
        },
    )


def sign_in_sheet_pdf(*, edition: str, days: Sequence[tuple[str, Sequence[Person]]]) -> bytes:
    """A sign-in sheet per day (label, e.g. "Tuesday 26 November 2024", and the people expected
    that day), each starting on a new A4 page: name, affiliation and an empty box to sign, in
    alphabetical order of last name, then WALK_IN_ROWS empty lines for walk-ins. Long lists run
    on to further pages under the same title.
    """
    return _pdf(
        "sign_in_sheet.html",
        "sign_in_sheet.css",
        {
            **_style_context(),
            "edition": edition,
            "days": [
                {
                    "label": label,
                    "rows": [
                        {
                            "person": person,
                            "direction": _direction(person.name),
                            "affiliation_direction": _direction(person.affiliation),
                        }
                        for person in alphabetical(people)
                    ],
                    "walk_in_rows": range(WALK_IN_ROWS),
                }
                for label, people in days
            ],
        },
    )


# Certificates of attendance -------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """The picture of a signature (PNG or JPEG bytes) and who signed."""

    image: bytes
    content_type: str
    signed_by: str = ""

    @property
    def data_uri(self) -> str:
        return f"data:{self.content_type};base64,{base64.b64encode(self.image).decode('ascii')}"


@dataclass(frozen=True)
class CertificateCopy:
    """What one certificate of attendance says, in the person's `language`."""

    name: str
    language: str
    edition_name: str
    edition_acronym: str
    first_day: dt.date
    last_day: dt.date
    venue: str
    days: Sequence[dt.date]
    organizers: Sequence[str]
    code: str
    verification_url: str
    signature: Signature | None = None


def qr_code_svg(url: str) -> str:
    """`url` as a QR code, an SVG data URI (segno: pure Python, nothing fetched)."""
    import segno

    return segno.make(url, error="m", micro=False).svg_data_uri(border=0, dark="#1b1f24")


def certificates_pdf(copies: Sequence[CertificateCopy]) -> bytes:
    """Certificates of attendance, one per A4 landscape page, each in its person's language:
    the name, the edition and its dates, the days attended, the organizers, the signature (if
    any), and in a corner the QR code of its verification address with the address itself."""
    pages = []
    for copy in copies:
        with translation.override(copy.language):
            pages.append(
                render_to_string(
                    "registration/documents/certificate.html",
                    {
                        "copy": copy,
                        "direction": _direction(copy.name),
                        "dates": date_range(copy.first_day, copy.last_day),
                        "days": [dateformat.format(day, "l j F Y") for day in copy.days],
                        "qr_code": qr_code_svg(copy.verification_url),
                        "signature": copy.signature,
                    },
                )
            )
    html = render_to_string(
        "registration/documents/certificates.html",
        {"pages": pages, "language": copies[0].language if copies else "en"},
    )
    return _pdf_of_html(html, "certificates.css", _style_context())
