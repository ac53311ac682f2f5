"""The outbox: every email to a registrant is a Delivery row, and the task worker sends it.

A change that owes someone an email (a registration, a cancellation, a promotion, a change of
answers, an announcement, the reminder) records a Delivery in its own transaction; after commit a
task sends it. A crash between the change and the send loses nothing: the row says what is owed.

Each row is sent at most once per try, in three steps:

1. Claim: one conditional UPDATE takes the row to `sending`, with lease_expires_at = now +
   EMAIL_LEASE_SECONDS, if it is queued, failed and due again (EMAIL_RETRY_DELAYS), or `sending`
   past its lease. Two workers never hold the same row; the lease is several times the SMTP
   timeout, so a live worker's send has ended, sent or failed, before another may take the row.
2. Send, with a Message-ID made from the row (message_id()): the same on every try.
3. Record `sent`, or `failed` with the error, only if the row is still ours (same lease).

The task queue only wakes the sender up. django-tasks-db 0.13 never runs again a task whose
worker died (it stays RUNNING: its issue #5), so the sweep (schedule.sweep_outbox, every
EMAIL_SWEEP_SECONDS) claims what is owed and due: rows `sending` past their lease (their worker
died), retries due, and rows queued whose task never came (the process died right after commit).

What this cannot promise: if the worker dies after the mail server answered 250 to the message
and before step 3, the row is still `sending`, and after the lease it is sent again. That is the
only window for a second copy (a few milliseconds per email), and the copy carries the same
Message-ID, which mail systems and clients use to drop duplicates. The other way round (never
resending a row whose worker died) would lose every email whose send was cut short, which is the
common case. Each claim counts as a try: a message that kills its worker every time stops after
the last retry, shown as stuck in the admin.

In development and tests the immediate backend sends at once and nothing sweeps: a failure stays
failed, visible in the admin, until an organizer resends it.
"""

import datetime as dt
import functools
import logging
import operator
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.tasks import task
from django.utils import timezone

from program.mail import failure_note

from .emails import build_announcement_email, build_email, build_reminder_email
from .models import Delivery, EmailKind, Registration

logger = logging.getLogger(__name__)


def queue_email(registration: Registration, kind: EmailKind) -> Delivery:
    """Record that `registration` is owed the email `kind`, in the caller's transaction (or at
    once outside one), and queue its sending for after commit."""
    delivery = Delivery.objects.create(
        kind=Delivery.Kind.REGISTRATION, registration=registration, email_kind=kind
    )
    transaction.on_commit(functools.partial(send_deliveries.enqueue, [delivery.pk]))
    return delivery


@task
def send_registration_email(registration_id: int, kind: str, attempt: int = 1) -> bool:
    """A task queued before the outbox existed (still in the queue when the site was upgraded):
    the email becomes a Delivery and is sent as one. Returns whether it left."""
    registration = Registration.objects.filter(pk=registration_id).first()
    if registration is None:  # deleted meanwhile (privacy request): nothing to send
        return False
    delivery = Delivery.objects.create(
        kind=Delivery.Kind.REGISTRATION, registration=registration, email_kind=kind
    )
    return _send_one(delivery.pk) is True


@task
def deliver_announcement(announcement_id: int) -> int:
    """Send the queued deliveries of an announcement; returns how many left."""
    ids = Delivery.objects.filter(
        announcement_id=announcement_id, state=Delivery.State.QUEUED
    ).values_list("pk", flat=True)
    return send_each(list(ids))


@task
def deliver_reminders(workshop_id: int) -> int:
    """Send the queued reminders of an edition's participants; returns how many left."""
    ids = Delivery.objects.filter(
        kind=Delivery.Kind.REMINDER,
        registration__workshop_id=workshop_id,
        state=Delivery.State.QUEUED,
    ).values_list("pk", flat=True)
    return send_each(list(ids))


@task
def send_deliveries(delivery_ids: list[int], attempt: int = 1) -> int:
    """Send these deliveries, those of them that may be claimed now (see claimable()); returns
    how many left. (`attempt`: from tasks queued before the outbox counted tries on the row.)"""
    return send_each(delivery_ids)


def send_each(delivery_ids: list[int]) -> int:
    """Claim and send each delivery in turn; returns how many left."""
    return sum(_send_one(delivery_id) is True for delivery_id in delivery_ids)


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.EMAIL_LEASE_SECONDS)


def retry_delays() -> list[dt.timedelta]:
    return [dt.timedelta(seconds=seconds) for seconds in settings.EMAIL_RETRY_DELAYS]


def claimable(now: dt.datetime) -> models.Q:
    """The deliveries a worker may take at `now`: queued; failed, with a try left, once the delay
    after their last try has passed; `sending` past their lease (their worker stopped), with a
    try left. (A row `sending` without a lease was taken before leases existed.)"""
    tries_left = models.Q(attempts__lte=len(retry_delays()))
    due_again = functools.reduce(
        operator.or_,
        (
            models.Q(attempts=tries, updated_at__lte=now - delay)
            for tries, delay in enumerate(retry_delays(), start=1)
        ),
        models.Q(pk__in=[]),
    )
    stuck = models.Q(state=Delivery.State.SENDING) & (
        models.Q(lease_expires_at__lt=now) | models.Q(lease_expires_at__isnull=True)
    )
    return (
        models.Q(state=Delivery.State.QUEUED)
        | (models.Q(state=Delivery.State.FAILED) & due_again)
        | (stuck & tries_left)
    )


def message_id(delivery: Delivery) -> str:
    """The Message-ID of a delivery, the same on every try: its row and creation time (a pk alone
    could come back in another database), at the site's host."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<delivery-{delivery.pk}.{delivery.created_at:%Y%m%d%H%M%S%f}@{host}>"


def _send_one(delivery_id: int) -> bool | None:
    """True: sent; False: failed; None: not ours to send (taken by another worker, sent already,
    deleted, not due, or no longer true: a reminder or registration email of a former state)."""
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
    delivery = Delivery.objects.select_related("announcement", "registration__workshop").get(
        pk=delivery_id
    )
    try:
        message = _message(delivery)
        if message is None:
            # Outdated: the change that made it untrue queued the email of the new state.
            logger.info("delivery skipped: delivery=%s is outdated", delivery_id)
            delivery.delete()
            return None
        message.extra_headers["Message-ID"] = message_id(delivery)
        message.send()
    except Exception as error:  # any failure of the mail server is recorded, whatever its kind
        ours.update(
            state=Delivery.State.FAILED,
            error=failure_note(error),
            updated_at=timezone.now(),
        )
        logger.warning(
            "delivery failed: delivery=%s kind=%s try=%s",
            delivery_id,
            delivery.kind,
            delivery.attempts,
        )
        return False
    ours.update(
        state=Delivery.State.SENT, sent_at=timezone.now(), error="", updated_at=timezone.now()
    )
    logger.info("delivery sent: delivery=%s kind=%s", delivery_id, delivery.kind)
    return True


def _message(delivery: Delivery) -> EmailMultiAlternatives | None:
    """The email of a delivery, or None when what it would say is no longer true."""
    registration = delivery.registration
    if delivery.kind == Delivery.Kind.REGISTRATION:
        if not _still_true(registration, delivery.email_kind):
            return None
        return build_email(registration, EmailKind(delivery.email_kind))
    if delivery.kind == Delivery.Kind.REMINDER:
        if registration.status != Registration.Status.CONFIRMED:
            return None  # cancelled since; should they come back, the next tick queues another
        return build_reminder_email(registration)
    return build_announcement_email(delivery.announcement, registration)


def _still_true(registration: Registration, kind: str) -> bool:
    """Whether the email `kind` still describes the registration (a waiting-list email retried
    after a promotion would say "in place None" to someone who has a seat)."""
    expected = {
        EmailKind.CONFIRMED: Registration.Status.CONFIRMED,
        EmailKind.PROMOTED: Registration.Status.CONFIRMED,
        EmailKind.WAITLISTED: Registration.Status.WAITLISTED,
        EmailKind.CANCELLED: Registration.Status.CANCELLED,
    }.get(kind)
    if kind == EmailKind.CONFIRM_ADDRESS:
        # Asked to confirm only while a confirmation is still pending (not after they clicked).
        return (
            registration.status in (Registration.Status.HELD, Registration.Status.WAITLISTED)
            and registration.hold_expires_at is not None
            and registration.address_confirmed_at is None
        )
    return expected is None or registration.status == expected
