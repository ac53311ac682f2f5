"""The database raises a workshop's content_version on every change to its content, whatever
writes it (the page cache keys pages by it: a missed change would be a stale page)."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.db.migrations.loader import MigrationLoader

from program import triggers
from program.models import Organizer, Poster, Session, Speaker, Talk, Workshop
from registration.models import Option
from tests.factories import (
    OptionFactory,
    OrganizerFactory,
    PosterFactory,
    SessionFactory,
    SpeakerFactory,
    TalkFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db


def version(workshop: Workshop) -> int:
    return Workshop.objects.values_list("content_version", flat=True).get(pk=workshop.pk)


@pytest.fixture
def workshop() -> Workshop:
    return WorkshopFactory()


@pytest.fixture
def other() -> Workshop:
    return WorkshopFactory()


CHANGES = {
    "organizer": lambda w: OrganizerFactory(workshop=w),
    "speaker": lambda w: SpeakerFactory(workshop=w),
    "talk": lambda w: TalkFactory(workshop=w, speakers=[]),
    "session": lambda w: SessionFactory(workshop=w),
    "poster": lambda w: PosterFactory(workshop=w, presenters=[]),
}


@pytest.mark.parametrize("kind", CHANGES)
def test_insert_update_and_delete_each_raise_the_version(workshop, other, kind):
    before = version(workshop)
    row = CHANGES[kind](workshop)
    after_insert = version(workshop)
    assert after_insert > before

    type(row).objects.filter(pk=row.pk).update(workshop=workshop)  # no field really changes
    after_update = version(workshop)
    assert after_update > after_insert

    other_before = version(other)
    row.delete()
    assert version(workshop) > after_update
    assert version(other) == other_before  # only the workshop that changed


def test_moving_a_row_to_another_workshop_raises_both(workshop, other):
    speaker = SpeakerFactory(workshop=workshop)
    before, other_before = version(workshop), version(other)

    Speaker.objects.filter(pk=speaker.pk).update(workshop=other)

    assert version(workshop) > before
    assert version(other) > other_before


def test_attaching_and_detaching_speakers_raise_the_version(workshop):
    speaker = SpeakerFactory(workshop=workshop)
    talk = TalkFactory(workshop=workshop, speakers=[])
    poster = PosterFactory(workshop=workshop, presenters=[])

    for related in (talk.speakers, poster.presenters):
        before = version(workshop)
        related.add(speaker)
        added = version(workshop)
        related.remove(speaker)
        assert before < added < version(workshop)


def test_raw_sql_is_seen_too(workshop):
    talk = TalkFactory(workshop=workshop)
    before = version(workshop)

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Talk._meta.db_table} SET title = %s WHERE id = %s", ["New", talk.pk]
        )

    assert version(workshop) > before


def test_saving_a_stale_workshop_still_raises_its_version(workshop):
    """Django's save() writes back the version it read; the database raises it anyway."""
    stale = Workshop.objects.get(pk=workshop.pk)
    SpeakerFactory(workshop=workshop)
    newer = version(workshop)
    assert stale.content_version < newer

    stale.capacity += 10
    stale.save()

    assert version(workshop) > newer


def test_loading_the_fixture_raises_the_version(db):
    call_command("loaddata", "lorainne24", verbosity=0)
    workshop = Workshop.objects.get(slug="lorainne24")
    assert version(workshop) >= sum(
        model.objects.filter(workshop=workshop).count()
        for model in (Organizer, Speaker, Talk, Session, Poster)
    )


def test_changing_a_registration_leaves_the_version(workshop):
    """Registrations, options and emails belong to an edition but are not its content: the
    page cache counts seats by itself, and a registration must not empty it."""
    option = OptionFactory(workshop=workshop)
    before = version(workshop)

    Option.objects.filter(pk=option.pk).update(label="Dinner")
    option.delete()

    assert version(workshop) == before


@pytest.mark.django_db(transaction=True)
def test_migrations_that_rebuild_tables_run_with_the_triggers_installed():
    """SQLite rebuilds a table to add a column and refuses while another table's trigger names
    it: `migrate` takes the triggers away first and puts them back after
    (program/management/commands/migrate.py)."""
    workshop = WorkshopFactory()
    SpeakerFactory(workshop=workshop)
    call_command("migrate", "program", "0008", verbosity=0)  # triggers installed after it

    call_command("migrate", verbosity=0)  # 0009 adds columns to program_talk and others

    before = version(workshop)
    TalkFactory(workshop=workshop)
    assert version(workshop) > before
    assert triggers.problems(connection, apps.get_models(include_auto_created=True)) == []


@pytest.mark.django_db(transaction=True)
def test_a_migration_that_fails_midway_leaves_the_triggers_installed(settings):
    """The migration before the failing one rebuilt the talks' table (on SQLite) and stays
    applied; the triggers are back all the same."""
    [latest] = MigrationLoader(connection).graph.leaf_nodes("program")
    workshop = WorkshopFactory()
    settings.MIGRATION_MODULES = {"program": "tests.program.migrations_failing_midway"}
    try:
        with pytest.raises(RuntimeError, match="fails midway"):
            call_command("migrate", "program", verbosity=0)

        assert ("program", "9001_talk_title_rebuilt") in MigrationLoader(
            connection
        ).applied_migrations
        before = version(workshop)
        talk = TalkFactory(workshop=workshop, speakers=[])
        assert version(workshop) > before
        Talk.objects.filter(pk=talk.pk).update(title="Moved")
        assert Talk.objects.get(pk=talk.pk).sequence == 1
    finally:
        call_command("migrate", *latest, verbosity=0)  # 9001 undone


@pytest.mark.django_db(transaction=True)
def test_a_migration_that_fails_in_the_database_leaves_the_triggers_installed(settings):
    """A migration refused by the database (a unique constraint, through the ORM): the error
    that comes out is the database's, and the triggers are back. On SQLite, Django's schema
    editor leaves the connection inside the migration's broken transaction
    (program/management/commands/migrate.py)."""
    workshop = WorkshopFactory()
    settings.MIGRATION_MODULES = {"program": "tests.program.migrations_failing_in_the_database"}

    with pytest.raises(IntegrityError):
        call_command("migrate", "program", verbosity=0)

    assert triggers.problems(connection, apps.get_models(include_auto_created=True)) == []
    before = version(workshop)
    TalkFactory(workshop=workshop, speakers=[])
    assert version(workshop) > before
