"""`make run`: the whole site on one machine, with one command. The development server and the
task worker with its schedule (run_worker) run side by side, each a process of its own, and stop
together: Ctrl-C (or a SIGTERM to this command) stops both, and either one ending stops the other.

Each runs in a process group of its own, so that the terminal's Ctrl-C reaches this command
alone: it stops each group once, with a SIGTERM (the worker finishes the task in hand), and
waits for them; the server's reloader and the process it restarts are one group, so none is
left behind. Neither reads the terminal (a debugger's breakpoint() needs `manage.py runserver`
on its own).

Links in emails and in the admin are written with SITE_URL. Unless SITE_URL or SITE_HOST is set,
both processes get the address the server serves (`make run PORT=8150` links to port 8150). The
worker needs a queue that both processes share: the database's (DJANGO_TASKS_BACKEND), unless
another backend is set.
"""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.management.commands.runserver import naiveip_re

# The queue the server writes tasks to and the worker takes them from.
SHARED_QUEUE = "django_tasks_db.DatabaseBackend"
# Seconds each process has to stop after its SIGTERM (a mail server's timeout is 10 s) before
# it is killed.
STOP_TIMEOUT = 15
# Ctrl-C, a stop asked for (kill, a service manager), the terminal closed.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# Addresses that mean "every interface": the links point to this machine instead.
ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]", "0": "127.0.0.1"}


class Stop(Exception):
    """A signal asked this command to stop."""


def _stop_on_signal(signum, frame):
    raise Stop(signal.strsignal(signum))


def served_address(addrport: str) -> str:
    """The address links point to for `addrport` as runserver reads it ("8150",
    "127.0.0.1:8150", "[::1]:8150", "localhost:8150"): http://host:port."""
    match = naiveip_re.fullmatch(addrport)
    if match is None:
        raise CommandError(f"“{addrport}” is not a port or an address:port.")
    host = match["addr"] or "127.0.0.1"
    return f"http://{ANY_ADDRESS.get(host, host)}:{match['port']}"


def environment(addrport: str, base: dict[str, str]) -> dict[str, str]:
    """The environment of both processes: `base`, with the served address as SITE_URL unless
    the site's address is set, and the shared queue unless a tasks backend is set."""
    env = dict(base)
    if not env.get("SITE_URL") and not env.get("SITE_HOST"):
        env["SITE_URL"] = served_address(addrport)
    env.setdefault("DJANGO_TASKS_BACKEND", SHARED_QUEUE)
    return env


class Command(BaseCommand):
    help = (
        "Run the whole site locally: the development server and the task worker with its "
        "schedule (emails, reminders, expired holds), stopped together by Ctrl-C. Links follow "
        "the address served unless SITE_URL or SITE_HOST is set."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="As for runserver."
        )
        parser.add_argument(
            "--noreload",
            action="store_true",
            help="Do not restart the server when the code changes (as for runserver).",
        )

    def handle(self, *, addrport: str, noreload: bool, **options):
        # os.environ holds .env's values too (settings read it into the environment).
        env = environment(addrport, os.environ)
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        server_args = ["runserver", addrport, *(["--noreload"] if noreload else [])]
        self.stdout.write(f"Links in emails and in the admin point to {env['SITE_URL']}.")
        previous = {signum: signal.signal(signum, _stop_on_signal) for signum in STOP_SIGNALS}
        processes = []
        try:
            for args in (server_args, ["run_worker"]):
                processes.append(
                    subprocess.Popen(
                        [*manage, *args], env=env, stdin=subprocess.DEVNULL, process_group=0
                    )
                )
            # Whichever ends first (a port already taken, the worker's error) ends the other;
            # WNOWAIT leaves it to be reaped below, with its exit code.
            os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT)
        except Stop:
            pass
        finally:
            # The stop is bounded (STOP_TIMEOUT): another Ctrl-C meanwhile must not cut it short
            # and leave the processes behind.
            for signum in STOP_SIGNALS:
                signal.signal(signum, signal.SIG_IGN)
            _stop(processes)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        codes = [process.returncode for process in processes]
        if any(code not in (0, -signal.SIGTERM) for code in codes):
            raise CommandError(f"A process of the site ended with an error (exit codes {codes}).")


def _stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM to each process's group, then wait; a group still there after STOP_TIMEOUT is
    killed."""
    for process in processes:
        if process.poll() is None:
            _signal_group(process, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group has ended
        os.killpg(process.pid, signum)
