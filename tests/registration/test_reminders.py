"""The reminder before the workshop and the schedule that sends it: the task worker runs
`run_schedule` every hour, which queues the reminders due and purges old personal data.

LoRAINNe'24 starts on Tuesday 26 November 2024; its reminder goes 3 days before, on Saturday
23 November, in Paris time.
"""

import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs import schedule
from jobs.apps import start_schedule
from mail import outbox
from mail.models import Delivery
from registration import announcements, services
from registration.models import Registration

from .conftest import DATABASE_TASKS, PARIS, make_workshop

pytestmark = pytest.mark.django_db

SCHEDULE = "jobs.schedule.run_schedule"


def paris(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2024, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def tick(django_capture_on_commit_callbacks):
    """tick(): one run of the schedule, as the worker runs it, with what it queued sent."""

    def tick() -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return schedule.run_schedule.call()

    return tick


def _reminded() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if "see you on" in m.subject)


def test_reminder_is_sent_on_its_day_in_the_workshops_zone_and_never_twice(
    full_workshop, clock, tick
):
    clock.move_to(paris(22, 23, 30))  # Friday evening in Paris (22:30 UTC)
    assert tick()["registration.jobs.queue_reminders"] == 0

    clock.move_to(paris(23, 0, 5))  # Saturday has begun in Paris
    assert tick()["registration.jobs.queue_reminders"] == 3
    for hours in range(1, 60):  # every tick until the workshop starts
        clock.move_to(paris(23, 0, 5) + dt.timedelta(hours=hours))
        tick()

    assert _reminded() == ["person-1@example.org", "person-2@example.org", "person-3@example.org"]
    reminders = Delivery.objects.filter(kind="reminder")
    assert set(reminders.values_list("state", flat=True)) == {"sent"}


def test_reminder_says_when_where_what_they_chose_and_attaches_the_program(
    open_workshop, sign_up, cocktail_and_lunch, clock, tick, settings
):
    cocktail, _ = cocktail_and_lunch
    registration = sign_up(open_workshop, first_name="Nadia", options=[cocktail])
    clock.move_to(paris(23, 9))

    tick()

    [message] = mail.outbox
    assert message.subject == "LoRAINNe'24: see you on Tuesday 26 November"
    assert message.from_email == "LoRAINNe'24 <noreply@localhost>"
    assert message.reply_to == ["lorainne-orga@univ-lorraine.fr"]
    assert message.body.startswith(
        "Dear Nadia,\n\nLoRAINNe'24 starts in 3 days: here is a reminder of when and where, and of "
        "what you chose. We look forward to seeing you.\n"
    )
    assert "When:  26–27 November 2024\nWhere: IDMC, 13 rue Michel Ney, Nancy, France" in (
        message.body
    )
    assert "- Attending: Tuesday 26 November, Wednesday 27 November, Cocktail and posters" in (
        message.body
    )
    assert f"{settings.SITE_URL}/registration/{registration.token}/" in message.body
    assert "LoRAINNe'24</strong> starts in <strong>3 days</strong>" not in message.body
    assert "starts in <strong>3 days</strong>" in message.alternatives[0].content
    [(filename, calendar, mimetype)] = message.attachments
    assert filename == "lorainne24-program.ics"
    assert mimetype.startswith("text/calendar")
    assert "SUMMARY:Cocktail and posters" in calendar


def test_reminder_for_people_registered_after_its_day_until_the_workshop_starts(
    open_workshop, sign_up, clock, tick
):
    sign_up(open_workshop)
    clock.move_to(paris(23, 9))
    tick()
    mail.outbox.clear()

    clock.move_to(paris(25, 10))  # an organizer adds someone on Monday
    late = sign_up(open_workshop, first_name="Late", enforce_deadline=False)
    tick()
    clock.move_to(paris(26, 8))  # the workshop has begun
    sign_up(open_workshop, first_name="Later", enforce_deadline=False)
    tick()

    [message] = mail.outbox
    assert message.to == [late.email]
    assert message.body.startswith("Dear Late,\n\nLoRAINNe'24 starts tomorrow: here is a reminder")


def test_reminder_skips_the_waiting_list_cancelled_blank_and_unpublished(
    db, full_workshop, sign_up, clock, tick
):
    services.cancel(full_workshop.registrations.get(email="person-1@example.org"))
    # person-4 took the seat of person-1; person-5 waits.
    silent = make_workshop(slug="silent", acronym="Silent'24", reminder_days_before=None)
    draft = make_workshop(slug="draft", acronym="Draft'24", published=False)
    sign_up(silent)
    sign_up(draft)
    mail.outbox.clear()
    clock.move_to(paris(23, 9))

    tick()

    assert _reminded() == ["person-2@example.org", "person-3@example.org", "person-4@example.org"]


def test_reminder_not_sent_to_someone_who_cancelled_after_it_was_queued(
    open_workshop, sign_up, clock, django_capture_on_commit_callbacks
):
    staying, leaving = sign_up(open_workshop), sign_up(open_workshop)
    clock.move_to(paris(23, 9))
    with django_capture_on_commit_callbacks():  # queued, not sent yet
        announcements.queue_due_reminders()
    services.cancel(leaving)
    mail.outbox.clear()

    outbox.send_queued_about.call(
        "reminder", ContentType.objects.get_for_model(open_workshop).pk, open_workshop.pk
    )

    assert _reminded() == [staying.email]
    reminders = Delivery.objects.filter(kind="reminder")
    assert list(reminders.values_list("registration", flat=True)) == [staying.pk]


# The schedule.


def test_schedule_purges_registrations_past_the_retention(open_workshop, sign_up, clock, tick):
    sign_up(open_workshop)
    # The workshop ends at midnight after 27 November 2024 (23:00 UTC); 180 days later is 27 May
    # 2025, 01:00 in Paris (summer time).
    clock.move_to(dt.datetime(2025, 5, 27, 0, 55, tzinfo=PARIS))
    assert tick()["registration.jobs.purge_personal_data"] == 0

    clock.move_to(dt.datetime(2025, 5, 27, 1, 5, tzinfo=PARIS))
    assert tick()["registration.jobs.purge_personal_data"] == 1
    assert not Registration.objects.exists()


def test_schedule_with_the_immediate_backend_does_not_queue_itself(open_workshop, tick):
    assert tick()["next"] is None
    assert not DBTaskResult.objects.exists()


def test_schedule_queues_itself_for_the_next_hour_once(open_workshop, settings, clock):
    settings.TASKS = DATABASE_TASKS
    clock.move_to(paris(20, 14, 25))

    first = schedule.run_schedule.call()
    second = schedule.run_schedule.call()  # a second run (by hand) while one is pending

    assert dt.datetime.fromisoformat(first["next"]) == paris(20, 15)
    assert second["next"] is None
    [pending] = DBTaskResult.objects.all()
    assert pending.task_path == SCHEDULE
    assert pending.run_after == paris(20, 15)


@pytest.mark.django_db(transaction=True)
def test_schedule_chain_runs_in_the_worker_and_sends_the_reminder(
    settings, clock, run_db_worker, sign_up
):
    # test_migrations.py leaves the registration tables at its migration 0004, before the
    # deliveries existed: bring them to the latest schema first.
    call_command("migrate", verbosity=0)
    settings.TASKS = DATABASE_TASKS
    workshop = make_workshop()
    sign_up(workshop)
    clock.move_to(paris(22, 22, 10))
    start_schedule(sender=None, using="default")  # as after `migrate`
    [pending] = DBTaskResult.objects.filter(status="READY", task_path=SCHEDULE)
    assert pending.run_after == paris(22, 23)
    mail.outbox.clear()

    clock.move_to(paris(22, 23) + dt.timedelta(seconds=30))
    run_db_worker()  # Friday 23:00: nothing due yet; the next tick is queued
    clock.move_to(paris(23, 0) + dt.timedelta(seconds=30))
    run_db_worker()  # Saturday 00:00: the schedule queues the reminder, the worker sends it

    assert _reminded() == ["person-1@example.org"]
    [pending] = DBTaskResult.objects.filter(status="READY", task_path=SCHEDULE)
    assert pending.run_after == paris(23, 1)


def test_start_schedule_after_migrate_queues_one_tick(db, settings, clock):
    settings.TASKS = DATABASE_TASKS

    start_schedule(sender=None, using="default")
    start_schedule(sender=None, using="default")  # a second `migrate`

    assert DBTaskResult.objects.filter(status="READY", task_path=SCHEDULE).count() == 1


def test_run_schedule_command_runs_one_tick(open_workshop, sign_up, clock):
    sign_up(open_workshop)
    clock.move_to(paris(23, 9))
    out = io.StringIO()

    call_command("run_schedule", stdout=out)

    assert out.getvalue() == (
        "registration.jobs.queue_reminders: 1\n"
        "registration.jobs.purge_personal_data: 0\n"
        "No tick queued: one is pending already, or the tasks backend runs tasks at once.\n"
    )
    assert timezone.now() == paris(23, 9)
