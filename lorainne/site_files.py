"""The files every site answers for at its root: /robots.txt and /favicon.ico (/sitemap.xml is
lorainne/sitemaps.py)."""

import functools

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

# Kept out of search engines: the personal pages, reached by a token alone (a registration, a
# speaker's page, a submission) or by a certificate's verification code, and, at the short addresses and under each edition's (/*/…), the
# check-in desk and the reviewers' pages (staff only), the participants' list (people agreed to
# be listed on the site, not in search results), and the pages shown after a form. With the
# admin (settings.ADMIN_URL) and the language switch (a form's target).
PERSONAL_PATHS = ("registration/", "speaker/", "submission/", "certificate/", "i18n/")
EDITION_PERSONAL_PATHS = (
    "desk/",
    "review/",
    "participants/",
    "register/submitted/",
    "call/submitted/",
)


def robots_lines() -> list[str]:
    disallowed = [settings.ADMIN_URL, *PERSONAL_PATHS]
    for path in EDITION_PERSONAL_PATHS:
        disallowed += [path, f"*/{path}"]
    return [
        "User-agent: *",
        *(f"Disallow: /{path}" for path in disallowed),
        "Allow: /",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]


@require_safe
def robots_txt(request):
    response = HttpResponse(
        "\n".join(robots_lines()) + "\n", content_type="text/plain; charset=utf-8"
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response


@functools.cache
def _favicon() -> bytes:
    with open(finders.find("favicon.ico"), "rb") as file:
        return file.read()


@require_safe
def favicon_ico(request):
    """static/favicon.ico at the address browsers ask for without reading the page
    (deploy/make_favicon.py draws it)."""
    response = HttpResponse(_favicon(), content_type="image/vnd.microsoft.icon")
    patch_cache_control(response, public=True, max_age=86400)
    return response
