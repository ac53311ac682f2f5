"""The workshop's content: the edition, its speakers, talks, timetable and posters."""

import datetime as dt
import uuid
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.timezone import now


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "“%(value)s” is not a known time zone; use a name such as Europe/Paris.",
            params={"value": value},
        )


class WorkshopQuerySet(models.QuerySet):
    def latest_first(self) -> "WorkshopQuerySet":
        """The edition the public site shows comes first: the one that starts last."""
        return self.order_by("-starts_on", "-pk")

    def current(self) -> "Workshop | None":
        return self.latest_first().first()


class Workshop(models.Model):
    """One edition of the workshop: the single source of truth for every public page."""

    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=50)
    slug = models.SlugField(unique=True)
    description = models.TextField(
        help_text="What the workshop is about. Blank lines separate paragraphs."
    )
    schedule_note = models.TextField(
        blank=True,
        help_text="A word on the timetable shown above it, e.g. when it starts and ends.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    timezone = models.CharField(
        max_length=64,
        default="Europe/Paris",
        validators=[validate_timezone],
        help_text="Times on the site and in calendars are shown in this zone.",
    )
    venue_name = models.CharField(max_length=200)
    venue_address = models.CharField(max_length=300)
    venue_directions_url = models.URLField("directions link", max_length=500, blank=True)
    capacity = models.PositiveIntegerField(help_text="How many people can attend.")
    registration_opens_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave blank to accept registrations right away."
    )
    registration_deadline = models.DateField(
        help_text=(
            "The last day on which registrations are accepted, until 23:59:59 in the workshop's "
            "time zone."
        )
    )
    registration_terms = models.TextField()
    # Kept by database triggers (triggers.py), whatever writes: the calendar SEQUENCE part that
    # every event shares (name, venue, time zone), and the version and time of the last change to
    # the workshop or its content (page cache keys, the calendar's ETag and Last-Modified).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    content_version = models.PositiveBigIntegerField(default=0, editable=False)
    content_changed_at = models.DateTimeField(default=now, editable=False)
    contact_email = models.CharField(
        "contact address",
        max_length=200,
        help_text="How to reach the organizers, shown as written (it may be a pattern).",
    )

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="workshop_ends_on_or_after_start",
                violation_error_message="The workshop cannot end before it starts.",
            )
        ]

    def __str__(self):
        return self.acronym

    def get_absolute_url(self):
        return reverse("program:home")

    @cached_property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def registration_closes_at(self) -> dt.datetime:
        """The first instant at which registration is refused: midnight after the deadline day."""
        next_day = self.registration_deadline + dt.timedelta(days=1)
        return dt.datetime.combine(next_day, dt.time.min, tzinfo=self.tzinfo)

    @property
    def last_registration_moment(self) -> dt.datetime:
        """23:59:59 on the deadline day, in the workshop's zone: the time to show to people."""
        return self.registration_closes_at - dt.timedelta(seconds=1)

    @property
    def days(self) -> list[dt.date]:
        """Every day of the edition, first to last."""
        count = (self.ends_on - self.starts_on).days + 1
        return [self.starts_on + dt.timedelta(days=n) for n in range(count)]

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.starts_on, dt.time.min, tzinfo=self.tzinfo)

    @property
    def ends_at(self) -> dt.datetime:
        """Midnight after the last day: the workshop is over from then on."""
        return dt.datetime.combine(
            self.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=self.tzinfo
        )


class Organizer(models.Model):
    """A member of the organizing committee (a person or a group)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="organizers")
    name = models.CharField(max_length=200)
    url = models.URLField("link", max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Organizers are listed by this number."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Speaker(models.Model):
    """A person who presents a talk or a poster."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(max_length=200)
    sort_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="How the name is sorted in lists, e.g. “Almeida” for André de Almeida.",
    )
    affiliation = models.CharField(max_length=300, blank=True)
    homepage = models.URLField(max_length=500, blank=True)
    photo = models.ImageField(upload_to="speakers/", blank=True)

    class Meta:
        ordering = ["sort_name", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("program:speaker-list") + f"#speaker-{self.pk}"


class TalkQuerySet(models.QuerySet):
    def with_speakers(self):
        return self.prefetch_related(
            models.Prefetch("speakers", queryset=Speaker.objects.order_by("sort_name", "name"))
        )

    def unscheduled(self):
        """Talks that have no slot in the timetable yet ("time to be announced")."""
        return self.filter(session__isnull=True)


class Talk(models.Model):
    class Kind(models.TextChoices):
        KEYNOTE = "keynote", "Keynote"
        INVITED = "invited", "Invited talk"
        CONTRIBUTED = "contributed", "Contributed talk"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="talks")
    slug = models.SlugField(max_length=100, help_text="The talk's address on the site.")
    title = models.CharField(
        max_length=300, blank=True, help_text="Leave blank while it is to be announced."
    )
    abstract = models.TextField(
        blank=True, help_text="Plain text; blank lines separate paragraphs; $…$ for LaTeX math."
    )
    speakers = models.ManyToManyField(Speaker, related_name="talks")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.INVITED)
    # Calendars recognise an event by its UID: it must never change, whatever is edited.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Raised by the database whenever what a calendar shows of the talk changes (triggers.py).
    sequence = models.PositiveIntegerField(default=0, editable=False)

    objects = TalkQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "slug"], name="talk_slug_unique_per_workshop"
            )
        ]

    def __str__(self):
        return self.display_title

    def get_absolute_url(self):
        return reverse("program:talk-detail", kwargs={"slug": self.slug})

    @property
    def display_title(self) -> str:
        return self.title or "Title to be announced"


class SessionQuerySet(models.QuerySet):
    def timetable(self):
        """Slots in time order with their talk and its speakers, in a fixed number of queries."""
        return self.select_related("talk").prefetch_related(
            models.Prefetch(
                "talk__speakers", queryset=Speaker.objects.order_by("sort_name", "name")
            )
        )


class Session(models.Model):
    """One slot of the timetable: a talk, a break, the opening, the poster session…"""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", "Registration"
        OPENING = "opening", "Opening"
        TALK = "talk", "Talk"
        BREAK = "break", "Break"
        MEAL = "meal", "Meal"
        POSTERS = "posters", "Posters"
        SOCIAL = "social", "Social event"
        CLOSING = "closing", "Closing"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.TALK)
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown when there is no talk, or as a placeholder such as “Invited talk”.",
    )
    talk = models.OneToOneField(
        Talk, null=True, blank=True, on_delete=models.SET_NULL, related_name="session"
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)  # triggers.py

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "ends_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_it_starts",
                violation_error_message="A session must end after it starts.",
            )
        ]

    def __str__(self):
        starts = timezone.localtime(self.starts_at, self.workshop.tzinfo)
        return f"{self.display_title} ({starts:%a %d %b %H:%M})"

    def get_absolute_url(self):
        if self.talk_id:
            return self.talk.get_absolute_url()
        return reverse("program:program") + f"#session-{self.pk}"

    def clean(self):
        if self.talk_id and self.workshop_id and self.talk.workshop_id != self.workshop_id:
            raise ValidationError({"talk": "This talk belongs to another workshop."})

    @property
    def display_title(self) -> str:
        if self.talk_id:
            return self.talk.display_title
        return self.title or self.get_kind_display()


class Poster(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="posters")
    number = models.PositiveSmallIntegerField(
        help_text="The poster board number; posters are listed by it."
    )
    title = models.CharField(max_length=300, blank=True)
    abstract = models.TextField(blank=True, help_text="Leave blank while it is to be announced.")
    presenters = models.ManyToManyField(Speaker, related_name="posters")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "number"], name="poster_number_unique_per_workshop"
            )
        ]

    def __str__(self):
        return self.title or f"Poster {self.number}"

    def get_absolute_url(self):
        return reverse("program:poster-list") + f"#poster-{self.number}"
