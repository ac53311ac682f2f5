"""The data migration that turned the four booleans into days and options, both ways.

These tests move the registration tables back to their schema of migration 0002 and forward
again, in real transactions (`transaction=True`), as `manage.py migrate` does.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from program import triggers
from program.models import Session
from registration import services
from registration.models import Option, Registration

from ..factories import SessionFactory
from .conftest import NOW, PARIS, make_workshop

BEFORE = ("registration", "0002_export_headers_from_verbose_names")
AFTER = ("registration", "0004_remove_the_day_and_meal_booleans")
BEFORE_MENDING = ("registration", "0013_announcement_help_braces")


def _latest():
    """Every app at its newest migration: `migrate` with no target."""
    return None


def _migrate(target):
    """Migrate registration to `target` (None: everything to the newest) as `manage.py migrate`
    does, with program's content triggers off while tables change and back after (a later
    program migration that depends on registration is unapplied with it); the apps as the
    applied migrations leave them."""
    call_command("migrate", *(target or ()), verbosity=0)
    loader = MigrationLoader(connection)
    return loader.project_state(list(loader.applied_migrations)).apps


@pytest.fixture
def before_the_migration(db):
    """The registration tables of migration 0002 (the booleans), and the latest schema after."""
    old_apps = _migrate(BEFORE)
    try:
        yield old_apps
    finally:
        _migrate(_latest())  # the tables of later migrations too, for the tests that follow


def _slots(workshop):
    cocktail = SessionFactory(
        workshop=workshop,
        talk=None,
        kind=Session.Kind.SOCIAL,
        title="Cocktail + posters",
        starts_at=dt.datetime(2024, 11, 26, 17, 30, tzinfo=PARIS),
    )
    lunch = SessionFactory(
        workshop=workshop,
        talk=None,
        kind=Session.Kind.MEAL,
        title="Lunch break",
        starts_at=dt.datetime(2024, 11, 27, 12, 30, tzinfo=PARIS),
    )
    return cocktail, lunch


@pytest.mark.django_db(transaction=True)
def test_migration_turns_the_booleans_into_days_and_options(request):
    # The editions written with today's models, so before going back to the old tables (later
    # migrations add columns to the workshop's).
    workshop = make_workshop()
    cocktail_slot, lunch_slot = _slots(workshop)
    make_workshop(slug="lorainne25", acronym="LoRAINNe'25")  # no registration: no option
    before_the_migration = request.getfixturevalue("before_the_migration")
    OldRegistration = before_the_migration.get_model("registration", "Registration")
    person = {"affiliation": "LORIA", "position": "phd", "privacy_consent_at": NOW}
    first_day_and_cocktail = OldRegistration.objects.create(
        workshop_id=workshop.pk,
        first_name="André",
        last_name="Lefèvre",
        email="andre@example.org",
        attends_day_one=True,
        attends_day_two=False,
        attends_cocktail=True,
        attends_lunch=False,
        **person,
    )
    everything = OldRegistration.objects.create(
        workshop_id=workshop.pk,
        first_name="Ольга",
        last_name="Иштева",
        email="olga@example.org",
        attends_day_one=True,
        attends_day_two=True,
        attends_cocktail=True,
        attends_lunch=True,
        **person,
    )

    _migrate(AFTER)
    # Read back with today's models, so with today's tables (later migrations add columns).
    _migrate(_latest())

    options = list(workshop.options.select_related("session"))
    assert [(o.label, o.session, o.capacity) for o in options] == [
        ("Cocktail and posters", cocktail_slot, None),
        ("Lunch", lunch_slot, None),
    ]
    assert Registration.objects.get(pk=first_day_and_cocktail.pk).parts == [
        "Tuesday 26 November",
        "Cocktail and posters",
    ]
    assert Registration.objects.get(pk=everything.pk).parts == [
        "Tuesday 26 November",
        "Wednesday 27 November",
        "Cocktail and posters",
        "Lunch",
    ]
    assert not Option.objects.filter(workshop__slug="lorainne25").exists()


@pytest.mark.django_db(transaction=True)
def test_migration_backwards_turns_the_days_and_options_into_booleans(clock):
    workshop = make_workshop()
    _slots(workshop)
    wednesday_only = services.register(
        workshop,
        first_name="André",
        last_name="Lefèvre",
        email="andre@example.org",
        affiliation="LORIA",
        position="phd",
        days=[dt.date(2024, 11, 27)],
    )

    old_apps = _migrate(BEFORE)
    try:
        old = old_apps.get_model("registration", "Registration").objects.get(pk=wednesday_only.pk)
        booleans = (
            old.attends_day_one,
            old.attends_day_two,
            old.attends_cocktail,
            old.attends_lunch,
        )
    finally:
        _migrate(_latest())

    assert booleans == (False, True, False, False)


@pytest.mark.django_db(transaction=True)
def test_mend_option_slots_migration_lets_another_edition_slot_go(clock):
    lorainne24 = make_workshop()
    cocktail_24, _ = _slots(lorainne24)
    lorainne25 = make_workshop(slug="lorainne25", acronym="LoRAINNe'25")
    cocktail_25 = SessionFactory(workshop=lorainne25, talk=None, kind=Session.Kind.SOCIAL)
    # Saved as before the database refused it (no triggers then), with today's models (later
    # migrations add columns to the options' table), then taken back to the tables of then.
    triggers.uninstall(connection)
    try:
        wrong = Option.objects.create(workshop=lorainne25, label="Cocktail", session=cocktail_24)
        Option.objects.create(workshop=lorainne25, label="Posters", session=cocktail_25)
        chosen = services.register(
            lorainne25,
            first_name="André",
            last_name="Lefèvre",
            email="andre@example.org",
            affiliation="LORIA",
            position="phd",
            options=[wrong],
        )
        _migrate(BEFORE_MENDING)
    finally:
        _migrate(_latest())

    options = Option.objects.filter(workshop=lorainne25).order_by("label")
    assert [(o.label, o.session) for o in options] == [("Cocktail", None), ("Posters", cocktail_25)]
    assert list(Registration.objects.get(pk=chosen.pk).options.all()) == [wrong]
