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
from http.cookies import SimpleCookie
from urllib.parse import urlencode

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """Just enough of a browser behind a TLS proxy: cookies, the https scheme, Origin/Referer."""

    def __init__(self, port: int):
        self.port = port
        self.cookies = SimpleCookie()
        self.origin = f"https://127.0.0.1:{port}"

    def request(self, method: str, path: str, *, body: str | None = None) -> tuple[int, str]:
        """One request on a new connection (gunicorn's sync workers close it after answering)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "lorainne-bench",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        return response.status, content


def form_fields(n: int, token: str) -> dict[str, str]:
    return {
        "csrfmiddlewaretoken": token,
        "first_name": f"Person{n}",
        "last_name": "Burst",
        "email": f"person{n}@bench.example.org",
        "affiliation": f"Laboratory {n % 17}",
        "position": "phd",
        "attends_day_one": "on",
        "attends_day_two": "on",
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
        browser = Browser(port)
        token = None
        try:
            status, page = browser.request("GET", "/register/")
            token = TOKEN.search(page)
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
            status, _ = browser.request(
                "POST", "/register/", body=urlencode(form_fields(n, token.group(1)))
            )
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
