"""Registration emails: what each says, and what happens when the mail server is down.

The tests of failures run in real transactions (`transaction=True`): the registration is
committed before the email is even tried, as in production.
"""

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from jobs import schedule
from mail import outbox
from mail.models import Delivery
from registration import services
from registration.emails import build_email
from registration.models import EmailKind, Registration

from .conftest import DATABASE_TASKS, LOCMEM_MAILERS, NOW

pytestmark = pytest.mark.django_db


def test_waitlisted_email_has_no_calendar_and_says_the_place(
    full_workshop, sign_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(full_workshop, first_name="Jérémy", email="jeremy@example.org")

    [message] = mail.outbox
    assert message.body.startswith("Dear Jérémy,\n\nthe 3 seats of LoRAINNe'24 are all taken")
    assert "on the waiting list, in place 3." in message.body
    assert message.attachments == []


def test_cancellation_email_offers_to_register_again(
    open_workshop, sign_up, django_capture_on_commit_callbacks
):
    registration = sign_up(open_workshop)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration)

    [message] = mail.outbox
    assert "your registration for LoRAINNe'24 is cancelled, as you asked." in message.body
    assert "Your personal page, to see your registration or register again:" in message.body
    assert "Your answers" not in message.body
    assert message.attachments == []


def test_send_link_again_emails_the_personal_link_and_the_current_state(
    full_workshop, settings, django_capture_on_commit_callbacks
):
    waiting = full_workshop.registrations.get(email="person-5@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        services.send_link_again(waiting)

    [message] = mail.outbox
    assert message.subject == "LoRAINNe'24: your registration"
    assert "you are on the waiting list, in place 2. We received a new registration" in message.body
    assert f"{settings.SITE_URL}/registration/{waiting.token}/" in message.body


@pytest.mark.parametrize("kind", EmailKind)
def test_email_text_and_html_open_with_the_same_sentence_of_their_kind(full_workshop, kind):
    waiting = full_workshop.registrations.get(email="person-5@example.org")

    message = build_email(waiting, kind)

    opening = message.body.split("\n\n")[1]
    assert message.body.startswith(f"Dear Person 5,\n\n{opening}\n\nWhat:  LoRAINNe'24, ")
    html_opening = re.search(
        r"<p>Dear Person 5,</p>\n<p>(.+)</p>\n<table", message.alternatives[0].content
    )[1]
    assert "<strong>" in html_opening
    assert html.unescape(re.sub(r"</?strong>", "", html_opening)) == opening


def test_email_comes_from_the_edition_with_the_address_of_the_settings(
    open_workshop, register_data, settings, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "LoRAINNe <noreply@lorainne.example.org>"

    with django_capture_on_commit_callbacks(execute=True):
        services.register(open_workshop, **register_data)

    [message] = mail.outbox
    assert message.from_email == "LoRAINNe'24 <noreply@lorainne.example.org>"
    assert message.message()["From"] == "LoRAINNe'24 <noreply@lorainne.example.org>"
    assert message.subject.startswith("LoRAINNe'24: ")


def test_email_from_an_edition_with_accents_and_commas_in_its_acronym_stays_readable(
    open_workshop, register_data, settings
):
    settings.DEFAULT_FROM_EMAIL = "noreply@lorainne.example.org"
    open_workshop.acronym = "École, d'été 2025"
    open_workshop.save()
    registration = services.register(open_workshop, **register_data)

    sent = build_email(registration, EmailKind.CONFIRMED).message()

    assert sent["From"].addresses[0].display_name == "École, d'été 2025"
    assert sent["From"].addresses[0].addr_spec == "noreply@lorainne.example.org"


def test_email_replies_go_to_the_editions_contact_address(open_workshop, sign_up, settings):
    settings.DEFAULT_REPLY_TO = "organizers@example.org"

    message = build_email(sign_up(open_workshop), EmailKind.CONFIRMED)

    assert message.reply_to == ["lorainne-orga@univ-lorraine.fr"]


@pytest.mark.parametrize(
    ("default_reply_to", "reply_to"),
    [("organizers@example.org", ["organizers@example.org"]), ("", [])],
)
def test_email_replies_when_the_contact_is_not_an_address_go_to_the_default(
    open_workshop, sign_up, settings, default_reply_to, reply_to
):
    settings.DEFAULT_REPLY_TO = default_reply_to
    open_workshop.contact_email = "firstname.lastname at univ-lorraine.fr"
    open_workshop.save()

    message = build_email(sign_up(open_workshop), EmailKind.CONFIRMED)

    assert message.reply_to == reply_to
    assert ("Reply-To" in message.message()) == bool(reply_to)


def test_email_lists_the_days_and_options_chosen(
    open_workshop, sign_up, cocktail_and_lunch, django_capture_on_commit_callbacks
):
    _, lunch = cocktail_and_lunch

    with django_capture_on_commit_callbacks(execute=True):
        sign_up(open_workshop, days=[dt.date(2024, 11, 27)], options=[lunch])

    [message] = mail.outbox
    assert "- Attending: Wednesday 27 November, Lunch\n" in message.body
    assert "<li>Attending: Wednesday 27 November, Lunch</li>" in message.alternatives[0].content


def _email_of(registration: Registration) -> Delivery:
    [delivery] = registration.deliveries.filter(kind="registration")
    return delivery


@pytest.mark.django_db(transaction=True)
def test_register_when_smtp_is_down_commits_and_records_the_error(
    open_workshop, register_data, smtp_down
):
    registration = services.register(open_workshop, **register_data)

    stored = Registration.objects.get(pk=registration.pk)
    assert stored.status == Registration.Status.CONFIRMED
    delivery = _email_of(stored)
    assert (delivery.variant, delivery.state, delivery.attempts) == ("confirmed", "failed", 1)
    assert delivery.sent_at is None
    assert delivery.error.startswith("2024-10-15 08:00:00 UTC ConnectionRefusedError:")
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_email_when_smtp_is_down_is_retried_by_the_sweep_after_a_delay(
    open_workshop, register_data, smtp_down, settings, clock, run_db_worker
):
    settings.TASKS = DATABASE_TASKS
    registration = services.register(open_workshop, **register_data)
    delivery = _email_of(registration)
    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs == {"args": [[delivery.pk]], "kwargs": {}}
    schedule.schedule_next_sweep()

    run_db_worker()  # the mail server refuses: the email is tried again a minute later

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", 1)
    assert "ConnectionRefusedError" in delivery.error
    settings.MAILERS = LOCMEM_MAILERS  # the mail server is back
    clock.shift(dt.timedelta(seconds=59))
    run_db_worker()  # the sweep runs, too early: nothing is sent
    assert mail.outbox == []
    clock.shift(dt.timedelta(seconds=61))
    run_db_worker()

    delivery.refresh_from_db()
    [message] = mail.outbox
    assert message.to == ["andre@example.org"]
    assert message.subject == "LoRAINNe'24: your registration is confirmed"
    assert message.extra_headers["Message-ID"] == outbox.message_id(delivery)
    assert (delivery.state, delivery.attempts, delivery.error) == ("sent", 2, "")
    assert delivery.sent_at == NOW + dt.timedelta(minutes=2)
    # The sweep's chain goes on, and it made sure of the hourly one.
    pending = DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True)
    assert sorted(pending) == [
        "jobs.schedule.run_schedule",
        "jobs.schedule.sweep",
    ]


@pytest.mark.django_db(transaction=True)
def test_email_retries_stop_after_the_last_delay(
    open_workshop, register_data, smtp_down, settings, clock
):
    registration = services.register(open_workshop, **register_data)

    for _ in range(10):
        clock.shift(dt.timedelta(hours=9))
        schedule.sweep.call()

    delivery = _email_of(registration)
    # The first try and one per delay in EMAIL_RETRY_DELAYS.
    assert (delivery.state, delivery.attempts) == ("failed", 6)
    assert delivery.sent_at is None


@pytest.mark.django_db(transaction=True)
def test_waitlisted_email_retried_after_a_promotion_is_not_sent(
    full_workshop, sign_up, smtp_down, settings, clock
):
    waiting = sign_up(full_workshop, email="waiting@example.org")  # its email fails
    settings.MAILERS = LOCMEM_MAILERS
    for registration in full_workshop.registrations.exclude(pk=waiting.pk):
        services.cancel(registration)  # everyone else leaves: a seat is waiting's
    assert [m.subject for m in mail.outbox if m.to == ["waiting@example.org"]] == [
        "LoRAINNe'24: a seat is yours: your registration is confirmed"
    ]
    mail.outbox.clear()

    clock.shift(dt.timedelta(minutes=2))
    schedule.sweep.call()  # the retry of the waiting-list email is due

    # It would say "on the waiting list, in place None" to someone who has a seat.
    assert mail.outbox == []
    assert list(waiting.deliveries.values_list("variant", "state")) == [("promoted", "sent")]


def test_resend_email_after_a_failure_with_the_immediate_backend_sends_it(
    open_workshop, register_data, smtp_down, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(open_workshop, **register_data)
    failed = _email_of(registration)
    assert "ConnectionRefusedError" in failed.error
    settings.MAILERS = LOCMEM_MAILERS

    with django_capture_on_commit_callbacks(execute=True):
        services.resend_email(registration, EmailKind.CONFIRMED)

    [message] = mail.outbox
    assert message.subject == "LoRAINNe'24: your registration is confirmed"
    # A new message: a Delivery of its own, with its own Message-ID.
    resent = registration.deliveries.exclude(pk=failed.pk).get()
    assert (resent.variant, resent.state, resent.sent_at) == ("confirmed", "sent", NOW)
    assert message.extra_headers["Message-ID"] == outbox.message_id(resent)
    assert outbox.message_id(resent) != outbox.message_id(failed)
    failed.refresh_from_db()
    assert failed.state == "failed"
