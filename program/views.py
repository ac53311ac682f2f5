"""Public pages: the workshop, its program, talks, speakers and posters."""

import dataclasses
import datetime as dt
import hashlib
import itertools
import zoneinfo

from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language, gettext, ngettext
from django.views.generic import DetailView, ListView, TemplateView, View

from . import book, exports
from .ical import build_calendar
from .languages import address_in, language_in_address
from .materials import pdf_response
from .models import Material, Session, Talk, Workshop
from .now_next import now_and_next
from .sharing import share_card, share_image


def site_url(request) -> str:
    """The address the visitor used, without a trailing slash: links in feeds point back to it."""
    return request.build_absolute_uri("/").rstrip("/")


class WorkshopMixin:
    """Views of the edition the request is about (`request.workshop`: the one its address names,
    or the current one). A 404 while there is none, and for a draft unless an organizer asks."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        workshop = request.workshop
        if not workshop or not (workshop.published or request.user.is_staff):
            raise Http404("No such workshop.")
        self.workshop = workshop

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            workshop=self.workshop, canonical_url=self.canonical_url(), **kwargs
        )

    def canonical_url(self) -> str | None:
        """This page at the edition's own address (/<edition>/…), which never changes, in the
        language its address asks for (?lang=fr: each language's version is its own page)."""
        match = self.request.resolver_match
        try:
            path = reverse(match.view_name, kwargs={**match.kwargs, "edition": self.workshop.slug})
        except NoReverseMatch:  # a page that exists only once (a personal page)
            return None
        url = self.request.build_absolute_uri(path)
        return address_in(url, language_in_address(self.request))


class PublicPageMixin(WorkshopMixin):
    """A page the same for every visitor: the page cache serves and stores it
    (lorainne/page_cache.py)."""

    public_page = True


def workshop_now_and_next(workshop: Workshop):
    """What is on now and next (program/now_next.py); the timetable is read only during the
    workshop's days."""
    now = timezone.now()
    if not workshop.starts_at <= now < workshop.ends_at:
        return None
    return now_and_next(workshop.sessions.timetable(), now)


class HomeView(PublicPageMixin, TemplateView):
    template_name = "program/home.html"

    def get_context_data(self, **kwargs):
        organizers = list(self.workshop.organizers.all())
        return super().get_context_data(
            now_next=workshop_now_and_next(self.workshop),
            speakers=self.workshop.speakers.filter(talks__isnull=False).distinct(),
            organizers=organizers,
            past_editions=Workshop.objects.published().filter(
                starts_on__lt=self.workshop.starts_on
            ),
            structured_data=exports.workshop_event(
                self.workshop, base_url=site_url(self.request), organizers=organizers
            ),
            share=share_card(
                self.request,
                self.workshop,
                title=f"{self.workshop.acronym}: {self.workshop.name}",
                text=self.workshop.description,
                url=self.canonical_url(),
            ),
            **kwargs,
        )


class EditionListView(PublicPageMixin, ListView):
    """Every published edition, the latest first, the current one marked (/editions/): the
    series on one page. The current edition's menu and footer frame it."""

    template_name = "program/edition_list.html"
    context_object_name = "editions"

    def get_queryset(self):
        return Workshop.objects.published()


@dataclasses.dataclass(frozen=True)
class TimetableRow:
    """A slot of the program page, its day and times worked out once in the workshop's zone
    (ISO 8601 for <time datetime>, and the clock): Django's date filters, four to a row, cost
    more than all the rest of the row."""

    session: Session
    day: dt.date
    starts_at: str
    starts: str
    ends_at: str
    ends: str

    @classmethod
    def of(cls, session: Session, zone: zoneinfo.ZoneInfo) -> "TimetableRow":
        starts = timezone.localtime(session.starts_at, zone)
        ends = timezone.localtime(session.ends_at, zone)
        return cls(
            session,
            day=starts.date(),
            starts_at=starts.isoformat(),
            starts=f"{starts:%H:%M}",
            ends_at=ends.isoformat(),
            ends=f"{ends:%H:%M}",
        )


class ProgramView(PublicPageMixin, TemplateView):
    template_name = "program/program.html"

    def get_context_data(self, **kwargs):
        program = self.workshop.read_program()
        rows = [TimetableRow.of(session, self.workshop.tzinfo) for session in program.sessions]
        days = [
            (day, list(slots)) for day, slots in itertools.groupby(rows, key=lambda row: row.day)
        ]
        return super().get_context_data(
            days=days,
            unscheduled_talks=program.unscheduled_talks,
            now_next=workshop_now_and_next(self.workshop),
            **kwargs,
        )


class BookView(PublicPageMixin, TemplateView):
    """The book of abstracts as a page: what the PDF holds, readable by any browser and screen
    reader, its math typeset by KaTeX."""

    template_name = "program/book/page.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(book=book.read_book(self.workshop), **kwargs)


def book_response(request, workshop: Workshop) -> HttpResponse:
    """The book of abstracts as PDF, built once per content version (book.book_pdf); 304 when
    the reader's copy is that version's."""
    etag = quote_etag(book.etag(workshop))
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(book.book_pdf(workshop), content_type="application/pdf")
    response["ETag"] = etag
    response["Content-Disposition"] = f'inline; filename="{book.filename(workshop)}"'
    # Its words follow the reader's language; a draft's book is for organizers only.
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    if workshop.published:
        patch_cache_control(response, public=True, max_age=300)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


class BookPDFView(WorkshopMixin, View):
    """The book of abstracts to download. Not a cached page: the book's own cache keeps the PDF
    once for every process (book.py), the page cache would keep a copy in each."""

    def get(self, request, **kwargs):
        return book_response(request, self.workshop)


class FromPastEditionsMixin:
    """At a short address (/program/talks/<slug>/…), a talk of an earlier edition answers with a
    permanent redirect to its edition's own address: no address that worked stops working."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            if "edition" in kwargs:
                raise
            talk = (
                Talk.objects.filter(slug=kwargs["slug"], workshop__published=True)
                .exclude(workshop=self.workshop)
                .select_related("workshop")
                .order_by("-workshop__starts_on")
                .first()
            )
            if talk is None:
                raise
            view_name = request.resolver_match.view_name
            return redirect(
                reverse(view_name, kwargs={**kwargs, "edition": talk.workshop.slug}),
                permanent=True,
            )


class TalkDetailView(FromPastEditionsMixin, PublicPageMixin, DetailView):
    context_object_name = "talk"

    def get_queryset(self):
        return (
            self.workshop.talks.select_related("session")
            .with_speakers()
            .prefetch_related("materials")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        talk, workshop = self.object, self.workshop
        context["structured_data"] = exports.talk_event(
            talk, workshop, base_url=site_url(self.request)
        )
        context["share"] = share_card(
            self.request,
            workshop,
            title=f"{talk.plain_title} · {workshop.acronym}",
            text=talk.abstract
            or gettext("%(kind)s by %(speakers)s at %(acronym)s, %(dates)s.")
            % {
                "kind": talk.get_kind_display(),
                "speakers": ", ".join(str(speaker) for speaker in talk.speakers.all()),
                "acronym": workshop.acronym,
                "dates": workshop.date_range,
            },
            url=self.canonical_url(),
        )
        return context


class SpeakerListView(PublicPageMixin, ListView):
    context_object_name = "speakers"

    def get_queryset(self):
        return (
            self.workshop.speakers.filter(talks__isnull=False)
            .distinct()
            .prefetch_related(
                Prefetch("talks", queryset=Talk.objects.select_related("session", "workshop"))
            )
        )


class PosterListView(PublicPageMixin, ListView):
    context_object_name = "posters"

    def get_queryset(self):
        return self.workshop.posters.prefetch_related("presenters", "materials")

    def get_context_data(self, **kwargs):
        workshop, count = self.workshop, len(self.object_list)  # the list the page shows
        text = ngettext(
            "%(count)s poster at %(acronym)s, %(dates)s, %(venue)s: %(titles)s",
            "%(count)s posters at %(acronym)s, %(dates)s, %(venue)s: %(titles)s",
            count,
        ) % {
            "count": count,
            "acronym": workshop.acronym,
            "dates": workshop.date_range,
            "venue": workshop.venue_name,
            "titles": "; ".join(poster.plain_title for poster in self.object_list if poster.title),
        }
        share = share_card(
            self.request,
            workshop,
            title=f"{gettext('Posters')} · {workshop.acronym}",
            text=text,
            url=self.canonical_url(),
        )
        return super().get_context_data(share=share, **kwargs)


class MaterialView(WorkshopMixin, View):
    """A talk's or a poster's PDF (materials.pdf_response). Not a cached page: the edition's
    drafts stay with organizers, as its other pages (its speakers see theirs through their own
    page, speakers.SpeakerMaterialView). Under another name than its own, a redirect to that:
    one address per file, and no /materials/1/whatever.exe. Not a permanent one: a replaced PDF
    takes the name of the new file, and the old name must lead to it (a browser that kept a
    permanent redirect from a name given back later would go round in a circle)."""

    def get(self, request, pk, name, **kwargs):
        material = get_object_or_404(
            Material.objects.exclude(file="").filter(
                Q(talk__workshop=self.workshop) | Q(poster__workshop=self.workshop)
            ),
            pk=pk,
        )
        if name != material.served_name:
            match = request.resolver_match
            kwargs = {**match.kwargs, "name": material.served_name}
            return redirect(reverse(match.view_name, kwargs=kwargs))
        return pdf_response(material)


class InfoView(PublicPageMixin, TemplateView):
    """Practical information: venue, getting there, transport, accommodation, wifi; organizers
    write each part in Markdown, and a part they leave empty is not shown."""

    template_name = "program/info.html"


class ShareImageView(WorkshopMixin, View):
    """The edition's picture for shared links (program/sharing.py), in the page's language. Its
    address carries the content version: a browser or a preview may keep it long."""

    def get(self, request, **kwargs):
        response = HttpResponse(share_image(self.workshop), content_type="image/png")
        patch_cache_control(response, public=True, max_age=24 * 3600)
        return response


def calendar_response(request, workshop: Workshop, build, *, filename: str) -> HttpResponse:
    """Serve the .ics body that `build()` returns, with validators that follow the workshop's
    content version (program/triggers.py): a polling calendar gets 304 while nothing changed."""
    # The language too: a calendar's generated words ("Title to be announced") follow it.
    identity = (
        f"{workshop.pk}:{workshop.content_version}:{get_language()}:{request.build_absolute_uri()}"
    )
    etag = quote_etag(hashlib.sha256(identity.encode()).hexdigest()[:32])
    timestamp = int(workshop.content_changed_at.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        response = HttpResponse(build(), content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(timestamp)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=300)
    return response


class ProgramCalendarView(PublicPageMixin, View):
    """The whole timetable as iCalendar, to download or subscribe to (webcal://)."""

    def get(self, request, **kwargs):
        workshop = self.workshop
        return calendar_response(
            request,
            workshop,
            lambda: build_calendar(
                workshop,
                workshop.sessions.timetable(),
                base_url=site_url(request),
            ),
            filename=f"{workshop.slug}-program.ics",
        )


class TalkCalendarView(FromPastEditionsMixin, PublicPageMixin, View):
    """One talk as iCalendar ("add to calendar"); 404 while its time is to be announced."""

    def get(self, request, slug, **kwargs):
        workshop = self.workshop
        session = get_object_or_404(workshop.sessions.filter(talk__slug=slug).timetable())
        return calendar_response(
            request,
            workshop,
            lambda: build_calendar(
                workshop,
                [session],
                base_url=site_url(request),
                name=f"{workshop.acronym}: {session.plain_title}",
            ),
            filename=f"{workshop.slug}-{slug}.ics",
        )


class ProgramJSONView(PublicPageMixin, View):
    """The program as JSON for schedule apps and scripts (format in the README)."""

    def get(self, request, **kwargs):
        workshop = self.workshop
        program = workshop.read_program()
        document = exports.program_document(
            workshop,
            program.sessions,
            program.talks,
            # Lists, not the related managers: as for the talks (Workshop.read_program).
            workshop.posters.prefetch_related(
                Prefetch("presenters", to_attr="presenter_list"),
                Prefetch("materials", to_attr="material_list"),
            ),
            base_url=site_url(request),
        )
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Access-Control-Allow-Origin"] = "*"
        return response
