"""The speakers' links leave through Django's tasks framework, after the admin's transaction
commits: at once in development and tests, from the database queue (`manage.py db_worker`) in
production, so that a slow mail server never holds up the admin."""

import logging

from django.tasks import task
from django.utils import timezone

from .mail import build_speaker_link_email
from .models import Speaker

logger = logging.getLogger(__name__)


@task
def send_speaker_link(speaker_id: int) -> bool:
    """Email a speaker their personal link (the current one: the token is read here, never put
    in the queue) and record when it left. Returns whether it left."""
    speaker = Speaker.objects.select_related("workshop").filter(pk=speaker_id).first()
    if speaker is None or not speaker.email:
        logger.info("speaker link skipped: speaker=%s is gone or has no address", speaker_id)
        return False
    try:
        build_speaker_link_email(speaker).send()
    except Exception as error:  # any failure of the mail server: the admin shows "not sent"
        logger.warning("speaker link failed: speaker=%s %s", speaker_id, type(error).__name__)
        return False
    Speaker.objects.filter(pk=speaker_id).update(link_sent_at=timezone.now())
    logger.info("speaker link sent: speaker=%s", speaker_id)
    return True
