"""`make bench`: how close the program page gets to a static file; how registration holds a burst.

From a clean checkout, against the PostgreSQL server at 127.0.0.1:5432 (user postgres, trust):

1. installs wrk if missing; creates the database lorainne_bench afresh, migrates, loads
   LoRAINNe'24 (fixture) and builds a large synthetic workshop (500 talks, 200 speakers);
2. counts SQL queries per public page in-process, cold and cached, for both workshops, and
   times and profiles a cached /program/ request (bench/out/profile-program-*.txt); measures
   gunicorn's CPU per request for each workshop's program, program.json, home and talk pages
   with the page cache off and on (bench/render.py);
3. starts gunicorn as production runs it (debug off, fingerprinted static files, 4 workers)
   once to save each program page as a static file, then again to serve both;
4. measures with wrk, per workshop, side by side: the program page and its static copy (their
   ratio is the figure to watch), the home page, a talk page and the iCal feed;
5. fires 200 registrations at once at LoRAINNe'24 with 50 free seats;
6. reads each gunicorn worker's resident memory;
7. prints the figures and writes them to bench/out/results-latest.json;
8. stops gunicorn and drops the database, also on failure.

Exits non-zero if the burst did not confirm exactly the free seats and waitlist the others, if
a registration POST failed, or if wrk got any answer outside 2xx/3xx.
"""

import argparse
import dataclasses
import datetime as dt
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import database, report, throughput
from bench.server import Gunicorn, fetch
from tests.http_browser import free_port

# BENCH_DATABASE: another name, for a run beside another one on the same server.
DATABASE = os.environ.get("BENCH_DATABASE", "lorainne_bench")
OUT = Path(__file__).with_name("out")
WORKERS = 4
PEOPLE = 200
FREE_SEATS = 50


def production_env(*, static_root: Path, port: int) -> dict[str, str]:
    """The environment of a production deployment on this machine, without TLS in front.

    The caches are production's (.env.example): the rate limit counts in the database cache,
    and the page cache is per process (its keys hold the content version read from the
    database, so no worker serves a stale page). The registration rate limit is lifted, as
    every simulated person comes from 127.0.0.1; emails are only queued (no worker runs), so the
    burst measures registration, not a mail server.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "DATABASE_URL", "EMAIL_URL", "CACHE_URL", "PAGE_CACHE_URL")
        )
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lorainne.settings",
        DATABASE_URL=database.url(DATABASE),
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"https://127.0.0.1:{port}",
        DJANGO_STATIC_MANIFEST="True",
        DJANGO_STATIC_ROOT=str(static_root),
        CACHE_URL="dbcache://django_cache",
        EMAIL_URL="dummymail://",
        DJANGO_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        REGISTRATION_RATE_LIMIT="1000000",
        TRUSTED_PROXIES="127.0.0.1",  # the benchmark plays the TLS proxy
        # wrk speaks plain HTTP; requests still say X-Forwarded-Proto: https, as behind the proxy.
        DJANGO_SECURE_SSL_REDIRECT="False",
        DJANGO_SECURE_COOKIES="True",
        DJANGO_HSTS_SECONDS="31536000",
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def machine() -> dict:
    """What the figures were measured on."""
    import django

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    conn = database.connect()
    try:
        with conn.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0]
    finally:
        conn.close()
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(memory_kib / 1024**2, 1),
        "postgresql": postgres,
        "python": platform.python_version(),
        "django": django.get_version(),
        "wrk": (wrk.stdout or wrk.stderr).split("[")[0].strip(),
    }


def _load_average() -> float:
    """The one-minute load average: above the core count, other work competed with the run."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def prepare(today: dt.date) -> list:
    """Migrate, collect the static files, load LoRAINNe'24 and build the large workshop."""
    from django.core.management import call_command

    from bench import workload

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return [workload.load_lorainne(today=today), workload.build_large_workshop(today=today)]


# Each page's rate against the static copy of the program page (targets in report.py).
RATIOS = {"ratio": "program /program/", "home_ratio": "home /"}


def measure_pages(*, port: int, editions: list, load: throughput.Load) -> dict:
    """wrk on each workshop's program page, its static copy, the home, a talk and the iCal feed."""
    from bench import workload

    headers = {"X-Forwarded-Proto": "https"}
    results = {}
    for edition in editions:
        workload.make_current(edition, among=editions)
        slug = edition.workshop.slug
        pages = {
            "program /program/": "/program/",
            "static copy of /program/": f"/static/bench/program-{slug}.html",
            "home /": "/",
            "talk " + edition.talk_path.removeprefix("/program/talks"): edition.talk_path,
            "iCal /program/calendar.ics": "/program/calendar.ics",
        }
        figures = {}
        for name, path in pages.items():
            url = f"http://127.0.0.1:{port}{path}"
            throughput.warm_up(url, headers=headers)
            figures[name] = throughput.measure(url, load=load, headers=headers)
            print(f"  {edition.label} {name}: {figures[name]['requests_per_second']:.0f} req/s")
        static = figures["static copy of /program/"]["requests_per_second"]
        for ratio, page in RATIOS.items():
            figures[ratio] = round(figures[page]["requests_per_second"] / static, 3)
        results[edition.label] = figures
    return results


def registration_burst(*, port: int, editions: list) -> dict:
    """200 registrations at once for the 50 free seats of LoRAINNe'24; the outcome from the DB."""
    from django_tasks_db.models import DBTaskResult

    from bench import burst, workload
    from registration.models import Registration

    lorainne = editions[0]
    workload.make_current(lorainne, among=editions)
    workload.leave_free_seats(lorainne, FREE_SEATS)
    with burst.longest_lock_wait(DATABASE) as lock_wait:
        outcome = burst.run(port=port, people=PEOPLE)
    registrations = Registration.objects.filter(workshop_id=lorainne.workshop_id)
    return {
        "workshop": lorainne.label,
        "free_seats": FREE_SEATS,
        # A seat is given confirmed, or held until the address is confirmed (the seed's edition
        # confirms addresses): either way it is taken, and the capacity rule counts both.
        "seated": registrations.filter(
            status__in=[Registration.Status.CONFIRMED, Registration.Status.HELD]
        ).count(),
        "waitlisted": registrations.filter(status=Registration.Status.WAITLISTED).count(),
        "emails_queued": DBTaskResult.objects.count(),
        "longest_lock_wait_ms": lock_wait["ms"],
        **outcome,
    }


def benchmark(*, static_root: Path, env: dict[str, str], port: int, load: throughput.Load) -> dict:
    """Everything between creating the database and dropping it; returns every figure."""
    from bench import breakdown, queries, render, workload

    editions = prepare(dt.date.today())
    (OUT / "gunicorn.log").write_text("")
    print(f"Data ready: {', '.join(e.label for e in editions)}")

    counts, breakdowns = {}, {}
    for edition in editions:
        workload.make_current(edition, among=editions)
        counts[edition.label] = queries.count(edition.talk_path)
        breakdowns[edition.label] = breakdown.cached_request(
            "/program/", profile_to=OUT / f"profile-program-{edition.workshop.slug}.txt"
        )
    print("Queries counted, cached /program/ profiled")

    render_cost = render.measure(env=env, port=port, editions=editions, log=OUT / "gunicorn.log")
    print("Rendering cost measured (page cache off and on)")

    # Whitenoise indexes STATIC_ROOT when a worker starts: save the pages, then start afresh.
    log = OUT / "gunicorn.log"
    with Gunicorn(port=port, workers=1, env=env, log=log):
        for edition in editions:
            workload.make_current(edition, among=editions)
            copy = static_root / "bench" / f"program-{edition.workshop.slug}.html"
            copy.parent.mkdir(exist_ok=True)
            copy.write_bytes(fetch(port, "/program/"))
    print("Program pages saved as static files")

    with Gunicorn(port=port, workers=WORKERS, env=env, log=log) as server:
        pages = measure_pages(port=port, editions=editions, load=load)
        burst = registration_burst(port=port, editions=editions)
        print(f"Burst done: {burst['seated']} seated, {burst['errors']} errors")
        memory = server.memory()
    return {
        "throughput": pages,
        "burst": burst,
        "queries": counts,
        "breakdown": breakdowns,
        "render": render_cost,
        "memory": memory,
        "workers": WORKERS,
        "load": dataclasses.asdict(load),
    }


def failures(results: dict) -> list[str]:
    """What makes the run fail: a burst that was not exact (everyone seated or waitlisted,
    exactly the free seats seated), or requests that failed."""
    burst = results["burst"]
    found = []
    if burst["seated"] != burst["free_seats"]:
        found.append(f"burst seated {burst['seated']}, not {burst['free_seats']}")
    if burst["waitlisted"] != burst["people"] - burst["free_seats"]:
        found.append(f"burst waitlisted {burst['waitlisted']}, not the other people")
    if burst["errors"]:
        found.append(f"burst had {burst['errors']} errors")
    for label, pages in results["throughput"].items():
        for name, figures in pages.items():
            if name not in RATIOS and figures["errors"]["status"]:
                found.append(f"{label} {name}: {figures['errors']['status']} non-2xx/3xx responses")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=32, help="wrk's open connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    args = parser.parse_args(argv)
    load = throughput.Load(args.threads, args.connections, args.duration)

    started = time.monotonic()
    load_before = _load_average()
    throughput.ensure_wrk()
    OUT.mkdir(exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="lorainne-bench-static-") as static_root:
        env = production_env(static_root=Path(static_root), port=port)
        # This process runs Django too (migrations, data, query counts): with the same settings.
        os.environ.clear()
        os.environ.update(env)
        database.recreate(DATABASE)
        try:
            import django

            django.setup()
            results = benchmark(static_root=Path(static_root), env=env, port=port, load=load)
        finally:
            from django.db import connections

            connections.close_all()
            database.drop(DATABASE)
    results["machine"] = machine()
    results["machine"]["load_average_before"] = load_before
    results["machine"]["load_average_after"] = _load_average()
    results["run_seconds"] = round(time.monotonic() - started, 1)
    print()
    print(report.render(results))
    report.write_json(results, OUT / "results-latest.json")
    print(f"\nFigures written to {OUT / 'results-latest.json'}")
    found = failures(results)
    for failure in found:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
