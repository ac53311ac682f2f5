"""Database triggers: the one record of "what changed" in a workshop's content, and the guard
that keeps editions apart.

Whatever writes (admin, services, `loaddata`, the shell, a bulk `update()`, raw SQL), the database
keeps, in the same transaction:

- `Workshop.content_version`, raised by any insert, update or delete of the workshop or of its
  content, and `Workshop.content_changed_at`, the time of that change. The page cache keys pages
  by the version; the calendar's ETag and Last-Modified come from the two.
- The calendar SEQUENCE of each event (ical.py): `Talk.sequence` and `Session.sequence` grow when
  what a calendar shows of them changes (time, title, kind, abstract, address, speakers, a
  speaker's name or affiliation), `Workshop.sequence` when every event changes (name, venue, time
  zone). These columns belong to the triggers: a value written by an UPDATE is never taken below
  what the row held (Django's save() writes back what it read, possibly an older value).
- That the rows a row joins are of one edition (a talk and its speaker, a slot and its talk, a
  registration and its options): a link between two editions is refused (`edition_links`).

Which tables are content is derived from the models (`content_tables`), never listed by hand: a
model added to the program with a foreign key to its edition, or to a talk, poster… of one, is
covered without a word here. The columns a calendar shows are a decision, declared below; the
system check verifies that they name real columns.

Each database gets its SQL from a generator of its own (`_postgresql`, `_sqlite`), fed the same
derived data. Each trigger's name ends with a short hash of its SQL, so the catalogue tells which
version is installed: `problems` compares what is installed with what `install` would create now,
for the system check (program/checks.py: `manage.py check`, gunicorn's start, the worker's start)
and /healthz. `migrate` removes them before it changes a table and installs them again when it
ends, even when a migration failed midway (program/management/commands/migrate.py).

PostgreSQL (14+) and SQLite, the two databases the project runs on.
"""

import dataclasses
import functools
import hashlib
from collections.abc import Iterable

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

CONTENT_APP = "program"
WORKSHOP_MODEL = "program.Workshop"
# Every trigger and function of ours, of this version or an earlier one, has a name starting so.
PREFIX = "program_content_version"

WORKSHOP_TABLE = "program_workshop"
TALK_TABLE = "program_talk"
SESSION_TABLE = "program_session"
SPEAKER_TABLE = "program_speaker"
TALK_SPEAKERS_TABLE = "program_talk_speakers"

# The columns whose change a calendar shows, per table with a SEQUENCE of its own.
SEQUENCED_COLUMNS = {
    WORKSHOP_TABLE: ["name", "acronym", "venue_name", "venue_address", "timezone"],
    TALK_TABLE: ["title", "kind", "abstract", "slug"],
    SESSION_TABLE: ["starts_at", "ends_at", "title", "kind", "talk_id"],
}
SPEAKER_COLUMNS = ["name", "affiliation"]  # shown in each of their talks' events

# The talks whose calendar events a change of another table's row moves: (table, event, which
# talks, and the columns of which one at least must change; None: any change).
TALK_EVENTS = [
    (TALK_SPEAKERS_TABLE, "INSERT", "id = NEW.talk_id", None),
    (TALK_SPEAKERS_TABLE, "UPDATE", "id = OLD.talk_id OR id = NEW.talk_id", None),
    (TALK_SPEAKERS_TABLE, "DELETE", "id = OLD.talk_id", None),
    (
        SPEAKER_TABLE,
        "UPDATE",
        f"id IN (SELECT talk_id FROM {TALK_SPEAKERS_TABLE} WHERE speaker_id = NEW.id)",
        SPEAKER_COLUMNS,
    ),
    # A slot that moves, changes or changes hands moves the events of the talks it holds.
    (SESSION_TABLE, "INSERT", "id = NEW.talk_id", None),
    (
        SESSION_TABLE,
        "UPDATE",
        "id = OLD.talk_id OR id = NEW.talk_id",
        SEQUENCED_COLUMNS[SESSION_TABLE],
    ),
    (SESSION_TABLE, "DELETE", "id = OLD.talk_id", None),
]

# The rows each event hands a trigger: whose workshop's version it raises.
EVENT_ROWS = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}


def named_columns() -> dict[str, set[str]]:
    """Every column the declarations above name, per table."""
    named = {table: {"sequence", *columns} for table, columns in SEQUENCED_COLUMNS.items()}
    named[WORKSHOP_TABLE] |= {"content_version", "content_changed_at"}
    named[SPEAKER_TABLE] = set(SPEAKER_COLUMNS)
    named[TALK_SPEAKERS_TABLE] = {"talk_id", "speaker_id"}
    return named


def missing_columns(models: Iterable[type[Model]]) -> list[str]:
    """The declared columns (`table.column`) that the tables of `models` do not have."""
    columns = {
        model._meta.db_table: {field.column for field in model._meta.concrete_fields}
        for model in models
    }
    return sorted(
        f"{table}.{column}"
        for table, named in named_columns().items()
        for column in named - columns.get(table, set())
    )


def content_tables(models: Iterable[type[Model]]) -> dict[str, str]:
    """The tables whose rows are an edition's content, each with the SQL that finds a row's
    workshop id (`{row}` stands for NEW or OLD).

    Content is the `program` app's: each of its models, auto-created ManyToMany tables included
    (`apps.get_models(include_auto_created=True)`), that a chain of foreign keys leads to the
    Workshop: organizers, speakers, talks, sessions, posters, the links between talks or posters
    and their speakers, materials. The Workshop's own table has a trigger of its own (sequences).
    Other apps' rows that belong to an edition (registrations, options, emails) are not content:
    a registration changes no page's text, and must not empty the page cache (the cache counts
    seats by itself, lorainne/page_cache.py).
    """
    program = [model for model in models if model._meta.app_label == CONTENT_APP]
    workshop = next((model for model in program if model._meta.label == WORKSHOP_MODEL), None)
    tables = {}
    for model in program:
        if model is not workshop and (found := _workshop_of(model, workshop, program, ())):
            tables[model._meta.db_table] = found
    return dict(sorted(tables.items()))


def _keys(model) -> list:
    """A model's foreign keys in the order of their columns' names: the order of the fields
    depends on the migrations that added them, and the SQL must not (the check compares it)."""
    return sorted(
        (field for field in model._meta.concrete_fields if field.many_to_one or field.one_to_one),
        key=lambda field: field.column,
    )


def _workshop_of(model, workshop, candidates, seen) -> str | None:
    """SQL for the workshop id of a `model` row, through its foreign keys: one to the Workshop;
    else the first required one that leads to a workshop; else the first set of the optional
    ones (a material's talk or poster). None when no chain of keys leads to a workshop."""
    keys = _keys(model)
    for key in keys:
        if key.related_model is workshop:
            return f"{{row}}.{key.column}"
    optional = []
    for key in keys:
        if (through := _workshop_by(key, workshop, candidates, (*seen, model))) is None:
            continue
        if not key.null:
            return through
        optional.append(through)
    if len(optional) > 1:
        return f"COALESCE({', '.join(optional)})"
    return optional[0] if optional else None


def _workshop_by(key, workshop, candidates, seen) -> str | None:
    """SQL for the workshop id of the row that the foreign key `key` of a row points to (None
    when it leads to no workshop, or only back through `seen`)."""
    target = key.related_model
    if target is workshop:
        return f"{{row}}.{key.column}"
    if target not in candidates or target in seen:
        return None
    if (inner := _workshop_of(target, workshop, candidates, seen)) is None:
        return None
    table = target._meta.db_table
    return (
        f"(SELECT {inner.replace('{row}', table)} FROM {table} "
        f"WHERE {table}.{key.target_field.column} = {{row}}.{key.column})"
    )


def edition_links(models: Iterable[type[Model]]) -> dict[str, list[str]]:
    """The tables whose rows join rows of editions, each with the SQL of every workshop id its
    keys lead to (`{row}` for NEW): a talk and its speaker, a poster and its presenter, a slot and
    its talk, an option and its slot, a registration and its options, an announcement and its
    option or the registrations it selects. These must be one edition (a key left NULL leads to
    none, and agrees).

    Derived from the models of every app (auto-created ManyToMany tables included): a model added
    with two keys that lead to editions is guarded without a word here. What is guarded is the
    row that links: a row linked that later moves to another edition (a talk's workshop changed)
    is the forms' to refuse (Talk's, Poster's), as the admin saves the row before its links.
    """
    models = list(models)
    workshop = next((model for model in models if model._meta.label == WORKSHOP_MODEL), None)
    links = {}
    for model in models:
        if model is workshop:
            continue
        ways = [
            way
            for key in _keys(model)
            if (way := _workshop_by(key, workshop, models, (model,))) is not None
        ]
        if len(ways) > 1:
            links[model._meta.db_table] = ways
    return dict(sorted(links.items()))


def _mixed_editions(ways: list[str]) -> str:
    """The SQL condition that a row's keys lead to two editions; NULL (false) when one is NULL."""
    first, *others = (way.replace("{row}", "NEW") for way in ways)
    return " OR ".join(f"{first} <> {other}" for other in others)


def _refusal(table: str) -> str:
    # No quote in it: it goes into SQL string literals as it is.
    return f"{table}: these rows belong to different editions"


@dataclasses.dataclass(frozen=True)
class Trigger:
    table: str
    name: str  # ends with a hash of `statements`: another version has another name
    statements: tuple[str, ...]


def _trigger(table: str, base: str, *statements: str) -> Trigger:
    """The trigger that `statements` create, `{name}` standing in them for its name."""
    digest = hashlib.sha256("\n".join(statements).encode()).hexdigest()[:10]
    name = f"{base}_{digest}"
    return Trigger(
        table, name, tuple(statement.replace("{name}", name) for statement in statements)
    )


def _raise_version(row: str, workshop_of: str) -> str:
    return (
        f"UPDATE {WORKSHOP_TABLE} SET content_version = content_version + 1 "
        f"WHERE id = {workshop_of.replace('{row}', row)};"
    )


def _postgresql(content: dict[str, str], links: dict[str, list[str]]) -> list[Trigger]:
    """PL/pgSQL: a BEFORE UPDATE trigger sets the sequences in the row being written; an AFTER
    trigger per content table raises its workshop's version, and talks' sequences; a BEFORE
    trigger per table of links refuses a row that joins two editions (an IntegrityError)."""

    def changed(columns: list[str]) -> str:  # NULLs compared as values
        return " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in columns)

    def talks(table: str, event: str) -> list[str]:
        statements = []
        for talk_table, talk_event, where, columns in TALK_EVENTS:
            if (talk_table, talk_event) == (table, event):
                bump = f"UPDATE {TALK_TABLE} SET sequence = sequence + 1 WHERE {where};"
                statements.append(f"IF {changed(columns)} THEN {bump} END IF;" if columns else bump)
        return statements

    triggers = []
    for table, columns in SEQUENCED_COLUMNS.items():
        version = (
            "NEW.content_version := OLD.content_version + 1; "
            "NEW.content_changed_at := clock_timestamp();"
            if table == WORKSHOP_TABLE
            else ""
        )
        function = f"""CREATE FUNCTION {{name}}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                {version}
                NEW.sequence := GREATEST(NEW.sequence, OLD.sequence)
                    + CASE WHEN {changed(columns)} THEN 1 ELSE 0 END;
                RETURN NEW;
            END $$"""
        trigger = (
            f"CREATE TRIGGER {{name}} BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION {name}()"
        )
        triggers.append(_trigger(table, f"{PREFIX}_sequence", function, trigger))
    for table, workshop_of in content.items():
        by_event = {
            event: " ".join(
                [*talks(table, event), *(_raise_version(row, workshop_of) for row in rows)]
            )
            for event, rows in EVENT_ROWS.items()
        }
        function = f"""CREATE FUNCTION {{name}}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN {by_event["INSERT"]}
                ELSIF TG_OP = 'UPDATE' THEN {by_event["UPDATE"]}
                ELSE {by_event["DELETE"]}
                END IF;
                RETURN NULL;
            END $$"""
        trigger = (
            f"CREATE TRIGGER {{name}} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION {name}()"
        )
        # Trigger names are per table, function names per schema: the hash tells them apart.
        triggers.append(_trigger(table, PREFIX, function, trigger))
    for table, ways in links.items():
        function = f"""CREATE FUNCTION {{name}}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF {_mixed_editions(ways)} THEN
                    RAISE EXCEPTION '{_refusal(table)}' USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END $$"""
        trigger = (
            f"CREATE TRIGGER {{name}} BEFORE INSERT OR UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION {name}()"
        )
        triggers.append(_trigger(table, f"{PREFIX}_edition", function, trigger))
    return triggers


def _sqlite(content: dict[str, str], links: dict[str, list[str]]) -> list[Trigger]:
    """SQLite: no procedural code and no assigning to NEW. An AFTER UPDATE trigger writes the row
    again to set its sequences (it does not fire itself again: recursive triggers are off, SQLite's
    default); a condition becomes the WHERE of the statement it guards; one trigger per event.
    A link between two editions is refused by RAISE(ABORT), an IntegrityError."""

    def changed(columns: list[str]) -> str:  # IS NOT compares NULLs as values
        return " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in columns)

    def talks(table: str, event: str) -> list[str]:
        return [
            f"UPDATE {TALK_TABLE} SET sequence = sequence + 1 WHERE ({where})"
            + (f" AND ({changed(columns)});" if columns else ";")
            for talk_table, talk_event, where, columns in TALK_EVENTS
            if (talk_table, talk_event) == (table, event)
        ]

    now = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    triggers = []
    for table, columns in SEQUENCED_COLUMNS.items():
        version = (
            f"content_version = OLD.content_version + 1, content_changed_at = {now}, "
            if table == WORKSHOP_TABLE
            else ""
        )
        statement = (
            f"CREATE TRIGGER {{name}} AFTER UPDATE ON {table} BEGIN "
            f"UPDATE {table} SET {version}sequence = MAX(NEW.sequence, OLD.sequence) "
            f"+ (CASE WHEN {changed(columns)} THEN 1 ELSE 0 END) WHERE id = NEW.id; END"
        )
        triggers.append(_trigger(table, f"{PREFIX}_sequence_{table}", statement))
    for table, workshop_of in content.items():
        for event, rows in EVENT_ROWS.items():
            body = [*talks(table, event), *(_raise_version(row, workshop_of) for row in rows)]
            statement = (
                f"CREATE TRIGGER {{name}} AFTER {event} ON {table} BEGIN {' '.join(body)} END"
            )
            triggers.append(_trigger(table, f"{PREFIX}_{table}_{event.lower()}", statement))
    for table, ways in links.items():
        for event in ("INSERT", "UPDATE"):
            statement = (
                f"CREATE TRIGGER {{name}} BEFORE {event} ON {table} "
                f"WHEN {_mixed_editions(ways)} "
                f"BEGIN SELECT RAISE(ABORT, '{_refusal(table)}'); END"
            )
            base = f"{PREFIX}_edition_{table}_{event.lower()}"
            triggers.append(_trigger(table, base, statement))
    return triggers


def expected(vendor: str, models: Iterable[type[Model]]) -> list[Trigger]:
    """The triggers for the tables of `models`; none when they lack a column the triggers keep or
    read (the database is at a migration from before them)."""
    return list(_expected(vendor, tuple(models)))


# The system check and /healthz ask on each call for what only the code decides: computed once
# per set of models (the site's; a few for `migrate`'s historical models, hence the bound).
@functools.lru_cache(maxsize=8)
def _expected(vendor: str, models: tuple[type[Model], ...]) -> tuple[Trigger, ...]:
    if missing_columns(models):
        return ()
    content, links = content_tables(models), edition_links(models)
    if vendor == "postgresql":
        return tuple(_postgresql(content, links))
    if vendor == "sqlite":
        return tuple(_sqlite(content, links))
    raise NotImplementedError(
        f"The content triggers exist for PostgreSQL and SQLite, not for {vendor}: "
        "use one of those (DATABASE_URL)."
    )


def _catalogue(connection: BaseDatabaseWrapper) -> tuple[set[str], set[tuple[str, str]]]:
    """The tables, and our enabled triggers as (table, name), in one query."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_class c LEFT JOIN pg_trigger t "
                "ON t.tgrelid = c.oid AND NOT t.tgisinternal AND t.tgenabled <> 'D' "
                "WHERE c.relkind IN ('r', 'p') AND pg_table_is_visible(c.oid)"
            )
        else:
            cursor.execute(
                "SELECT tbl_name, CASE type WHEN 'trigger' THEN name END FROM sqlite_master "
                "WHERE type IN ('table', 'trigger')"
            )
        rows = cursor.fetchall()
    tables = {table for table, _ in rows}
    return tables, {(table, name) for table, name in rows if name and name.startswith(PREFIX)}


def problems(connection: BaseDatabaseWrapper, models: Iterable[type[Model]]) -> list[str]:
    """What differs between the triggers installed and those `install` would create for
    `models`, one sentence per table; empty when they match. A database without the workshop's
    table is not migrated yet: nothing is expected of it."""
    models = list(models)
    tables, installed = _catalogue(connection)
    if WORKSHOP_TABLE not in tables:
        return []
    if missing := missing_columns(models):
        return [f"program/triggers.py names columns the models do not have: {', '.join(missing)}"]
    wanted = {(t.table, t.name) for t in expected(connection.vendor, models) if t.table in tables}
    found = []
    for table in sorted({table for table, _ in wanted ^ installed}):
        absent = sorted(name for t, name in wanted - installed if t == table)
        stale = sorted(name for t, name in installed - wanted if t == table)
        if stale:
            found.append(
                f"{table} has outdated triggers ({', '.join(stale)}); "
                f"expected: {', '.join(absent) or 'none'}"
            )
        else:
            found.append(f"{table} misses its triggers ({', '.join(absent)})")
    return found


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Remove every trigger of ours, of this version or an earlier one (on PostgreSQL, with the
    functions they run)."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT oid::regprocedure::text, proname FROM pg_proc "
                "WHERE pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
            )
            statements = [
                f"DROP FUNCTION {signature} CASCADE"
                for signature, name in cursor.fetchall()
                if name.startswith(PREFIX)
            ]
        else:
            _, installed = _catalogue(connection)
            statements = [f"DROP TRIGGER {name}" for _, name in installed]
        for statement in statements:
            cursor.execute(statement)


def install(connection: BaseDatabaseWrapper, models: Iterable[type[Model]]) -> None:
    """Replace the triggers by those for the tables of `models` (those that exist), in one
    transaction: no write slips through between. It counts as a change of every workshop: the
    content may have changed while they were away (during `migrate`)."""
    models = list(models)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        uninstall(connection)
        tables = set(connection.introspection.table_names(cursor))
        triggers = [t for t in expected(connection.vendor, models) if t.table in tables]
        for trigger in triggers:
            for statement in trigger.statements:
                cursor.execute(statement)
        if triggers:
            cursor.execute(f"UPDATE {WORKSHOP_TABLE} SET content_version = content_version + 1")
