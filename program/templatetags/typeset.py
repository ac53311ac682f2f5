"""Math typeset for PDFs (program/text.py): `{{ talk.display_title|typeset }}` is the title as
safe HTML with each formula an SVG image; `{{ talk.abstract|typeset_paragraphs }}` the abstract
as paragraphs, as Django's `linebreaks` makes them (a blank line between two, a line break
within one). Pages in a browser typeset with KaTeX instead (static/js/math.js)."""

import re

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from program.text import typeset_html

register = template.Library()

BLANK_LINE = re.compile(r"\n\s*\n")


@register.filter
def typeset(text: str) -> SafeString:
    return typeset_html(text)


@register.filter
def typeset_paragraphs(text: str) -> SafeString:
    paragraphs = [part.strip() for part in BLANK_LINE.split(text.replace("\r\n", "\n"))]
    return format_html_join(
        "\n",
        "<p>{}</p>",
        # A formula's image holds no line break (its alt is one line, its data base64).
        ((mark_safe(typeset_html(part).replace("\n", "<br>")),) for part in paragraphs if part),
    )
