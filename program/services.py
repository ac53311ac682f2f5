"""Rules that write program content: starting the next edition from this one; what speakers
set on their own page, and the links that lead them there."""

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import normalize_newlines
from django.utils.translation import gettext, gettext_lazy

from .emails import queue_speaker_link
from .models import Material, Organizer, Poster, Session, Speaker, Talk, Workshop, new_token

# Sent by move_edition inside its transaction, after the edition and its timetable have moved by
# `days` days: each app moves the dates that are its own (registration: the days people attend).
# Arguments: edition (the Workshop as it now is), days (an int, negative when moved earlier).
edition_moved = Signal()

# Sent by start_next_edition inside its transaction, once the new edition and what the program
# copies of it (committee, speakers, timetable) exist: each app copies what is its own
# (registration: the options; the call for contributions: the call and its criteria).
# Arguments: source (the Workshop copied), edition (the new one).
edition_started = Signal()


def later(moment: dt.datetime, days: int, zone: dt.tzinfo) -> dt.datetime:
    """`moment` `days` days later at the same wall-clock time in `zone` (so 14:15 stays 14:15
    across a change of summer time)."""
    local = timezone.localtime(moment, zone)
    moved = dt.datetime.combine(local.date() + dt.timedelta(days=days), local.time(), tzinfo=zone)
    # In UTC: Python compares two times of one zone by their wall clocks, which is wrong on the
    # night the clocks change (02:45 is then later than 03:00).
    return moved.astimezone(dt.UTC)


def shift(moment: dt.datetime, source: Workshop, target: Workshop) -> dt.datetime:
    """`moment` of `source` moved to the same wall-clock time, as many days after `target`'s first
    day as it was after `source`'s."""
    return later(moment, (target.starts_on - source.starts_on).days, source.tzinfo)


# The dates of an edition that move with its first day, by as many days, when the edition is
# copied into the next one or moved (every other field of Workshop is no date).
MOVED_WITH_FIRST_DAY = (
    "ends_on",
    "registration_deadline",
    "changes_deadline",
    "registration_opens_at",
)


def moved_dates(workshop: Workshop, starts_on: dt.date) -> dict[str, object]:
    """The dates of `workshop` once it starts on `starts_on`: the first day and each of
    MOVED_WITH_FIRST_DAY, as many days later (or earlier), an instant at the same wall-clock
    time in the edition's zone; a blank one stays blank."""
    days = (starts_on - workshop.starts_on).days
    dates: dict[str, object] = {"starts_on": starts_on}
    for name in MOVED_WITH_FIRST_DAY:
        value = getattr(workshop, name)
        if isinstance(value, dt.datetime):
            value = later(value, days, workshop.tzinfo)
        elif value is not None:
            value += dt.timedelta(days=days)
        dates[name] = value
    return dates


def move_edition(workshop: Workshop, *, starts_on: dt.date) -> Workshop:
    """Move the edition to start on `starts_on`, and all its dates with it by as many days: the
    last day, the registration deadline, the changes deadline and opening (moved_dates), and every
    slot of its timetable at the same wall-clock time. Then `edition_moved` lets the other apps
    move what is theirs (registration: the days each person attends).

    One transaction that locks the workshop row first (as registrations do), so no registration
    is taken against half-moved dates. Raises ValidationError, with nothing moved, when the moved
    edition or a moved slot breaks a rule (a slot that overlaps another once summer time
    changes, say). Sends nothing. Returns the edition as it now is.
    """
    with transaction.atomic():
        edition = Workshop.objects.select_for_update().get(pk=workshop.pk)
        days = (starts_on - edition.starts_on).days
        for name, value in moved_dates(edition, starts_on).items():
            setattr(edition, name, value)
        edition.full_clean()
        edition.save()
        slots = list(edition.sessions.select_related("talk"))
        for slot in slots:
            slot.workshop = edition
            slot.starts_at = later(slot.starts_at, days, edition.tzinfo)
            slot.ends_at = later(slot.ends_at, days, edition.tzinfo)
        errors = []
        for slot in slots:
            slot.saved_with = frozenset(other.pk for other in slots)  # all move at once
            try:
                slot.full_clean()
            except ValidationError as invalid:
                errors += [f"{slot.plain_title}: {message}" for message in invalid.messages]
            errors += [
                f"{slot.plain_title}: {message}"
                for message in slot.overlap_errors([other for other in slots if other.pk < slot.pk])
            ]
        if errors:
            raise ValidationError(errors)
        Session.objects.bulk_update(slots, ["starts_at", "ends_at"])
        edition_moved.send(sender=Workshop, edition=edition, days=days)
    return edition


def suggest_next(text: str) -> str:
    """“LoRAINNe'24” → “LoRAINNe'25”, “2024” → “2025”: the last number in `text`, plus one."""
    numbers = list(re.finditer(r"\d+", text))
    if not numbers:
        return text
    last = numbers[-1]
    following = str(int(last[0]) + 1).zfill(len(last[0]))
    return text[: last.start()] + following + text[last.end() :]


# What a new edition does not take from the one it starts from as it is, each for a reason.
# Every other field of Workshop is copied: one added later is never silently lost.
NOT_COPIED = frozenset(
    {
        "id",  # a new row
        "name",  # the next five are asked for (NextEditionForm)
        "acronym",
        "slug",
        "starts_on",
        "confirm_addresses",  # ticked in the form whatever the source's: seats nobody can hoard
        *MOVED_WITH_FIRST_DAY,  # moved by as many days as the first day (moved_dates)
        "published",  # a new edition is a draft until the organizers publish it
        "sequence",  # the next three are kept by the database (triggers.py), from scratch
        "content_version",
        "content_changed_at",
    }
)


def start_next_edition(
    source: Workshop,
    *,
    name: str,
    acronym: str,
    slug: str,
    starts_on: dt.date,
    confirm_addresses: bool = True,
    copy_speakers: bool = False,
    copy_timetable: bool = False,
) -> Workshop:
    """A new edition, as a draft, from `source`: every field but those of NOT_COPIED (venue,
    time zone, capacity, registration terms, contact, practical information…), its organizing
    committee, and if asked its speakers and the shape of its timetable (the slots, with those
    of talks left as placeholders), every date moved to `starts_on`. It confirms addresses
    before a seat is held unless `confirm_addresses` is false, whatever `source` did. No
    registration is copied. Then `edition_started` lets the other apps copy what is theirs.
    One transaction; raises ValidationError on bad input (a slug taken, say) with nothing
    created.
    """
    with transaction.atomic():
        edition = Workshop(
            **{
                field.attname: getattr(source, field.attname)
                for field in Workshop._meta.concrete_fields
                if field.name not in NOT_COPIED
            },
            name=name,
            acronym=acronym,
            slug=slug,
            confirm_addresses=confirm_addresses,
            **moved_dates(source, starts_on),
        )
        edition.full_clean()
        edition.save()
        # Every field of each organizer (a role in both languages, one added later), as the
        # edition's own.
        Organizer.objects.bulk_create(
            Organizer(
                **{
                    field.attname: getattr(organizer, field.attname)
                    for field in Organizer._meta.concrete_fields
                    if field.name not in ("id", "workshop")
                },
                workshop=edition,
            )
            for organizer in source.organizers.all()
        )
        if copy_speakers:
            Speaker.objects.bulk_create(
                Speaker(
                    workshop=edition,
                    name=s.name,
                    sort_name=s.sort_name,
                    affiliation=s.affiliation,
                    homepage=s.homepage,
                    photo=s.photo.name,
                    language=s.language,
                )
                for s in source.speakers.all()
            )
        if copy_timetable:
            Session.objects.bulk_create(
                Session(
                    workshop=edition,
                    starts_at=shift(slot.starts_at, source, edition),
                    ends_at=shift(slot.ends_at, source, edition),
                    kind=slot.kind,
                    # A talk's slot keeps its shape: "Keynote", "Invited talk", to be filled.
                    title=slot.title or (slot.talk.get_kind_display() if slot.talk else ""),
                )
                for slot in source.sessions.select_related("talk")
            )
        edition_started.send(sender=Workshop, source=source, edition=edition)
    return edition


# Speakers' own pages -------------------------------------------------------------------------


class TextLocked(Exception):
    """The organizers locked the title and abstract of a talk (the program is printed)."""

    def __init__(self, talk: Talk):
        super().__init__(talk.pk)
        self.talk = talk
        self.message = gettext(
            "The organizers have locked the title and abstract of “%(title)s”, so your change "
            "to them was not saved, nor anything else on this page. To change them, write to "
            "the organizers."
        ) % {"title": talk.plain_title}


class NotYourMaterial(Exception):
    message = gettext_lazy(
        "That file or link is not one of your talk's or poster's: nothing was changed."
    )


def same_text(a: str, b: str) -> bool:
    """Whether two texts are the same once line ends are alike (a browser sends CR LF)."""
    return normalize_newlines(a) == normalize_newlines(b)


def save_speaker_page(
    speaker: Speaker,
    *,
    affiliation: str,
    homepage: str,
    talk_texts: dict[int, tuple[str, str]],
    poster_texts: dict[int, tuple[str, str]],
    materials: Sequence[Material] = (),
) -> None:
    """Save what a speaker set on their own page, all or nothing, and when they answered: when
    something changed (a form sent again as it was is no answer).

    `talk_texts` and `poster_texts` map a talk's or poster's id to its (title, abstract); only
    those of the speaker's own talks and posters of their edition are read, whatever ids come
    in. Locks the speaker and their talks, so that a talk an organizer locks meanwhile stays as
    it is: a change to a locked talk raises TextLocked and nothing is saved. `materials` are new,
    unsaved slides or links of those talks and posters (program/materials.py checked them).
    The database records the change for the site and calendars (program/triggers.py).
    """
    with transaction.atomic():
        speaker = Speaker.objects.select_for_update().get(pk=speaker.pk)
        talks = Talk.objects.select_for_update().filter(
            pk__in=speaker.talks.filter(workshop=speaker.workshop_id).values("pk")
        )
        changed = bool(materials)
        for talk in talks.filter(pk__in=talk_texts):
            title, abstract = talk_texts[talk.pk]
            if same_text(talk.title, title) and same_text(talk.abstract, abstract):
                continue
            if talk.text_locked:
                raise TextLocked(talk)
            talk.title, talk.abstract = title, normalize_newlines(abstract)
            talk.full_clean()
            talk.save(update_fields=["title", "abstract"])
            changed = True
        posters = Poster.objects.filter(
            workshop=speaker.workshop_id, presenters=speaker, pk__in=poster_texts
        )
        for poster in posters:
            title, abstract = poster_texts[poster.pk]
            if same_text(poster.title, title) and same_text(poster.abstract, abstract):
                continue
            poster.title, poster.abstract = title, normalize_newlines(abstract)
            poster.full_clean()
            poster.save(update_fields=["title", "abstract"])
            changed = True
        if (speaker.affiliation, speaker.homepage) != (affiliation, homepage):
            speaker.affiliation, speaker.homepage = affiliation, homepage
            speaker.full_clean()
            changed = True
        if changed:
            speaker.answered_at = timezone.now()
            speaker.save(update_fields=["affiliation", "homepage", "answered_at"])
        for material in materials:
            material.save()  # last: the file is stored only once everything else holds


def speaker_materials(speaker: Speaker):
    """The slides and links of the speaker's own talks and posters of their edition."""
    return Material.objects.filter(
        Q(talk__speakers=speaker, talk__workshop=speaker.workshop_id)
        | Q(poster__presenters=speaker, poster__workshop=speaker.workshop_id)
    ).distinct()


def remove_material(speaker: Speaker, material_id: int) -> Material:
    """Remove a file or link of the speaker's own talk or poster (raises NotYourMaterial for any
    other); the file leaves the storage once the removal commits (models.delete_material_file)."""
    with transaction.atomic():
        material = speaker_materials(speaker).filter(pk=material_id).first()
        if material is None:
            raise NotYourMaterial
        material.delete()
        Speaker.objects.filter(pk=speaker.pk).update(answered_at=timezone.now())
    return material


def replace_material_file(speaker: Speaker, material: Material) -> None:
    """Save the new PDF of a file of the speaker's own talk or poster (ReplacePDFForm checked
    and named it; raises NotYourMaterial for any other): the same material, so the same address.
    The old file leaves the storage once this commits (models.delete_replaced_material_file)."""
    with transaction.atomic():
        if not speaker_materials(speaker).exclude(file="").filter(pk=material.pk).exists():
            raise NotYourMaterial
        material.save()
        Speaker.objects.filter(pk=speaker.pk).update(answered_at=timezone.now())


def send_speaker_links(speakers: Iterable[Speaker]) -> tuple[list[Speaker], list[Speaker]]:
    """Email each speaker their personal link: owed through the outbox (mail/) with the caller's
    transaction, sent once it commits, retried and recorded like any other email. Returns (those
    it goes to, those without an address)."""
    speakers = list(speakers)
    with_address = [speaker for speaker in speakers if speaker.email]
    with transaction.atomic():
        for speaker in with_address:
            queue_speaker_link(speaker)
    return with_address, [speaker for speaker in speakers if not speaker.email]


def revoke_speaker_links(speakers: Iterable[Speaker]) -> tuple[list[Speaker], list[Speaker]]:
    """Give each speaker a new token, so that the link sent before leads nowhere, and email them
    the new one. Returns what send_speaker_links returns."""
    speakers = list(speakers)
    with transaction.atomic():
        for speaker in speakers:
            speaker.token = new_token()
            speaker.save(update_fields=["token"])
        return send_speaker_links(speakers)
