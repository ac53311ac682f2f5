"""During the tests, nothing may open a file outside the checkout: the repository stands alone.

The guard is a Python audit hook (PEP 578) on the "open" event, which every open in this process
raises: `open()`, `Path.read_text()`, `os.open()`, and the imports' reads of source and bytecode.
An open whose path resolves (symlinks followed) outside the repository and outside the few
places below raises PermissionError naming the path. Subprocesses (node, gunicorn, Chromium) are
not watched: an audit hook lives in its own process only.

The places allowed outside the checkout are what a recording run of the whole suite found it
opens there, and nothing more:

- the interpreter's prefixes (`sys.prefix`, `sys.exec_prefix`: the virtualenv, when it lives
  outside the checkout; `sys.base_prefix`: the Python it was made from). Imports read the
  standard library and the installed packages there, and Django reads its own templates,
  static files and translations from its package folder. Site-packages lie inside them.
- the session's temp folder (`tempfile.gettempdir()`): pytest's `tmp_path` and Playwright's
  artifacts. `install()` makes it a fresh folder of its own rather than all of /tmp, so a
  checkout placed directly in /tmp still has its parent folder refused.
- the time zone database (`zoneinfo.TZPATH`): zoneinfo reads Europe/Paris and the other zones
  from the system's /usr/share/zoneinfo.
- the file `os.devnull`: `subprocess.DEVNULL` opens it for the servers the tests start.
- the files `mimetypes.knownfiles`: mimetypes reads the system's /etc/mime.types the first time
  a file's type is guessed (Django's FileResponse, whitenoise).

Paths that pytest options send outside the checkout (`--junitxml=…`, `--basetemp=…`) are refused
too: keep such output inside the checkout.
"""

import mimetypes
import os
import shutil
import sys
import tempfile
import zoneinfo
from pathlib import Path

REPO = os.path.realpath(Path(__file__).resolve().parent.parent)

_folders: tuple[str, ...] = ()
_files: frozenset[str] = frozenset()
_session_tempdir: str | None = None


def _real(path: str | bytes | os.PathLike) -> str:
    return os.path.realpath(os.fsdecode(path))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def check(path: str | bytes | os.PathLike) -> None:
    """Raise PermissionError if `path` resolves outside the checkout and the allowed places."""
    real = _real(path)
    if real in _files or any(_inside(real, folder) for folder in _folders):
        return
    raise PermissionError(
        f"{os.fsdecode(path)!r} (resolved: {real}) is outside the checkout {REPO}: the "
        "repository must stand alone, so code and tests open only files inside it "
        "(tests/checkout_guard.py lists the few places allowed outside)"
    )


def _on_audit(event: str, args: tuple) -> None:
    # args[0] is what was passed to open(): a path, or a file descriptor (an int, never checked).
    if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        check(args[0])


def install() -> None:
    """Give the session a temp folder of its own, then refuse opens outside the allowed places.

    Once per process: an audit hook cannot be removed, so a second call changes nothing.
    """
    global _folders, _files, _session_tempdir
    if _session_tempdir is not None:
        return
    _session_tempdir = tempfile.mkdtemp(prefix="lorainne-tests-")
    tempfile.tempdir = _session_tempdir
    interpreter = {sys.prefix, sys.exec_prefix, sys.base_prefix}
    _folders = (
        REPO,
        *sorted({_real(folder) for folder in interpreter}),
        _real(_session_tempdir),
        *sorted({_real(folder) for folder in zoneinfo.TZPATH}),
    )
    _files = frozenset(_real(file) for file in [os.devnull, *mimetypes.knownfiles])
    sys.addaudithook(_on_audit)


def remove_session_tempdir() -> None:
    """Delete the session's temp folder (pytest's `tmp_path` folders included) at the end."""
    if _session_tempdir is not None:
        shutil.rmtree(_session_tempdir, ignore_errors=True)
