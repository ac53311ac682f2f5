"""The language of each request, and the language switch every page carries
(templates/includes/language_switch.html).

LocaleMiddleware is Django's, with one more source first: the address's `?lang=`
(program/languages.py), which search engines and shared links use.

Django's set_language keeps the choice in the language cookie. It is wrapped here for one
reason: public pages are cached and served to everyone (lorainne/page_cache.py), so their switch
cannot carry a visitor's CSRF token. The switch changes nothing but a preference, and instead of
the token the browser's Origin header must name this site: a form on another site cannot choose
a visitor's language.

On a person's own page (program/languages.py), which speaks the language stored with the
person whatever the cookie says, the switch also stores the choice with that person: `next`
names their page, and the token in it is the credential, as for everything else there.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseForbidden
from django.middleware import locale
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from program.languages import (
    PersonLanguageMixin,
    address_in,
    language_in_address,
    supported_language,
)


class LocaleMiddleware(locale.LocaleMiddleware):
    """The address's language (`?lang=fr`), else Django's choice: the language cookie, else
    Accept-Language. The page cache keys on the same choice (program.languages.language_of)."""

    def process_request(self, request):
        super().process_request(request)
        if (language := language_in_address(request)) is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()


def _from_this_site(request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        # Browsers send Origin with every form POST; without it (curl, tests) there is no page of
        # another site behind the request, unless the fetch metadata says so.
        return request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")
    return origin == f"{request.scheme}://{request.get_host()}" or (
        origin in settings.CSRF_TRUSTED_ORIGINS
    )


@csrf_exempt
@require_POST
def set_language(request):
    """Keep the chosen language in the language cookie, and with the person whose page `next` is,
    then go back to the page (`next`), at its address without `?lang=`: an address's language
    would outvote the one just chosen."""
    if not _from_this_site(request):
        return HttpResponseForbidden(
            gettext("The language can only be chosen from this site's pages."),
            content_type="text/plain; charset=utf-8",
        )
    response = i18n.set_language(request)
    language = supported_language(request.POST.get("language") or "")
    if language is not None and settings.LANGUAGE_COOKIE_NAME in response.cookies:
        _remember_on_personal_page(request, request.POST.get("next") or "", language)
    if response.has_header("Location"):
        response["Location"] = address_in(response["Location"], None)
    return response


def _remember_on_personal_page(request, next_url: str, language: str) -> None:
    # Only a page of this site, as set_language goes back to no other.
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return
    try:
        match = resolve(urlsplit(next_url).path)
    except Resolver404:
        return
    view_class = getattr(match.func, "view_class", None)
    if isinstance(view_class, type) and issubclass(view_class, PersonLanguageMixin):
        view_class.remember_language(match.kwargs, language)
