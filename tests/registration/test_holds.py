"""Holds that one client cannot hoard: on an edition that confirms addresses, an unconfirmed
registration takes no place of a limited option, and one client address holds only a few
unconfirmed seats at once (settings.REGISTRATION_MAX_HOLDS_PER_CLIENT)."""

import datetime as dt
import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from registration import services
from registration.models import Option, Registration

from ..factories import OptionFactory

HOARDER = "198.51.100.7"


@pytest.fixture
def edition(open_workshop):
    """The open workshop with 10 seats, confirming addresses within 24 hours."""
    open_workshop.capacity = 10
    open_workshop.confirm_addresses = True
    open_workshop.save()
    return open_workshop


@pytest.fixture
def lunch(edition) -> Option:
    """A lunch of 5 places."""
    return OptionFactory(workshop=edition, label="Lunch", capacity=5)


def _text(response) -> str:
    """The page's text, tags removed and spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _post_form(client, form_data, *, email: str, address: str, options=()):
    return client.post(
        "/register/",
        form_data | {"email": email, "options": [option.pk for option in options]},
        REMOTE_ADDR=address,
    )


def test_unconfirmed_registrations_from_one_address_leave_the_lunch_to_a_real_person(
    client, edition, lunch, form_data
):
    for number in range(12):
        response = _post_form(
            client,
            form_data,
            email=f"throwaway-{number}@example.org",
            address=HOARDER,
            options=[lunch],
        )
        assert response.status_code == 302, _text(response)

    response = _post_form(
        client, form_data, email="olga@example.org", address="203.0.113.20", options=[lunch]
    )

    assert response.status_code == 302, _text(response)
    olga = Registration.objects.get(email="olga@example.org")
    assert olga.status == Registration.Status.HELD
    assert list(olga.options.all()) == [lunch]
    assert olga.client_address == "203.0.113.20"
    assert services.full_options([lunch]) == []
    # Three of the twelve hold a seat; the nine others wait, not in line until confirmed.
    held = Registration.objects.filter(client_address=HOARDER, status=Registration.Status.HELD)
    assert held.count() == 3
    assert services.registration_status(edition).seats_left == 6
    assert "seats left" in _text(client.get("/"))


def test_fourth_unconfirmed_registration_of_an_address_waits_while_another_address_gets_a_seat(
    edition, sign_up, clock
):
    first_three = [sign_up(edition, client_address=HOARDER) for _ in range(3)]

    fourth = sign_up(edition, client_address=HOARDER)
    elsewhere = sign_up(edition, client_address="2001:db8::1")

    assert [r.status for r in first_three] == [Registration.Status.HELD] * 3
    assert fourth.status == Registration.Status.WAITLISTED
    assert fourth.waiting_list_position() is None  # not in line until the address is confirmed
    assert fourth.hold_expires_at == first_three[0].hold_expires_at
    assert elsewhere.status == Registration.Status.HELD
    assert services.registration_status(edition).seats_left == 6


def test_an_address_holds_seats_again_once_one_of_its_holds_is_confirmed_or_expires(
    edition, sign_up, clock
):
    first_three = [sign_up(edition, client_address=HOARDER) for _ in range(3)]
    services.confirm_address(first_three[0])

    after_confirming = sign_up(edition, client_address=HOARDER)
    clock.shift(dt.timedelta(hours=25))  # every hold of the address ran out
    after_expiry = [sign_up(edition, client_address=HOARDER) for _ in range(4)]

    assert after_confirming.status == Registration.Status.HELD
    assert [r.status for r in after_expiry] == [Registration.Status.HELD] * 3 + [
        Registration.Status.WAITLISTED
    ]


def test_the_limit_of_holds_per_client_is_a_setting(edition, sign_up, settings):
    settings.REGISTRATION_MAX_HOLDS_PER_CLIENT = 1

    first, second = (sign_up(edition, client_address=HOARDER) for _ in range(2))

    assert (first.status, second.status) == (
        Registration.Status.HELD,
        Registration.Status.WAITLISTED,
    )


def test_confirming_after_the_lunch_filled_keeps_the_seat_without_it_and_says_so(
    client, edition, lunch, sign_up, django_capture_on_commit_callbacks
):
    andre = sign_up(edition, options=[lunch], client_address=HOARDER)
    # Five confirmed people (an organizer vouched for their addresses) take the lunch meanwhile.
    for _ in range(5):
        sign_up(edition, options=[lunch], address_confirmed=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registration:confirm", kwargs={"token": andre.token}), follow=True
        )

    andre.refresh_from_db()
    assert andre.status == Registration.Status.CONFIRMED
    assert list(andre.options.all()) == []
    assert lunch.registrations.filter(status=Registration.Status.CONFIRMED).count() == 5
    assert (
        "Lunch filled up before you confirmed your address, so it is no longer among your "
        "choices. You keep your place without it."
    ) in _text(response)
    [confirmation] = mail.outbox
    assert "Lunch" not in confirmation.body


def test_confirming_with_room_left_keeps_the_lunch_and_says_nothing_of_it(
    client, edition, lunch, sign_up
):
    andre = sign_up(edition, options=[lunch])

    response = client.post(
        reverse("registration:confirm", kwargs={"token": andre.token}), follow=True
    )

    assert list(andre.options.all()) == [lunch]
    assert "filled up" not in _text(response)


def test_organizer_confirming_an_address_after_the_lunch_filled_is_told(
    admin_client, edition, lunch, sign_up
):
    andre = sign_up(edition, options=[lunch], first_name="André", last_name="Lefèvre")
    for _ in range(5):
        sign_up(edition, options=[lunch], address_confirmed=True)

    response = admin_client.post(
        reverse("admin:registration_registration_changelist"),
        {"action": "confirm_addresses", "_selected_action": [andre.pk]},
        follow=True,
    )

    assert "André Lefèvre keeps the place without Lunch, full meanwhile." in _text(response)
    assert list(andre.options.all()) == []
