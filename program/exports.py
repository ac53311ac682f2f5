"""The program for other software: schema.org JSON-LD and a JSON document. Pure functions."""

from collections.abc import Iterable

from django.urls import reverse

from .models import Material, Poster, Session, Speaker, Talk, Workshop
from .text import plain_text


def _place(workshop: Workshop) -> dict:
    return {
        "@type": "Place",
        "name": workshop.venue_name,
        "address": workshop.venue_address,
        **({"hasMap": workshop.venue_directions_url} if workshop.venue_directions_url else {}),
    }


def _person(speaker: Speaker) -> dict:
    person = {"@type": "Person", "name": speaker.name}
    if speaker.affiliation:
        person["affiliation"] = {"@type": "Organization", "name": speaker.affiliation}
    if speaker.homepage:
        person["url"] = speaker.homepage
    return person


def workshop_event(workshop: Workshop, *, base_url: str, organizers: Iterable = ()) -> dict:
    """schema.org Event for the workshop: place, dates, organizers, free admission and deadline."""
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": f"{workshop.acronym}: {workshop.name}",
        "description": workshop.description,
        "startDate": workshop.starts_on.isoformat(),
        "endDate": workshop.ends_on.isoformat(),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "eventStatus": "https://schema.org/EventScheduled",
        "location": _place(workshop),
        "organizer": [
            {"@type": "Organization" if organizer.url else "Person", "name": organizer.name}
            | ({"url": organizer.url} if organizer.url else {})
            for organizer in organizers
        ],
        "offers": {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "EUR",
            "availability": "https://schema.org/LimitedAvailability",
            "url": base_url + reverse("registration:register", kwargs={"edition": workshop.slug}),
            "validThrough": workshop.last_registration_moment.isoformat(),
        },
        "maximumAttendeeCapacity": workshop.capacity,
        "url": base_url + workshop.get_absolute_url(),
    }


def talk_event(talk: Talk, workshop: Workshop, *, base_url: str) -> dict:
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": talk.plain_title,
        "url": base_url + talk.get_absolute_url(),
        "location": _place(workshop),
        "performer": [_person(speaker) for speaker in talk.speakers.all()],
        "superEvent": {
            "@type": "Event",
            "name": workshop.acronym,
            "url": base_url + workshop.get_absolute_url(),
        },
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    }
    if talk.abstract:
        event["description"] = plain_text(talk.abstract)
    session = getattr(talk, "session", None)
    if session is not None:
        event["startDate"] = session.starts_at.astimezone(workshop.tzinfo).isoformat()
        event["endDate"] = session.ends_at.astimezone(workshop.tzinfo).isoformat()
    return event


def program_document(
    workshop: Workshop,
    sessions: Iterable[Session],
    talks: Iterable[Talk],
    posters: Iterable[Poster],
    *,
    base_url: str,
) -> dict:
    """The whole program as one JSON document (format version 1, documented in the README).
    Beside each field that may hold `$…$` math (`title`), its readable text (`title_text`).

    `sessions` and `talks` as Workshop.read_program() reads them (a talk's times are those of its
    slot among `sessions`), `posters` with `presenter_list` and `material_list` (views.py)."""
    tz = workshop.tzinfo
    sessions = list(sessions)
    slots = {session.talk_id: session for session in sessions if session.talk_id}

    def talk_data(talk: Talk) -> dict:
        session = slots.get(talk.pk)
        return {
            "id": str(talk.uid),
            "slug": talk.slug,
            "title": talk.title,
            "title_text": plain_text(talk.title),
            "kind": talk.kind,
            "abstract": talk.abstract,
            "abstract_text": plain_text(talk.abstract),
            "speakers": [_speaker_data(speaker) for speaker in talk.speaker_list],
            "start": session.starts_at.astimezone(tz).isoformat() if session else None,
            "end": session.ends_at.astimezone(tz).isoformat() if session else None,
            "url": base_url + talk.get_absolute_url(),
            "materials": [_material_data(material, base_url) for material in talk.material_list],
        }

    return {
        "version": 1,
        "workshop": {
            "name": workshop.name,
            "acronym": workshop.acronym,
            "start_date": workshop.starts_on.isoformat(),
            "end_date": workshop.ends_on.isoformat(),
            "timezone": workshop.timezone,
            "venue": {
                "name": workshop.venue_name,
                "address": workshop.venue_address,
                "directions": workshop.venue_directions_url,
            },
            "registration_deadline": workshop.last_registration_moment.isoformat(),
            "url": base_url + workshop.get_absolute_url(),
            "calendar": base_url + reverse("program:calendar", kwargs={"edition": workshop.slug}),
        },
        "sessions": [
            {
                "id": str(session.talk.uid if session.talk_id else session.uid),
                "start": session.starts_at.astimezone(tz).isoformat(),
                "end": session.ends_at.astimezone(tz).isoformat(),
                "kind": session.kind,
                "title": session.display_title,
                "title_text": session.plain_title,
                "talk": session.talk.slug if session.talk_id else None,
            }
            for session in sessions
        ],
        "talks": [talk_data(talk) for talk in talks],
        "posters": [
            {
                "number": poster.number,
                "title": poster.title,
                "title_text": poster.plain_title,
                "abstract": poster.abstract,
                "abstract_text": plain_text(poster.abstract),
                "presenters": [_speaker_data(person) for person in poster.presenter_list],
                "materials": [
                    _material_data(material, base_url) for material in poster.material_list
                ],
            }
            for poster in posters
        ],
    }


def _material_data(material: Material, base_url: str) -> dict:
    """A PDF (served by the site, `name` its download name) or a link (`name` null)."""
    if material.file:
        url, name = base_url + material.get_absolute_url(), material.served_name
    else:
        url, name = material.url, None
    return {"kind": material.kind, "url": url, "name": name}


def _speaker_data(speaker: Speaker) -> dict:
    return {"name": speaker.name, "affiliation": speaker.affiliation, "homepage": speaker.homepage}
