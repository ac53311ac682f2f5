"""The benchmark's data: LoRAINNe'24 as loaded by its fixture, and a large synthetic workshop.

The public site shows the workshop that starts last, so the benchmark switches which one is
current by moving the other one's dates into the past (`make_current`). Database triggers raise
the workshop's `content_version` on every such change, and with it the pages' cache keys.

Imported only after `django.setup()`.
"""

import dataclasses
import datetime as dt
import zoneinfo

from django.core.management import call_command
from django.db.models import F

from program.models import Organizer, Poster, Session, Speaker, Talk, Workshop
from registration.models import Registration

TALKS = 500
SPEAKERS = 200
SCHEDULED_TALKS = 400  # the other 100 are "time to be announced"
TALK_SLOTS_PER_DAY = 20
POSTERS = 200
PARIS = zoneinfo.ZoneInfo("Europe/Paris")

ABSTRACT = (
    "We study low-rank approximations of the weight matrices $W \\in \\mathbb{{R}}^{{m \\times n}}$ "
    "of deep network number {i}, and show that a rank-$r$ factorisation $W \\approx U V^\\top$ "
    "keeps the accuracy within $\\varepsilon$ when the spectrum decays fast enough. The analysis "
    "relies on the Eckart–Young theorem and on tensor decompositions (CP, Tucker, tensor train) "
    "of the convolution kernels; experiments on image and language benchmarks confirm it.\n\n"
    "This is joint work with colleagues from several laboratories; it connects implicit "
    "regularisation in gradient descent with the low-rank structure of trained networks."
)


@dataclasses.dataclass(frozen=True)
class Edition:
    """A workshop of the benchmark and the pages measured on it."""

    label: str
    workshop_id: int
    starts_on: dt.date
    ends_on: dt.date
    talk_path: str

    @property
    def workshop(self) -> Workshop:
        return Workshop.objects.get(pk=self.workshop_id)


def load_lorainne(*, today: dt.date) -> Edition:
    """Load the LoRAINNe'24 fixture and move it, sessions included, 60 days into the future.

    Registration is then open (deadline in 30 days), as during the weeks the site is busiest.
    """
    call_command("loaddata", "lorainne24", "lorainne24_options", verbosity=0)
    workshop = Workshop.objects.get(slug="lorainne24")
    shift = today + dt.timedelta(days=60) - workshop.starts_on
    Session.objects.filter(workshop=workshop).update(
        starts_at=F("starts_at") + shift, ends_at=F("ends_at") + shift
    )
    workshop.starts_on += shift
    workshop.ends_on += shift
    workshop.registration_deadline = today + dt.timedelta(days=30)
    workshop.registration_opens_at = None
    workshop.save()
    return Edition(
        label=workshop.acronym,
        workshop_id=workshop.pk,
        starts_on=workshop.starts_on,
        ends_on=workshop.ends_on,
        talk_path="/program/talks/cohen-implicit-regularization/",
    )


def build_large_workshop(*, today: dt.date) -> Edition:
    """Create a workshop with 500 talks by 200 speakers, 400 of them in a 20-day timetable
    (coffee breaks, lunches, a poster session each day), and 200 posters, with bulk_create.

    Talks have one to three speakers; posters one or two presenters.
    """
    days = SCHEDULED_TALKS // TALK_SLOTS_PER_DAY
    starts_on = today + dt.timedelta(days=120)
    workshop = Workshop.objects.create(
        name="Large synthetic workshop on tensor methods",
        acronym="Synth'99",
        slug="synthetic",
        published=True,
        description="A workshop as large as the site should ever hold, for the benchmark.",
        schedule_note="Twenty days of talks.",
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=days - 1),
        venue_name="Benchmark hall",
        venue_address="Nancy, France",
        capacity=400,
        registration_deadline=today + dt.timedelta(days=90),
        registration_terms="Registration is free but mandatory.",
        contact_email="bench@example.org",
    )
    speakers = Speaker.objects.bulk_create(
        Speaker(
            workshop=workshop,
            name=f"Speaker Number {i}",
            sort_name=f"Number {i:04}",
            affiliation=f"Laboratory {i % 37}, University {i % 11}",
            homepage=f"https://people.example.org/speaker-{i}/",
        )
        for i in range(SPEAKERS)
    )
    talks = Talk.objects.bulk_create(
        Talk(
            workshop=workshop,
            slug=f"talk-{i:03}",
            title=f"Low-rank structure of deep networks, part {i}: tensors and factorisations",
            abstract=ABSTRACT.format(i=i),
            kind=Talk.Kind.KEYNOTE if i % 20 == 0 else Talk.Kind.INVITED,
        )
        for i in range(TALKS)
    )
    TalkSpeaker = Talk.speakers.through
    TalkSpeaker.objects.bulk_create(
        TalkSpeaker(talk=talk, speaker=speakers[(i + shift) % SPEAKERS])
        for i, talk in enumerate(talks)
        for shift in range(1 + i % 3)
    )
    sessions = []
    for day in range(days):
        clock = dt.datetime.combine(starts_on + dt.timedelta(days=day), dt.time(9), tzinfo=PARIS)

        def slot(minutes: int, **fields) -> None:
            nonlocal clock
            end = clock + dt.timedelta(minutes=minutes)
            sessions.append(Session(workshop=workshop, starts_at=clock, ends_at=end, **fields))
            clock = end

        for n in range(TALK_SLOTS_PER_DAY):
            slot(25, talk=talks[day * TALK_SLOTS_PER_DAY + n])
            if n == 9:
                slot(75, kind=Session.Kind.MEAL, title="Lunch")
            elif n % 5 == 4:
                slot(30, kind=Session.Kind.BREAK, title="Coffee break")
        slot(90, kind=Session.Kind.POSTERS, title="Poster session")
    Session.objects.bulk_create(sessions)
    posters = Poster.objects.bulk_create(
        Poster(
            workshop=workshop,
            number=i + 1,
            title=f"Tensor networks for compression, poster {i + 1}",
            abstract="A $k$-rank Tucker model of convolution kernels.",
        )
        for i in range(POSTERS)
    )
    PosterPresenter = Poster.presenters.through
    PosterPresenter.objects.bulk_create(
        PosterPresenter(poster=poster, speaker=speakers[(i * 7 + shift) % SPEAKERS])
        for i, poster in enumerate(posters)
        for shift in range(1 + i % 2)
    )
    Organizer.objects.bulk_create(
        Organizer(workshop=workshop, name=f"Organizer {i}", position=i) for i in range(5)
    )
    return Edition(
        label=workshop.acronym,
        workshop_id=workshop.pk,
        starts_on=workshop.starts_on,
        ends_on=workshop.ends_on,
        talk_path=f"/program/talks/{talks[TALK_SLOTS_PER_DAY * 10 + 3].slug}/",
    )


def make_current(edition: Edition, *, among: list[Edition]) -> None:
    """Make `edition` the workshop the site shows: its own dates, the others' a year earlier."""
    for other in among:
        if other is edition:
            continue
        workshop = other.workshop
        workshop.starts_on = edition.starts_on - dt.timedelta(days=365)
        workshop.ends_on = workshop.starts_on + (other.ends_on - other.starts_on)
        workshop.save()
    workshop = edition.workshop
    workshop.starts_on, workshop.ends_on = edition.starts_on, edition.ends_on
    workshop.save()
    if Workshop.objects.current().pk != edition.workshop_id:
        raise RuntimeError(f"{edition.label} did not become the current workshop")


def leave_free_seats(edition: Edition, seats: int) -> None:
    """Set the capacity so that exactly `seats` seats are free."""
    workshop = edition.workshop
    taken = Registration.objects.filter(
        workshop=workshop, status=Registration.Status.CONFIRMED
    ).count()
    workshop.capacity = taken + seats
    workshop.save()
