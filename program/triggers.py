"""Database triggers that keep `Workshop.content_version` in step with every content change.

Any insert, update or delete of a workshop's organizers, speakers, talks, sessions, posters, the
links between talks or posters and their speakers, or of the workshop row itself, raises its
workshop's `content_version` in the same transaction. The public page cache (page_cache.py)
keys pages by that one column: reading it is one row, and no write path can forget to raise it
(admin, services, `loaddata`, the shell, raw SQL).

PostgreSQL and SQLite, the two databases the project runs on. On SQLite, a migration that alters
one of these tables rebuilds it and drops its triggers: such a migration must call `install`
again (tests/program/test_content_version.py fails until it does).
"""

from django.db.backends.base.base import BaseDatabaseWrapper

WORKSHOP_TABLE = "program_workshop"
PREFIX = "program_content_version"

# Each table whose rows are content, and how to find a row's workshop ({row} is NEW or OLD).
CONTENT_TABLES = {
    "program_organizer": "{row}.workshop_id",
    "program_speaker": "{row}.workshop_id",
    "program_talk": "{row}.workshop_id",
    "program_session": "{row}.workshop_id",
    "program_poster": "{row}.workshop_id",
    "program_talk_speakers": "(SELECT workshop_id FROM program_talk WHERE id = {row}.talk_id)",
    "program_poster_presenters": (
        "(SELECT workshop_id FROM program_poster WHERE id = {row}.poster_id)"
    ),
}


def _raise(row: str, workshop_of: str) -> str:
    return (
        f"UPDATE {WORKSHOP_TABLE} SET content_version = content_version + 1 "
        f"WHERE id = {workshop_of.format(row=row)};"
    )


def _postgresql() -> list[str]:
    statements = [
        # Every update of the workshop row raises its version, whatever the UPDATE wrote into
        # the column (Django's save() writes back the value it read, possibly an older one).
        f"""CREATE OR REPLACE FUNCTION {PREFIX}_of_workshop() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW.content_version := OLD.content_version + 1;
            RETURN NEW;
        END $$""",
        f"""CREATE OR REPLACE TRIGGER {PREFIX} BEFORE UPDATE ON {WORKSHOP_TABLE}
        FOR EACH ROW EXECUTE FUNCTION {PREFIX}_of_workshop()""",
    ]
    for table, workshop_of in CONTENT_TABLES.items():
        statements += [
            f"""CREATE OR REPLACE FUNCTION {PREFIX}_of_{table}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN {_raise("OLD", workshop_of)} END IF;
                IF TG_OP <> 'DELETE' THEN {_raise("NEW", workshop_of)} END IF;
                RETURN NULL;
            END $$""",
            f"""CREATE OR REPLACE TRIGGER {PREFIX} AFTER INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {PREFIX}_of_{table}()""",
        ]
    return statements


def _sqlite() -> list[str]:
    # SQLite cannot assign to NEW: the workshop's own trigger writes the row again. Triggers do
    # not fire themselves recursively (SQLite's default), so this runs once per update.
    statements = [
        f"DROP TRIGGER IF EXISTS {PREFIX}",
        f"""CREATE TRIGGER {PREFIX} AFTER UPDATE ON {WORKSHOP_TABLE} BEGIN
            UPDATE {WORKSHOP_TABLE} SET content_version = OLD.content_version + 1
            WHERE id = NEW.id;
        END""",
    ]
    for table, workshop_of in CONTENT_TABLES.items():
        for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
            name = f"{PREFIX}_{table}_{event.lower()}"
            body = " ".join(_raise(row, workshop_of) for row in rows)
            statements += [
                f"DROP TRIGGER IF EXISTS {name}",
                f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {body} END",
            ]
    return statements


def _uninstall_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP FUNCTION IF EXISTS {PREFIX}_of_{table}() CASCADE"
            for table in ["workshop", *CONTENT_TABLES]
        ]
    return [f"DROP TRIGGER IF EXISTS {PREFIX}"] + [
        f"DROP TRIGGER IF EXISTS {PREFIX}_{table}_{event}"
        for table in CONTENT_TABLES
        for event in ("insert", "update", "delete")
    ]


def _statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return _postgresql()
    if vendor == "sqlite":
        return _sqlite()
    raise NotImplementedError(
        f"The page cache's triggers exist for PostgreSQL and SQLite, not for {vendor}: "
        "use one of those (DATABASE_URL)."
    )


def install(connection: BaseDatabaseWrapper) -> None:
    """Create or replace the triggers (safe to run again)."""
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor):
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _uninstall_statements(connection.vendor):
            cursor.execute(statement)
