"""/sitemap.xml: every page of the published editions, in each language, for search engines.

Django's sitemaps framework, with one entry per page and language (`?lang=en`, `?lang=fr`:
program/languages.py) and, for each, the page's versions as `hreflang` alternates, the address
without the parameter as x-default: the same addresses as the pages' own `<link rel="alternate">`.
A page's `lastmod` is its edition's last change (`Workshop.content_changed_at`, kept by the
database with the content version, program/triggers.py). Nothing of a draft edition is listed.

The project holds it: it lists the pages of the program, the registration and the call.
"""

import dataclasses
import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone, translation

from contributions.models import Call
from program.languages import address_in, alternates
from program.models import Workshop
from program.templatetags.markdown import has_practical_information


@dataclasses.dataclass(frozen=True)
class Page:
    path: str
    changed_at: dt.datetime


def edition_pages(workshop: Workshop, *, call: Call | None, now: dt.datetime) -> list[str]:
    """The addresses of a published edition's pages, as its menu, footer and program link them:
    the book of abstracts' page, the Info page when it has something to say, the call while it is open, the registration form
    until the workshop is over. The participants' list is personal, and not listed (robots.txt)."""

    def page(view_name: str, **kwargs) -> str:
        return reverse(view_name, kwargs={"edition": workshop.slug, **kwargs})

    pages = [
        page("program:home"),
        page("program:program"),
        page("program:speaker-list"),
        page("program:poster-list"),
        page("program:book"),
        page("registration:privacy"),
    ]
    if has_practical_information(workshop):
        pages.append(page("program:info"))
    if call is not None and call.is_open(now):
        pages.append(page("contributions:call"))
    if not workshop.is_over:
        pages.append(page("registration:register"))
    pages += [page("program:talk-detail", slug=talk.slug) for talk in workshop.talks.all()]
    return pages


class PublishedPagesSitemap(Sitemap):
    # An entry per language of settings.LANGUAGES; each entry's alternates are set in get_urls,
    # as the pages set theirs.
    i18n = True
    alternates = False

    def items(self) -> list[Page]:
        editions = list(Workshop.objects.published().prefetch_related("talks"))
        if not editions:
            return []
        calls = {call.workshop_id: call for call in Call.objects.filter(workshop__in=editions)}
        now = timezone.now()
        pages = [Page(reverse("program:edition-list"), max(w.content_changed_at for w in editions))]
        for workshop in editions:
            pages += [
                Page(path, workshop.content_changed_at)
                for path in edition_pages(workshop, call=calls.get(workshop.pk), now=now)
            ]
        return pages

    def location(self, page: Page) -> str:
        # The framework activates each entry's language before asking.
        return address_in(page.path, translation.get_language())

    def lastmod(self, page: Page) -> dt.datetime:
        return page.changed_at

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["alternates"] = alternates(url["location"])
        return urls


SITEMAPS = {"pages": PublishedPagesSitemap}
