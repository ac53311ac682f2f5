"""An address per language: `?lang=fr` or `?lang=en` shows that page in that language, whatever
the language cookie or the browser says.

Search engines and shared links need one address per language (they send no cookie and no
Accept-Language worth keeping), so every page names its versions in `<link rel="alternate"
hreflang>` (templatetags/languages.py) and the sitemap lists them (lorainne/sitemaps.py). The
address without the parameter is the x-default: the visitor's own choice (cookie, else browser).

The choice is read here, once, by what decides the language (lorainne.language.LocaleMiddleware)
and by what keys the cached pages on it (lorainne/page_cache.py). It lives in program, the lowest
app whose pages show it, so that every app above can import it.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.utils import translation

QUERY_PARAMETER = "lang"
X_DEFAULT = "x-default"


def hreflang(language: str) -> str:
    """The code an address and `hreflang` give a language: "en" for en-gb, the site's English
    (British formats), which is the English of every reader."""
    return language.split("-")[0]


def language_in_address(request) -> str | None:
    """The language the address asks for (`?lang=fr`), None if it asks for none or for one the
    site does not speak (the visitor's own choice then holds: never an error)."""
    value = request.GET.get(QUERY_PARAMETER)
    if not value:
        return None
    try:
        return translation.get_supported_language_variant(value)
    except LookupError:
        return None


def language_of(request) -> str:
    """The language of the page: the address's, else the language cookie's, else the browser's."""
    return language_in_address(request) or translation.get_language_from_request(request)


def address_in(url: str, language: str | None) -> str:
    """`url` with `?lang=` for `language`, or without it (None); the other parameters kept."""
    parts = urlsplit(url)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name != QUERY_PARAMETER
    ]
    if language:
        query.append((QUERY_PARAMETER, hreflang(language)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def alternates(url: str) -> list[dict]:
    """The page at `url` in each language, then its x-default address, as the sitemaps framework
    lists alternates: [{"lang_code": "en", "location": "…?lang=en"}, …]."""
    return [
        {"lang_code": hreflang(code), "location": address_in(url, code)}
        for code, _name in settings.LANGUAGES
    ] + [{"lang_code": X_DEFAULT, "location": address_in(url, None)}]
