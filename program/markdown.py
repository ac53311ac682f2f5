"""Organizers' Markdown (the practical information) as safe HTML: CommonMark by markdown-it-py,
then nh3's allow-list, so whatever an organizer pastes, the page gets no script or style.

Raw HTML in the text is not passed through (markdown-it shows it as written): organizers write
Markdown, and the sanitizer still guards links and anything the renderer lets out."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt


def _headings_under_sections(state) -> None:
    """The page's sections are <h2>: an organizer's # and ## become <h3>, the deeper ones <h4>."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = "h3" if token.tag in ("h1", "h2", "h3") else "h4"


# CommonMark, plus the pipe tables organizers use for timetables of buses and hotel prices.
_renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
_renderer.core.ruler.push("headings_under_sections", _headings_under_sections)

ALLOWED_TAGS = {
    "p", "a", "em", "strong", "ul", "ol", "li", "code", "pre", "blockquote", "h3", "h4", "br",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# Relative links (/register/) stay: they lead within the site.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render(text: str) -> SafeString:
    """The HTML of `text` (Markdown), safe to put in a page as it is."""
    html = _renderer.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener",
    )
    return mark_safe(cleaned)  # nh3 has just sanitized it
