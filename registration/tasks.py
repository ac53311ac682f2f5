"""Email sending, run after the registration's transaction commits.

In development and tests the tasks backend runs them at once; in production `manage.py db_worker`
runs them from the database queue (django-tasks-db), and a failed send is tried again later.
"""

import datetime as dt
import logging

from django.db import models
from django.tasks import task, task_backends
from django.utils import timezone

from .emails import build_email
from .models import EmailKind, Registration

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
