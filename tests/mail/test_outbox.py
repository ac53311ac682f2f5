"""The one outbox (mail/): each app registers the emails it writes and its periodic jobs; the
rows of earlier versions came over with their ids, so that an email retried after the upgrade
keeps its Message-ID."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jobs import registry
from mail import kinds, outbox
from mail.models import Delivery
from program.models import Speaker
from registration.models import Announcement, Registration

from ..registration.conftest import make_workshop


def test_each_app_registers_the_emails_it_writes():
    assert {name: str(kind.label) for name, kind in kinds.KINDS.items()} == {
        "speaker_link": "Speaker's personal link",
        "registration": "Registration email",
        "announcement": "Announcement",
        "reminder": "Reminder",
        "certificate": "Certificate of attendance",
        "decision": "Decision on a contribution",
        "withdrawal": "Withdrawal of an accepted contribution",
        "submission": "Submission email",
    }


def test_each_app_registers_its_periodic_jobs():
    """The schedule runs what the apps registered (their jobs.py), not a list of its own."""
    assert list(registry.FREQUENT) == [
        "mail.outbox.sweep_outbox",
        "registration.jobs.expire_holds",
    ]
    assert list(registry.HOURLY) == [
        "registration.jobs.queue_reminders",
        "registration.jobs.purge_personal_data",
    ]


def _person(workshop, email: str) -> Registration:
    return Registration.objects.create(
        workshop=workshop,
        first_name="Ada",
        last_name="Lovelace",
        email=email,
        privacy_consent_at=dt.datetime(2024, 10, 1, tzinfo=dt.UTC),
    )


@pytest.mark.django_db
def test_deleting_the_person_deletes_their_emails():
    """No address outlives its owner's data: the purge, the admin's delete, a speaker removed."""
    workshop = make_workshop()
    registration = _person(workshop, "ada@example.org")
    speaker = Speaker.objects.create(workshop=workshop, name="Ada L", email="ada@example.org")
    outbox.queue("registration", registration, to=registration.email, variant="confirmed")
    outbox.queue("speaker_link", speaker, to=speaker.email)
    other = _person(workshop, "bo@example.org")
    outbox.queue("registration", other, to=other.email, variant="confirmed")

    Registration.objects.filter(pk=registration.pk).delete()
    speaker.delete()

    assert list(Delivery.objects.values_list("to", flat=True)) == ["bo@example.org"]


@pytest.mark.django_db
def test_one_copy_of_an_announcement_per_person_whoever_queues_it():
    workshop = make_workshop()
    people = [_person(workshop, f"p{n}@example.org") for n in range(3)]
    announcement = Announcement.objects.create(workshop=workshop, subject="Room", body="B012")
    recipients = [(person.pk, person.email) for person in people]

    outbox.queue_each(
        "announcement", recipients[:2], recipient_model=Registration, about=announcement
    )
    outbox.queue_each("announcement", recipients, recipient_model=Registration, about=announcement)

    copies = announcement.deliveries.order_by("recipient_id")
    assert [copy.to for copy in copies] == ["p0@example.org", "p1@example.org", "p2@example.org"]
    announcement.delete()
    assert not Delivery.objects.exists()


BEFORE = [("registration", "0009_normalise_addresses"), ("program", "0011_speaker_link_outbox")]


@pytest.mark.django_db(transaction=True)
def test_deliveries_of_earlier_versions_come_over_with_their_ids_and_message_ids(settings):
    """Migrations registration 0010 and program 0012: a registration email failed before the
    upgrade is retried after it with the same Message-ID; an announcement's copy and a reminder
    keep what they are about, so that nobody gets them twice; the speakers' links come after."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    for app, migration in BEFORE:  # as `manage.py migrate` does (program's triggers)
        call_command("migrate", app, migration, verbosity=0)
    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "mail"]
    old = executor.loader.project_state([*BEFORE, *others]).apps
    try:
        workshop = old.get_model("program", "Workshop").objects.create(
            name="LoRAINNe'24",
            acronym="LoRAINNe'24",
            slug="lorainne24",
            starts_on=dt.date(2030, 11, 26),
            ends_on=dt.date(2030, 11, 27),
            timezone="Europe/Paris",
            venue_name="IDMC",
            capacity=80,
            registration_deadline=dt.date(2030, 11, 11),
            contact_email="lorainne-orga@univ-lorraine.fr",
            published=True,
        )
        person = old.get_model("registration", "Registration").objects.create(
            workshop=workshop,
            first_name="Ada",
            last_name="Lovelace",
            email="ada@example.org",
            privacy_consent_at=dt.datetime(2024, 10, 1, tzinfo=dt.UTC),
        )
        announcement = old.get_model("registration", "Announcement").objects.create(
            workshop=workshop, subject="Room", body="B012"
        )
        OldDelivery = old.get_model("registration", "Delivery")
        failed = OldDelivery.objects.create(
            kind="registration",
            registration=person,
            email_kind="confirmed",
            state="failed",
            attempts=1,
            error="refused",
        )
        copy = OldDelivery.objects.create(
            kind="announcement", registration=person, announcement=announcement, state="sent"
        )
        reminder = OldDelivery.objects.create(kind="reminder", registration=person, state="sent")
        created_at = OldDelivery.objects.get(pk=failed.pk).created_at
        link_sent_at = dt.datetime(2024, 10, 2, 9, tzinfo=dt.UTC)
        speaker = old.get_model("program", "Speaker").objects.create(
            workshop=workshop, name="Ada", email="ada@example.org", link_sent_at=link_sent_at
        )
    finally:
        call_command("migrate", verbosity=0)

    moved = Delivery.objects.get(pk=failed.pk)
    assert (moved.kind, moved.variant, moved.state, moved.attempts, moved.to) == (
        "registration",
        "confirmed",
        "failed",
        1,
        "ada@example.org",
    )
    assert moved.created_at == created_at
    assert moved.recipient == Registration.objects.get(pk=person.pk)
    assert Delivery.objects.get(pk=copy.pk).about == Announcement.objects.get(pk=announcement.pk)
    assert Delivery.objects.get(pk=reminder.pk).about_type == ContentType.objects.get(
        app_label="program", model="workshop"
    )
    [link] = Speaker.objects.get(pk=speaker.pk).deliveries.all()
    assert (link.kind, link.state, link.sent_at, link.to) == (
        "speaker_link",
        "sent",
        link_sent_at,
        "ada@example.org",
    )
    assert link.created_at == link_sent_at
    assert link.pk > reminder.pk
    # New rows come after the old ones, and the failed one is sent with its old Message-ID.
    newer = outbox.queue("registration", moved.recipient, to="ada@example.org", variant="link")
    assert newer.pk > reminder.pk
    Delivery.objects.filter(pk=moved.pk).update(updated_at=moved.updated_at - dt.timedelta(hours=1))
    assert outbox.send_each([moved.pk]) == 1
    [message] = [m for m in mail.outbox if "registration is confirmed" in m.subject]
    assert message.extra_headers["Message-ID"].startswith(f"<delivery-{failed.pk}.")
    assert message.extra_headers["Message-ID"] == outbox.message_id(moved)


def test_a_failing_job_is_logged_and_the_others_run(caplog):
    ran = []

    def reminders(now):
        raise ValueError("a template is broken")

    def purge(now):
        ran.append(now)
        return 2

    now = dt.datetime(2024, 11, 1, tzinfo=dt.UTC)
    done = registry.run({"reminders": reminders, "purge": purge}, now)

    assert done == {"reminders": "failed: ValueError: a template is broken", "purge": 2}
    assert ran == [now]
    assert "job failed: reminders" in caplog.text


@pytest.mark.django_db
def test_outbox_list_links_each_person_names_each_email_and_filters_by_variant(admin_client):
    workshop = make_workshop()
    ada, bo = _person(workshop, "ada@example.org"), _person(workshop, "bo@example.org")
    outbox.queue("registration", ada, to=ada.email, variant="confirmed")
    outbox.queue("registration", bo, to=bo.email, variant="waitlisted")
    outbox.queue_each(
        "reminder", [(ada.pk, ada.email)], recipient_model=Registration, about=workshop
    )
    url = "/admin/mail/delivery/"

    page = admin_client.get(url).content.decode()
    waiting = admin_client.get(url, {"variant": "waitlisted"}).context["cl"].result_list

    assert (
        f'<a href="/admin/registration/registration/{ada.pk}/change/">ada@example.org</a>' in page
    )
    assert "Reminder: LoRAINNe&#x27;24" in page
    assert "Registration confirmed" in page
    assert [delivery.to for delivery in waiting] == ["bo@example.org"]
