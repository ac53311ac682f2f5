"""The outbox: every email the site sends is a Delivery row, and the task worker sends it.

A change that owes someone an email (a registration, a cancellation, an announcement, the
reminder, a speaker's link) records a Delivery in its own transaction (queue(), queue_each());
after commit a task sends it. A crash between the change and the send loses nothing: the row says
what is owed. The app that owes it writes it when its turn comes (mail/kinds.py).

Each row is sent at most once per try, in three steps:

1. Claim: one conditional UPDATE takes the row to `sending`, with lease_expires_at = now +
   EMAIL_LEASE_SECONDS, if it is queued, failed and due again (EMAIL_RETRY_DELAYS), or `sending`
   past its lease. Two workers never hold the same row; the lease is several times the SMTP
   timeout, so a live worker's send has ended, sent or failed, before another may take the row.
2. Send, with a Message-ID made from the row (message_id()): the same on every try.
3. Record `sent`, or `failed` with the error, only if the row is still ours (same lease).

The task queue only wakes the sender up. django-tasks-db never runs again a task whose worker
died (it stays RUNNING: its issue #5), so the sweep (sweep_outbox, a frequent job of the
schedule: mail/jobs.py) claims what is owed and due: rows `sending` past their lease (their worker died),
retries due, and rows queued whose task never came (the process died right after commit).

What this cannot promise: if the worker dies after the mail server answered 250 to the message
and before step 3, the row is still `sending`, and after the lease it is sent again. That is the
only window for a second copy (a few milliseconds per email), and the copy carries the same
Message-ID, which mail systems and clients use to drop duplicates. The other way round (never
resending a row whose worker died) would lose every email whose send was cut short, which is the
common case. Each claim counts as a try: a message that kills its worker every time stops after
the last retry, shown as stuck in the admin.

In development and tests the immediate backend sends at once and nothing sweeps: a failure stays
failed, visible in the admin, until an organizer sends it again.
"""

import datetime as dt
import functools
import logging
import operator
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.tasks import task
from django.utils import timezone

from .kinds import KINDS
from .models import Delivery

logger = logging.getLogger(__name__)


def queue(kind: str, recipient: models.Model, *, to: str, variant: str = "") -> Delivery:
    """Record that `recipient` is owed the email `kind` (`variant`) at `to`, in the caller's
    transaction (or at once outside one), and queue its sending for after commit."""
    delivery = Delivery.objects.create(
        kind=kind,
        variant=variant,
        recipient_type=ContentType.objects.get_for_model(recipient),
        recipient_id=recipient.pk,
        to=to,
    )
    transaction.on_commit(functools.partial(send_deliveries.enqueue, [delivery.pk]))
    return delivery


def queue_each(
    kind: str,
    recipients: Iterable[tuple[int, str]],
    *,
    recipient_model: type[models.Model],
    about: models.Model,
) -> int:
    """Queue one email `kind` about `about` for each (pk, address) of `recipient_model`, at most
    one per person ever: those who have theirs already are left out by the database. In the
    caller's transaction; their sending is queued for after commit. Returns how many were asked
    for."""
    recipient_type = ContentType.objects.get_for_model(recipient_model)
    about_type = ContentType.objects.get_for_model(about)
    rows = [
        Delivery(
            kind=kind,
            recipient_type=recipient_type,
            recipient_id=pk,
            about_type=about_type,
            about_id=about.pk,
            once=True,
            to=to,
        )
        for pk, to in recipients
    ]
    Delivery.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    if rows:
        transaction.on_commit(
            functools.partial(send_queued_about.enqueue, kind, about_type.pk, about.pk)
        )
    return len(rows)


@task
def send_deliveries(delivery_ids: list[int]) -> int:
    """Send these deliveries, those of them that may be claimed now (see claimable()); returns
    how many left."""
    return send_each(delivery_ids)


@task
def send_queued_about(kind: str, about_type_id: int, about_id: int) -> int:
    """Send the queued deliveries `kind` about one thing (an announcement's copies, an edition's
    reminders); returns how many left."""
    ids = Delivery.objects.filter(
        kind=kind, about_type_id=about_type_id, about_id=about_id, state=Delivery.State.QUEUED
    ).values_list("pk", flat=True)
    return send_each(list(ids))


def send_each(delivery_ids: list[int]) -> int:
    """Claim and send each delivery in turn; returns how many left."""
    return sum(_send_one(delivery_id) is True for delivery_id in delivery_ids)


def sweep_outbox(now: dt.datetime) -> int:
    """Send the emails owed and due that no task is sending (claimable()): retries due, rows
    whose worker died while sending (past their lease), rows queued whose own task never came.
    Returns how many left."""
    # A row queued moments ago has its own task coming: leave it to that task.
    recent = dt.timedelta(seconds=settings.EMAIL_SWEEP_SECONDS)
    owed = (
        Delivery.objects.filter(claimable(now))
        .exclude(state=Delivery.State.QUEUED, updated_at__gt=now - recent)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return send_each(list(owed))


def send_again(deliveries: Iterable[Delivery], *, now: dt.datetime | None = None) -> int:
    """An organizer sends again the deliveries that failed (after their last retry, or without
    waiting for the next) or are stuck (their worker stopped while sending, past the lease: the
    person may get the email twice; the sweep would send it again anyway while it has a try left).

    Those sent, queued or sending within their lease are left alone. Each is queued again with its
    tries counted from zero. Queues the task that sends them; returns how many.
    """
    now = now or timezone.now()
    ids = [delivery.pk for delivery in deliveries]
    again = Delivery.objects.filter(pk__in=ids).filter(failed_or_stuck(now))
    with transaction.atomic():
        chosen = list(again.values_list("pk", flat=True))
        Delivery.objects.filter(pk__in=chosen).update(
            state=Delivery.State.QUEUED, attempts=0, updated_at=now
        )
        if chosen:
            transaction.on_commit(functools.partial(send_deliveries.enqueue, chosen))
    return len(chosen)


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.EMAIL_LEASE_SECONDS)


def retry_delays() -> list[dt.timedelta]:
    return [dt.timedelta(seconds=seconds) for seconds in settings.EMAIL_RETRY_DELAYS]


def stuck(
    now: dt.datetime, *, state_field: str = "state", lease_field: str = "lease_expires_at"
) -> models.Q:
    """Deliveries still `sending` past their lease: their worker stopped while sending. The one
    definition of stuck (is_stuck says it of one row). The fields may be paths to
    a delivery's (`deliveries__state`) or a latest email's annotations (models.LATEST)."""
    return models.Q(**{state_field: Delivery.State.SENDING, f"{lease_field}__lt": now})


def is_stuck(state: str | None, lease_expires_at: dt.datetime | None, now=None) -> bool:
    """stuck(), of one row's fields (no query)."""
    return (
        state == Delivery.State.SENDING
        and lease_expires_at is not None
        and lease_expires_at < (now or timezone.now())
    )


def failed_or_stuck(now: dt.datetime) -> models.Q:
    return models.Q(state=Delivery.State.FAILED) | stuck(now)


def claimable(now: dt.datetime) -> models.Q:
    """The deliveries a worker may take at `now`: queued; failed, with a try left, once the delay
    after their last try has passed; `sending` past their lease (their worker stopped), with a
    try left."""
    tries_left = models.Q(attempts__lte=len(retry_delays()))
    due_again = functools.reduce(
        operator.or_,
        (
            models.Q(attempts=tries, updated_at__lte=now - delay)
            for tries, delay in enumerate(retry_delays(), start=1)
        ),
        models.Q(pk__in=[]),
    )
    return (
        models.Q(state=Delivery.State.QUEUED)
        | (models.Q(state=Delivery.State.FAILED) & due_again)
        | (stuck(now) & tries_left)
    )


def message_id(delivery: Delivery) -> str:
    """The Message-ID of a delivery, the same on every try: its row and creation time (a pk alone
    could come back in another database), at the site's host."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<delivery-{delivery.pk}.{delivery.created_at:%Y%m%d%H%M%S%f}@{host}>"


def failure_note(error: Exception) -> str:
    """What the admin shows of a failed send: when, and the mail server's error (at most 1,000
    characters)."""
    return f"{timezone.now():%Y-%m-%d %H:%M:%S %Z} {type(error).__name__}: {error}"[:1000]


def _send_one(delivery_id: int) -> bool | None:
    """True: sent; False: failed; None: not ours to send (taken by another worker, sent already,
    deleted, not due, or no longer owed: see mail/kinds.py)."""
    now = timezone.now()
    lease_expires_at = now + lease()
    claimed = Delivery.objects.filter(claimable(now), pk=delivery_id).update(
        state=Delivery.State.SENDING,
        lease_expires_at=lease_expires_at,
        attempts=models.F("attempts") + 1,
        updated_at=now,
    )
    if not claimed:
        return None
    ours = Delivery.objects.filter(
        pk=delivery_id, state=Delivery.State.SENDING, lease_expires_at=lease_expires_at
    )
    delivery = Delivery.objects.get(pk=delivery_id)
    try:
        message = KINDS[delivery.kind].compose(delivery)
        if message is None:
            logger.info("delivery skipped: delivery=%s is no longer owed", delivery_id)
            delivery.delete()
            return None
        message.extra_headers["Message-ID"] = message_id(delivery)
        message.send()
    except Exception as error:  # any failure of the mail server is recorded, whatever its kind
        ours.update(
            state=Delivery.State.FAILED, error=failure_note(error), updated_at=timezone.now()
        )
        logger.warning(
            "delivery failed: delivery=%s kind=%s try=%s",
            delivery_id,
            delivery.kind,
            delivery.attempts,
        )
        return False
    ours.update(
        state=Delivery.State.SENT,
        to=", ".join(message.to),
        sent_at=timezone.now(),
        error="",
        updated_at=timezone.now(),
    )
    logger.info("delivery sent: delivery=%s kind=%s", delivery_id, delivery.kind)
    return True
