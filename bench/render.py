"""What a page costs to render: gunicorn's CPU time per request, with the page cache off and on.

A page the cache does not hold (the first request after any change, every request while the
cache is cold or off) is rendered in full: the queries, the templates, the middleware. This
starts gunicorn as production runs it (`bench.run.production_env`) with one worker, once
with the page cache off (`PAGE_CACHE_URL=dummycache://`: the workshop row is read again too, as
after a change) and once with it on, requests each page one at a time, and reads the worker's CPU
time from /proc (`schedstat`, in nanoseconds) before and after each round. A round is
`REQUESTS` requests; the figure is the median over `ROUNDS` rounds, so that other work on the
machine weighs on it as little as it can (CPU time counts only the worker's own work, but a busy
machine still slows it through shared caches).

`bench.run` calls `measure()` on its database; `python -m bench.render` builds a database of its
own (`lorainne_bench_render`, dropped after) with the same two workshops and prints the table.

`python -m bench.render --before DIR` compares this checkout with the code in DIR (e.g. a
`git worktree` of an older commit) on the same database: a gunicorn for each, page cache off,
their rounds alternating page by page so that both meet the same machine; it prints each one's
median and the median of the per-round ratios.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import database
from bench.server import REPO, Gunicorn, fetch

DATABASE = "lorainne_bench_render"
OUT = Path(__file__).with_name("out")
REQUESTS = 40
ROUNDS = 5
WARM_UP = 5


def pages(edition) -> dict[str, str]:
    """The pages measured, by name: those the issue's figures name."""
    return {
        "program": "/program/",
        "program.json": "/program.json",
        "home": "/",
        "talk": edition.talk_path,
    }


def _cpu_ns(pid: int) -> int:
    """CPU time the process has used so far, every thread (a gthread worker has several)."""
    return sum(
        int(Path(task.path, "schedstat").read_text().split()[0])
        for task in os.scandir(f"/proc/{pid}/task")
    )


def cost(port: int, pid: int, path: str, *, requests: int, rounds: int) -> dict:
    """CPU and wall milliseconds per request of `path`: the median of `rounds` rounds."""
    for _ in range(WARM_UP):
        fetch(port, path)
    cpu, wall = [], []
    for _ in range(rounds):
        started_cpu, started = _cpu_ns(pid), time.perf_counter()
        for _ in range(requests):
            fetch(port, path)
        wall.append((time.perf_counter() - started) * 1000 / requests)
        cpu.append((_cpu_ns(pid) - started_cpu) / 1e6 / requests)
    return {
        "cpu_ms": round(statistics.median(cpu), 2),
        "cpu_ms_min": round(min(cpu), 2),
        "wall_ms": round(statistics.median(wall), 2),
    }


def measure(
    *, env: dict[str, str], port: int, editions: list, log: Path, requests=REQUESTS, rounds=ROUNDS
) -> dict:
    """Per workshop and page: CPU ms per request uncached (page cache off) and cached."""
    from bench import workload

    results = {"requests": requests, "rounds": rounds, "pages": {e.label: {} for e in editions}}
    for mode, cache_url in (("uncached", "dummycache://"), ("cached", None)):
        mode_env = {**env, "PAGE_CACHE_URL": cache_url} if cache_url else env
        with Gunicorn(port=port, workers=1, env=mode_env, log=log) as server:
            (worker,) = server.worker_pids()
            for edition in editions:
                workload.make_current(edition, among=editions)
                for name, path in pages(edition).items():
                    figures = cost(port, worker, path, requests=requests, rounds=rounds)
                    page = results["pages"][edition.label].setdefault(name, {"path": path})
                    page[mode] = figures
                    print(f"  {edition.label} {name} {mode}: {figures['cpu_ms']} ms CPU/request")
    return results


def compare(
    *, env: dict[str, str], editions: list, before: Path, log: Path, requests: int, rounds: int
) -> list[str]:
    """Uncached CPU per request of the code in `before` and of this checkout, side by side."""
    from bench import workload
    from tests.http_browser import free_port

    uncached = {**env, "PAGE_CACHE_URL": "dummycache://"}
    checkouts = {"before": before, "after": REPO}
    servers = {}
    lines = ["workshop      page           before ms  after ms  after/before (median of rounds)"]
    try:
        for name, checkout in checkouts.items():
            port = free_port()
            server = Gunicorn(port=port, workers=1, env=uncached, log=log, checkout=checkout)
            servers[name] = server
            server.start()
        for edition in editions:
            workload.make_current(edition, among=editions)
            for page, path in pages(edition).items():
                cpu = {name: [] for name in servers}
                for _ in range(rounds):
                    for name, server in servers.items():
                        (worker,) = server.worker_pids()
                        figures = cost(server.port, worker, path, requests=requests, rounds=1)
                        cpu[name].append(figures["cpu_ms"])
                ratio = statistics.median(
                    [a / b for b, a in zip(cpu["before"], cpu["after"], strict=True)]
                )
                lines.append(
                    f"{edition.label:<12}  {page:<13}  {statistics.median(cpu['before']):>9.2f}"
                    f"  {statistics.median(cpu['after']):>8.2f}  {ratio:>12.2f}"
                )
                print(lines[-1])
    finally:
        for server in servers.values():
            server.stop()
    return lines


def main(argv: list[str] | None = None) -> int:
    from bench import report, run
    from tests.http_browser import free_port

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=REQUESTS, help="requests per round")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument(
        "--before", type=Path, help="a checkout of older code to compare with, side by side"
    )
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="lorainne-bench-static-") as static_root:
        env = run.production_env(static_root=Path(static_root), port=port)
        env["DATABASE_URL"] = database.url(DATABASE)
        os.environ.clear()
        os.environ.update(env)
        database.recreate(DATABASE)
        try:
            import django

            django.setup()
            import datetime as dt

            editions = run.prepare(dt.date.today())
            log = OUT / "gunicorn-render.log"
            if args.before:
                lines = compare(
                    env=env,
                    editions=editions,
                    before=args.before.resolve(),
                    log=log,
                    requests=args.requests,
                    rounds=args.rounds,
                )
            else:
                results = measure(
                    env=env,
                    port=port,
                    editions=editions,
                    log=log,
                    requests=args.requests,
                    rounds=args.rounds,
                )
                lines = report.render_cost_table(results)
        finally:
            from django.db import connections

            connections.close_all()
            database.drop(DATABASE)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
