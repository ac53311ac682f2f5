"""What the room and the caterer need to know: who comes each day, to each option, and what
they eat. Reads only, no lock."""

import dataclasses
import datetime as dt
from collections import Counter

from django.db import models

from program.models import Workshop

from ..models import AttendedDay, Option, Registration, holds_option_place


@dataclasses.dataclass(frozen=True)
class Attendance:
    """How many confirmed people come each day and to each option, and their dietary
    requirements (the same words, whatever their case, grouped). An option also has the places
    held (the waiting list's too, models.holds_option_place), which its capacity limits."""

    workshop: Workshop
    days: list[tuple[dt.date, int]]
    options: list[tuple[Option, int, int]]
    dietary_requirements: list[tuple[str, int]]


def attendance(workshop: Workshop) -> Attendance:
    """Confirmed people per day, per option, per dietary requirement. Three queries, no lock."""
    confirmed = models.Q(registration__status=Registration.Status.CONFIRMED)
    per_day = dict(
        AttendedDay.objects.filter(confirmed, registration__workshop=workshop)
        .values_list("day")
        .annotate(people=models.Count("pk"))
        .order_by()
    )
    options = workshop.options.annotate(
        people=models.Count(
            "registrations",
            filter=models.Q(registrations__status=Registration.Status.CONFIRMED),
        ),
        held=models.Count("registrations", filter=holds_option_place("registrations__")),
    )
    requirements = workshop.registrations.confirmed().exclude(dietary_requirements="")
    spellings: dict[str, str] = {}  # the first way each requirement was written
    counts: Counter[str] = Counter()
    for text in requirements.order_by("created_at", "pk").values_list(
        "dietary_requirements", flat=True
    ):
        words = " ".join(text.split()).rstrip(".")
        if not words:
            continue
        key = words.casefold()
        spellings.setdefault(key, words[:1].upper() + words[1:])
        counts[key] += 1
    return Attendance(
        workshop=workshop,
        # Days the edition no longer has (its dates moved) stay visible while people hold them.
        days=[(day, per_day.get(day, 0)) for day in sorted({*workshop.days, *per_day})],
        options=[(option, option.people, option.held) for option in options],
        dietary_requirements=sorted(
            ((spellings[key], people) for key, people in counts.items()),
            key=lambda item: (-item[1], item[0].casefold()),
        ),
    )
