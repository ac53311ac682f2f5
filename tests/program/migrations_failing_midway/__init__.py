"""The program's migrations, then two more (for tests/program/test_content_version.py): one that
rebuilds the talks' table on SQLite (to change a column, SQLite copies the table into a new one,
without its triggers), and one that fails. Used as MIGRATION_MODULES["program"]: Django's loader
lists every folder of the package's path, the program's first."""

import pkgutil

import program.migrations

__path__ = [*program.migrations.__path__, *__path__]

# The program's newest migration, which the two below follow.
LATEST = max(
    name for _, name, _ in pkgutil.iter_modules(program.migrations.__path__) if name[:4].isdigit()
)
