"""Factories with realistic defaults: a workshop in Nancy, times in Europe/Paris.

Each new workshop is next year's edition (late November, from 2026 on), so the last one built is
the current workshop (the one the site shows), and later than the LoRAINNe'24 seed (2024).
"""

import datetime as dt
import zoneinfo

import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from program.models import Organizer, Poster, Session, Speaker, Talk, Workshop
from registration.models import Option

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris_time(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime on `day` at hour:minute, Europe/Paris time."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


class WorkshopFactory(DjangoModelFactory):
    class Meta:
        model = Workshop

    name = "Workshop on Low-Rank Approximations and their Interactions with Neural Networks"
    acronym = factory.Sequence(lambda n: f"LoRAINNe'{(26 + n) % 100:02}")
    slug = factory.Sequence(lambda n: f"lorainne-{2026 + n}")
    published = True
    description = (
        "This workshop explores low-rank matrix and tensor decompositions and their interactions "
        "with neural networks and machine learning at large."
    )
    schedule_note = (
        "We start after lunch on the first day and finish in the afternoon of the second."
    )
    starts_on = factory.Sequence(lambda n: dt.date(2026 + n, 11, 24))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=1))
    timezone = "Europe/Paris"
    venue_name = "IDMC (Institut des Sciences du Digital)"
    venue_address = "Nancy, France"
    venue_directions_url = "https://www.openstreetmap.org/#map=16/48.69352/6.17392"
    capacity = 80
    # Most tests register in one step; the address-confirmation tests turn this on.
    confirm_addresses = False
    registration_opens_at = None
    registration_deadline = factory.LazyAttribute(lambda o: o.starts_on - dt.timedelta(days=15))
    registration_terms = "Registration is free but mandatory (the capacity is limited)."
    contact_email = "firstname.lastname@univ-lorraine.fr"


class OrganizerFactory(DjangoModelFactory):
    class Meta:
        model = Organizer

    workshop = factory.SubFactory(WorkshopFactory)
    name = factory.Faker("name")
    url = ""
    position = factory.Sequence(lambda n: n + 1)


class SpeakerFactory(DjangoModelFactory):
    class Meta:
        model = Speaker

    workshop = factory.SubFactory(WorkshopFactory)
    name = factory.Faker("name")
    sort_name = factory.LazyAttribute(lambda o: o.name.split()[-1])
    affiliation = factory.Iterator(
        [
            "Université de Lorraine, Nancy",
            "KU Leuven, Belgium",
            "INRIA Bordeaux",
            "EPFL, Switzerland",
        ]
    )
    homepage = factory.LazyAttribute(lambda o: f"https://people.example.org/{slugify(o.name)}/")


class TalkFactory(DjangoModelFactory):
    """A talk with one new speaker, unless given `speakers=[…]` (`speakers=[]` for none)."""

    class Meta:
        model = Talk
        skip_postgeneration_save = True

    workshop = factory.SubFactory(WorkshopFactory)
    title = factory.Iterator(
        [
            "Tensor decompositions for neural network compression",
            "Low-rank adaptation of large language models",
            "Randomized algorithms for low-rank matrix approximation",
            "Nonnegative matrix factorization with sparsity constraints",
        ]
    )
    slug = factory.Sequence(lambda n: f"talk-{n}")
    abstract = (
        "We show how a low-rank structure of the weights reduces the memory a network needs.\n\n"
        "Experiments on image classification support the analysis."
    )
    kind = Talk.Kind.INVITED

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [SpeakerFactory(workshop=self.workshop)]
        self.speakers.add(*extracted)


class SessionFactory(DjangoModelFactory):
    """A 30-minute slot with a talk at 9:00 on the workshop's first day, Europe/Paris time.

    `SessionFactory(coffee_break=True)` is a slot without a talk.
    """

    class Meta:
        model = Session

    class Params:
        coffee_break = factory.Trait(kind=Session.Kind.BREAK, title="Coffee break", talk=None)

    workshop = factory.SubFactory(WorkshopFactory)
    starts_at = factory.LazyAttribute(lambda o: paris_time(o.workshop.starts_on, 9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=30))
    kind = Session.Kind.TALK
    title = ""
    talk = factory.SubFactory(TalkFactory, workshop=factory.SelfAttribute("..workshop"))


class PosterFactory(DjangoModelFactory):
    """A poster with one new presenter, unless given `presenters=[…]`."""

    class Meta:
        model = Poster
        skip_postgeneration_save = True

    workshop = factory.SubFactory(WorkshopFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "Tensor-based neural network compression with flexible activation functions"
    abstract = "We compress the layers of a network with a tensor decomposition of rank $r$."

    @factory.post_generation
    def presenters(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [SpeakerFactory(workshop=self.workshop)]
        self.presenters.add(*extracted)


class OptionFactory(DjangoModelFactory):
    """An option people may choose when they register: a lunch in the workshop's timetable
    (12:00–13:30 on its first day, Europe/Paris time), with no limit of places."""

    class Meta:
        model = Option

    workshop = factory.SubFactory(WorkshopFactory)
    label = factory.Sequence(lambda n: f"Lunch {n + 1}")
    session = factory.SubFactory(
        SessionFactory,
        workshop=factory.SelfAttribute("..workshop"),
        kind=Session.Kind.MEAL,
        title="Lunch",
        talk=None,
        starts_at=factory.LazyAttribute(lambda o: paris_time(o.workshop.starts_on, 12)),
        ends_at=factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=90)),
    )
    capacity = None
    position = factory.Sequence(lambda n: n + 1)
