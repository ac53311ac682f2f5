"""No 500 from an integer a client sends that no database column holds: an id past 64 bits
(`99999999999999999999`) in a choice, a posted field or an address. SQLite raises OverflowError
on it where PostgreSQL finds nothing; every such number is refused before it reaches either."""

import datetime as dt

import pytest
from django.utils.html import escape

from registration.models import Announcement, Registration

from ..factories import paris_time

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
NOT_AN_OPTION = f"Select a valid choice. {HUGE} is not one of the available choices."


@pytest.mark.parametrize("value", [HUGE, f"-{HUGE}", str(2**63)])
def test_register_with_an_option_id_past_64_bits_says_it_is_no_choice(
    client, open_workshop, form_data, cocktail_and_lunch, value
):
    response = client.post("/register/", form_data | {"options": [value]})

    assert response.status_code == 200
    assert escape(f"Select a valid choice. {value} is not one of") in response.content.decode()
    assert Registration.objects.count() == 0


def test_change_with_an_option_id_past_64_bits_says_it_is_no_choice(
    client, andre, cocktail_and_lunch
):
    response = client.post(
        f"/registration/{andre.token}/change/",
        {"days": ["2024-11-26"], "options": [HUGE], "affiliation": "INRIA"},
    )

    assert response.status_code == 200
    assert escape(NOT_AN_OPTION) in response.content.decode()
    assert Registration.objects.get().affiliation == "Université de Lorraine, LORIA"


def test_admin_add_with_an_option_id_past_64_bits_says_it_is_no_choice(
    organizer_client, open_workshop, form_data, cocktail_and_lunch
):
    response = organizer_client.post(
        "/admin/registration/registration/add/",
        form_data | {"workshop": open_workshop.pk, "options": [HUGE], "status": "confirmed"},
    )

    assert response.status_code == 200
    assert escape(NOT_AN_OPTION) in response.content.decode()
    assert Registration.objects.count() == 0


def test_admin_change_with_an_option_id_past_64_bits_says_it_is_no_choice(
    organizer_client, andre, form_data, cocktail_and_lunch
):
    response = organizer_client.post(
        f"/admin/registration/registration/{andre.pk}/change/",
        form_data | {"workshop": andre.workshop_id, "options": [HUGE], "status": "confirmed"},
    )

    assert response.status_code == 200
    assert escape(NOT_AN_OPTION) in response.content.decode()


def test_announcement_to_an_id_past_64_bits_says_it_is_no_choice(
    organizer_client, open_workshop, cocktail_and_lunch
):
    response = organizer_client.post(
        "/admin/registration/announcement/add/",
        {
            "workshop": open_workshop.pk,
            "audience": "selected",
            "selected": [HUGE],
            "option": HUGE,
            "subject": "Hello",
            "body": "Hello {name}",
        },
    )

    assert response.status_code == 200
    assert escape(f"Select a valid choice. {HUGE} is not one of") in response.content.decode()
    assert not Announcement.objects.exists()


def test_desk_tick_of_a_registration_id_past_64_bits_changes_nothing(
    organizer_client, andre, clock
):
    clock.move_to(paris_time(dt.date(2024, 11, 26), 8, 45))

    response = organizer_client.post(
        "/desk/check-in/", {"registration": HUGE, "day": "2024-11-26"}, follow=True
    )

    assert response.status_code == 200
    assert "That tick was not understood" in response.content.decode()
    assert not andre.check_ins.exists()


@pytest.mark.parametrize(
    "path",
    [
        f"/materials/{HUGE}/slides.pdf",
        f"/admin/registration/registration/{HUGE}/change/",
        f"/admin/program/workshop/{HUGE}/next/",
    ],
)
def test_address_with_an_id_past_64_bits_is_not_found(organizer_client, andre, path):
    response = organizer_client.get(path, follow=True)

    assert response.status_code in (200, 404)  # the admin redirects with "does not exist"


@pytest.mark.parametrize(
    "query", [f"options={HUGE}", f"option={HUGE}", f"workshop__id__exact=-{HUGE}"]
)
def test_admin_list_filtered_on_an_id_past_64_bits_is_a_400(organizer_client, andre, query):
    response = organizer_client.get(f"/admin/registration/registration/?{query}")

    assert response.status_code == 400
    assert "<h1>That request could not be understood</h1>" in response.content.decode()


def test_admin_list_filtered_on_a_real_option_still_works(organizer_client, andre):
    response = organizer_client.get(f"/admin/registration/registration/?options={2**63 - 1}")

    assert response.status_code == 200
