"""An address per language: `?lang=fr` or `?lang=en` shows that page in that language, whatever
the language cookie or the browser says.

Search engines and shared links need one address per language (they send no cookie and no
Accept-Language worth keeping), so every page names its versions in `<link rel="alternate"
hreflang>` (templatetags/languages.py) and the sitemap lists them (lorainne/sitemaps.py). The
address without the parameter is the x-default: the visitor's own choice (cookie, else browser).

The choice is read here, once, by what decides the language (lorainne.language.LocaleMiddleware)
and by what keys the cached pages on it (lorainne/page_cache.py). A person's own pages, reached
by the token of their link, speak the language stored with the person instead
(PersonLanguageMixin, below). It lives in program, the lowest app whose pages show it, so that
every app above can import it.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import models
from django.utils import translation

QUERY_PARAMETER = "lang"
X_DEFAULT = "x-default"


def hreflang(language: str) -> str:
    """The code an address and `hreflang` give a language: "en" for en-gb, the site's English
    (British formats), which is the English of every reader."""
    return language.split("-")[0]


def supported_language(code: str) -> str | None:
    """`code` as one of settings.LANGUAGES ("en" gives "en-gb"), None if none fits."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def language_in_address(request) -> str | None:
    """The language the address asks for (`?lang=fr`), None if it asks for none or for one the
    site does not speak (the visitor's own choice then holds: never an error)."""
    return supported_language(request.GET.get(QUERY_PARAMETER) or "")


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


# A person's own pages (a registrant's, a speaker's, a submitter's, reached by the token of their
# link) speak that person's language: the one stored with them, which their emails are written in,
# whatever the browser, the cookie or the address's ?lang= says. A French registrant who opens her
# link in a browser set to English reads her page in French, as she read the email that led
# there. The language switch on such a page still works: lorainne/language.py stores the choice
# with the person whose page `next` names, so that the next pages and emails follow it. The token
# in the address is the credential, as for everything else on those pages.


class PersonLanguageMixin:
    """A view of one person's pages. `person_model` has `token` and `language` fields; the view
    gives `person()`, the person its address names, from its own lookup (no second query), or
    None for an unknown token (that page speaks the visitor's language).

    Never a public page (lorainne/page_cache.py): what it shows follows the person, not the
    visitor, so it could not be shared by language."""

    person_model: type[models.Model]

    def person(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        person = self.person()
        language = person and supported_language(person.language)
        if language is None:
            return super().dispatch(request, *args, **kwargs)
        # As LocaleMiddleware does for the visitor's language: for the rest of this request
        # (the view, its messages, the rendering, the Content-Language header it then sets).
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = super().dispatch(request, *args, **kwargs)
        response["Content-Language"] = language
        return response

    @classmethod
    def remember_language(cls, url_kwargs: dict, language: str) -> int:
        """Store `language` with the person whose page has these URL arguments (their token);
        how many rows changed (0: no such person)."""
        token = url_kwargs.get("token")
        if not isinstance(token, str) or "\x00" in token:  # PostgreSQL refuses a NUL
            return 0
        return cls.person_model.objects.filter(token=token).update(language=language)
