"""registration.models: a registrant's place on the waiting list."""

import pytest

from registration import services
from registration.models import Registration

from .conftest import make_workshop

pytestmark = pytest.mark.django_db


def test_waiting_list_position_counts_from_one_in_order_of_arrival(full_workshop):
    registrations = list(full_workshop.registrations.order_by("pk"))

    positions = [r.waiting_list_position() for r in registrations]

    assert positions == [None, None, None, 1, 2]


def test_waiting_list_position_of_a_cancelled_registration_is_none(full_workshop):
    waiting = full_workshop.registrations.waiting_list_order().first()
    services.cancel(waiting)
    waiting.refresh_from_db()

    assert waiting.waiting_list_position() is None


def test_waiting_list_position_ignores_the_waiting_list_of_another_workshop(full_workshop, sign_up):
    other = make_workshop(slug="other", capacity=0)
    sign_up(other)
    latecomer = sign_up(full_workshop)

    assert latecomer.waiting_list_position() == 3


def test_waiting_list_position_takes_one_query(full_workshop, django_assert_num_queries):
    waiting = Registration.objects.get(email="person-5@example.org")  # its workshop not loaded

    with django_assert_num_queries(1):
        assert waiting.waiting_list_position() == 2
