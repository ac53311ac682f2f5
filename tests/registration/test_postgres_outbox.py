"""Emails that survive their worker, against PostgreSQL: the real task worker (`manage.py
run_worker`, a process of its own), a real SMTP server in the test, and the worker killed with
SIGKILL or cut from the database while it works.

The worker runs with a short lease (3 s), a sweep every second and retries after 1, 2, 4, 8 and
16 seconds, so that what takes minutes in production takes seconds here. Its connections, and
those of the fault test's registrations, commit without waiting for the disk
(synchronous_commit=off): each commit stays atomic and visible to every other connection, only a
crash of PostgreSQL itself could lose the last ones, which is not what these tests are about;
on a busy machine the disk's flushes would otherwise be most of their time.
"""

import asyncio
import email
import email.policy
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from mail import outbox
from mail.models import Delivery
from registration import services
from registration.models import Registration
from tests.http_browser import free_port
from tests.servers import postgres_url

from .conftest import DATABASE_TASKS, make_open_workshop

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (a worker process and parallel connections): "
        "DATABASE_URL=postgres://…",
    ),
    pytest.mark.django_db(transaction=True),
]

REPO = Path(settings.BASE_DIR)
LEASE_SECONDS = 3


class MailServer:
    """An SMTP server that keeps what it accepted (each message's Message-ID and recipients).
    `hold_data` / `hold_quit`: the next DATA, or QUIT after an accepted message, waits until
    `release()`; a held DATA is then refused (its sender is gone: nothing was accepted)."""

    def __init__(self, port: int):
        self.port = port
        self.accepted: list[tuple[str, tuple[str, ...]]] = []
        self.hold_data = False
        self.hold_quit = False
        self.holding = threading.Event()
        self._released = threading.Event()
        self._controller = Controller(self, hostname="127.0.0.1", port=port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self.release()
        self._controller.stop()

    def release(self) -> None:
        self._released.set()

    async def _hold(self) -> None:
        self.holding.set()
        while not self._released.is_set():
            await asyncio.sleep(0.05)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hooks
        if self.hold_data:
            self.hold_data = False
            await self._hold()
            return "421 Sender gone before the end of the message"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.accepted.append((message["Message-ID"], tuple(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        if self.hold_quit and self.accepted:
            self.hold_quit = False
            await self._hold()
        return "221 Bye"

    def recipients(self) -> Counter:
        return Counter(address for _, to in self.accepted for address in to)

    def message_ids(self) -> Counter:
        return Counter(message_id for message_id, _ in self.accepted)


class Worker:
    """`manage.py run_worker` in a process of its own, on the test database; its output in
    `log`, shown when a test fails."""

    def __init__(self, smtp_port: int, log: Path):
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_URL", "EMAIL_"))
        } | {
            "DATABASE_URL": postgres_url() + "?options=-c%20synchronous_commit%3Doff",
            "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}?timeout=1",
            "EMAIL_LEASE_SECONDS": str(LEASE_SECONDS),
            "EMAIL_SWEEP_SECONDS": "1",
            "EMAIL_RETRY_DELAYS": "1,2,4,8,16",
            "SITE_URL": settings.SITE_URL,
        }
        self.log = log
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        with self.log.open("a") as output:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "run_worker", "--interval", "0.1"],
                cwd=REPO,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        print(self.log.read_text()[-5000:])  # shown by pytest when the test failed


@pytest.fixture
def smtp():
    server = MailServer(free_port())
    yield server
    server.stop()


@pytest.fixture
def worker(smtp, tmp_path, settings):
    settings.TASKS = DATABASE_TASKS  # the test's registrations queue tasks for the worker
    running = Worker(smtp.port, tmp_path / "worker.log")
    yield running
    running.stop_all()


def _register(workshop, number: int) -> Registration:
    return services.register(
        workshop,
        first_name=f"Person {number}",
        last_name="Иштева",
        email=f"person-{number}@example.org",
        affiliation="Université de Lorraine",
        position=Registration.Position.POSTDOC,
    )


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        states = Counter(Delivery.objects.values_list("state", "attempts"))
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}: {states}"
        time.sleep(0.2)


def _all_sent(count: int):
    return lambda: Delivery.objects.filter(state=Delivery.State.SENT).count() == count


def test_worker_killed_while_the_server_reads_the_message_sends_it_once_after_restart(smtp, worker):
    smtp.start()
    smtp.hold_data = True
    registration = _register(make_open_workshop(capacity=10), 1)
    killed = worker.start()
    assert smtp.holding.wait(timeout=30), "the worker never reached DATA"

    worker.kill(killed)  # in the middle of the send: the server has not accepted the message
    smtp.release()
    worker.start()
    _wait_for(_all_sent(1), timeout=30, what="the email to be sent after the lease")

    [delivery] = registration.deliveries.all()
    assert (delivery.variant, delivery.state, delivery.attempts) == ("confirmed", "sent", 2)
    assert smtp.recipients() == {"person-1@example.org": 1}
    assert smtp.message_ids() == {outbox.message_id(delivery): 1}
    time.sleep(LEASE_SECONDS + 1)  # another lease and a few sweeps: nothing more leaves
    assert len(smtp.accepted) == 1


def test_worker_killed_after_the_server_accepted_sends_a_copy_with_the_same_message_id(
    smtp, worker
):
    """The one window for a second copy (mail/outbox.py says so): the server answered 250 and the
    worker died before recording `sent`. The copy carries the same Message-ID."""
    smtp.start()
    smtp.hold_quit = True  # the worker waits for the server's goodbye after the 250
    registration = _register(make_open_workshop(capacity=10), 1)
    killed = worker.start()
    assert smtp.holding.wait(timeout=30), "the worker never quit"

    worker.kill(killed)
    smtp.release()
    worker.start()
    _wait_for(_all_sent(1), timeout=30, what="the email to be sent after the lease")

    [delivery] = registration.deliveries.all()
    assert smtp.recipients() == {"person-1@example.org": 2}
    assert smtp.message_ids() == {outbox.message_id(delivery): 2}


def test_worker_keeps_working_after_its_database_connection_is_cut(smtp, worker):
    smtp.start()
    workshop = make_open_workshop(capacity=10)
    process = worker.start()
    _register(workshop, 1)
    _wait_for(_all_sent(1), timeout=30, what="the first email")

    with connection.cursor() as cursor:  # as a restart of PostgreSQL would
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.rowcount >= 1
    _register(workshop, 2)
    _wait_for(_all_sent(2), timeout=30, what="the email after the connection was cut")

    assert process.poll() is None  # the same worker, never exited
    assert "task worker lost the database" in worker.log.read_text()
    assert smtp.recipients() == {"person-1@example.org": 1, "person-2@example.org": 1}


def test_300_registrations_for_10_seats_with_smtp_down_and_workers_killed_lose_nothing(
    smtp, worker
):
    """The fault test: 300 people register at once (30 connections) for 10 seats while the mail
    server is down; the task worker is killed in the middle of the burst, and again later in the
    middle of a send once the server is up. At the end: 10 confirmed, 290 on the waiting list,
    and each of the 300 emails accepted by the server exactly once."""
    workshop = make_open_workshop(capacity=10)
    first = worker.start()
    registered = threading.Semaphore(0)
    killer = threading.Thread(target=lambda: (registered.acquire(), worker.kill(first)))

    def register(number: int) -> Registration | Exception:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO off")
            return _register(workshop, number)
        except Exception as error:  # kept, so that the test shows every failure
            return error
        finally:
            if number == 100:
                registered.release()  # the 100th is in: kill the worker mid-burst
            connection.close()

    killer.start()
    with ThreadPoolExecutor(max_workers=30) as pool:
        results = list(pool.map(register, range(1, 301)))
    killer.join(timeout=30)
    assert first.poll() is not None
    assert [r for r in results if isinstance(r, Exception)] == []
    worker.start()  # while the mail server is still down: it records failures

    smtp.hold_data = True
    smtp.start()  # the mail server is back; the next message it reads, it holds
    assert smtp.holding.wait(timeout=30), "no worker reached the mail server"
    worker.kill(worker.processes[-1])  # killed mid-send
    smtp.release()
    worker.start()
    worker.start()  # two side by side, as a deployment may run them
    _wait_for(_all_sent(300), timeout=120, what="every email to leave")

    statuses = Counter(workshop.registrations.values_list("status", flat=True))
    assert statuses == {"confirmed": 10, "waitlisted": 290}
    deliveries = Delivery.objects.filter(registration__workshop=workshop)
    kinds = Counter(deliveries.values_list("variant", flat=True))
    assert kinds == {"confirmed": 10, "waitlisted": 290}
    assert smtp.recipients() == {f"person-{n}@example.org": 1 for n in range(1, 301)}
    assert smtp.message_ids() == {outbox.message_id(d): 1 for d in deliveries}
