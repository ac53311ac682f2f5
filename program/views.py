"""Public pages: the workshop, its program, talks, speakers and posters."""

import itertools

from django.http import Http404
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView

from registration.services import registration_status

from .context_processors import current_workshop
from .models import Poster, Session, Speaker, Talk


class WorkshopMixin:
    """Views of the current workshop; a 404 while there is none."""

    def dispatch(self, request, *args, **kwargs):
        self.workshop = current_workshop(request)
        if self.workshop is None:
            raise Http404("No workshop has been set up yet.")
        return super().dispatch(request, *args, **kwargs)


class HomeView(WorkshopMixin, TemplateView):
    template_name = "program/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            speakers=Speaker.objects.filter(workshop=self.workshop, talks__isnull=False).distinct(),
            organizers=self.workshop.organizers.all(),
            registration=registration_status(self.workshop),
            **kwargs,
        )


class ProgramView(WorkshopMixin, TemplateView):
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


class TalkDetailView(WorkshopMixin, DetailView):
    context_object_name = "talk"

    def get_queryset(self):
        return Talk.objects.filter(workshop=self.workshop).select_related("session").with_speakers()


class SpeakerListView(WorkshopMixin, ListView):
    context_object_name = "speakers"

    def get_queryset(self):
        return (
            Speaker.objects.filter(workshop=self.workshop, talks__isnull=False)
            .distinct()
            .prefetch_related("talks__session")
        )


class PosterListView(WorkshopMixin, ListView):
    context_object_name = "posters"

    def get_queryset(self):
        return Poster.objects.filter(workshop=self.workshop).prefetch_related("presenters")
