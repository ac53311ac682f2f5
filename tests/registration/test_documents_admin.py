"""The badges and sign-in sheets as organizers get them: actions on the edition in the admin."""

import io

import pytest
from pypdf import PdfReader

from registration.models import Registration

from .test_documents import pdf_requirements, renders_pdf  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, renders_pdf]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _text(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def test_badges_action_prints_every_confirmed_person_and_no_one_else(
    admin_client, open_workshop, sign_up
):
    people = [sign_up(open_workshop, first_name=name, last_name="Ishteva") for name in "ABC"]
    cancelled = people[1]
    cancelled.status = Registration.Status.CANCELLED
    cancelled.save()

    response = admin_client.post(
        "/admin/program/workshop/",
        {"action": "badges", "_selected_action": [open_workshop.pk]},
    )

    text = " ".join(_text(response))
    assert "A Ishteva" in text
    assert "C Ishteva" in text
    assert "B Ishteva" not in text
    assert "attachment" in response["Content-Disposition"]


def test_sign_in_sheets_action_has_a_sheet_per_day_with_who_comes_that_day(
    admin_client, open_workshop, sign_up
):
    first = open_workshop.days[0]
    sign_up(open_workshop, first_name="Only", last_name="Tuesday", days=[first])
    sign_up(open_workshop, first_name="Both", last_name="Days")

    pages = _text(
        admin_client.post(
            "/admin/program/workshop/",
            {"action": "sign_in_sheets", "_selected_action": [open_workshop.pk]},
        )
    )

    tuesday = [page for page in pages if "Tuesday 26 November 2024" in page]
    wednesday = [page for page in pages if "Wednesday 27 November 2024" in page]
    assert tuesday
    assert wednesday
    assert "Tuesday, Only" in " ".join(tuesday)  # last name first, as the sheet lists
    assert "Only" not in " ".join(wednesday)
    assert "Days" in " ".join(wednesday)
