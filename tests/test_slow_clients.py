"""Slow clients cannot freeze the site: gunicorn as production runs it (lorainne/gunicorn_conf.py),
with no proxy in front, keeps answering while more connections than it has workers trickle a
large form body to /register/ one byte at a time."""

import datetime as dt
import http.client
import socket
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection

from program.models import Workshop
from tests.http_browser import Browser, free_port
from tests.servers import postgres_url, production_env, start_gunicorn, stop, wait_for_http

WORKERS = 2
BODY_BYTES = 100_000  # the size the issue sent; at this pace the body never ends within the test
BYTE_EVERY = 0.5  # seconds
FAST_ENOUGH = 1.0  # seconds for a normal page


class SlowSender:
    """A connection that POSTs a large form to /register/ one byte every BYTE_EVERY seconds,
    from a thread of its own, until `stop()` (or 30 s at most, so it always ends). With the CSRF
    cookie of a real visit, so that Django reads the body (it refuses a form without one before
    reading a byte of it)."""

    def __init__(self, port: int, csrf_cookie: str):
        self.csrf_cookie = csrf_cookie
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def start(self) -> None:
        head = (
            "POST /register/ HTTP/1.1\r\n"
            "Host: 127.0.0.1\r\n"
            "X-Forwarded-Proto: https\r\n"
            "Origin: https://127.0.0.1\r\n"
            f"Cookie: csrftoken={self.csrf_cookie}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {BODY_BYTES}\r\n\r\n"
        )
        self.sock.sendall(head.encode())
        self.thread.start()

    def _trickle(self) -> None:
        deadline = time.monotonic() + 30
        while not self.stopped.wait(BYTE_EVERY) and time.monotonic() < deadline:
            try:
                self.sock.sendall(b"a")
            except OSError:  # the server gave up on it: it holds nothing any more
                return

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
        self.sock.close()


def seconds_to_answer(port: int, path: str) -> float:
    """How long a GET of `path` takes, on a new connection (at most FAST_ENOUGH + 1 s)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=FAST_ENOUGH + 1)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        response.read()
        assert response.status == 200
    except TimeoutError:
        return FAST_ENOUGH + 1
    finally:
        conn.close()
    return time.monotonic() - started


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_slow_request_bodies_do_not_hold_the_workers():
    if connection.vendor != "postgresql":
        pytest.skip("Runs gunicorn against PostgreSQL: set DATABASE_URL=postgres://… (CI does).")
    call_command("loaddata", "lorainne24", verbosity=0)
    today = dt.date.today()  # registration open, so that /register/ takes the form
    Workshop.objects.update(
        registration_deadline=today + dt.timedelta(days=10),
        starts_on=today + dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=21),
    )
    port = free_port()
    env = production_env(
        DATABASE_URL=postgres_url(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_MANIFEST="False",  # no collectstatic: the pages need no static files here
        CACHE_URL="locmemcache://",
        TRUSTED_PROXIES="127.0.0.1",  # the test plays the TLS proxy (X-Forwarded-Proto)
    )
    gunicorn = start_gunicorn(env, port, workers=WORKERS)
    try:
        wait_for_http(port)
        seconds_to_answer(port, "/")  # the first render of the page, before the clock runs
        visitor = Browser(port)
        visitor.request("GET", "/register/")
        csrf_cookie = visitor.cookies["csrftoken"].value
        # One more slow sender than the workers, then twice as many.
        for senders in (WORKERS + 1, 2 * WORKERS):
            slow = [SlowSender(port, csrf_cookie) for _ in range(senders)]
            for sender in slow:
                sender.start()
            try:
                time.sleep(4 * BYTE_EVERY)  # every slow body has reached a worker and trickles
                times = [seconds_to_answer(port, path) for path in ("/", "/healthz", "/")]
            finally:
                for sender in slow:
                    sender.stop()
            assert max(times) < FAST_ENOUGH, (senders, times)
    finally:
        stop(gunicorn)
        with gunicorn.stderr:  # shown if the test fails
            print(gunicorn.stderr.read().decode("utf-8", "replace")[-5000:])
