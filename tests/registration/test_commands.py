"""`manage.py purge_registrations`: personal data is deleted once the retention period is over."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from registration.models import Registration

from .conftest import PARIS, make_workshop

pytestmark = pytest.mark.django_db


def _purge(*args) -> str:
    out = StringIO()
    call_command("purge_registrations", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_editions(open_workshop, sign_up):
    """LoRAINNe'23 (ended 22 November 2023, midnight) and LoRAINNe'24, two registrations each."""
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
    return old, open_workshop


def test_purge_registrations_deletes_those_of_workshops_past_the_retention_period(
    two_editions, clock, settings
):
    old, current = two_editions
    settings.REGISTRATION_RETENTION_DAYS = 180
    clock.move_to(dt.datetime(2024, 5, 21, 0, 0, tzinfo=PARIS))  # 181 days after the 2023 end

    output = _purge()  # --days defaults to REGISTRATION_RETENTION_DAYS

    assert output == "Deleted 2 registration(s) of workshops that ended over 180 days ago.\n"
    assert not Registration.objects.filter(workshop=old).exists()
    assert Registration.objects.filter(workshop=current).count() == 2


def test_purge_registrations_within_the_retention_period_deletes_nothing(two_editions, clock):
    clock.move_to(dt.datetime(2024, 5, 19, 0, 0, tzinfo=PARIS))  # 179 days after the 2023 end

    output = _purge("--days", "180")

    assert output == "Deleted 0 registration(s) of workshops that ended over 180 days ago.\n"
    assert Registration.objects.count() == 4


def test_purge_registrations_with_negative_days_is_refused(two_editions):
    with pytest.raises(CommandError, match=r"--days must be 0 or more\."):
        _purge("--days", "-1")

    assert Registration.objects.count() == 4
