"""The workshop's content: the edition, its speakers, talks, timetable and posters."""

import dataclasses
import datetime as dt
import functools
import re
import secrets
import uuid
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern
from django.utils import dateformat, timezone, translation
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.timezone import now
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from . import translated_texts
from .placeholders import BRACES_HELP, fill_placeholders
from .text import plain_text

# White space but the no-break spaces that French puts before : ; ? ! (a title keeps them).
BREAKABLE_SPACE = re.compile(r"(?:(?![\u00a0\u202f])\s)+")


def one_line(text: str) -> str:
    """`text` on one line: each run of white space, line breaks included, one space. For email
    headers (a header with a line break is refused, and the email with it) and titles (they go
    into page titles, calendars and program.json as one line)."""
    return BREAKABLE_SPACE.sub(" ", text).strip()


def new_token() -> str:
    """256 random bits, URL-safe: the key to a speaker's own page."""
    return secrets.token_urlsafe(32)


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone; use a name such as Europe/Paris."),
            params={"value": value},
        )


def site_paths() -> frozenset[str]:
    """The first part of every address of the site that is not an edition's (admin, desk, info,
    register…), read from the URLconf, with the prefixes of static and media files (served
    before the URLconf). An edition's pages live under /<slug>/: a slug among these would be
    shadowed by the site's own page."""

    def first_parts(patterns) -> set[str]:
        parts = set()
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern.pattern, RegexPattern):
                route = re.match(r"\^?([\w-]*)", route)[1]
            first = route.split("/")[0]
            if "<" in first:
                continue  # an edition's own address, /<edition>/…
            if first:
                parts.add(first)
            elif isinstance(pattern, URLResolver):
                parts |= first_parts(pattern.url_patterns)  # included at the root
        return parts

    files = {
        urlsplit(url).path.strip("/").split("/")[0]
        for url in (settings.STATIC_URL, settings.MEDIA_URL)
    }
    return frozenset(first_parts(get_resolver().url_patterns) | (files - {""}))


def validate_edition_slug(value: str) -> None:
    if value in site_paths():
        raise ValidationError(
            _("“%(value)s” is an address of the site itself; choose another, such as the year."),
            params={"value": value},
        )


# Texts that mention a date name it by a placeholder, filled from the edition's row when shown
# (placeholders.fill_placeholders): a text copied into the next edition cannot keep last year's
# dates.
DATE_PLACEHOLDERS = {
    "first_day": _("the first day, e.g. 26 November"),
    "last_day": _("the last day, e.g. 27 November"),
    "deadline": _("the registration deadline's day, e.g. 11 November"),
    "dates": _("the dates, e.g. 26–27 November 2024"),
}
DATE_TEXT_HELP = format_lazy(
    "{intro} {placeholders}. {braces}",
    intro=_("Write dates as placeholders, filled from this edition:"),
    placeholders=format_lazy(
        ", ".join(f"{{{{{name}}}}} ({{{name}}})" for name in DATE_PLACEHOLDERS),
        **DATE_PLACEHOLDERS,
    ),
    braces=BRACES_HELP,
)


class WorkshopQuerySet(models.QuerySet):
    def published(self) -> "WorkshopQuerySet":
        """The edition the public site shows comes first: the published one that starts last."""
        return self.filter(published=True).order_by("-starts_on", "-pk")

    def current(self) -> "Workshop | None":
        return self.published().first()

    def past_editions(self, current: "Workshop") -> "WorkshopQuerySet":
        """Published editions other than `current`, the latest first."""
        return self.published().exclude(pk=current.pk)


def date_range(first: dt.date, last: dt.date) -> str:
    """The days from `first` to `last` in the active language: “26–27 November 2024”,
    “30 November – 2 December 2024”, “15 December 2025” (an edition's, a certificate's)."""
    if first == last:
        return dateformat.format(first, "j F Y")
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{dateformat.format(last, 'j F Y')}"
    start = dateformat.format(first, "j F" if first.year == last.year else "j F Y")
    return f"{start} – {dateformat.format(last, 'j F Y')}"


class Workshop(models.Model):
    """One edition of the workshop: the single source of truth for every public page."""

    # The parts of the Info page (/info/): its admin fieldset, and whether the menu links it.
    # The venue's name and address are not among them: every page shows those (the header, the
    # program, calendars), so they do not make an Info page by themselves.
    PRACTICAL_INFORMATION_FIELDS = (
        "venue_room",
        "info_getting_there",
        "info_transport",
        "info_accommodation",
        "info_wifi",
        "info_other",
    )

    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=50)
    slug = models.SlugField(
        unique=True,
        validators=[validate_edition_slug],
        help_text=_(
            "The last part of the edition's address on the site: 2025 for /2025/. Never "
            "change it once published: links and calendars point to it."
        ),
    )
    published = models.BooleanField(
        default=False,
        help_text=_(
            "Drafts are seen only by organizers, at their address. The site's home page "
            "shows the published edition that starts last."
        ),
    )
    description = models.TextField(
        help_text=_("What the workshop is about. Blank lines separate paragraphs.")
    )
    schedule_note = models.TextField(
        blank=True,
        help_text=format_lazy(
            "{} {}",
            _("A word on the timetable shown above it, e.g. when it starts and ends."),
            DATE_TEXT_HELP,
        ),
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    timezone = models.CharField(
        max_length=64,
        default="Europe/Paris",
        validators=[validate_timezone],
        help_text=_("Times on the site and in calendars are shown in this zone."),
    )
    venue_name = models.CharField(max_length=200)
    # One address, wherever the venue is shown: every page's footer, the Info page, calendars'
    # LOCATION, emails, the exports (a second one for the Info page disagreed with it).
    venue_address = models.CharField(
        _("venue address"),
        max_length=300,
        help_text=_(
            "As people should type it into a map, shown after the venue's name on every page, "
            "in calendars and emails, e.g. 13 rue Michel Ney, 54000 Nancy, France."
        ),
    )
    venue_directions_url = models.URLField(_("directions link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(help_text=_("How many people can attend."))
    registration_opens_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Leave blank to accept registrations right away.")
    )
    registration_deadline = models.DateField(
        help_text=_(
            "The last day on which registrations are accepted, until 23:59:59 in the workshop's "
            "time zone."
        )
    )
    registration_terms = models.TextField(help_text=DATE_TEXT_HELP)
    changes_deadline = models.DateField(
        null=True,
        blank=True,
        help_text=_(
            "The last day on which participants can change their choices on their personal "
            "page, until 23:59:59 in the workshop's time zone. Blank: the day before the workshop."
        ),
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("reminder"),
        null=True,
        blank=True,
        default=3,
        help_text=_(
            "How many days before the first day every confirmed participant gets a "
            "reminder (when, where, their choices, the program). Blank: no reminder."
        ),
    )
    reminder_note = models.TextField(
        _("note in the reminder"),
        blank=True,
        help_text=format_lazy(
            "{} {}",
            _("A note added to the reminder email, e.g. what to bring. Blank: none."),
            DATE_TEXT_HELP,
        ),
    )
    confirm_addresses = models.BooleanField(
        _("addresses confirmed before a seat is held"),
        default=True,
        help_text=_(
            "A registration holds its seat only once the person has clicked the link sent "
            "to their address, within the time below; unconfirmed holds expire by themselves."
        ),
    )
    hold_hours = models.PositiveSmallIntegerField(
        _("hours to confirm"),
        default=24,
        help_text=_("How long an unconfirmed registration holds its seat."),
    )
    # Kept by database triggers (triggers.py), whatever writes: the calendar SEQUENCE part that
    # every event shares (name, venue, time zone), and the version and time of the last change to
    # the workshop or its content (page cache keys, the calendar's ETag and Last-Modified).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    content_version = models.PositiveBigIntegerField(default=0, editable=False)
    content_changed_at = models.DateTimeField(default=now, editable=False)
    contact_email = models.CharField(
        _("contact address"),
        max_length=200,
        help_text=_("How to reach the organizers, shown as written (it may be a pattern)."),
    )
    # The practical information page (/<edition>/info/): Markdown, rendered to safe HTML.
    venue_room = models.CharField(_("room"), max_length=200, blank=True)
    info_getting_there = models.TextField(_("how to get there"), blank=True)
    info_transport = models.TextField(_("transport"), blank=True)
    info_accommodation = models.TextField(_("accommodation"), blank=True)
    info_wifi = models.TextField(_("wifi"), blank=True)
    info_other = models.TextField(_("anything else"), blank=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="workshop_ends_on_or_after_start",
                violation_error_message=_("The workshop cannot end before it starts."),
            )
        ]

    def __str__(self):
        return self.acronym

    def get_absolute_url(self):
        return reverse("program:home", kwargs={"edition": self.slug})

    def clean(self):
        errors = {}
        # Each language's version, each under its own field of the admin's form.
        for field in (
            column
            for name in ("schedule_note", "registration_terms", "reminder_note")
            for column in translated_texts.columns(name)
        ):
            text = getattr(self, field) or ""
            if unknown := fill_placeholders(text, DATE_PLACEHOLDERS).unknown:
                errors[field] = ValidationError(
                    format_lazy("{} {}", _("Unknown placeholder %(unknown)s."), DATE_TEXT_HELP),
                    params={"unknown": ", ".join(unknown)},
                )
        errors |= self.date_errors()
        if errors:
            raise ValidationError(errors)

    def date_errors(self) -> dict[str, ValidationError]:
        """Deadlines and opening in the order they happen: registration and changes close no
        later than the last day (a deadline after it would be shown beside “the workshop is
        over”), and registration opens before it closes. A date left out or refused by its own
        field (None) is not compared; its field says why."""
        errors = {}
        if not self.ends_on:
            return errors
        last_day = dateformat.format(self.ends_on, "j F Y")
        if self.registration_deadline and self.registration_deadline > self.ends_on:
            errors["registration_deadline"] = ValidationError(
                _(
                    "The registration deadline is after the workshop's last day, %(last_day)s: "
                    "set it on that day or before."
                ),
                params={"last_day": last_day},
            )
        if self.changes_deadline and self.changes_deadline > self.ends_on:
            errors["changes_deadline"] = ValidationError(
                _(
                    "The deadline for changes is after the workshop's last day, %(last_day)s: "
                    "set it on that day or before, or leave it blank."
                ),
                params={"last_day": last_day},
            )
        if self.registration_opens_at and self.registration_deadline:
            try:
                closes_at = self.registration_closes_at
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                return errors  # the time zone's own field says what is wrong with it
            if self.registration_opens_at >= closes_at:
                errors["registration_opens_at"] = ValidationError(
                    _(
                        "Registration would open after it closes (at the end of the deadline, "
                        "%(deadline)s): open it earlier, or leave it blank."
                    ),
                    params={"deadline": dateformat.format(self.registration_deadline, "j F Y")},
                )
        return errors

    @property
    def date_range(self) -> str:
        """“26–27 November 2024”, “30 November – 2 December 2024”, “15 December 2025”."""
        return date_range(self.starts_on, self.ends_on)

    def with_dates(self, text: str, language: str = settings.LANGUAGE_CODE) -> str:
        """`text` with its date placeholders ({first_day}, {deadline}…) filled from this row.

        The dates are written in the text's `language`, whatever the reader's: a French version
        gets French months, and the English shown to a French reader (no French version
        written) keeps English ones, so a sentence never mixes the two."""
        with translation.override(language):
            values = {
                "first_day": dateformat.format(self.starts_on, "j F"),
                "last_day": dateformat.format(self.ends_on, "j F"),
                "deadline": dateformat.format(self.registration_deadline, "j F"),
                "dates": self.date_range,
            }
        return fill_placeholders(text, values).text

    def with_dates_of(self, instance, field: str) -> str:
        """The version of a translated text (program/translation.py) the reader gets, its
        dates filled in its own language."""
        return self.with_dates(*translated_texts.version(instance, field))

    @property
    def schedule_note_text(self) -> str:
        return self.with_dates_of(self, "schedule_note")

    @property
    def registration_terms_text(self) -> str:
        return self.with_dates_of(self, "registration_terms")

    @property
    def reminder_note_text(self) -> str:
        return self.with_dates_of(self, "reminder_note")

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
    def changes_close_at(self) -> dt.datetime:
        """The first instant at which participants can no longer change their choices."""
        last_day = self.changes_deadline or self.starts_on - dt.timedelta(days=1)
        return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=self.tzinfo)

    @property
    def reminder_due_on(self) -> dt.date | None:
        """The day the reminder goes out (None: no reminder)."""
        if self.reminder_days_before is None:
            return None
        return self.starts_on - dt.timedelta(days=self.reminder_days_before)

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

    @property
    def is_over(self) -> bool:
        """Whether the workshop is over at this instant (a past edition: its pages say so). A
        cached page keys on it (lorainne/page_cache.py)."""
        return timezone.now() >= self.ends_at

    def read_program(self) -> "Program":
        """The timetable and every talk in four queries, however many there are.

        Each talk's speakers and materials are plain lists (`talk.speaker_list`,
        `talk.material_list`), not `talk.speakers.all()`: Django's prefetch into each talk's
        related managers builds a filtered queryset per talk, which cost more than the queries.
        Each slot's talk is the talk of the list, and every row's workshop is this one: nothing
        is read twice (a join to the workshop for each slot and talk built tens of copies of
        this row)."""
        talks = list(
            self.talks.prefetch_related(
                models.Prefetch("speakers", queryset=SPEAKERS_IN_ORDER, to_attr="speaker_list"),
                models.Prefetch("materials", to_attr="material_list"),
            )
        )
        by_pk = {talk.pk: talk for talk in talks}
        sessions = list(self.sessions.all())
        for session in sessions:
            if session.talk_id:
                session.talk = by_pk[session.talk_id]
        return Program(sessions=sessions, talks=talks)


class Organizer(models.Model):
    """A member of the organizing committee (a person or a group)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="organizers")
    name = models.CharField(max_length=200)
    # What the person does on the committee, in both languages (program/translation.py); the
    # name is not translated.
    role = models.CharField(
        _("role"),
        max_length=200,
        blank=True,
        help_text=_("Shown after the name, e.g. General chair, Local organization."),
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text=_("Organizers are listed by this number.")
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
        help_text=_("How the name is sorted in lists, e.g. “Almeida” for André de Almeida."),
    )
    affiliation = models.CharField(max_length=300, blank=True)
    homepage = models.URLField(max_length=500, blank=True)
    photo = models.ImageField(upload_to="speakers/", blank=True)
    email = models.EmailField(
        blank=True,
        help_text=_("Where the speaker's personal link is sent; never shown on the site."),
    )
    # The key to the speaker's own page, where they set their title, abstract and slides. A new
    # token revokes the link sent before.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # The language of the emails to the speaker (their link) and of their own page, chosen by the
    # organizers; the language switch on that page changes it (program/languages.py).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Their emails (mail/): the link sent, on its way, failed. Deleted with the speaker.
    deliveries = GenericRelation(
        "mail.Delivery",
        content_type_field="recipient_type",
        object_id_field="recipient_id",
        related_query_name="speaker",
    )
    answered_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the speaker last saved their page."),
    )

    class Meta:
        ordering = ["sort_name", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return (
            reverse("program:speaker-list", kwargs={"edition": self.workshop.slug})
            + f"#speaker-{self.pk}"
        )


# How a talk lists its speakers (the speakers' own list is by sort name too: Speaker.Meta).
SPEAKERS_IN_ORDER = Speaker.objects.order_by("sort_name", "name")


class TalkQuerySet(models.QuerySet):
    def with_speakers(self):
        """Each talk's speakers in list order. Reach the talks through their edition
        (`workshop.talks`): each talk then knows its workshop without a join."""
        return self.prefetch_related(models.Prefetch("speakers", queryset=SPEAKERS_IN_ORDER))

    def unscheduled(self):
        """Talks that have no slot in the timetable yet ("time to be announced")."""
        return self.filter(session__isnull=True)


class Talk(models.Model):
    class Kind(models.TextChoices):
        KEYNOTE = "keynote", _("Keynote")
        INVITED = "invited", _("Invited talk")
        CONTRIBUTED = "contributed", _("Contributed talk")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="talks")
    slug = models.SlugField(max_length=100, help_text=_("The talk's address on the site."))
    title = models.CharField(
        max_length=300, blank=True, help_text=_("Leave blank while it is to be announced.")
    )
    abstract = models.TextField(
        blank=True,
        help_text=_("Plain text; blank lines separate paragraphs; $…$ for LaTeX math."),
    )
    speakers = models.ManyToManyField(Speaker, related_name="talks")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.INVITED)
    text_locked = models.BooleanField(
        _("text locked"),
        default=False,
        help_text=_(
            "Once the program is printed: the speaker can no longer change the title and "
            "abstract (slides and links still)."
        ),
    )
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
        return self.plain_title

    def get_absolute_url(self):
        return reverse(
            "program:talk-detail", kwargs={"edition": self.workshop.slug, "slug": self.slug}
        )

    def clean(self):
        # A title is one line, wherever it was typed (the speaker's page, the admin).
        self.title = one_line(self.title)

    @property
    def display_title(self) -> str:
        """The title as written, `$…$` math and all: for pages that typeset it (KaTeX)."""
        return self.title or gettext("Title to be announced")

    @property
    def plain_title(self) -> str:
        """The title wherever no math is typeset (text.plain_text)."""
        return plain_text(self.display_title)


class SessionQuerySet(models.QuerySet):
    def timetable(self):
        """Slots in time order with their talk and its speakers, in a fixed number of queries."""
        return self.select_related("workshop", "talk__workshop").prefetch_related(
            models.Prefetch("talk__speakers", queryset=SPEAKERS_IN_ORDER)
        )

    def overlapping(self, starts_at: dt.datetime, ends_at: dt.datetime) -> "SessionQuerySet":
        """Slots that share some time with starts_at–ends_at. Slots that only touch (one ends at
        15:15, the next starts at 15:15) do not overlap."""
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Session(models.Model):
    """One slot of the timetable: a talk, a break, the opening, the poster session…"""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", pgettext_lazy("timetable slot", "Registration")
        OPENING = "opening", _("Opening")
        TALK = "talk", _("Talk")
        BREAK = "break", _("Break")
        MEAL = "meal", _("Meal")
        POSTERS = "posters", pgettext_lazy("timetable slot", "Posters")
        SOCIAL = "social", _("Social event")
        CLOSING = "closing", _("Closing")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.TALK)
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Shown when there is no talk, or as a placeholder such as “Invited talk”."),
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
                violation_error_message=_("A session must end after it starts."),
            )
        ]

    def __str__(self):
        starts = timezone.localtime(self.starts_at, self.workshop.tzinfo)
        return f"{self.plain_title} ({starts:%a %d %b %H:%M})"

    def get_absolute_url(self):
        if self.talk_id:
            return self.talk.get_absolute_url()
        program = reverse("program:program", kwargs={"edition": self.workshop.slug})
        return program + f"#session-{self.pk}"

    # Slots saved in the same form as this one (program.forms.TimetableFormSet): their stored
    # times are about to change, so clean() leaves them out and the formset compares their new
    # times instead. That lets an organizer move a block of slots at once.
    saved_with: frozenset[int] = frozenset()

    def clean(self):
        """The timetable's rules: a slot lies within the edition's days (00:00 of the first to
        24:00 of the last, in the edition's time zone) and overlaps no other slot of the edition.
        One room and one track: no two slots may share time (no parallel tracks yet). A slot
        that ends at or before its start is refused by the constraint below."""
        errors = {}
        if self.talk_id and self.workshop_id and self.talk.workshop_id != self.workshop_id:
            errors["talk"] = gettext("This talk belongs to another workshop.")
        try:
            workshop = self.workshop
            zone = workshop.tzinfo
        except (Workshop.DoesNotExist, zoneinfo.ZoneInfoNotFoundError, ValueError):
            # No edition yet, or one with a wrong time zone: the edition's form says so, and
            # nothing is saved until it is right.
            workshop = zone = None
        checkable = (
            zone
            and workshop.starts_on
            and workshop.ends_on
            and self.starts_at
            and self.ends_at
            and self.starts_at < self.ends_at
        )
        if checkable:
            first, last = (
                dateformat.format(day, "l j F Y") for day in (workshop.starts_on, workshop.ends_on)
            )
            if workshop.ends_on != workshop.starts_on:
                outside = gettext(
                    "This slot is outside the edition's days, %(first)s to %(last)s (%(zone)s time)."
                ) % {"first": first, "last": last, "zone": zone}
            else:
                outside = gettext(
                    "This slot is outside the edition's days, %(first)s (%(zone)s time)."
                ) % {"first": first, "zone": zone}
            if not workshop.starts_at <= self.starts_at < workshop.ends_at:
                errors["starts_at"] = outside
            elif self.ends_at > workshop.ends_at:
                errors["ends_at"] = outside
            if workshop.pk:
                others = (
                    Session.objects.filter(workshop=workshop)
                    .overlapping(self.starts_at, self.ends_at)
                    .exclude(pk__in=[self.pk, *self.saved_with])
                    .select_related("talk")
                )
                if clashes := self.overlap_errors(others):
                    errors[NON_FIELD_ERRORS] = clashes
        if errors:
            raise ValidationError(errors)

    def overlap_errors(self, others) -> list[str]:
        """One message for each of `others` (slots of the same edition) this slot overlaps, naming
        it by its title, day and times in the edition's time zone. Touching is not overlapping."""
        zone = self.workshop.tzinfo
        messages = []
        for other in others:
            if other.starts_at < self.ends_at and self.starts_at < other.ends_at:
                starts = timezone.localtime(other.starts_at, zone)
                ends = timezone.localtime(other.ends_at, zone)
                messages.append(
                    gettext("This slot overlaps “%(title)s” (%(day)s, %(starts)s–%(ends)s).")
                    % {
                        "title": other.plain_title,
                        "day": dateformat.format(starts, "l j F"),
                        "starts": f"{starts:%H:%M}",
                        "ends": f"{ends:%H:%M}",
                    }
                )
        return messages

    @property
    def display_title(self) -> str:
        if self.talk_id:
            return self.talk.display_title
        return self.title or self.get_kind_display()

    @property
    def plain_title(self) -> str:
        return plain_text(self.display_title)


@dataclasses.dataclass(frozen=True)
class Program:
    """An edition's timetable and talks, as Workshop.read_program() reads them."""

    sessions: list[Session]  # in time order
    talks: list[Talk]  # by title

    @property
    def unscheduled_talks(self) -> list[Talk]:
        """Talks with no slot yet ("time to be announced"), by title."""
        scheduled = {session.talk_id for session in self.sessions}
        return [talk for talk in self.talks if talk.pk not in scheduled]


class Poster(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="posters")
    number = models.PositiveSmallIntegerField(
        help_text=_("The poster board number; posters are listed by it.")
    )
    title = models.CharField(max_length=300, blank=True)
    abstract = models.TextField(blank=True, help_text=_("Leave blank while it is to be announced."))
    presenters = models.ManyToManyField(Speaker, related_name="posters")

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "number"], name="poster_number_unique_per_workshop"
            )
        ]

    def __str__(self):
        return self.plain_title or gettext("Poster %(number)s") % {"number": self.number}

    def get_absolute_url(self):
        posters = reverse("program:poster-list", kwargs={"edition": self.workshop.slug})
        return posters + f"#poster-{self.number}"

    def clean(self):
        self.title = one_line(self.title)  # as a talk's

    @property
    def plain_title(self) -> str:
        """The title (blank while to be announced) wherever no math is typeset."""
        return plain_text(self.title)


def material_upload_to(material: "Material", filename: str) -> str:
    """A name that cannot collide or leave the folder: the edition and a random name; the file's
    own name is kept apart (`Material.download_name`)."""
    return f"materials/{uuid.uuid4().hex}.pdf"


class Material(models.Model):
    """Slides, a poster, or a link (video, paper) for a talk or a poster."""

    class Kind(models.TextChoices):
        SLIDES = "slides", _("Slides")
        POSTER = "poster", _("Poster")
        VIDEO = "video", _("Video")
        PAPER = "paper", _("Paper")
        OTHER = "other", _("Other")

    talk = models.ForeignKey(
        Talk, on_delete=models.CASCADE, null=True, blank=True, related_name="materials"
    )
    poster = models.ForeignKey(
        Poster, on_delete=models.CASCADE, null=True, blank=True, related_name="materials"
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.SLIDES)
    file = models.FileField(upload_to=material_upload_to, blank=True, max_length=200)
    download_name = models.CharField(max_length=200, blank=True, editable=False)
    url = models.URLField("link", max_length=500, blank=True, help_text="arXiv, HAL, DOI, video…")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(talk__isnull=False, poster__isnull=True)
                | models.Q(talk__isnull=True, poster__isnull=False),
                name="material_of_a_talk_or_a_poster",
                violation_error_message="A material belongs to one talk or one poster.",
            ),
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(url=""),
                name="material_has_a_file_or_a_link",
                violation_error_message="Give a PDF file or a link.",
            ),
        ]

    def __str__(self):
        return self.download_name or self.url

    def get_absolute_url(self) -> str:
        """Where it is read: its PDF through the site (program.views.MaterialView, under its
        download name), or its link."""
        if not self.file:
            return self.url
        owner = self.talk if self.talk_id else self.poster
        return reverse(
            "program:material",
            kwargs={"edition": owner.workshop.slug, "pk": self.pk, "name": self.served_name},
        )

    @property
    def label(self) -> str:
        """What a link to it says: “Slides (PDF)”, “Video”."""
        return f"{self.get_kind_display()} (PDF)" if self.file else self.get_kind_display()

    @property
    def served_name(self) -> str:
        """The PDF's name for the reader (a file saved outside the forms may have none)."""
        return self.download_name or f"{self.kind}.pdf"


@receiver(post_delete, sender=Material, dispatch_uid="material_file_deleted")
def delete_material_file(sender, instance: Material, using, **kwargs) -> None:
    """A material's PDF leaves the storage with it, however it goes: the speaker's Remove button,
    a line deleted in the admin, its talk, poster or edition deleted. Once the deletion commits
    (a rolled-back one still needs the file); a storage that fails then is logged, not raised."""
    if instance.file:
        transaction.on_commit(
            functools.partial(instance.file.delete, save=False), using=using, robust=True
        )


@receiver(pre_save, sender=Material, dispatch_uid="material_file_replaced")
def delete_replaced_material_file(
    sender, instance: Material, using, raw=False, update_fields=None, **kwargs
) -> None:
    """A PDF replaced by another leaves the storage too: replacing keeps the material (its row,
    so its address), stores the new file under a new name, and the old one would stay behind.
    Once the replacement commits, as for a deletion (delete_material_file)."""
    if raw or instance.pk is None or (update_fields is not None and "file" not in update_fields):
        return
    stored = (
        sender.objects.using(using).filter(pk=instance.pk).values_list("file", flat=True).first()
    )
    # A file not committed yet is an upload, stored under a new name as this row saves.
    if stored and (not instance.file._committed or instance.file.name != stored):
        transaction.on_commit(
            functools.partial(instance.file.storage.delete, stored), using=using, robust=True
        )
