"""What a shared link shows: OpenGraph and Twitter-card tags (templates/includes/share.html), and
the edition's picture for them, a 1200×630 PNG with its name, dates and place, drawn from the row
with Pillow (no external service).

The picture is drawn once per content version and language (the dates are written in the page's
language) and kept in the page cache: any change to the edition raises its version
(program/triggers.py), and the next request draws it again.
"""

import functools
import io
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from PIL import Image, ImageDraw, ImageFont

from .languages import address_in
from .models import Workshop, one_line
from .text import plain_text

WIDTH, HEIGHT = 1200, 630
DESCRIPTION_CHARACTERS = 200
CACHE_ALIAS = "pages"  # settings.CACHES, as the pages the picture goes with
CACHE_SECONDS = 24 * 3600

# The site's colours (static/css/site.css): --accent-dark, the focus ring's amber, --line.
NAVY = "#083a66"
BLUE = "#0b4f8a"
AMBER = "#f0a500"
PALE = "#d5dce4"
WHITE = "#ffffff"

# The fonts the Dockerfile installs for WeasyPrint's PDFs, found by fontconfig; these paths if
# fc-match is missing, Pillow's own font if neither is there (a plainer picture, never an error).
FONTS = {
    "bold": ("Noto Sans:bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    "regular": ("Noto Sans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
}


def description(text: str) -> str:
    """`text` (a description, an abstract) as one plain line short enough for a link's preview:
    formulas as plain text (text.plain_text), cut at a word."""
    return Truncator(one_line(plain_text(text))).chars(DESCRIPTION_CHARACTERS)


def share_card(request, workshop: Workshop, *, title: str, text: str, url: str | None) -> dict:
    """The tags' content for a page of `workshop` (`url`: its canonical address, else the
    address asked for)."""
    language = translation.get_language()
    image = reverse("program:share-image", kwargs={"edition": workshop.slug})
    image = request.build_absolute_uri(image)
    # The version in the address: sites that show previews keep a picture by its address.
    image = address_in(f"{image}?v={workshop.content_version}", language)
    return {
        "title": one_line(plain_text(title)),
        "description": description(text),
        "url": url or request.build_absolute_uri(),
        "image": image,
        "image_alt": f"{workshop.acronym}: {workshop.name}, {workshop.date_range}, "
        f"{workshop.venue_name}, {workshop.venue_address}",
        "width": WIDTH,
        "height": HEIGHT,
        "locale": open_graph_locale(language),
        "other_locales": [
            open_graph_locale(code) for code, _name in settings.LANGUAGES if code != language
        ],
    }


def open_graph_locale(language: str) -> str:
    """OpenGraph's form of a language: en_GB, fr_FR."""
    locale = translation.to_locale(language)
    return locale if "_" in locale else f"{locale}_{locale.upper()}"


@functools.cache
def _font_file(style: str) -> str | None:
    pattern, fallback = FONTS[style]
    if fc_match := shutil.which("fc-match"):
        found = subprocess.run(
            [fc_match, "--format=%{file}", pattern], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found.endswith((".ttf", ".otf")) and Path(found).is_file():
            return found
    return fallback if Path(fallback).is_file() else None


def _font(style: str, size: int):
    path = _font_file(style)
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    """`text` in lines no wider than `width` pixels, broken between words."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _mark(draw, x: int, y: int, size: int) -> None:
    """The favicon's mark (static/favicon.svg, on a 32 grid): an L as a column and a row, and the
    rank-one matrix they make, as dots."""
    unit = size / 32
    for column in range(3):
        for row in range(3):
            cx, cy, r = x + (17 + 4.5 * column) * unit, y + (8 + 4.5 * row) * unit, 1.6 * unit
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=AMBER)
    draw.rounded_rectangle((x + 5 * unit, y + 4 * unit, x + 11 * unit, y + 28 * unit), unit, WHITE)
    draw.rounded_rectangle((x + 5 * unit, y + 22 * unit, x + 28 * unit, y + 28 * unit), unit, WHITE)


def _rank_one(draw, right: int, top: int) -> None:
    """In a corner, a rank-one matrix u vᵀ as dots whose size is the entry: the workshop's
    subject, quietly."""
    u, v = (1.0, 0.8, 0.6, 0.4), (0.4, 0.55, 0.7, 0.85, 1.0)
    step = 46
    for i, ui in enumerate(u):
        for j, vj in enumerate(v):
            cx, cy, r = right - (len(v) - 1 - j) * step, top + i * step, 17 * ui * vj
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=BLUE)


def draw_share_image(workshop: Workshop) -> bytes:
    """The edition's picture, in the active language (its dates), as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), NAVY)
    draw = ImageDraw.Draw(image)
    margin = 80
    text_width = WIDTH - 2 * margin

    _rank_one(draw, WIDTH - margin, 72)
    _mark(draw, margin - 14, 58, 112)
    acronym = _font("bold", 60)
    draw.text((margin + 116, 114), workshop.acronym, font=acronym, fill=WHITE, anchor="lm")

    # The name as large as fits in three lines.
    for size in (56, 50, 44, 38, 32):
        name_font = _font("bold", size)
        lines = _wrap(draw, workshop.name, name_font, text_width)
        if len(lines) <= 3:
            break
    lines = lines[:3]
    y = 215
    for line in lines:
        draw.text((margin, y), line, font=name_font, fill=WHITE)
        y += round(size * 1.25)

    draw.rectangle((margin, 450, margin + 120, 456), fill=AMBER)
    draw.text((margin, 480), workshop.date_range, font=_font("bold", 40), fill=AMBER)
    place = f"{workshop.venue_name}, {workshop.venue_address}"
    place_font = _font("regular", 32)
    place_lines = _wrap(draw, place, place_font, text_width)
    place = place_lines[0] + ("…" if len(place_lines) > 1 else "")
    draw.text((margin, 542), place, font=place_font, fill=PALE)

    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def share_image(workshop: Workshop) -> bytes:
    """The picture of this version of the edition in the active language, drawn at most once."""
    key = f"share-image:{workshop.pk}:{workshop.content_version}:{translation.get_language()}"
    cache = caches[CACHE_ALIAS]
    png = cache.get(key)
    if png is None:
        png = draw_share_image(workshop)
        cache.set(key, png, timeout=CACHE_SECONDS)
    return png
