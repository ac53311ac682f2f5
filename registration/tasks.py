"""Email sending, run after the registration's transaction commits.

In development and tests the tasks backend runs them at once; in production `manage.py db_worker`
runs them from the database queue (django-tasks-db), and a failed send is tried again later.
"""

import datetime as dt
import logging

from django.db import models
from django.tasks import task, task_backends
from django.utils import timezone

from .emails import build_announcement_email, build_email, build_reminder_email
from .models import Delivery, EmailKind, Registration

logger = logging.getLogger(__name__)

# Minutes to wait before each new try when the mail server refuses or cannot be reached.
RETRY_DELAYS = [1, 5, 30, 120, 480]


@task
def send_registration_email(registration_id: int, kind: str, attempt: int = 1) -> bool:
    """Send one registration email and record the outcome on the registration.

    A failure is recorded (time and error) and, where the tasks backend can defer, the same email
    is queued again after a delay. Returns whether the email left.
    """
    registration = (
        Registration.objects.select_related("workshop").filter(pk=registration_id).first()
    )
    if registration is None:  # deleted meanwhile (privacy request): nothing to send
        return False
    if not _still_true(registration, kind):
        # The state changed before this email left (e.g. a retried waiting-list email after a
        # promotion): the email of the new state was queued by that change.
        logger.info(
            "registration email skipped: registration=%s kind=%s is outdated", registration_id, kind
        )
        return False
    message = build_email(registration, EmailKind(kind))
    try:
        message.send()
    except Exception as error:  # any failure of the mail server is recorded, whatever its kind
        Registration.objects.filter(pk=registration_id).update(
            email_error=f"{timezone.now():%Y-%m-%d %H:%M:%S %Z} {type(error).__name__}: {error}"[
                :1000
            ],
            email_attempts=models.F("email_attempts") + 1,
        )
        logger.warning(
            "registration email failed: registration=%s kind=%s attempt=%s",
            registration_id,
            kind,
            attempt,
        )
        _retry_later(registration_id, kind, attempt)
        return False
    Registration.objects.filter(pk=registration_id).update(
        email_sent_at=timezone.now(), email_error="", email_attempts=models.F("email_attempts") + 1
    )
    logger.info("registration email sent: registration=%s kind=%s", registration_id, kind)
    return True


def _still_true(registration: Registration, kind: str) -> bool:
    expected = {
        EmailKind.CONFIRMED: Registration.Status.CONFIRMED,
        EmailKind.PROMOTED: Registration.Status.CONFIRMED,
        EmailKind.WAITLISTED: Registration.Status.WAITLISTED,
        EmailKind.CANCELLED: Registration.Status.CANCELLED,
    }.get(kind)
    return expected is None or registration.status == expected


def _retry_later(registration_id: int, kind: str, attempt: int) -> None:
    backend = task_backends[send_registration_email.backend]
    if not backend.supports_defer or attempt > len(RETRY_DELAYS):
        return  # the failure stays visible in admin, where organizers can resend
    delay = dt.timedelta(minutes=RETRY_DELAYS[attempt - 1])
    send_registration_email.using(run_after=timezone.now() + delay).enqueue(
        registration_id, kind, attempt + 1
    )


# Announcements and reminders ------------------------------------------------------------------
#
# Each Delivery is a row recorded before and after its send: claimed (queued → sending, one
# conditional UPDATE, so that two workers never take the same row), sent, then marked sent or
# failed. A row a later run finds still `sending` belonged to a worker that stopped mid-send: the
# mail may have left, so it is never sent again automatically (at most once); the admin shows it
# as unknown and an organizer decides.


@task
def deliver_announcement(announcement_id: int) -> int:
    """Send the queued deliveries of an announcement; returns how many left."""
    ids = Delivery.objects.filter(
        announcement_id=announcement_id, state=Delivery.State.QUEUED
    ).values_list("pk", flat=True)
    return _send_deliveries(list(ids), attempt=1)


@task
def deliver_reminders(workshop_id: int) -> int:
    """Send the queued reminders of an edition's participants; returns how many left."""
    ids = Delivery.objects.filter(
        kind=Delivery.Kind.REMINDER,
        registration__workshop_id=workshop_id,
        state=Delivery.State.QUEUED,
    ).values_list("pk", flat=True)
    return _send_deliveries(list(ids), attempt=1)


@task
def send_deliveries(delivery_ids: list[int], attempt: int = 1) -> int:
    """Send these deliveries if they are queued or failed (a retry, or an organizer's decision to
    send again); returns how many left."""
    return _send_deliveries(delivery_ids, attempt=attempt)


def _send_deliveries(delivery_ids: list[int], *, attempt: int) -> int:
    sent, failed = 0, []
    for delivery_id in delivery_ids:
        outcome = _send_one(delivery_id)
        sent += outcome is True
        if outcome is False:
            failed.append(delivery_id)
    if failed:
        _retry_deliveries_later(failed, attempt)
    return sent


def _send_one(delivery_id: int) -> bool | None:
    """True: sent; False: failed; None: not ours to send (taken by another worker, sent already,
    deleted, or a reminder to someone who no longer has a seat)."""
    claimed = Delivery.objects.filter(
        pk=delivery_id, state__in=[Delivery.State.QUEUED, Delivery.State.FAILED]
    ).update(state=Delivery.State.SENDING, updated_at=timezone.now())
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("announcement", "registration__workshop").get(
        pk=delivery_id
    )
    registration = delivery.registration
    if delivery.kind == Delivery.Kind.REMINDER:
        if registration.status != Registration.Status.CONFIRMED:
            # Cancelled since it was queued; should they come back, the next tick queues another.
            delivery.delete()
            return None
        message = build_reminder_email(registration)
    else:
        message = build_announcement_email(delivery.announcement, registration)
    try:
        message.send()
    except Exception as error:  # any failure of the mail server is recorded, whatever its kind
        Delivery.objects.filter(pk=delivery_id).update(
            state=Delivery.State.FAILED,
            error=f"{timezone.now():%Y-%m-%d %H:%M:%S %Z} {type(error).__name__}: {error}"[:1000],
            attempts=models.F("attempts") + 1,
            updated_at=timezone.now(),
        )
        logger.warning("delivery failed: delivery=%s kind=%s", delivery_id, delivery.kind)
        return False
    Delivery.objects.filter(pk=delivery_id).update(
        state=Delivery.State.SENT,
        sent_at=timezone.now(),
        error="",
        attempts=models.F("attempts") + 1,
        updated_at=timezone.now(),
    )
    logger.info("delivery sent: delivery=%s kind=%s", delivery_id, delivery.kind)
    return True


def _retry_deliveries_later(delivery_ids: list[int], attempt: int) -> None:
    """Try failed deliveries again after the delays of registration emails (RETRY_DELAYS)."""
    backend = task_backends[send_deliveries.backend]
    if not backend.supports_defer or attempt > len(RETRY_DELAYS):
        return  # the failures stay visible in admin
    delay = dt.timedelta(minutes=RETRY_DELAYS[attempt - 1])
    send_deliveries.using(run_after=timezone.now() + delay).enqueue(delivery_ids, attempt + 1)
