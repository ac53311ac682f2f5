"""Fixtures of the registration tests: a workshop open for registration under a frozen clock.

The clock stands at 15 October 2024, 10:00 in Paris: registration for the workshop (26–27
November 2024, deadline 11 November) is open. The workshop is small (3 seats), so that a few
registrations fill it.
"""

import datetime as dt
import importlib
import itertools
import signal
import socket
import zoneinfo
from pathlib import Path

import pytest
import time_machine
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from contributions import migrations as contributions_migrations
from program.models import Session, Workshop
from registration import migrations as registration_migrations
from registration import services
from registration.models import Option, Registration

from ..factories import OptionFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = dt.datetime(2024, 10, 15, 10, 0, tzinfo=PARIS)

LOCMEM_MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The organizer account of `admin_client` is created in every admin test: hash it fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _patient_lock_in_races(request, settings):
    """The PostgreSQL races (tests marked `postgres`) fire dozens of transactions at the
    edition's lock at once, far more than gunicorn's few workers ever do: on a busy machine the
    last ones may wait past the default bound (services.Busy). They prove the capacity, not the
    bound (test_lock_timeout.py does): let them wait."""
    if "postgres" in request.keywords:
        settings.REGISTRATION_LOCK_TIMEOUT_SECONDS = 60


@pytest.fixture
def clock():
    """The current time, frozen at NOW; move it with `clock.move_to(…)` or `clock.shift(…)`."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_workshop(**fields) -> Workshop:
    values = {
        "name": "Workshop on Low-Rank Approximations and their Interactions with Neural Networks",
        "acronym": "LoRAINNe'24",
        "slug": "lorainne24",
        "published": True,
        "description": "Low-rank matrix and tensor decompositions, and neural networks.",
        "starts_on": dt.date(2024, 11, 26),
        "ends_on": dt.date(2024, 11, 27),
        "timezone": "Europe/Paris",
        "venue_name": "IDMC",
        "venue_address": "13 rue Michel Ney, Nancy, France",
        "capacity": 3,
        "registration_deadline": dt.date(2024, 11, 11),
        "registration_terms": "Registration is free but mandatory (the capacity is limited).",
        "contact_email": "lorainne-orga@univ-lorraine.fr",
        # Most tests register in one step; test_address_confirmation.py turns this on.
        "confirm_addresses": False,
    }
    return Workshop.objects.create(**(values | fields))


def make_open_workshop(**fields) -> Workshop:
    """A workshop whose registration is open by the real clock, for tests with other processes
    or threads, which share no frozen time."""
    today = timezone.localdate()
    dates = {
        "starts_on": today + dt.timedelta(days=60),
        "ends_on": today + dt.timedelta(days=61),
        "registration_deadline": today + dt.timedelta(days=30),
    }
    return make_workshop(**(dates | fields))


@pytest.fixture
def open_workshop(db, clock) -> Workshop:
    """LoRAINNe'24 with 3 seats, registration open at the frozen clock."""
    return make_workshop()


@pytest.fixture
def cocktail_and_lunch(open_workshop) -> tuple[Option, Option]:
    """The open workshop's options, as the form shows them: the cocktail on the first evening,
    lunch on the second day."""
    cocktail = OptionFactory(
        workshop=open_workshop,
        label="Cocktail and posters",
        position=1,
        session__kind=Session.Kind.SOCIAL,
        session__title="Cocktail and posters",
        session__starts_at=dt.datetime(2024, 11, 26, 18, 0, tzinfo=PARIS),
        session__ends_at=dt.datetime(2024, 11, 26, 20, 30, tzinfo=PARIS),
    )
    lunch = OptionFactory(
        workshop=open_workshop,
        label="Lunch",
        position=2,
        session__kind=Session.Kind.MEAL,
        session__title="Lunch",
        session__starts_at=dt.datetime(2024, 11, 27, 12, 0, tzinfo=PARIS),
        session__ends_at=dt.datetime(2024, 11, 27, 13, 30, tzinfo=PARIS),
    )
    return cocktail, lunch


@pytest.fixture
def register_data() -> dict:
    """Keyword arguments of services.register() for André, who attends both days (26 and 27
    November 2024) and chooses no option (tests that need options add them)."""
    return {
        "first_name": "André",
        "last_name": "Lefèvre",
        "email": "andre@example.org",
        "affiliation": "Université de Lorraine, LORIA",
        "position": Registration.Position.PHD,
        "days": [dt.date(2024, 11, 26), dt.date(2024, 11, 27)],
        "dietary_requirements": "Vegetarian",
        "listed_publicly": False,
    }


@pytest.fixture
def andre(open_workshop, register_data) -> Registration:
    """André registered (register_data) for the open workshop."""
    return services.register(open_workshop, **register_data)


@pytest.fixture
def organizer_client(db) -> Client:
    """A client logged in as a superuser: the organizer of every admin page."""
    organizer = User.objects.create_superuser("orga", "orga@example.org", "not-used")
    client = Client()
    client.force_login(organizer)
    return client


@pytest.fixture
def form_data(register_data) -> dict:
    """The same answers as the public form posts them (unchecked boxes are left out)."""
    data = {
        name: value
        for name, value in register_data.items()
        if not isinstance(value, bool) and name != "days"
    }
    data |= {name: "on" for name, value in register_data.items() if value is True}
    data["days"] = [day.isoformat() for day in register_data["days"]]
    return data | {"privacy_consent": "on", "website": ""}


@pytest.fixture
def sign_up(register_data):
    """sign_up(workshop, **answers): register one more person (person-1@example.org, …), for
    every day of the workshop unless told."""
    counter = itertools.count(1)

    def sign_up(workshop: Workshop, **answers) -> Registration:
        number = next(counter)
        values = register_data | {
            "first_name": f"Person {number}",
            "last_name": "Test",
            "email": f"person-{number}@example.org",
            "days": workshop.days,
        }
        return services.register(workshop, **(values | answers))

    return sign_up


@pytest.fixture
def seed_people(seeded, sign_up, clock) -> list[Registration]:
    """Twelve people registered for LoRAINNe'24 as seeded (80 seats, addresses to confirm),
    confirmed: Person 1 Seed 01 <person-1@example.org>, …, Person 12 Seed 12."""
    return [
        sign_up(seeded, first_name=f"Person {n}", last_name=f"Seed {n:02}", address_confirmed=True)
        for n in range(1, 13)
    ]


@pytest.fixture
def full_workshop(open_workshop, sign_up) -> Workshop:
    """The open workshop with its 3 seats taken and 2 people waiting (person-4, then person-5)."""
    for _ in range(5):
        sign_up(open_workshop)
    return open_workshop


@pytest.fixture
def closed_smtp_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_down(settings, closed_smtp_port):
    """Outgoing mail goes to an SMTP server that refuses connections."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_smtp_port, "timeout": 2},
        }
    }
    return settings


@pytest.fixture
def run_db_worker():
    """run_db_worker(): `manage.py db_worker --batch`, which runs the due tasks and exits."""

    def run():
        # The worker installs its own SIGINT/SIGTERM handlers: give pytest its own back.
        saved = {
            sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
        }
        try:
            call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)

    return run


@pytest.fixture
def roles(db):
    """The groups of the roles, as the migrations made them (registration's, then the call for
    contributions' rights). A transactional test (a real server, parallel connections) empties
    every table when it ends, migrations' rows too: then they are made again, by the migrations'
    own functions."""
    if Group.objects.filter(name="organizer").exists():
        return
    [path] = Path(registration_migrations.__path__[0]).glob("*_roles_groups.py")
    migration = importlib.import_module(f"registration.migrations.{path.stem}")
    migration.create_roles(django_apps, schema_editor=None)
    [path] = Path(contributions_migrations.__path__[0]).glob("*_roles_permissions.py")
    migration = importlib.import_module(f"contributions.migrations.{path.stem}")
    migration.give_rights(django_apps, schema_editor=None)
