"""The moment registration opens: many people submit the form at once.

Each of `people` threads is one browser behind the TLS proxy: it GETs /register/ (the CSRF
cookie and the form's token) and waits at a barrier; all POSTs are then released together. Each
POST opens its connection only then: a connection opened early and left idle would hold a sync
worker, which blocks on an accepted connection until its request arrives.

Latency is counted from a thread's release to its POST's response, queueing for a gunicorn
worker included, as the person would wait; the rate is the people divided by the time from the
release to the last response. An error is a POST that did not answer 302 (the redirect to
"check your inbox") or an exception on the way.
"""

import http.client
import re
import statistics
import threading
import time
from urllib.parse import urlencode

from tests.http_browser import Browser

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
        browser = Browser(port, user_agent="lorainne-bench", timeout=120)
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
