"""Announcements in both languages (registration/translation.py): each person gets the version of
the language they registered in, the English one when no French is written."""

import pytest
from django.core import mail
from django.urls import reverse

from registration import announcements
from registration.models import Announcement

pytestmark = pytest.mark.django_db

BODY_EN = "Dear {name},\n\nthe workshop moves to room B012.\n\nSee you soon."
BODY_FR = "Bonjour {name},\n\nl’atelier change de salle : rendez-vous en B012.\n\nÀ bientôt."


def _send(workshop, django_capture_on_commit_callbacks, **french) -> dict[str, mail.EmailMessage]:
    """Send an announcement to the confirmed people of `workshop`, person-2 having registered
    in French; each person's email by address."""
    workshop.registrations.filter(email="person-2@example.org").update(language="fr")
    announcement = Announcement.objects.create(
        workshop=workshop, subject_en_gb="Room change", body_en_gb=BODY_EN, **french
    )
    with django_capture_on_commit_callbacks(execute=True):
        announcements.send_announcement(announcement)
    return {message.to[0]: message for message in mail.outbox}


def test_announcement_reaches_french_registrants_in_french_and_english_ones_in_english(
    full_workshop, django_capture_on_commit_callbacks
):
    sent = _send(
        full_workshop,
        django_capture_on_commit_callbacks,
        subject_fr="Changement de salle",
        body_fr=BODY_FR,
    )

    french, english = sent["person-2@example.org"], sent["person-1@example.org"]
    assert french.subject.endswith("Changement de salle")
    assert french.body.startswith(
        "Bonjour Person 2,\n\nl’atelier change de salle : rendez-vous en B012.\n\nÀ bientôt.\n"
    )
    assert "Room change" not in french.subject
    assert english.subject == "LoRAINNe'24: Room change"
    assert english.body.startswith("Dear Person 1,\n\nthe workshop moves to room B012.")
    assert "Bonjour" not in english.body


def test_announcement_without_a_french_version_reaches_french_registrants_in_english(
    full_workshop, django_capture_on_commit_callbacks
):
    sent = _send(full_workshop, django_capture_on_commit_callbacks)

    french = sent["person-2@example.org"]
    assert french.subject.endswith("Room change")
    assert french.body.startswith("Dear Person 2,\n\nthe workshop moves to room B012.")


def test_announcement_with_an_unknown_placeholder_in_its_french_version_is_refused(
    full_workshop,
):
    announcement = Announcement.objects.create(
        workshop=full_workshop,
        subject_en_gb="Room change",
        body_en_gb=BODY_EN,
        body_fr="Bonjour {prénom}, rendez-vous en B012.",
    )

    with pytest.raises(announcements.AnnouncementRefused, match=r"\{prénom\}"):
        announcements.send_announcement(announcement)

    assert announcement.deliveries.count() == 0
    assert mail.outbox == []


def test_admin_search_finds_an_announcement_by_its_french_version(admin_client, full_workshop):
    announcement = Announcement.objects.create(
        workshop=full_workshop,
        subject_en_gb="Room change",
        body_en_gb=BODY_EN,
        subject_fr="Changement de salle",
        body_fr=BODY_FR,
    )
    changelist = reverse("admin:registration_announcement_changelist")

    french = admin_client.get(changelist, {"q": "rendez-vous"}, HTTP_ACCEPT_LANGUAGE="en")
    english = admin_client.get(changelist, {"q": "B012"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert list(french.context["cl"].result_list) == [announcement]
    assert list(english.context["cl"].result_list) == [announcement]
