"""Imports run one way: the project (lorainne) above the apps, the call for contributions above
registration (whose rate limits it shares), registration above program, both
above the outbox (mail), itself above the periodic jobs' schedule (jobs); and no circle between
modules, not even through an import hidden inside a function."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
PACKAGES = ["lorainne", "contributions", "registration", "program", "mail", "jobs"]
# Which top-level packages each may import: a package never reaches one above it.
ALLOWED = {
    "jobs": {"jobs"},
    "mail": {"mail", "jobs"},
    "program": {"program", "mail", "jobs"},
    "registration": {"registration", "program", "mail", "jobs"},
    "contributions": {"contributions", "registration", "program", "mail", "jobs"},
    "lorainne": {"lorainne", "contributions", "registration", "program", "mail", "jobs"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(BASE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _app_ready(path: Path, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether `function` is an AppConfig's ready(): where Django has an app connect its signals'
    receivers, importing their module once the app registry is ready (apps.py itself loads before
    any model may be imported). Its imports are no hidden ones: they run at start, in every
    process."""
    return path.name == "apps.py" and function.name == "ready"


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, inside a function other than an AppConfig's ready()?) for each import
    of our packages in `path`."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(), filename=str(path))
    nested = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        and not _app_ready(path, function)
        for node in ast.walk(function)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # `from . import services` imports the module program.services.
            names = [f"{prefix}.{alias.name}" for alias in node.names] + [prefix]
        else:
            continue
        for name in names:
            if name.split(".")[0] in PACKAGES:
                found.append((name, id(node) in nested))
    return found


def _graph() -> dict[str, set[str]]:
    """Module → the modules of ours it imports (migrations left out: they are history)."""
    files = [
        path
        for package in PACKAGES
        for path in (BASE / package).rglob("*.py")
        if "migrations" not in path.parts
    ]
    modules = {_module_name(path): path for path in files}
    graph = {}
    for name, path in modules.items():
        graph[name] = {
            target
            for imported, _ in _imports(path)
            for target in (imported, imported.rpartition(".")[0])
            # A package's own __init__ is not a dependency of its modules (it imports them).
            if target in modules and target != name and not name.startswith(target + ".")
        }
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, if there is any (depth-first search)."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_modules_import_no_circle():
    assert _cycle(_graph()) is None


@pytest.mark.parametrize("package", PACKAGES)
def test_packages_import_only_what_sits_below_them(package):
    reached = {
        (str(path.relative_to(BASE)), imported)
        for path in (BASE / package).rglob("*.py")
        if "migrations" not in path.parts
        for imported, _ in _imports(path)
        if imported.split(".")[0] not in ALLOWED[package]
    }
    assert reached == set()


def test_no_import_hides_inside_a_function():
    hidden = {
        (str(path.relative_to(BASE)), imported)
        for package in PACKAGES
        for path in (BASE / package).rglob("*.py")
        if "migrations" not in path.parts
        for imported, inside in _imports(path)
        if inside
    }
    assert hidden == set()


def test_cycle_finder_finds_a_circle():
    """The checks above can fail: a circle of three is found, a chain is not."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


# A process set up as the project's but without the admin's autodiscovery (nor the URLconf): which
# receivers the program's signals have, and whether the admin modules were imported.
WITHOUT_THE_ADMIN = """
import json, sys
import django
from django.conf import settings
import lorainne.settings as project

values = {name: getattr(project, name) for name in dir(project) if name.isupper()}
values["INSTALLED_APPS"] = [
    "django.contrib.admin.apps.SimpleAdminConfig" if app == "django.contrib.admin" else app
    for app in values["INSTALLED_APPS"]
]
settings.configure(**values)
django.setup()
from program.services import edition_moved, edition_started

print(json.dumps({
    "admin": sorted(m for m in sys.modules if m.split(".")[0] in {"program", "registration",
        "contributions"} and ".admin" in m),
    "started": sorted({key[0] for key, *_ in edition_started.receivers}),
    "moved": sorted({key[0] for key, *_ in edition_moved.receivers}),
}))
"""


def test_program_signals_reach_the_other_apps_without_the_admin():
    """Each app connects its receivers of the program's signals in its AppConfig.ready(), not
    as a side effect of a module the admin happens to import: a process that never loads the
    admin (a command, a worker) copies the call and the options into the next edition too."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_THE_ADMIN],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found == {
        "admin": [],
        "started": ["contributions_call_copied", "registration_options_copied"],
        "moved": ["contributions_call_moved", "registration_days_moved"],
    }
