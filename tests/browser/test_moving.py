"""An organizer moves an edition by two months in the admin, in Chromium."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from ..factories import PARIS


@pytest.fixture
def organizer(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return get_user_model().objects.create_superuser(
        "orga", "orga@example.org", "a long password for the test"
    )


def _timetable(workshop) -> list[tuple[dt.datetime, dt.datetime]]:
    """The slots' wall-clock times in Paris."""
    return [
        (
            slot.starts_at.astimezone(PARIS).replace(tzinfo=None),
            slot.ends_at.astimezone(PARIS).replace(tzinfo=None),
        )
        for slot in workshop.sessions.all()
    ]


def test_organizer_moves_the_edition_by_two_months_and_every_slot_moves(
    page, workshop, organizer, browser_errors
):
    before = _timetable(workshop)
    admin = f"/{settings.ADMIN_URL}"
    page.goto(admin)
    page.get_by_label("Username").fill("orga")
    page.get_by_label("Password").fill("a long password for the test")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{admin}program/workshop/{workshop.pk}/change/")
    page.locator("#id_starts_on").fill("2025-01-26")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("h1")).to_have_text("Move LoRAINNe'24 with its first day?")
    expect(page.locator("table.move-edition")).to_contain_text("Saturday 11 January 2025")
    page.get_by_role("button", name="Move the edition, 61 days later").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "LoRAINNe'24 moved to 26–27 January 2025, with its deadlines and its 18 slots."
    )
    workshop.refresh_from_db()
    assert (workshop.starts_on, workshop.ends_on) == (dt.date(2025, 1, 26), dt.date(2025, 1, 27))
    assert workshop.registration_deadline == dt.date(2025, 1, 11)
    two_months = dt.timedelta(days=61)
    assert _timetable(workshop) == [(s + two_months, e + two_months) for s, e in before]
    page.goto("/lorainne24/program/")
    expect(page.locator("main")).to_contain_text("Sunday 26 January")
    expect(page.locator("main")).not_to_contain_text("November")
    assert browser_errors == []
