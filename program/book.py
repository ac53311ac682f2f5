"""The book of abstracts of an edition: a PDF (A4, WeasyPrint) and the same content as a page.

In order: a cover (the edition, its dates and venue), the timetable, each talk in program order
(title, speakers with their affiliations, time, abstract), the posters by number, and an index
of authors with the pages they appear on. The PDF has a bookmark for each part and each talk,
and its page numbers in the footer; its formulas are drawn as vector images (program/text.py,
`typeset` filters), the page's by KaTeX as on every other page.

A PDF is built once per content change, never per download (`book_pdf`): it is kept under the
edition's content version, which database triggers raise with any change to the edition or its
content (program/triggers.py), so no write path can leave a stale book behind. Kept twice:
- in the "default" cache, the one every web process shares in production (CACHE_URL, dbcache://
  or redis://): the first download after a change builds the book, every process then takes
  those bytes (with a per-process cache alone, each process would build it, seconds of work);
- in the "pages" cache, each process's memory (as the public pages): later downloads in that
  process cost no round trip for a megabyte from the shared cache.
"""

import dataclasses
import datetime as dt
import hashlib
import itertools
import threading

from django.core.cache import caches
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.translation import get_language

from .models import SPEAKERS_IN_ORDER, Poster, Session, Speaker, Talk, Workshop
from .pdf import font_family, html_to_pdf

# settings.CACHES: each process's memory, then the cache shared by the web processes.
CACHE_ALIASES = ("pages", "default")
# A book stays until its edition changes; the timeout only lets an edition left alone for a
# month make room (a changed edition's old book is never asked for again).
TIMEOUT_SECONDS = 30 * 24 * 3600


@dataclasses.dataclass(frozen=True)
class Slot:
    """A slot of the timetable, its times in the edition's zone."""

    session: Session
    day: dt.date
    starts: str
    ends: str


@dataclasses.dataclass(frozen=True)
class BookTalk:
    talk: Talk
    anchor: str  # the id of its part of the book, which the timetable and the index link to
    when: str  # "Tuesday 26 November 2024, 10:30–11:15", empty while to be announced


@dataclasses.dataclass(frozen=True)
class Appearance:
    """A talk or poster of an author, as the index links to it."""

    anchor: str
    label: str  # its plain title (the page's index shows it; the PDF's gives the page)


@dataclasses.dataclass(frozen=True)
class Author:
    speaker: Speaker
    appearances: list[Appearance]


@dataclasses.dataclass(frozen=True)
class Book:
    workshop: Workshop
    days: list[tuple[dt.date, list[Slot]]]
    talks: list[BookTalk]
    posters: list[Poster]
    authors: list[Author]


def talk_anchor(talk: Talk) -> str:
    return f"talk-{talk.pk}"


def poster_anchor(poster: Poster) -> str:
    return f"poster-{poster.number}"


def read_book(workshop: Workshop) -> Book:
    """The book's content in six queries however long it is: the program's four
    (Workshop.read_program), the posters and their presenters."""
    program = workshop.read_program()
    zone = workshop.tzinfo
    slots = []
    for session in program.sessions:
        starts = timezone.localtime(session.starts_at, zone)
        ends = timezone.localtime(session.ends_at, zone)
        slots.append(Slot(session, starts.date(), f"{starts:%H:%M}", f"{ends:%H:%M}"))
    days = [(day, list(group)) for day, group in itertools.groupby(slots, key=lambda s: s.day)]

    # Program order: the scheduled talks by time, then those with a time to be announced.
    talks = [
        BookTalk(
            slot.session.talk,
            talk_anchor(slot.session.talk),
            f"{dateformat.format(slot.day, 'l j F Y')}, {slot.starts}–{slot.ends}",
        )
        for slot in slots
        if slot.session.talk_id
    ] + [BookTalk(talk, talk_anchor(talk), "") for talk in program.unscheduled_talks]
    posters = list(
        workshop.posters.prefetch_related(
            Prefetch("presenters", queryset=SPEAKERS_IN_ORDER, to_attr="presenter_list")
        )
    )

    appearances: dict[int, list[Appearance]] = {}
    speakers: dict[int, Speaker] = {}
    for entry in talks:
        for speaker in entry.talk.speaker_list:
            speakers.setdefault(speaker.pk, speaker)
            appearances.setdefault(speaker.pk, []).append(
                Appearance(entry.anchor, entry.talk.plain_title)
            )
    for poster in posters:
        for speaker in poster.presenter_list:
            speakers.setdefault(speaker.pk, speaker)
            appearances.setdefault(speaker.pk, []).append(
                Appearance(poster_anchor(poster), str(poster))
            )
    authors = [
        Author(speaker, appearances[speaker.pk])
        for speaker in sorted(
            speakers.values(),
            key=lambda s: ((s.sort_name or s.name).casefold(), s.name.casefold()),
        )
    ]
    return Book(workshop=workshop, days=days, talks=talks, posters=posters, authors=authors)


def build_pdf(workshop: Workshop) -> bytes:
    """The book of `workshop` as PDF bytes, in the active language (its headings, dates)."""
    context = {"book": read_book(workshop), "fonts": font_family()}
    html = render_to_string("program/book/book.html", context)
    css = render_to_string("program/book/book.css", context)
    return html_to_pdf(html, css)


def cache_key(workshop: Workshop) -> str:
    """The book of this content version of the edition, in the active language."""
    return f"book:{workshop.pk}:{workshop.content_version}:{get_language()}"


# One build at a time in a process: the readers who ask while it builds (a worker's threads) wait
# for it and take its bytes, rather than build the same book again each (WeasyPrint holds the GIL:
# builds side by side would not end sooner).
_building = threading.Lock()


def _cached(key: str) -> bytes | None:
    """The book kept under `key`, from this process's memory, else from the shared cache (then
    kept in memory too)."""
    memory, shared = (caches[alias] for alias in CACHE_ALIASES)
    pdf = memory.get(key)
    if pdf is None:
        pdf = shared.get(key)
        if pdf is not None:
            memory.set(key, pdf, timeout=TIMEOUT_SECONDS)
    return pdf


def book_pdf(workshop: Workshop) -> bytes:
    """The book as PDF: from the cache while the edition's content is unchanged, else built and
    kept there. Two processes asking at once, right after a change, may each build it (the same
    bytes); within a process, one builds and the others wait for it."""
    key = cache_key(workshop)
    pdf = _cached(key)
    if pdf is None:
        with _building:
            pdf = _cached(key)  # built while this one waited
            if pdf is None:
                pdf = build_pdf(workshop)
                for alias in CACHE_ALIASES:
                    caches[alias].set(key, pdf, timeout=TIMEOUT_SECONDS)
    return pdf


def etag(workshop: Workshop) -> str:
    """A validator of the download that follows the content version (and the language)."""
    return hashlib.sha256(cache_key(workshop).encode()).hexdigest()[:32]


def filename(workshop: Workshop) -> str:
    return f"{workshop.slug}-book-of-abstracts.pdf"
