"""The site as production runs it: gunicorn with production's configuration (gthread workers),
debug off, on a loopback port."""

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.http_browser import answers

REPO = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


class Gunicorn:
    """A gunicorn master and its workers, started with the environment given."""

    def __init__(
        self, *, port: int, workers: int, env: dict[str, str], log: Path, checkout: Path = REPO
    ):
        self.checkout = checkout  # whose code it serves
        self.port = port
        self.workers = workers
        self.env = env
        self.log = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        """Start gunicorn and wait until every worker answers /healthz."""
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "lorainne.wsgi",
                    # Production's configuration (access log, worker class and threads included),
                    # then the bench's own.
                    "--config",
                    "python:lorainne.gunicorn_conf",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                ],
                cwd=self.checkout,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start: see {self.log}")
            if len(self.worker_pids()) == self.workers and answers(self.port):
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 60 s: see {self.log}")

    def stop(self) -> None:
        """Stop gracefully (SIGTERM); kill after 20 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def worker_pids(self) -> list[int]:
        """The master's children, read from /proc."""
        if self.process is None:
            return []
        children = []
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:  # the process ended while we looked
                continue
            # The command name, in parentheses, may hold spaces: the parent id follows it.
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid:
                children.append(int(entry.name))
        return sorted(children)

    def memory(self) -> dict:
        """Resident memory (VmRSS, MiB) of the master and of each worker."""
        return {
            "master_mib": _rss_mib(self.process.pid),
            "workers_mib": [_rss_mib(pid) for pid in self.worker_pids()],
        }


def fetch(port: int, path: str) -> bytes:
    """GET a page as a browser behind the TLS proxy would, and return its body (must be 200)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "GET", path, headers={"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https"}
        )
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}")
    return body


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for process {pid}")
