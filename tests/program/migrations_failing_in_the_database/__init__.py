"""The program's migrations, then one more that fails with a database error (for
tests/program/test_content_version.py): on SQLite, Django's schema editor then leaves the
connection inside the migration's transaction, which `migrate` must roll back before it puts
the triggers back. Used as MIGRATION_MODULES["program"], as migrations_failing_midway."""

import pkgutil

import program.migrations

__path__ = [*program.migrations.__path__, *__path__]

# The program's newest migration, which the one below follows.
LATEST = max(
    name for _, name, _ in pkgutil.iter_modules(program.migrations.__path__) if name[:4].isdigit()
)
