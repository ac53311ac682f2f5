"""registration.services: seats, waiting list, the exact deadline, duplicates and emails."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from program.models import Session
from registration import services
from registration.models import AttendedDay, Registration
from registration.services import RegistrationState

from ..factories import OptionFactory
from .conftest import NOW, PARIS, make_workshop

pytestmark = pytest.mark.django_db


def _statuses(workshop) -> dict[str, str]:
    return dict(workshop.registrations.order_by("pk").values_list("email", "status"))


# Registering: a seat, the waiting list, refusals.


def test_register_when_seats_are_left_confirms_and_sends_the_confirmation(
    open_workshop, register_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(open_workshop, **register_data)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.privacy_consent_at == NOW
    assert registration.waitlisted_at is None
    assert list(registration.deliveries.values_list("variant", "state", "sent_at")) == [
        ("confirmed", "sent", NOW)
    ]
    [message] = mail.outbox
    assert message.to == ["andre@example.org"]
    assert message.subject == "LoRAINNe'24: your registration is confirmed"


def test_register_confirmation_email_has_text_html_calendar_and_personal_link(
    open_workshop, register_data, cocktail_and_lunch, django_capture_on_commit_callbacks
):
    cocktail, _ = cocktail_and_lunch
    Session.objects.create(
        workshop=open_workshop,
        kind=Session.Kind.OPENING,
        title="Welcome and opening",
        starts_at=dt.datetime(2024, 11, 26, 13, 30, tzinfo=PARIS),
        ends_at=dt.datetime(2024, 11, 26, 13, 45, tzinfo=PARIS),
    )

    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(open_workshop, **register_data, options=[cocktail])

    [message] = mail.outbox
    personal_link = f"{settings.SITE_URL}/registration/{registration.token}/"
    assert "your registration for LoRAINNe'24 is confirmed: a seat is yours." in message.body
    assert personal_link in message.body
    assert (
        "- Attending: Tuesday 26 November, Wednesday 27 November, Cocktail and posters"
        in message.body
    )
    [(html, html_type)] = message.alternatives
    assert html_type == "text/html"
    assert "is <strong>confirmed</strong>" in html
    assert f'<a href="{personal_link}">Your personal page</a>' in html
    [attachment] = message.attachments
    assert attachment.filename == "lorainne24-program.ics"
    assert attachment.mimetype.split(";")[0] == "text/calendar"
    assert attachment.content.startswith("BEGIN:VCALENDAR")  # text/*: decoded to str
    assert "SUMMARY:Welcome and opening" in attachment.content
    assert (
        "<li>Attending: Tuesday 26 November, Wednesday 27 November, Cocktail and posters</li>"
        in html
    )
    assert "DTSTART;TZID=Europe/Paris:20241126T133000" in attachment.content
    # As sent: a text/calendar part beside the text and the HTML.
    content_types = [part.get_content_type() for part in message.message().walk()]
    assert {"text/plain", "text/html", "text/calendar"} <= set(content_types)


def test_register_token_is_long_and_random(open_workshop, sign_up):
    first, second = sign_up(open_workshop), sign_up(open_workshop)

    assert len(first.token) >= 43  # 256 bits in URL-safe base64
    assert first.token != second.token


@pytest.mark.parametrize(
    ("first_name", "last_name"), [("André", "Lefèvre"), ("Jérémy", "Cohen"), ("Ольга", "Иштева")]
)
def test_register_keeps_unicode_names_intact_in_the_database_and_the_email(
    open_workshop, register_data, first_name, last_name, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(
            open_workshop, **register_data | {"first_name": first_name, "last_name": last_name}
        )

    stored = Registration.objects.get(pk=registration.pk)
    assert (stored.first_name, stored.last_name) == (first_name, last_name)
    [message] = mail.outbox
    assert f"Dear {first_name}," in message.body
    assert f"- Name: {first_name} {last_name}" in message.body
    assert f"<li>Name: {first_name} {last_name}</li>" in message.alternatives[0].content


def test_register_email_escapes_markup_in_the_html_only(
    open_workshop, register_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.register(open_workshop, **register_data | {"first_name": "<b>Bob</b> & Co"})

    [message] = mail.outbox
    assert "Dear <b>Bob</b> & Co," in message.body
    assert "Dear &lt;b&gt;Bob&lt;/b&gt; &amp; Co," in message.alternatives[0].content


def test_register_when_full_puts_on_the_waiting_list_and_emails_the_position(
    full_workshop, sign_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(full_workshop, email="latecomer@example.org")

    assert registration.status == Registration.Status.WAITLISTED
    assert registration.waitlisted_at == NOW
    assert registration.waiting_list_position() == 3
    assert full_workshop.registrations.confirmed().count() == 3
    [message] = mail.outbox
    assert message.subject == "LoRAINNe'24: you are on the waiting list"
    assert "so you are on the waiting list, in place 3." in message.body
    assert "on the waiting list, in place 3</strong>" in message.alternatives[0].content
    assert message.attachments == []  # no program for someone without a seat yet


def test_register_with_the_same_email_in_another_case_raises_already_registered(
    open_workshop, register_data
):
    first = services.register(open_workshop, **register_data | {"email": "andre@example.org"})

    with pytest.raises(services.AlreadyRegistered) as refused:
        services.register(open_workshop, **register_data | {"email": "ANDRE@Example.org"})

    assert refused.value.registration == first
    assert refused.value.message == "This email address is already registered for this workshop."
    assert Registration.objects.count() == 1


def test_register_same_email_in_another_workshop_is_accepted(open_workshop, register_data):
    other = make_workshop(slug="lorainne25", acronym="LoRAINNe'25")
    services.register(open_workshop, **register_data)

    registration = services.register(other, **register_data)

    assert registration.status == Registration.Status.CONFIRMED


def test_registration_email_constraint_refuses_a_case_variant_in_the_database(
    open_workshop, register_data
):
    services.register(open_workshop, **register_data | {"email": "andre@example.org"})
    columns = {name: value for name, value in register_data.items() if name != "days"}
    duplicate = columns | {"email": "ANDRE@Example.org", "privacy_consent_at": NOW}

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(workshop=open_workshop, **duplicate)

    assert Registration.objects.count() == 1


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"first_name": "A" * 101}, "first_name", "at most 100 characters (it has 101)"),
        ({"first_name": ""}, "first_name", "This field cannot be blank."),
        ({"position": "nonsense"}, "position", "Value 'nonsense' is not a valid choice."),
        ({"days": []}, "days", "Choose at least one day."),
        (
            {"days": [dt.date(2024, 11, 26), dt.date(2024, 11, 28)]},
            "days",
            "Thursday 28 November 2024 is not a day of LoRAINNe'24.",
        ),
    ],
)
def test_register_with_bad_input_raises_validation_error_and_creates_nothing(
    open_workshop, register_data, answers, field, message
):
    with pytest.raises(ValidationError) as invalid:
        services.register(open_workshop, **register_data | answers)

    assert message in " ".join(invalid.value.message_dict[field])
    assert Registration.objects.count() == 0


def test_register_without_an_email_raises_validation_error_and_creates_nothing(
    open_workshop, register_data
):
    answers = {name: value for name, value in register_data.items() if name != "email"}

    with pytest.raises(ValidationError) as invalid:
        services.register(open_workshop, **answers)

    assert invalid.value.message_dict["email"] == ["This field cannot be blank."]
    assert Registration.objects.count() == 0


# Days and options: data of the edition.


def test_register_saves_the_days_and_options_chosen(
    open_workshop, register_data, cocktail_and_lunch
):
    _, lunch = cocktail_and_lunch

    registration = services.register(
        open_workshop, **register_data | {"days": [dt.date(2024, 11, 27)]}, options=[lunch]
    )

    stored = Registration.objects.get(pk=registration.pk)
    assert stored.days == [dt.date(2024, 11, 27)]
    assert list(stored.options.all()) == [lunch]
    assert stored.parts == ["Wednesday 27 November", "Lunch"]


def test_register_without_days_attends_every_day_of_the_edition(open_workshop, register_data):
    answers = {name: value for name, value in register_data.items() if name != "days"}

    registration = services.register(open_workshop, **answers)

    assert registration.days == [dt.date(2024, 11, 26), dt.date(2024, 11, 27)]


def test_register_with_a_day_twice_keeps_it_once(open_workshop, register_data):
    days = [dt.date(2024, 11, 27), dt.date(2024, 11, 26), dt.date(2024, 11, 27)]

    registration = services.register(open_workshop, **register_data | {"days": days})

    assert registration.days == [dt.date(2024, 11, 26), dt.date(2024, 11, 27)]


def test_register_with_an_option_of_another_workshop_raises_validation_error(
    open_workshop, register_data
):
    other = make_workshop(slug="lorainne25", acronym="LoRAINNe'25")
    dinner = OptionFactory(workshop=other, label="Conference dinner")

    with pytest.raises(ValidationError) as invalid:
        services.register(open_workshop, **register_data, options=[dinner])

    assert invalid.value.message_dict == {
        "options": ["Conference dinner is not an option of LoRAINNe'24."]
    }
    assert Registration.objects.count() == 0


def test_register_with_bad_fields_and_no_day_reports_every_error(open_workshop, register_data):
    answers = register_data | {"email": "not-an-email", "days": []}

    with pytest.raises(ValidationError) as invalid:
        services.register(open_workshop, **answers)

    assert invalid.value.message_dict == {
        "email": ["Enter a valid email address."],
        "days": ["Choose at least one day."],
    }


def test_register_when_an_option_is_full_raises_option_full_and_creates_nothing(
    open_workshop, register_data, cocktail_and_lunch, sign_up
):
    cocktail, lunch = cocktail_and_lunch
    lunch.capacity = 1
    lunch.save()
    sign_up(open_workshop, options=[lunch])

    with pytest.raises(services.OptionFull) as refused:
        services.register(open_workshop, **register_data, options=[cocktail, lunch])

    assert refused.value.message == "Lunch is full: all 1 places are taken. Untick it to register."
    assert refused.value.option == lunch
    assert not Registration.objects.filter(email="andre@example.org").exists()


def test_register_option_capacity_counts_the_waiting_list_but_not_the_cancelled(
    full_workshop, sign_up, register_data
):
    dinner = OptionFactory(workshop=full_workshop, label="Conference dinner", capacity=2)
    waiting = sign_up(full_workshop, options=[dinner])  # the sixth person: on the waiting list
    leaving = sign_up(full_workshop, options=[dinner])
    services.cancel(leaving)

    services.register(full_workshop, **register_data, options=[dinner])

    with pytest.raises(services.OptionFull):
        sign_up(full_workshop, options=[dinner])
    assert waiting.status == Registration.Status.WAITLISTED
    assert dinner.registrations.count() == 3  # the cancelled one keeps its choice, not a place


def test_register_option_without_capacity_has_no_limit(open_workshop, sign_up):
    open_workshop.capacity = 10
    open_workshop.save()
    lunch = OptionFactory(workshop=open_workshop, capacity=None)

    for _ in range(10):
        sign_up(open_workshop, options=[lunch])

    assert lunch.registrations.count() == 10


# The deadline, to the second, in the workshop's time zone.


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2024, 11, 11, 23, 59, 59, 999000, tzinfo=PARIS),
        dt.datetime(2024, 11, 11, 22, 59, 59, tzinfo=dt.UTC),
    ],
    ids=["23:59:59.999-paris", "22:59:59-utc"],
)
def test_register_on_the_deadline_day_until_midnight_paris_is_accepted(
    open_workshop, register_data, clock, moment
):
    clock.move_to(moment)

    registration = services.register(open_workshop, **register_data)

    assert registration.status == Registration.Status.CONFIRMED
    assert services.registration_status(open_workshop).state == RegistrationState.OPEN


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2024, 11, 12, 0, 0, 0, tzinfo=PARIS),
        dt.datetime(2024, 11, 11, 23, 0, 0, tzinfo=dt.UTC),
    ],
    ids=["00:00-paris", "23:00-utc"],
)
def test_register_from_midnight_after_the_deadline_raises_registration_closed(
    open_workshop, register_data, clock, moment
):
    clock.move_to(moment)

    with pytest.raises(services.RegistrationClosed) as refused:
        services.register(open_workshop, **register_data)

    assert refused.value.message == (
        "Registration closed after Monday 11 November 2024, 23:59:59 (Europe/Paris time)."
    )
    assert Registration.objects.count() == 0
    assert services.registration_status(open_workshop).state == RegistrationState.CLOSED


def test_register_before_registration_opens_raises_registration_not_open(
    open_workshop, register_data
):
    open_workshop.registration_opens_at = dt.datetime(2024, 10, 21, 9, 0, tzinfo=PARIS)
    open_workshop.save()

    with pytest.raises(services.RegistrationNotOpen) as refused:
        services.register(open_workshop, **register_data)

    assert refused.value.message == (
        "Registration opens on Monday 21 October 2024 at 09:00 (Europe/Paris time)."
    )
    assert Registration.objects.count() == 0


def test_register_after_the_workshop_raises_registration_closed(
    open_workshop, register_data, clock
):
    clock.move_to(dt.datetime(2024, 11, 28, 0, 0, tzinfo=PARIS))

    with pytest.raises(services.RegistrationClosed):
        services.register(open_workshop, **register_data)

    assert Registration.objects.count() == 0


def test_register_by_an_organizer_after_the_deadline_is_accepted(
    open_workshop, register_data, clock
):
    clock.move_to(dt.datetime(2024, 11, 20, 12, 0, tzinfo=PARIS))

    registration = services.register(open_workshop, enforce_deadline=False, **register_data)

    assert registration.status == Registration.Status.CONFIRMED


# Where registration stands.


def test_registration_status_when_open_counts_seats_left(open_workshop, sign_up):
    sign_up(open_workshop)
    cancelled = sign_up(open_workshop)
    services.cancel(cancelled)

    status = services.registration_status(open_workshop)

    assert status.state == RegistrationState.OPEN
    assert (status.capacity, status.seats_taken, status.seats_left, status.waiting) == (3, 1, 2, 0)
    assert status.accepts_registrations


def test_registration_status_when_full_counts_the_waiting_list(full_workshop):
    status = services.registration_status(full_workshop)

    assert status.state == RegistrationState.FULL
    assert (status.seats_taken, status.seats_left, status.waiting) == (3, 0, 2)
    assert status.accepts_registrations


@pytest.mark.parametrize(
    ("moment", "state"),
    [
        (dt.datetime(2024, 10, 1, 8, 59, 59, tzinfo=PARIS), RegistrationState.NOT_YET_OPEN),
        (dt.datetime(2024, 10, 1, 9, 0, tzinfo=PARIS), RegistrationState.OPEN),
        (dt.datetime(2024, 11, 11, 23, 59, 59, tzinfo=PARIS), RegistrationState.OPEN),
        (dt.datetime(2024, 11, 12, 0, 0, tzinfo=PARIS), RegistrationState.CLOSED),
        (dt.datetime(2024, 11, 27, 23, 59, 59, tzinfo=PARIS), RegistrationState.CLOSED),
        (dt.datetime(2024, 11, 28, 0, 0, tzinfo=PARIS), RegistrationState.OVER),
    ],
)
def test_registration_status_follows_the_clock(open_workshop, moment, state):
    open_workshop.registration_opens_at = dt.datetime(2024, 10, 1, 9, 0, tzinfo=PARIS)
    open_workshop.save()

    status = services.registration_status(open_workshop, now=moment)

    assert status.state == state
    assert status.accepts_registrations == (state == RegistrationState.OPEN)


# The waiting list.


def test_cancel_confirmed_frees_the_seat_for_the_first_waiting_and_emails_both(
    full_workshop, django_capture_on_commit_callbacks
):
    confirmed = full_workshop.registrations.get(email="person-2@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel(confirmed)

    confirmed.refresh_from_db()
    assert confirmed.status == Registration.Status.CANCELLED
    assert confirmed.cancelled_at == NOW
    assert [r.email for r in promoted] == ["person-4@example.org"]
    assert _statuses(full_workshop) == {
        "person-1@example.org": "confirmed",
        "person-2@example.org": "cancelled",
        "person-3@example.org": "confirmed",
        "person-4@example.org": "confirmed",
        "person-5@example.org": "waitlisted",
    }
    assert full_workshop.registrations.get(pk=promoted[0].pk).waiting_list_position() is None
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["person-2@example.org"], "LoRAINNe'24: your registration is cancelled"),
        (["person-4@example.org"], "LoRAINNe'24: a seat is yours: your registration is confirmed"),
    ]
    promotion = mail.outbox[1]
    assert "a seat of LoRAINNe'24 freed up and it is yours" in promotion.body
    assert [a.filename for a in promotion.attachments] == ["lorainne24-program.ics"]


def test_cancel_twice_changes_nothing_the_second_time(
    full_workshop, clock, django_capture_on_commit_callbacks
):
    confirmed = full_workshop.registrations.get(email="person-1@example.org")
    services.cancel(confirmed)
    clock.shift(dt.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel(confirmed)

    confirmed.refresh_from_db()
    assert promoted == []
    assert confirmed.cancelled_at == NOW
    assert full_workshop.registrations.confirmed().count() == 3
    assert full_workshop.registrations.waitlisted().count() == 1
    assert mail.outbox == []


def test_cancel_waitlisted_promotes_nobody(full_workshop):
    waiting = full_workshop.registrations.get(email="person-4@example.org")

    promoted = services.cancel(waiting)

    assert promoted == []
    assert (
        full_workshop.registrations.get(email="person-5@example.org").waiting_list_position() == 1
    )


def test_fill_free_seats_after_capacity_raised_promotes_the_earliest_waiting_in_order(
    full_workshop, sign_up, clock, django_capture_on_commit_callbacks
):
    # person-4 leaves the waiting list and joins again: now behind person-5 and person-6.
    sign_up(full_workshop)  # person-6
    person_4 = full_workshop.registrations.get(email="person-4@example.org")
    services.cancel(person_4)
    clock.shift(dt.timedelta(minutes=5))
    services.rejoin(person_4)
    full_workshop.capacity = 5
    full_workshop.save()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.fill_free_seats(full_workshop)

    assert [r.email for r in promoted] == ["person-5@example.org", "person-6@example.org"]
    assert full_workshop.registrations.confirmed().count() == 5
    assert list(full_workshop.registrations.waitlisted().values_list("email", flat=True)) == [
        "person-4@example.org"
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["person-5@example.org", "person-6@example.org"]


def test_fill_free_seats_when_no_seat_is_free_promotes_nobody(full_workshop):
    promoted = services.fill_free_seats(full_workshop)

    assert promoted == []
    assert full_workshop.registrations.waitlisted().count() == 2


def test_promote_when_full_raises_no_seat_left(full_workshop):
    waiting = full_workshop.registrations.get(email="person-5@example.org")

    with pytest.raises(services.NoSeatLeft) as refused:
        services.promote(waiting)

    assert refused.value.message == (
        "No seat is free for Person 5 Test: raise the capacity or cancel someone first."
    )
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED


def test_promote_with_a_free_seat_confirms_ahead_of_the_queue(
    full_workshop, django_capture_on_commit_callbacks
):
    full_workshop.capacity = 4
    full_workshop.save()
    second_waiting = full_workshop.registrations.get(email="person-5@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        services.promote(second_waiting)

    second_waiting.refresh_from_db()
    assert second_waiting.status == Registration.Status.CONFIRMED
    assert second_waiting.waitlisted_at is None
    assert [m.to for m in mail.outbox] == [["person-5@example.org"]]


def test_promote_someone_not_waiting_raises_registration_error(full_workshop):
    confirmed = full_workshop.registrations.get(email="person-1@example.org")

    with pytest.raises(services.RegistrationError) as refused:
        services.promote(confirmed)

    assert refused.value.message == "Person 1 Test is not on the waiting list."


# Rejoining after a cancellation.


def test_rejoin_with_a_free_seat_confirms_again_and_emails(
    open_workshop, sign_up, django_capture_on_commit_callbacks
):
    registration = sign_up(open_workshop)
    services.cancel(registration)

    with django_capture_on_commit_callbacks(execute=True):
        registration = services.rejoin(registration)

    assert registration.status == Registration.Status.CONFIRMED
    assert registration.cancelled_at is None
    assert [m.subject for m in mail.outbox] == ["LoRAINNe'24: your registration is confirmed"]


def test_rejoin_when_full_goes_to_the_end_of_the_waiting_list(full_workshop, sign_up, clock):
    confirmed = full_workshop.registrations.get(email="person-1@example.org")
    services.cancel(confirmed)  # person-4 gets the seat; person-5 waits
    sign_up(full_workshop)  # person-6 waits behind person-5
    clock.shift(dt.timedelta(minutes=5))

    registration = services.rejoin(confirmed)

    assert registration.status == Registration.Status.WAITLISTED
    assert registration.waiting_list_position() == 3


def test_rejoin_after_the_deadline_raises_registration_closed(open_workshop, sign_up, clock):
    registration = sign_up(open_workshop)
    services.cancel(registration)
    clock.move_to(dt.datetime(2024, 11, 12, 0, 0, tzinfo=PARIS))

    with pytest.raises(services.RegistrationClosed):
        services.rejoin(registration)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_rejoin_keeps_the_days_and_options(open_workshop, sign_up, cocktail_and_lunch):
    cocktail, _ = cocktail_and_lunch
    registration = sign_up(open_workshop, days=[dt.date(2024, 11, 26)], options=[cocktail])
    services.cancel(registration)

    registration = services.rejoin(registration)

    assert registration.status == Registration.Status.CONFIRMED
    assert registration.parts == ["Tuesday 26 November", "Cocktail and posters"]


def test_rejoin_when_an_option_filled_up_raises_option_full(open_workshop, sign_up):
    lunch = OptionFactory(workshop=open_workshop, label="Lunch", capacity=1)
    registration = sign_up(open_workshop, options=[lunch])
    services.cancel(registration)
    sign_up(open_workshop, options=[lunch])

    with pytest.raises(services.OptionFull) as refused:
        services.rejoin(registration)

    assert refused.value.message == (
        "Lunch is full: all 1 places are taken. "
        "To register again without it, write to the organizers."
    )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


# After the workshop.


def test_cancel_after_the_workshop_raises_workshop_over(open_workshop, sign_up, clock):
    registration = sign_up(open_workshop)
    clock.move_to(dt.datetime(2024, 11, 28, 0, 0, tzinfo=PARIS))

    with pytest.raises(services.WorkshopOver) as refused:
        services.cancel(registration)

    assert refused.value.message == (
        "LoRAINNe'24 is over: its registrations can no longer be cancelled."
    )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_cancel_on_the_last_evening_is_accepted(open_workshop, sign_up, clock):
    registration = sign_up(open_workshop)
    clock.move_to(dt.datetime(2024, 11, 27, 23, 59, 59, tzinfo=PARIS))

    services.cancel(registration)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_rejoin_after_the_workshop_raises_workshop_over(open_workshop, sign_up, clock):
    registration = sign_up(open_workshop)
    services.cancel(registration)
    clock.move_to(dt.datetime(2024, 11, 28, 9, 0, tzinfo=PARIS))

    with pytest.raises(services.WorkshopOver) as refused:
        services.rejoin(registration)

    assert (
        refused.value.message == "LoRAINNe'24 is over: its registrations can no longer be renewed."
    )


def test_forget_after_the_workshop_promotes_nobody_and_emails_nobody(
    full_workshop, clock, django_capture_on_commit_callbacks
):
    clock.move_to(dt.datetime(2024, 11, 28, 9, 0, tzinfo=PARIS))
    leaving = full_workshop.registrations.filter(email="person-1@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        deleted = services.forget(leaving)

    assert deleted == 1
    assert full_workshop.registrations.waitlisted().count() == 2
    assert mail.outbox == []


# An organizer changes what someone attends.


def test_change_choices_replaces_the_days_and_options(open_workshop, sign_up, cocktail_and_lunch):
    cocktail, lunch = cocktail_and_lunch
    registration = sign_up(open_workshop, options=[cocktail])

    services.change_choices(registration, days=[dt.date(2024, 11, 27)], options=[lunch])

    stored = Registration.objects.get(pk=registration.pk)
    assert stored.parts == ["Wednesday 27 November", "Lunch"]
    assert AttendedDay.objects.filter(registration=stored).count() == 1


def test_change_choices_keeps_a_full_option_held_and_refuses_a_new_one(open_workshop, sign_up):
    lunch = OptionFactory(workshop=open_workshop, label="Lunch", capacity=1)
    dinner = OptionFactory(workshop=open_workshop, label="Dinner", capacity=1)
    holder = sign_up(open_workshop, options=[lunch])
    sign_up(open_workshop, options=[dinner])

    services.change_choices(holder, days=[dt.date(2024, 11, 26)], options=[lunch])
    with pytest.raises(services.OptionFull) as refused:
        services.change_choices(holder, days=[dt.date(2024, 11, 26)], options=[lunch, dinner])

    assert (
        refused.value.message == "Dinner is full: all 1 places are taken. Raise its capacity first."
    )
    assert list(Registration.objects.get(pk=holder.pk).options.all()) == [lunch]


def test_change_choices_without_a_day_raises_validation_error(open_workshop, sign_up):
    registration = sign_up(open_workshop)

    with pytest.raises(ValidationError) as invalid:
        services.change_choices(registration, days=[], options=[])

    assert invalid.value.message_dict == {"days": ["Choose at least one day."]}
    assert registration.days == [dt.date(2024, 11, 26), dt.date(2024, 11, 27)]


# What organizers plan for.


def test_attendance_counts_confirmed_people_per_day_and_option_and_groups_diets(
    open_workshop, sign_up, cocktail_and_lunch, django_assert_num_queries
):
    cocktail, lunch = cocktail_and_lunch
    open_workshop.capacity = 4
    open_workshop.save()
    tuesday, wednesday = open_workshop.days
    sign_up(open_workshop, options=[cocktail, lunch], dietary_requirements="Vegetarian")
    sign_up(open_workshop, days=[tuesday], options=[lunch], dietary_requirements=" vegetarian. ")
    sign_up(open_workshop, days=[wednesday], dietary_requirements="Halal")
    sign_up(open_workshop, days=[wednesday], dietary_requirements="no nuts")
    sign_up(open_workshop, options=[lunch], dietary_requirements="Vegan")  # waits
    services.cancel(sign_up(open_workshop, options=[lunch], dietary_requirements="Kosher"))

    with django_assert_num_queries(3):
        attendance = services.attendance(open_workshop)

    assert attendance.days == [(tuesday, 2), (wednesday, 3)]
    assert attendance.options == [(cocktail, 1, 1), (lunch, 2, 3)]
    assert attendance.dietary_requirements == [("Vegetarian", 2), ("Halal", 1), ("No nuts", 1)]


# Personal data.


def test_forget_deletes_and_gives_the_seats_to_the_waiting_list(
    full_workshop, django_capture_on_commit_callbacks
):
    leaving = full_workshop.registrations.filter(
        email__in=["person-1@example.org", "person-2@example.org"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        deleted = services.forget(leaving)

    assert deleted == 2
    assert _statuses(full_workshop) == {
        "person-3@example.org": "confirmed",
        "person-4@example.org": "confirmed",
        "person-5@example.org": "confirmed",
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["person-4@example.org", "person-5@example.org"]


def test_purge_personal_data_deletes_only_workshops_that_ended_before_the_cutoff(
    open_workshop, sign_up, clock
):
    old = make_workshop(
        slug="lorainne23",
        acronym="LoRAINNe'23",
        starts_on=dt.date(2023, 11, 20),
        ends_on=dt.date(2023, 11, 21),
        registration_deadline=dt.date(2023, 11, 6),
    )
    for workshop in (old, open_workshop):
        sign_up(workshop, enforce_deadline=False)
        sign_up(workshop, enforce_deadline=False)
    clock.move_to(dt.datetime(2025, 3, 1, 12, 0, tzinfo=PARIS))
    cutoff = timezone.now() - dt.timedelta(days=settings.REGISTRATION_RETENTION_DAYS)

    deleted = services.purge_personal_data(ended_before=cutoff)

    assert deleted == 2
    assert not Registration.objects.filter(workshop=old).exists()
    assert Registration.objects.filter(workshop=open_workshop).count() == 2
