"""The repository stands alone: nothing it runs reads beside or above the checkout (issue #11).

The guard (tests/checkout_guard.py, installed for the whole session by tests/conftest.py)
refuses such opens while the tests run; the last test looks for paths that climb out in the
sources themselves.
"""

import os
import re
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from .seed import SEED_PATH

BASE_DIR = Path(settings.BASE_DIR).resolve()
# A file no one has: were the guard off, opening it would raise FileNotFoundError instead.
ABSENT = "lorainne-checkout-guard-probe.txt"


# A folder beside the checkout, as the development machines' folder of shared files, from which
# the seed page was once read: a clone has no such folder, and nothing may open it.
BESIDE_THE_CHECKOUT = BASE_DIR.parent / "beside-the-checkout" / "lorainne24-website.md"


def test_open_of_a_folder_beside_checkout_raises_permission_error():
    path = BESIDE_THE_CHECKOUT

    with pytest.raises(PermissionError, match=re.escape(repr(str(path)))):
        path.read_text(encoding="utf-8")


def test_open_of_relative_path_climbing_out_raises_permission_error(monkeypatch):
    monkeypatch.chdir(BASE_DIR)

    with pytest.raises(PermissionError, match="is outside the checkout"):
        (Path("..") / ABSENT).read_text(encoding="utf-8")


def test_os_open_of_bytes_path_in_parent_folder_raises_permission_error():
    path = os.fsencode(BASE_DIR.parent / ABSENT)

    with pytest.raises(PermissionError, match=re.escape(ABSENT)):
        os.open(path, os.O_RDONLY)


def test_open_of_symlink_leading_out_of_checkout_raises_permission_error(tmp_path):
    link = tmp_path / "seed.md"
    link.symlink_to(BESIDE_THE_CHECKOUT)

    with pytest.raises(PermissionError, match="is outside the checkout"):
        link.read_bytes()


def test_open_inside_checkout_reads_file():
    text = (BASE_DIR / "tests" / "data" / "lorainne24-website.md").read_text(encoding="utf-8")

    assert text.startswith("# LoRAINNe'24: workshop on LOw-Rank Approximations")


def test_open_of_temp_files_writes_and_reads(tmp_path):
    (tmp_path / "calendar.ics").write_text("BEGIN:VCALENDAR\n", encoding="utf-8")
    with tempfile.NamedTemporaryFile("w+", suffix=".txt", encoding="utf-8") as file:
        file.write("a temp file")
        file.seek(0)

        assert file.read() == "a temp file"
    assert (tmp_path / "calendar.ics").read_text(encoding="utf-8") == "BEGIN:VCALENDAR\n"


def test_seed_path_is_inside_checkout():
    assert SEED_PATH == BASE_DIR / "tests" / "data" / "lorainne24-website.md"
    assert SEED_PATH.is_file()


# What the static check reads: the code, the tests, the benchmarks and the build and CI scripts.
CHECKED_FOLDERS = ["lorainne", "jobs", "mail", "program", "registration", "tests", "bench"]
CHECKED_FILES = ["Makefile", ".ci/run"]
TEXT_SUFFIXES = {".py", ".html", ".txt", ".mjs", ".js", ".lua", ".json", ".md", ".toml"}
# Output written by the tests and the benchmarks (ignored by git), not sources.
GENERATED = [BASE_DIR / "tests" / "artifacts", BASE_DIR / "bench" / "out"]
# This file spells out what it looks for.
NOT_CHECKED = {Path(__file__).resolve()}
# A path that climbs out of the checkout, or that names a folder of shared files.
OUTSIDE = re.compile(r"\.\./|\bshared/")


def _sources() -> list[Path]:
    files = [BASE_DIR / name for name in CHECKED_FILES]
    for folder in CHECKED_FOLDERS:
        for path in (BASE_DIR / folder).rglob("*"):
            if (
                path.suffix in TEXT_SUFFIXES
                and "__pycache__" not in path.parts
                and not any(path.is_relative_to(generated) for generated in GENERATED)
                and path.is_file()
            ):
                files.append(path)
    return sorted(path for path in files if path.resolve() not in NOT_CHECKED)


def test_sources_mention_no_path_outside_checkout():
    sources = _sources()

    offending = [
        f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]

    assert offending == []
    assert {BASE_DIR / "Makefile", BASE_DIR / ".ci" / "run", SEED_PATH.parent / "README.md"} <= set(
        sources
    )
