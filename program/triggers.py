"""Database triggers: the one record of "what changed" in a workshop's content.

Whatever writes (admin, services, `loaddata`, the shell, a bulk `update()`, raw SQL), the database
keeps, in the same transaction:

- `Workshop.content_version`, raised by any insert, update or delete of the workshop, its
  organizers, speakers, talks, sessions, posters, the links between talks or posters and their
  speakers, and their materials (slides, links), and `Workshop.content_changed_at`, the time of
  that change. The page cache keys pages by the version; the calendar's ETag and Last-Modified
  come from the two.
- The calendar SEQUENCE of each event (ical.py): `Talk.sequence` and `Session.sequence` grow when
  what a calendar shows of them changes (time, title, kind, abstract, address, speakers, a
  speaker's name or affiliation), `Workshop.sequence` when every event changes (name, venue, time
  zone). These columns belong to the triggers: a value written by an UPDATE is never taken below
  what the row held (Django's save() writes back what it read, possibly an older value).

PostgreSQL (14+) and SQLite, the two databases the project runs on. `install` runs after every
`migrate` (apps.py): a migration that rebuilds a table on SQLite drops its triggers, and the next
step of the same `migrate` puts them back.
"""

from django.db import transaction
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
    # A material belongs to a talk or to a poster (a CHECK constraint): the other subquery is NULL.
    "program_material": (
        "COALESCE((SELECT workshop_id FROM program_talk WHERE id = {row}.talk_id), "
        "(SELECT workshop_id FROM program_poster WHERE id = {row}.poster_id))"
    ),
}

# The columns whose change a calendar shows, per table with a SEQUENCE of its own.
SEQUENCED_COLUMNS = {
    WORKSHOP_TABLE: ["name", "acronym", "venue_name", "venue_address", "timezone"],
    "program_talk": ["title", "kind", "abstract", "slug"],
    "program_session": ["starts_at", "ends_at", "title", "kind", "talk_id"],
}
SPEAKER_COLUMNS = ["name", "affiliation"]  # shown in each of their talks' events


def _changed(columns: list[str]) -> str:
    """SQL true when any of `columns` differs between OLD and NEW (NULLs compared as values)."""
    return " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in columns)


def _bump_talks(where: str) -> str:
    return f"UPDATE program_talk SET sequence = sequence + 1 WHERE ({where});"


def _raise_version(row: str, workshop_of: str) -> str:
    return (
        f"UPDATE {WORKSHOP_TABLE} SET content_version = content_version + 1 "
        f"WHERE id = {workshop_of.format(row=row)};"
    )


def _talks_to_bump(table: str, event: str) -> list[str]:
    """Statements that raise the SEQUENCE of talks whose events a change of `table` alters."""
    if table == "program_talk_speakers":
        row = "OLD" if event == "DELETE" else "NEW"
        return [_bump_talks(f"id = {row}.talk_id")]
    if table == "program_speaker" and event == "UPDATE":
        links = "SELECT talk_id FROM program_talk_speakers WHERE speaker_id = NEW.id"
        return [f"IF {_changed(SPEAKER_COLUMNS)} THEN {_bump_talks(f'id IN ({links})')} END IF;"]
    if table == "program_session":
        # A slot that moves, changes or changes hands moves the events of the talks it holds.
        if event == "INSERT":
            return [_bump_talks("id = NEW.talk_id")]
        if event == "DELETE":
            return [_bump_talks("id = OLD.talk_id")]
        columns = SEQUENCED_COLUMNS[table]
        return [
            f"IF {_changed(columns)} THEN "
            f"{_bump_talks('id = OLD.talk_id OR id = NEW.talk_id')} END IF;"
        ]
    return []


def _postgresql(content_tables: dict[str, str]) -> list[str]:
    statements = []
    for table, columns in SEQUENCED_COLUMNS.items():
        version = (
            "NEW.content_version := OLD.content_version + 1; NEW.content_changed_at := clock_timestamp();"
            if table == WORKSHOP_TABLE
            else ""
        )
        statements += [
            f"""CREATE OR REPLACE FUNCTION {PREFIX}_sequence_of_{table}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                {version}
                NEW.sequence := GREATEST(NEW.sequence, OLD.sequence)
                    + CASE WHEN {_changed(columns)} THEN 1 ELSE 0 END;
                RETURN NEW;
            END $$""",
            f"""CREATE OR REPLACE TRIGGER {PREFIX}_sequence BEFORE UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {PREFIX}_sequence_of_{table}()""",
        ]
    for table, workshop_of in content_tables.items():
        by_event = {
            event: " ".join(_talks_to_bump(table, event))
            for event in ("INSERT", "UPDATE", "DELETE")
        }
        statements += [
            f"""CREATE OR REPLACE FUNCTION {PREFIX}_of_{table}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN {by_event["INSERT"]} NULL; END IF;
                IF TG_OP = 'UPDATE' THEN {by_event["UPDATE"]} NULL; END IF;
                IF TG_OP = 'DELETE' THEN {by_event["DELETE"]} NULL; END IF;
                IF TG_OP <> 'INSERT' THEN {_raise_version("OLD", workshop_of)} END IF;
                IF TG_OP <> 'DELETE' THEN {_raise_version("NEW", workshop_of)} END IF;
                RETURN NULL;
            END $$""",
            f"""CREATE OR REPLACE TRIGGER {PREFIX} AFTER INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {PREFIX}_of_{table}()""",
        ]
    return statements


def _sqlite_when(statement: str) -> str:
    """SQLite's trigger bodies have no IF: `IF c THEN s END IF;` becomes s restricted by c."""
    if not statement.startswith("IF "):
        return statement
    condition, _, rest = statement[3:].partition(" THEN ")
    update = rest.removesuffix(" END IF;").removesuffix(";")
    return f"{update} AND ({condition});"


def _sqlite(content_tables: dict[str, str]) -> list[str]:
    # SQLite cannot assign to NEW: an AFTER UPDATE trigger writes the row again. A trigger does not
    # fire itself again (recursive triggers are off, SQLite's default), so each runs once a row.
    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    statements = []
    for table, columns in SEQUENCED_COLUMNS.items():
        changed = _changed(columns).replace("IS DISTINCT FROM", "IS NOT")
        version = (
            f"content_version = OLD.content_version + 1, content_changed_at = {now}, "
            if table == WORKSHOP_TABLE
            else ""
        )
        name = f"{PREFIX}_sequence_{table}"
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f"""CREATE TRIGGER {name} AFTER UPDATE ON {table} BEGIN
                UPDATE {table} SET {version}sequence = MAX(NEW.sequence, OLD.sequence)
                    + (CASE WHEN {changed} THEN 1 ELSE 0 END)
                WHERE id = NEW.id;
            END""",
        ]
    for table, workshop_of in content_tables.items():
        for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]), ("DELETE", ["OLD"])):
            name = f"{PREFIX}_{table}_{event.lower()}"
            talks = [
                _sqlite_when(s.replace("IS DISTINCT FROM", "IS NOT"))
                for s in _talks_to_bump(table, event)
            ]
            body = " ".join([*talks, *(_raise_version(row, workshop_of) for row in rows)])
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
        ] + [
            f"DROP FUNCTION IF EXISTS {PREFIX}_sequence_of_{table}() CASCADE"
            for table in SEQUENCED_COLUMNS
        ]
    return (
        [f"DROP TRIGGER IF EXISTS {PREFIX}"]
        + [f"DROP TRIGGER IF EXISTS {PREFIX}_sequence_{table}" for table in SEQUENCED_COLUMNS]
        + [
            f"DROP TRIGGER IF EXISTS {PREFIX}_{table}_{event}"
            for table in CONTENT_TABLES
            for event in ("insert", "update", "delete")
        ]
    )


def _statements(vendor: str, content_tables: dict[str, str]) -> list[str]:
    if vendor == "postgresql":
        return _postgresql(content_tables)
    if vendor == "sqlite":
        return _sqlite(content_tables)
    raise NotImplementedError(
        f"The content triggers exist for PostgreSQL and SQLite, not for {vendor}: "
        "use one of those (DATABASE_URL)."
    )


def install(connection: BaseDatabaseWrapper) -> None:
    """Create or replace the triggers, after removing those of earlier versions of this module
    (safe to run again), in one transaction: no write slips through without them. Tables a
    migration back in time removed (program_material before 0009) get none."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        content_tables = {
            table: workshop_of for table, workshop_of in CONTENT_TABLES.items() if table in existing
        }
        for statement in [
            *_uninstall_statements(connection.vendor),
            *_statements(connection.vendor, content_tables),
        ]:
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _uninstall_statements(connection.vendor):
            cursor.execute(statement)
