"""What the change-tracking triggers cover is derived from the models, and a missing or outdated
trigger cannot go unnoticed: `manage.py check`, the worker's and gunicorn's start, /healthz."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection, models
from django.test.utils import isolate_apps

from mail.models import Delivery
from program import triggers
from program.models import Poster, Speaker, Talk, Workshop
from registration.models import Option, Registration

MODELS = apps.get_models(include_auto_created=True)


def test_content_is_every_program_table_that_leads_to_an_edition():
    assert set(triggers.content_tables(MODELS)) == {
        "program_organizer",
        "program_speaker",
        "program_talk",
        "program_session",
        "program_poster",
        "program_talk_speakers",
        "program_poster_presenters",
        "program_material",
    }
    program = [model for model in MODELS if model._meta.app_label == "program"]
    assert {model._meta.db_table for model in program if model is not Workshop} == set(
        triggers.content_tables(MODELS)
    )


def test_registrations_are_not_content():
    tables = triggers.content_tables(MODELS)
    for model in (Registration, Option, Delivery, Registration.options.through):
        assert model._meta.db_table not in tables


def test_a_row_finds_its_workshop_through_its_keys():
    tables = triggers.content_tables(MODELS)

    assert tables["program_talk"] == "{row}.workshop_id"
    assert tables["program_poster_presenters"] == (
        "(SELECT program_poster.workshop_id FROM program_poster "
        "WHERE program_poster.id = {row}.poster_id)"
    )
    # A material's talk or poster: the other key is NULL.
    assert tables["program_material"].startswith("COALESCE((SELECT program_poster.workshop_id")


@isolate_apps("program")
def test_a_new_program_model_that_leads_to_an_edition_is_covered():
    class Sponsor(models.Model):  # noqa: DJ008
        workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE)

        class Meta:
            app_label = "program"

    class Logo(models.Model):  # noqa: DJ008 (an edition's through its sponsor)
        sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE)

        class Meta:
            app_label = "program"

    class Glossary(models.Model):  # noqa: DJ008 (no key to an edition)
        term = models.CharField(max_length=50)

        class Meta:
            app_label = "program"

    tables = triggers.content_tables([*MODELS, Sponsor, Logo, Glossary])

    assert tables["program_sponsor"] == "{row}.workshop_id"
    assert tables["program_logo"] == (
        "(SELECT program_sponsor.workshop_id FROM program_sponsor "
        "WHERE program_sponsor.id = {row}.sponsor_id)"
    )
    assert "program_glossary" not in tables


def test_declared_columns_are_the_models_columns():
    assert triggers.missing_columns(MODELS) == []
    without_speakers = [model for model in MODELS if model is not Speaker]
    assert triggers.missing_columns(without_speakers) == [
        "program_speaker.affiliation",
        "program_speaker.name",
    ]


def installed() -> set[str]:
    """The tables that have triggers of ours."""
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
        return {table for (table,) in cursor.fetchall()}


@pytest.mark.django_db
def test_every_content_table_has_its_triggers():
    covered = {
        Workshop._meta.db_table,
        *triggers.content_tables(MODELS),
        *triggers.edition_links(MODELS),
    }
    assert installed() == covered
    assert triggers.problems(connection, MODELS) == []
    call_command("check", verbosity=0)


def drop(table: str) -> None:
    """Drop this version's triggers of `table` (in a test's transaction: back after it)."""
    with connection.cursor() as cursor:
        for trigger in triggers.expected(connection.vendor, MODELS):
            if trigger.table == table:
                if connection.vendor == "postgresql":
                    cursor.execute(f"DROP FUNCTION {trigger.name}() CASCADE")
                else:
                    cursor.execute(f"DROP TRIGGER {trigger.name}")


def install_an_earlier_version(table: str) -> None:
    """The triggers of `table` as the version before this one wrote them."""
    drop(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION program_content_version_of_program_organizer() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN UPDATE program_workshop "
                "SET content_version = content_version + 1 WHERE id = NEW.workshop_id; "
                "RETURN NULL; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER program_content_version AFTER INSERT OR UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION program_content_version_of_program_organizer()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER program_content_version_{table}_insert AFTER INSERT ON {table} "
                "BEGIN UPDATE program_workshop SET content_version = content_version + 1 "
                "WHERE id = NEW.workshop_id; END"
            )


@pytest.mark.django_db
def test_a_missing_trigger_fails_the_check():
    drop(Talk._meta.db_table)

    with pytest.raises(SystemCheckError) as failed:
        call_command("check")

    assert "program.E001" in str(failed.value)
    assert "program_talk misses its triggers" in str(failed.value)
    assert "Run `manage.py migrate`, which installs them" in str(failed.value)


@pytest.mark.django_db
def test_an_outdated_trigger_fails_the_check():
    install_an_earlier_version("program_organizer")

    with pytest.raises(SystemCheckError, match="program_organizer has outdated triggers"):
        call_command("check")


@pytest.mark.django_db
def test_a_missing_trigger_is_reported_by_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "triggers": "ok"}
    drop(Poster.presenters.through._meta.db_table)

    response = client.get("/healthz")

    assert response.status_code == 503
    [problem] = response.json()["triggers"]
    assert problem.startswith("program_poster_presenters misses its triggers")


@pytest.mark.django_db
@pytest.mark.timeout(60)  # the worker would run until stopped if it started
def test_the_worker_does_not_start_without_its_triggers():
    drop(Talk._meta.db_table)

    with pytest.raises(SystemCheckError, match="program_talk misses"):
        call_command("run_worker", skip_checks=False)  # as `manage.py run_worker` runs


@pytest.mark.django_db(transaction=True)
def test_gunicorn_does_not_start_without_its_triggers():
    from lorainne import gunicorn_conf  # reads the settings: imported once Django is set up

    drop(Talk._meta.db_table)
    try:
        with pytest.raises(RuntimeError, match="program_talk misses"):
            gunicorn_conf.on_starting(server=None)
    finally:
        triggers.install(connection, MODELS)
    gunicorn_conf.on_starting(server=None)


@pytest.mark.django_db(transaction=True)
def test_migrate_is_not_stopped_by_the_check_and_puts_the_triggers_back():
    install_an_earlier_version("program_organizer")
    drop(Talk._meta.db_table)

    call_command("migrate", skip_checks=False, verbosity=0)  # with its checks, as from a shell

    assert triggers.problems(connection, MODELS) == []
