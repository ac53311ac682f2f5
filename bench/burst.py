"""The moment registration opens: many people submit the form at once.

Each of `people` threads is one browser behind the TLS proxy: it GETs /register/ (the CSRF
cookie and the form's token) and waits at a barrier; all POSTs are then released together. Each
POST opens its connection only then: a connection opened early and left idle would hold a sync
worker, which blocks on an accepted connection until its request arrives.

Latency is counted from a thread's release to its POST's response, queueing for a gunicorn
worker included, as the person would wait; the rate is the people divided by the time from the
release to the last response. An error is a POST that did not answer 302 (the redirect to
"check your inbox") or an exception on the way.

The longest lock wait is read from PostgreSQL itself: while the burst runs, a connection of its
own samples pg_stat_activity every 5 ms for the bench database's statements waiting on a lock
(wait_event_type 'Lock': the workshop row's SELECT … FOR UPDATE), and keeps the longest time
one had been waiting (clock_timestamp() - query_start). A sample may miss a wait's last few
milliseconds, so the figure is a lower bound within 5 ms, plus the time a sample takes.

`python -m bench.burst` runs the burst alone, against a database of its own (BENCH_DATABASE,
default lorainne_bench_burst, created and dropped), with gunicorn as `make bench` starts it.
"""

import contextlib
import http.client
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

from bench import database
from tests.http_browser import Browser, free_port

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DAY = re.compile(r'name="days" value="([^"]+)"')


def form_fields(n: int, token: str, days: list[str]) -> dict[str, str | list[str]]:
    return {
        "csrfmiddlewaretoken": token,
        "first_name": f"Person{n}",
        "last_name": "Burst",
        "email": f"person{n}@bench.example.org",
        "affiliation": f"Laboratory {n % 17}",
        "position": "phd",
        "days": days,  # every day of the edition, as the form ticks them
        "privacy_consent": "on",
    }


SAMPLE_SECONDS = 0.005
LONGEST_LOCK_WAIT = """
    SELECT coalesce(max(extract(epoch FROM clock_timestamp() - query_start)), 0)
    FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'
"""


@contextlib.contextmanager
def longest_lock_wait(database_name: str) -> Iterator[dict]:
    """While the block runs, the longest time a statement of `database_name` was seen waiting
    for a lock; read `["ms"]` after the block."""
    found = {"ms": 0.0, "samples": 0}
    stop = threading.Event()

    def sample() -> None:
        conn = database.connect()
        try:
            with conn.cursor() as cursor:
                while not stop.is_set():
                    cursor.execute(LONGEST_LOCK_WAIT, [database_name])
                    waited = float(cursor.fetchone()[0]) * 1000
                    found["ms"] = max(found["ms"], round(waited, 1))
                    found["samples"] += 1
                    stop.wait(SAMPLE_SECONDS)
        finally:
            conn.close()

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        yield found
    finally:
        stop.set()
        sampler.join()


def run(*, port: int, people: int) -> dict:
    """Fire `people` registrations at once; return the errors, latencies and timing."""
    released = []  # the instant the barrier let everyone go, set by the last one to arrive
    barrier = threading.Barrier(people, action=lambda: released.append(time.perf_counter()))
    latencies: list[float] = []
    finished: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def fail(n: int, what: str) -> None:
        with lock:
            failures.append(f"person {n}: {what}")

    def person(n: int) -> None:
        # Each person from an address of their own, as the proxy forwards it: one client may
        # hold only REGISTRATION_MAX_HOLDS_PER_CLIENT unconfirmed seats.
        browser = Browser(
            port,
            user_agent="lorainne-bench",
            timeout=120,
            forwarded_for=f"10.1.{n // 250}.{n % 250 + 1}",
        )
        token = None
        days: list[str] = []
        try:
            response, page = browser.request("GET", "/register/")
            status = response.status
            token = TOKEN.search(page)
            days = DAY.findall(page)
            if status != 200 or token is None:
                raise RuntimeError(f"GET /register/ answered {status} without a form")
        except (OSError, http.client.HTTPException, RuntimeError) as error:
            fail(n, f"before the burst: {error!r}")
        try:
            barrier.wait(timeout=120)
        except threading.BrokenBarrierError:
            fail(n, "the barrier broke")
            return
        if token is None:
            return
        start = time.perf_counter()
        try:
            response, _ = browser.request(
                "POST",
                "/register/",
                body=urlencode(form_fields(n, token.group(1), days), doseq=True),
            )
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            fail(n, f"POST: {error!r}")
            return
        end = time.perf_counter()
        with lock:
            latencies.append(end - start)
            finished.append(end)
        if status != 302:
            fail(n, f"POST answered {status}")

    threads = [threading.Thread(target=person, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = max(finished) - released[0] if finished and released else float("nan")
    latencies.sort()
    percentiles = statistics.quantiles(latencies, n=100, method="inclusive") if latencies else []
    return {
        "people": people,
        "errors": len(failures),
        "error_samples": failures[:10],
        "seconds": round(wall, 3),
        "registrations_per_second": round(people / wall, 1),
        "latency_ms": {
            "p50": round(percentiles[49] * 1000, 1) if percentiles else None,
            "p99": round(percentiles[98] * 1000, 1) if percentiles else None,
            "max": round(latencies[-1] * 1000, 1) if latencies else None,
        },
    }


def main() -> int:
    """The burst alone: a fresh database, LoRAINNe'24 with 50 free seats, gunicorn as `make
    bench` starts it, 200 people at once; prints the figures and writes bench/out/burst-latest.json.
    Exits non-zero if the burst was not exact or a POST failed."""
    import datetime as dt

    os.environ.setdefault("BENCH_DATABASE", "lorainne_bench_burst")
    from bench import report
    from bench import run as full
    from bench.server import Gunicorn

    full.OUT.mkdir(exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="lorainne-bench-static-") as static_root:
        env = full.production_env(static_root=Path(static_root), port=port)
        os.environ.clear()
        os.environ.update(env)
        database.recreate(full.DATABASE)
        try:
            import django
            from django.core.management import call_command

            django.setup()
            from bench import workload

            for command in ("migrate", "createcachetable"):
                call_command(command, verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
            editions = [workload.load_lorainne(today=dt.date.today())]
            log = full.OUT / "gunicorn-burst.log"
            with Gunicorn(port=port, workers=full.WORKERS, env=env, log=log):
                results = full.registration_burst(port=port, editions=editions)
        finally:
            from django.db import connections

            connections.close_all()
            database.drop(full.DATABASE)
    print("\n".join(report.burst_table(results)))
    report.write_json(results, full.OUT / "burst-latest.json")
    found = full.failures({"burst": results, "throughput": {}})
    for failure in found:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
