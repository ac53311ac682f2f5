"""Address ownership: on an edition that confirms addresses, a registration holds its seat (or
keeps its waiting-list place) only until the person confirms, by the link emailed to the
address, within the edition's hold_hours; unconfirmed holds stop counting when they expire and
are swept away, their seats going to the waiting list."""

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from jobs import schedule
from mail import outbox
from program.services import start_next_edition
from registration import emails, services
from registration.emails import build_email
from registration.models import EmailKind, Registration
from registration.throttle import EMAILS_PER_ADDRESS

from ..factories import WorkshopFactory
from .conftest import NOW, PARIS, make_open_workshop

CHANGELIST = reverse("admin:registration_registration_changelist")


@pytest.fixture
def confirming(open_workshop) -> object:
    """The open workshop (3 seats, clock frozen at NOW), confirming addresses within 24 hours."""
    open_workshop.confirm_addresses = True
    open_workshop.save()
    return open_workshop


def _confirm_url(registration: Registration) -> str:
    return reverse("registration:confirm", kwargs={"token": registration.token})


def _fresh(registration: Registration) -> Registration:
    return Registration.objects.get(pk=registration.pk)


def _text(response) -> str:
    """The page's text, tags removed and spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_register_holds_the_seat_and_emails_a_confirmation_link(
    confirming, sign_up, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        andre = sign_up(confirming, email="andre@example.org")

    assert andre.status == Registration.Status.HELD
    assert andre.hold_expires_at == NOW + dt.timedelta(hours=24)
    assert services.registration_status(confirming).seats_left == 2
    [message] = mail.outbox
    assert message.to == ["andre@example.org"]
    assert message.subject == "LoRAINNe'24: confirm your address"
    assert "A seat is held for you until Wednesday 16 October 2024, 10:00 (Europe/Paris time)" in (
        message.body
    )
    link = settings.SITE_URL + _confirm_url(andre)
    assert f"Confirm your address: {link}\n" in message.body
    assert f'<a href="{link}">' in message.alternatives[0].content


def test_confirming_in_time_gives_the_seat_and_sends_the_confirmation(
    confirming, sign_up, clock, django_capture_on_commit_callbacks
):
    andre = sign_up(confirming)
    clock.shift(dt.timedelta(hours=23, minutes=59))

    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_address(andre)

    andre = _fresh(andre)
    assert andre.status == Registration.Status.CONFIRMED
    assert andre.address_confirmed_at == NOW + dt.timedelta(hours=23, minutes=59)
    assert andre.hold_expires_at is None
    [message] = mail.outbox
    assert message.subject == "LoRAINNe'24: your registration is confirmed"


def test_get_on_the_confirm_link_shows_a_button_and_confirms_nothing(client, confirming, sign_up):
    andre = sign_up(confirming)

    page = client.get(_confirm_url(andre))

    assert page.status_code == 200
    assert "a seat of LoRAINNe'24 is held for you until" in _text(page)
    assert '<button type="submit" class="button">Confirm my address</button>' in (
        page.content.decode()
    )
    assert _fresh(andre).status == Registration.Status.HELD


def test_post_on_the_confirm_link_confirms_and_shows_the_personal_page(client, confirming, sign_up):
    andre = sign_up(confirming)

    response = client.post(_confirm_url(andre), follow=True)

    assert response.redirect_chain == [(andre.get_absolute_url(), 302)]
    assert "your address is confirmed and the seat is yours" in _text(response)
    assert "Your seat is confirmed." in _text(response)
    assert _fresh(andre).status == Registration.Status.CONFIRMED


def test_personal_page_of_a_held_registration_says_until_when(client, confirming, sign_up):
    andre = sign_up(confirming)

    text = _text(client.get(andre.get_absolute_url()))

    assert (
        "Your registration awaits the confirmation of your address , until "
        "Wednesday 16 October 2024, 10:00:00 CEST (Europe/Paris time): a seat is held for you "
        "until then."
    ) in text
    assert _fresh(andre).status == Registration.Status.HELD


def test_expired_hold_stops_counting_before_the_sweep_and_the_sweep_promotes_the_first_waiting(
    confirming, sign_up, clock, django_capture_on_commit_callbacks
):
    confirming.capacity = 1
    confirming.save()
    andre = sign_up(confirming)  # holds the only seat
    clock.shift(dt.timedelta(hours=1))
    olga = sign_up(confirming)  # full: waits, once her address is confirmed
    kim = sign_up(confirming)
    services.confirm_address(kim)
    services.confirm_address(olga)  # confirmed after Kim, but joined the list first
    assert services.registration_status(confirming).seats_left == 0

    clock.move_to(andre.hold_expires_at)
    mail.outbox.clear()  # the sweep sends what sign_up left queued: only the promotion matters
    status = services.registration_status(confirming)  # nothing swept yet
    unswept = _fresh(andre).status
    with django_capture_on_commit_callbacks(execute=True):
        ticked = schedule.sweep.call()

    assert (status.seats_taken, status.seats_left, status.waiting) == (0, 1, 2)
    assert unswept == Registration.Status.HELD  # the counts did not wait for the sweep
    assert ticked["registration.jobs.expire_holds"] == 1
    assert _fresh(andre).status == Registration.Status.CANCELLED
    assert _fresh(olga).status == Registration.Status.CONFIRMED
    assert _fresh(kim).waiting_list_position() == 1
    [message] = [m for m in mail.outbox if "a seat is yours" in m.subject]
    assert message.to == [olga.email]
    assert message.subject == "LoRAINNe'24: a seat is yours: your registration is confirmed"


def test_unconfirmed_waiting_list_entry_is_skipped_when_a_seat_frees(
    confirming, sign_up, django_capture_on_commit_callbacks
):
    confirming.capacity = 1
    confirming.save()
    andre = sign_up(confirming)
    services.confirm_address(andre)
    stranger = sign_up(confirming)  # an address nobody confirms
    kim = sign_up(confirming)
    services.confirm_address(kim)

    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel(andre)

    assert promoted == [kim]
    assert stranger.waiting_list_position() is None
    assert _fresh(stranger).status == Registration.Status.WAITLISTED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([andre.email, kim.email])


def test_confirming_too_late_says_so_and_offers_to_register_again(
    client, confirming, sign_up, clock
):
    andre = sign_up(confirming)
    clock.shift(dt.timedelta(hours=25))

    response = client.post(_confirm_url(andre), follow=True)

    text = _text(response)
    assert (
        "The time to confirm your address ran out on Wednesday 16 October 2024, 10:00 "
        "(Europe/Paris time), so the place kept for you went to someone else."
    ) in text
    assert "Seats are still free: register again with the same answers." in text
    assert _fresh(andre).status == Registration.Status.CANCELLED
    rejoined = client.post(reverse("registration:rejoin", kwargs={"token": andre.token}))
    assert rejoined.status_code == 302
    andre = _fresh(andre)
    assert andre.status == Registration.Status.CONFIRMED  # the link proved the address
    assert andre.address_confirmed_at == NOW + dt.timedelta(hours=25)


def test_twenty_posts_of_one_address_send_it_at_most_a_few_emails(
    client, confirming, form_data, django_capture_on_commit_callbacks
):
    pages = []
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(20):
            # From twenty different clients, so that the per-client limit does not stop them.
            response = client.post(
                "/register/", form_data, REMOTE_ADDR=f"203.0.113.{number + 1}", follow=True
            )
            pages.append(_text(response))

    assert EMAILS_PER_ADDRESS == 3
    assert [m.to for m in mail.outbox] == [["andre@example.org"]] * 3
    assert Registration.objects.count() == 1
    assert len(set(pages)) == 1  # the same "check your inbox" page each time
    assert (
        "Confirm your address within 24 hours , by Wednesday 16 October 2024, 10:00:00 CEST "
        "(Europe/Paris time)"
    ) in pages[0]


def test_organizer_added_and_walk_in_registrations_need_no_confirmation(confirming, register_data):
    registration = services.register(
        confirming, enforce_deadline=False, address_confirmed=True, **register_data
    )

    assert registration.status == Registration.Status.CONFIRMED
    assert registration.hold_expires_at is None


def test_admin_shows_holds_filters_them_and_confirms_by_hand(
    admin_client, confirming, sign_up, django_capture_on_commit_callbacks
):
    andre = sign_up(confirming, last_name="Lefèvre")
    other = sign_up(confirming, last_name="Zorn")
    services.confirm_address(other)

    listed = admin_client.get(f"{CHANGELIST}?address=awaiting").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            CHANGELIST, {"action": "confirm_addresses", "_selected_action": [andre.pk]}
        )

    assert "Lefèvre" in listed
    assert "Zorn" not in listed
    assert '<td class="field-status">Awaiting address confirmation</td>' in listed
    assert '<td class="field-hold_expires_at nowrap">16 Oct 2024, 10 a.m.</td>' in listed
    assert _fresh(andre).status == Registration.Status.CONFIRMED
    [message] = mail.outbox
    assert message.subject == "LoRAINNe'24: your registration is confirmed"


def test_next_edition_confirms_addresses_whatever_its_source(db):
    source = WorkshopFactory(confirm_addresses=False, hold_hours=48)

    edition = start_next_edition(
        source,
        name=source.name,
        acronym="LoRAINNe'99",
        slug="lorainne99",
        starts_on=source.starts_on + dt.timedelta(days=365),
    )

    assert (edition.confirm_addresses, edition.hold_hours) == (True, 48)


def test_next_edition_without_address_confirmation_when_asked(db):
    source = WorkshopFactory(confirm_addresses=True)

    edition = start_next_edition(
        source,
        name=source.name,
        acronym="LoRAINNe'99",
        slug="lorainne99",
        starts_on=source.starts_on + dt.timedelta(days=365),
        confirm_addresses=False,
    )

    edition.refresh_from_db()
    assert edition.confirm_addresses is False


# The home page with the real clock: its cache counts seats by the database's clock.


@pytest.fixture
def upcoming(db):
    return make_open_workshop(confirm_addresses=True)


def test_home_page_counts_a_held_seat_until_it_expires(client, upcoming, register_data):
    answers = register_data | {"days": None}
    services.register(upcoming, **answers)
    held_page = _text(client.get("/"))
    # A hold whose time ran out an hour ago, not swept: its seat is free again.
    services.register(
        upcoming,
        now=timezone.now() - dt.timedelta(hours=25),
        **answers | {"email": "olga@example.org"},
    )

    assert "Registration is open : 2 seats left" in held_page
    assert "Registration is open : 2 seats left" in _text(client.get("/"))
    assert Registration.objects.filter(status=Registration.Status.HELD).count() == 2


def test_hold_deadline_is_written_in_the_editions_time_zone(confirming, sign_up, settings):
    settings.TIME_ZONE = "UTC"
    andre = sign_up(confirming)

    message = build_email(andre, EmailKind.CONFIRM_ADDRESS)

    assert andre.hold_expires_at.astimezone(PARIS).hour == 10
    assert "until Wednesday 16 October 2024, 10:00 (Europe/Paris time)" in message.body


def test_the_minute_sweep_expires_holds_and_promotes(
    confirming, sign_up, clock, django_capture_on_commit_callbacks
):
    """The outbox's sweep (every EMAIL_SWEEP_SECONDS) expires holds too: the next in line gets
    the seat within the minute, not at the next hourly tick."""
    confirming.capacity = 1
    confirming.save()
    andre = sign_up(confirming)
    olga = sign_up(confirming)
    services.confirm_address(olga)
    clock.move_to(andre.hold_expires_at)

    with django_capture_on_commit_callbacks(execute=True):
        schedule.sweep.call()

    assert _fresh(andre).status == Registration.Status.CANCELLED
    assert _fresh(olga).status == Registration.Status.CONFIRMED


def test_a_confirm_email_retried_after_the_click_is_not_sent(
    confirming, sign_up, django_capture_on_commit_callbacks
):
    """A confirm-your-address email whose send failed and is retried once the person has
    confirmed (by the first copy, or the admin by hand) no longer asks them to confirm."""
    andre = sign_up(confirming)
    delivery = emails.queue_email(andre, EmailKind.CONFIRM_ADDRESS)
    services.confirm_address(andre)
    mail.outbox.clear()

    sent = outbox.send_each([delivery.pk])

    assert sent == 0
    assert not [m for m in mail.outbox if "confirm your address" in m.subject]


def test_home_page_frees_an_expired_hold_when_the_services_do(client, confirming, sign_up, clock):
    """The page cache counts held seats by the same clock as the services (Python's, which the
    test freezes): its key changes when a hold expires, and the page shows the seat free at once,
    not when the cached page times out."""
    sign_up(confirming)  # held until NOW + 24 hours
    clock.move_to(NOW + dt.timedelta(hours=24, minutes=-3))
    assert "2 seats left" in _text(client.get("/"))

    clock.shift(dt.timedelta(minutes=4))  # the hold has expired; the cached page has not

    assert services.registration_status(confirming).seats_left == 3
    assert "3 seats left" in _text(client.get("/"))
