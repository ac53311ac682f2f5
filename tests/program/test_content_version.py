"""The database raises a workshop's content_version on every change to its content, whatever
writes it (the page cache keys pages by it: a missed change would be a stale page)."""

import pytest
from django.core.management import call_command
from django.db import connection

from program import triggers
from program.models import Material, Organizer, Poster, Session, Speaker, Talk, Workshop
from tests.factories import (
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


def test_every_content_table_has_its_triggers():
    """A migration that rebuilds one of these tables (SQLite does for many changes) drops its
    triggers; `migrate` installs them again when it ends (program/apps.py)."""
    models = [Workshop, Organizer, Speaker, Talk, Session, Poster, Material]
    tables = {model._meta.db_table for model in models}
    tables |= {Talk.speakers.through._meta.db_table, Poster.presenters.through._meta.db_table}
    assert tables == {triggers.WORKSHOP_TABLE, *triggers.CONTENT_TABLES}

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name LIKE %s",
                [triggers.PREFIX + "%"],
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s",
                [triggers.PREFIX + "%"],
            )
        assert {table for (table,) in cursor.fetchall()} == tables


@pytest.mark.django_db(transaction=True)
def test_migrations_that_rebuild_tables_run_with_the_triggers_installed():
    """SQLite rebuilds a table to add a column and refuses while another table's trigger names
    it: `migrate` takes the triggers away first and puts them back after (program/apps.py)."""
    workshop = WorkshopFactory()
    SpeakerFactory(workshop=workshop)
    call_command("migrate", "program", "0008", verbosity=0)  # triggers installed after it

    call_command("migrate", verbosity=0)  # 0009 adds columns to program_talk and others

    before = version(workshop)
    TalkFactory(workshop=workshop)
    assert version(workshop) > before
    test_every_content_table_has_its_triggers()
