"""Public pages: the workshop, its program, talks, speakers and posters."""

import hashlib
import itertools

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.views.generic import DetailView, ListView, TemplateView, View

from registration.services import registration_status

from . import exports, page_cache
from .context_processors import current_workshop
from .ical import build_calendar
from .models import Poster, Session, Speaker, Talk


def site_url(request) -> str:
    """The address the visitor used, without a trailing slash: links in feeds point back to it."""
    return request.build_absolute_uri("/").rstrip("/")


class WorkshopMixin:
    """Views of the current workshop; a 404 while there is none."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.workshop = current_workshop(request)
        if self.workshop is None:
            raise Http404("No workshop has been set up yet.")


class CachedPageMixin(WorkshopMixin):
    """A public page kept in the page cache (see page_cache.py, which also serves it)."""

    @classmethod
    def page_cache_parts(cls, request) -> tuple:
        """What else the page shows that is not content (the home page: seats left)."""
        return ()

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            page_cache.store(response, page_cache.page_key(request, self.page_cache_parts(request)))
        return response


class HomeView(CachedPageMixin, TemplateView):
    template_name = "program/home.html"

    @classmethod
    def page_cache_parts(cls, request) -> tuple:
        return (cls.registration(request),)

    @staticmethod
    def registration(request):
        """Seats left and state, looked up once per request."""
        if not hasattr(request, "_registration_status"):
            request._registration_status = registration_status(current_workshop(request))
        return request._registration_status

    def get_context_data(self, **kwargs):
        organizers = list(self.workshop.organizers.all())
        return super().get_context_data(
            speakers=Speaker.objects.filter(workshop=self.workshop, talks__isnull=False).distinct(),
            organizers=organizers,
            registration=self.registration(self.request),
            structured_data=exports.workshop_event(
                self.workshop, base_url=site_url(self.request), organizers=organizers
            ),
            **kwargs,
        )


class ProgramView(CachedPageMixin, TemplateView):
    template_name = "program/program.html"

    def get_context_data(self, **kwargs):
        sessions = Session.objects.filter(workshop=self.workshop).timetable()
        tz = self.workshop.tzinfo
        days = [
            (day, list(slots))
            for day, slots in itertools.groupby(
                sessions, key=lambda s: timezone.localtime(s.starts_at, tz).date()
            )
        ]
        unscheduled = Talk.objects.filter(workshop=self.workshop).unscheduled().with_speakers()
        return super().get_context_data(days=days, unscheduled_talks=unscheduled, **kwargs)


class TalkDetailView(CachedPageMixin, DetailView):
    context_object_name = "talk"

    def get_queryset(self):
        return Talk.objects.filter(workshop=self.workshop).select_related("session").with_speakers()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = exports.talk_event(
            self.object, self.workshop, base_url=site_url(self.request)
        )
        return context


class SpeakerListView(CachedPageMixin, ListView):
    context_object_name = "speakers"

    def get_queryset(self):
        return (
            Speaker.objects.filter(workshop=self.workshop, talks__isnull=False)
            .distinct()
            .prefetch_related("talks__session")
        )


class PosterListView(CachedPageMixin, ListView):
    context_object_name = "posters"

    def get_queryset(self):
        return Poster.objects.filter(workshop=self.workshop).prefetch_related("presenters")


def calendar_response(request, body: bytes, *, filename: str, last_modified) -> HttpResponse:
    """Serve an .ics body with validators, so a polling calendar gets 304 when nothing changed."""
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    timestamp = int(last_modified.timestamp()) if last_modified else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
    response = not_modified or HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    if timestamp:
        response["Last-Modified"] = http_date(timestamp)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=300)
    return response


def _last_modified(sessions):
    stamps = [s.updated_at for s in sessions]
    stamps += [s.talk.updated_at for s in sessions if s.talk_id]
    stamps += [sp.updated_at for s in sessions if s.talk_id for sp in s.talk.speakers.all()]
    return max(stamps, default=None)


class ProgramCalendarView(CachedPageMixin, View):
    """The whole timetable as iCalendar, to download or subscribe to (webcal://)."""

    def get(self, request):
        sessions = list(Session.objects.filter(workshop=self.workshop).timetable())
        body = build_calendar(self.workshop, sessions, base_url=site_url(request))
        modified = max(filter(None, [_last_modified(sessions), self.workshop.updated_at]))
        return calendar_response(
            request, body, filename=f"{self.workshop.slug}-program.ics", last_modified=modified
        )


class TalkCalendarView(CachedPageMixin, View):
    """One talk as iCalendar ("add to calendar"); 404 while its time is to be announced."""

    def get(self, request, slug):
        sessions = Session.objects.filter(workshop=self.workshop, talk__slug=slug).timetable()
        session = get_object_or_404(sessions)
        body = build_calendar(
            self.workshop,
            [session],
            base_url=site_url(request),
            name=f"{self.workshop.acronym}: {session.display_title}",
        )
        modified = max(filter(None, [_last_modified([session]), self.workshop.updated_at]))
        return calendar_response(
            request, body, filename=f"{self.workshop.slug}-{slug}.ics", last_modified=modified
        )


class ProgramJSONView(CachedPageMixin, View):
    """The program as JSON for schedule apps and scripts (format in the README)."""

    def get(self, request):
        workshop = self.workshop
        document = exports.program_document(
            workshop,
            Session.objects.filter(workshop=workshop).timetable(),
            Talk.objects.filter(workshop=workshop).select_related("session").with_speakers(),
            Poster.objects.filter(workshop=workshop).prefetch_related("presenters"),
            base_url=site_url(request),
        )
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Access-Control-Allow-Origin"] = "*"
        return response
