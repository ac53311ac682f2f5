"""The system check that change tracking is in place (program/triggers.py), and that KaTeX's
commands can be read (program/text.py, katex_commands at the end).

It runs with `manage.py check` and before every management command that checks the project
(`run_worker` included), at gunicorn's start (lorainne/gunicorn_conf.py), and /healthz reports
the same. Plain `check` passes no database to the checks (Django's own database checks wait for
`--database`): this one then looks at the default database, the site's.
"""

import contextlib
import contextvars

from django.apps import apps
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

from . import text, triggers

HINT = "Run `manage.py migrate`, which installs them (program/triggers.py)."

# Set while `migrate` checks the project before it runs: it is what puts the triggers back.
_paused = contextvars.ContextVar("content_triggers_check_paused", default=False)


@contextlib.contextmanager
def paused():
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def content_triggers(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """An error for each table whose triggers are missing or are not those of this code; none
    before `migrate` created the tables, nor when the database cannot be reached (the site and
    /healthz say so)."""
    if _paused.get():
        return []
    models = apps.get_models(include_auto_created=True)
    errors = []
    for alias in [DEFAULT_DB_ALIAS] if databases is None else databases:
        try:
            found = triggers.problems(connections[alias], models)
        except OperationalError:
            continue
        errors += [
            checks.Error(f"Database {alias!r}: {problem}.", hint=HINT, id="program.E001")
            for problem in found
        ]
    return errors


def katex_commands(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """An error when the commands KaTeX knows cannot be read from its vendored source
    (program/text.py): every formula would show as TeX off the page, and warn its author."""
    if {"frac", "mathbb"} <= text.katex_commands():
        return []
    return [
        checks.Error(
            f"No KaTeX commands read from {text.KATEX}.",
            hint="Run `make vendor`, which puts KaTeX back under static/vendor/katex/.",
            id="program.E002",
        )
    ]
