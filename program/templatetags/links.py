"""Links to addresses people typed: a speaker's homepage, an organizer's page, the venue's
directions, a talk's material.

The forms take http(s) addresses only (URLField), but a row can reach the database another way
(the shell, a fixture, an import): `{{ url|safe_url }}` gives the address back only when a
browser would follow it to a web page (http, https, or a path of this site), and "" otherwise,
so that the template shows the text without a link. The Content-Security-Policy blocks a
`javascript:` link's click; the page should not offer one.
"""

from urllib.parse import urlsplit

from django import template

register = template.Library()

LINKED_SCHEMES = {"http", "https"}


@register.filter
def safe_url(url: str) -> str:
    url = str(url or "")
    try:
        parts = urlsplit(url)  # drops the tabs, line breaks and leading controls browsers drop
    except ValueError:  # an unclosed IPv6 bracket
        return ""
    if parts.scheme.lower() in LINKED_SCHEMES and parts.netloc:
        return url
    if not parts.scheme and url.startswith("/") and not url.startswith("//"):
        return url  # a page or file of this site (a material's file)
    return ""
