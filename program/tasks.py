"""The speakers' links leave through Django's tasks framework, after the admin's transaction
commits: at once in development and tests, from the database queue (`manage.py db_worker`) in
production, so that a slow mail server never holds up the admin.

The registrations' outbox (registration/tasks.py) is out of program's reach, so the Speaker row
is the link's own small outbox, kept the same way: asking for the link records link_queued_at;
the task claims it with a lease (link_lease_expires_at, EMAIL_LEASE_SECONDS) in one conditional
UPDATE, sends, then records link_sent_at, or link_error, only if the claim is still its own. The
sweep (registration/schedule.py, every EMAIL_SWEEP_SECONDS) sends the links whose task never
came or whose worker died while sending (past the lease): a second copy is possible only if the
worker dies between the mail server's answer and the record. A failure is not retried: the admin
shows it with its error until an organizer sends the link again.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from .mail import build_speaker_link_email, failure_note
from .models import Speaker

logger = logging.getLogger(__name__)


def owed(now: dt.datetime) -> Q:
    """The speakers whose link a worker may take at `now`: asked for, and held by no live worker."""
    return Q(link_queued_at__isnull=False) & (
        Q(link_lease_expires_at__isnull=True) | Q(link_lease_expires_at__lt=now)
    )


@task
def send_speaker_link(speaker_id: int) -> bool:
    """Email a speaker their personal link (the current one: the token is read here, never put
    in the queue) and record when it left, or why not. Returns whether it left."""
    return _send_one(speaker_id) is True


def send_owed_links(now: dt.datetime) -> int:
    """Send the links asked for that no task is sending: those whose worker died (past their
    lease) and those whose task never came (queued before the last sweep). Returns how many
    left."""
    recent = now - dt.timedelta(seconds=settings.EMAIL_SWEEP_SECONDS)
    speaker_ids = (
        Speaker.objects.filter(owed(now))
        .exclude(link_lease_expires_at__isnull=True, link_queued_at__gt=recent)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(_send_one(speaker_id) is True for speaker_id in list(speaker_ids))


def _send_one(speaker_id: int) -> bool | None:
    """True: sent; False: failed (recorded); None: not ours to send (sent already, held by
    another worker, or the speaker is gone)."""
    now = timezone.now()
    lease_expires_at = now + dt.timedelta(seconds=settings.EMAIL_LEASE_SECONDS)
    claimed = Speaker.objects.filter(owed(now), pk=speaker_id).update(
        link_lease_expires_at=lease_expires_at
    )
    if not claimed:
        logger.info("speaker link skipped: speaker=%s is not owed one", speaker_id)
        return None
    # Ours while the lease is: an organizer who asks again meanwhile clears it, and that task
    # records instead of this one.
    ours = Speaker.objects.filter(pk=speaker_id, link_lease_expires_at=lease_expires_at)
    speaker = Speaker.objects.select_related("workshop").get(pk=speaker_id)
    try:
        if not speaker.email:
            raise ValueError("the speaker has no email address")  # removed since it was asked for
        build_speaker_link_email(speaker).send()
    except Exception as error:  # any failure of the mail server is recorded, whatever its kind
        ours.update(
            link_queued_at=None,
            link_lease_expires_at=None,
            link_error=failure_note(error),
        )
        logger.warning("speaker link failed: speaker=%s %s", speaker_id, type(error).__name__)
        return False
    ours.update(
        link_sent_at=timezone.now(), link_queued_at=None, link_lease_expires_at=None, link_error=""
    )
    logger.info("speaker link sent: speaker=%s", speaker_id)
    return True
