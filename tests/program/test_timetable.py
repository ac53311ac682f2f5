"""The timetable's rules: a slot lies within its edition's days, ends after it starts and
overlaps no other slot of the edition (Session.clean), also between the rows of the edition's
admin form (TimetableFormSet)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils.timezone import localtime

from program.models import Session
from tests.factories import SessionFactory, WorkshopFactory, paris_time
from tests.registration.html_forms import form_data

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 11, 24)  # WorkshopFactory(starts_on=TUESDAY) lasts two days
WEDNESDAY = TUESDAY + dt.timedelta(days=1)
THURSDAY = WEDNESDAY + dt.timedelta(days=1)
OUTSIDE = (
    "This slot is outside the edition's days, Tuesday 24 November 2026 to Wednesday 25 November "
    "2026 (Europe/Paris time)."
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """`admin_client` creates an organizer account in each admin test: hash it fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def workshop():
    return WorkshopFactory(starts_on=TUESDAY)


def _slot(workshop, starts: dt.datetime, ends: dt.datetime, title="Poster session") -> Session:
    """An unsaved slot without a talk, from `starts` to `ends`."""
    return SessionFactory.build(
        workshop=workshop, coffee_break=True, title=title, starts_at=starts, ends_at=ends
    )


def _coffee_break(workshop) -> Session:
    """Tuesday 15:15–15:45."""
    return SessionFactory(
        workshop=workshop,
        coffee_break=True,
        starts_at=paris_time(TUESDAY, 15, 15),
        ends_at=paris_time(TUESDAY, 15, 45),
    )


def _full_clean_errors(session: Session) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    return error.value.message_dict


# --- One slot: Session.clean ---------------------------------------------------------------------


def test_seeded_timetable_passes_the_timetable_check(seeded):
    sessions = list(Session.objects.filter(workshop=seeded))

    for session in sessions:
        session.full_clean()

    assert len(sessions) == 18


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [
        (
            paris_time(TUESDAY - dt.timedelta(days=1), 23, 30),
            paris_time(TUESDAY, 0, 30),
            "starts_at",
        ),
        (paris_time(WEDNESDAY, 23, 30), paris_time(THURSDAY, 0, 30), "ends_at"),
        (paris_time(THURSDAY, 9), paris_time(THURSDAY, 10), "starts_at"),
    ],
    ids=["starts-the-evening-before", "ends-after-midnight-of-the-last-day", "the-day-after"],
)
def test_session_outside_the_edition_days_fails_full_clean(workshop, starts, ends, field):
    session = _slot(workshop, starts, ends)

    assert _full_clean_errors(session) == {field: [OUTSIDE]}


def test_session_from_midnight_of_the_first_day_to_midnight_after_the_last_passes_full_clean(
    workshop,
):
    first = _slot(workshop, paris_time(TUESDAY, 0), paris_time(TUESDAY, 0, 30))
    last = _slot(workshop, paris_time(WEDNESDAY, 23, 30), paris_time(THURSDAY, 0))

    first.full_clean()
    last.full_clean()

    assert (first.starts_at, last.ends_at) == (workshop.starts_at, workshop.ends_at)


def test_session_days_are_the_edition_days_in_its_own_time_zone():
    workshop = WorkshopFactory(starts_on=TUESDAY, timezone="America/New_York")
    # Wednesday 20:00 in New York is Thursday 02:00 in Paris: still the edition's last day.
    evening = _slot(workshop, paris_time(THURSDAY, 1), paris_time(THURSDAY, 2))
    # Monday 23:00 in Paris is Monday 17:00 in New York: the day before.
    early = _slot(workshop, paris_time(TUESDAY, 5), paris_time(TUESDAY, 6))

    evening.full_clean()
    errors = _full_clean_errors(early)

    assert errors == {
        "starts_at": [
            "This slot is outside the edition's days, Tuesday 24 November 2026 to Wednesday 25 "
            "November 2026 (America/New_York time)."
        ]
    }


@pytest.mark.parametrize(
    ("starts", "ends"),
    [((15, 0), (15, 30)), ((15, 30), (16, 0)), ((15, 0), (16, 0)), ((15, 20), (15, 40))],
    ids=["ends-inside", "starts-inside", "contains-it", "inside-it"],
)
def test_session_overlapping_another_slot_fails_full_clean_naming_it(workshop, starts, ends):
    _coffee_break(workshop)
    session = _slot(workshop, paris_time(TUESDAY, *starts), paris_time(TUESDAY, *ends))

    assert _full_clean_errors(session) == {
        "__all__": ["This slot overlaps “Coffee break” (Tuesday 24 November, 15:15–15:45)."]
    }


def test_session_overlapping_a_talk_names_the_talk(seeded):
    session = _slot(
        seeded, paris_time(dt.date(2024, 11, 27), 10), paris_time(dt.date(2024, 11, 27), 10, 45)
    )

    errors = _full_clean_errors(session)

    assert errors == {
        "__all__": [
            "This slot overlaps “Low rank approximation of moment matrices and tensors” "
            "(Wednesday 27 November, 09:30–10:30).",
            "This slot overlaps “Implicit Regularization in Regularized (Nonnegative) Low-Rank "
            "Approximations” (Wednesday 27 November, 10:30–11:00).",
        ]
    }


def test_sessions_that_touch_pass_full_clean(workshop):
    _coffee_break(workshop)
    before = _slot(workshop, paris_time(TUESDAY, 14, 45), paris_time(TUESDAY, 15, 15))
    after = _slot(workshop, paris_time(TUESDAY, 15, 45), paris_time(TUESDAY, 16, 15))

    before.full_clean()
    after.full_clean()

    assert Session.objects.overlapping(before.starts_at, before.ends_at).count() == 0


def test_session_moved_over_its_own_old_time_passes_full_clean(workshop):
    coffee_break = _coffee_break(workshop)
    coffee_break.ends_at = paris_time(TUESDAY, 16)

    coffee_break.full_clean()

    assert coffee_break.ends_at - coffee_break.starts_at == dt.timedelta(minutes=45)


def test_session_at_the_time_of_a_slot_of_another_edition_passes_full_clean(workshop):
    _coffee_break(workshop)
    other = WorkshopFactory(starts_on=TUESDAY)
    session = _slot(other, paris_time(TUESDAY, 15, 15), paris_time(TUESDAY, 15, 45))

    session.full_clean()

    assert (
        Session.objects.overlapping(session.starts_at, session.ends_at).get().workshop == workshop
    )


def test_session_of_an_edition_with_an_unknown_time_zone_is_cleaned_without_a_crash(workshop):
    # The edition's form refuses such a zone; meanwhile its slots must not build a ZoneInfo.
    workshop.timezone = "Paris"
    session = _slot(workshop, paris_time(TUESDAY, 15, 15), paris_time(TUESDAY, 15, 45))

    session.full_clean()

    assert session.workshop.timezone == "Paris"


def test_overlapping_finds_the_slots_sharing_time_and_not_those_that_touch(seeded):
    tuesday = dt.date(2024, 11, 26)
    slots = Session.objects.filter(workshop=seeded)

    touching_both_neighbours = slots.overlapping(
        paris_time(tuesday, 15, 15), paris_time(tuesday, 15, 45)
    )
    across_three = slots.overlapping(paris_time(tuesday, 15, 30), paris_time(tuesday, 16, 30))

    assert [f"{localtime(slot.starts_at):%H:%M}" for slot in touching_both_neighbours] == ["15:15"]
    assert [f"{localtime(slot.starts_at):%H:%M}" for slot in across_three] == [
        "15:15",
        "15:45",
        "16:15",
    ]


# --- Several slots at once: the edition's admin form ---------------------------------------------

WEDNESDAY_2024 = "27/11/2024"  # as the admin's date fields show it


def _edition_form(admin_client, workshop) -> tuple[str, dict]:
    url = f"/admin/program/workshop/{workshop.pk}/change/"
    return url, form_data(admin_client.get(url).content.decode(), "workshop_form")


def _row(data: dict, session: Session) -> str:
    """The prefix of `session`'s row in the edition's timetable form."""
    (prefix,) = [
        name.removesuffix("-id")
        for name, value in data.items()
        if name.startswith("sessions-") and name.endswith("-id") and value == str(session.pk)
    ]
    return prefix


def _new_rows(data: dict, workshop, *rows: tuple[str, str, str]) -> dict:
    """`data` with new timetable rows (title, start, end on Wednesday 27 November 2024)."""
    count = int(data["sessions-TOTAL_FORMS"])
    added = {"sessions-TOTAL_FORMS": str(count + len(rows))}
    for index, (title, starts, ends) in enumerate(rows, start=count):
        added |= {
            f"sessions-{index}-workshop": str(workshop.pk),
            f"sessions-{index}-starts_at_0": WEDNESDAY_2024,
            f"sessions-{index}-starts_at_1": starts,
            f"sessions-{index}-ends_at_0": WEDNESDAY_2024,
            f"sessions-{index}-ends_at_1": ends,
            f"sessions-{index}-kind": Session.Kind.SOCIAL,
            f"sessions-{index}-title": title,
            f"sessions-{index}-talk": "",
        }
    return data | added


def _timetable_formset(response):
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "sessions"
    ]
    return formset


def _row_errors(response) -> dict[str, list[str]]:
    """The errors of the timetable's rows that have some, by row prefix."""
    formset = _timetable_formset(response)
    return {form.prefix: form.non_field_errors() for form in formset.forms if form.errors}


def test_edition_timetable_refuses_two_new_rows_that_overlap_each_other(admin_client, seeded):
    url, data = _edition_form(admin_client, seeded)
    data = _new_rows(
        data, seeded, ("Poster session", "17:00", "18:00"), ("Dinner", "17:30", "19:00")
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert _row_errors(response) == {
        "sessions-19": ["This slot overlaps “Poster session” (Wednesday 27 November, 17:00–18:00)."]
    }
    assert not Session.objects.filter(title__in=["Poster session", "Dinner"]).exists()


def test_edition_timetable_refuses_a_row_moved_over_another_on_that_row(admin_client, seeded):
    talk = Session.objects.get(talk__slug="cerisara-llm-pruning")
    url, data = _edition_form(admin_client, seeded)
    row = _row(data, talk)

    response = admin_client.post(
        url, data | {f"{row}-starts_at_1": "14:30", f"{row}-ends_at_1": "15:30"}
    )

    assert response.status_code == 200
    assert _row_errors(response) == {
        row: ["This slot overlaps “Invited talk” (Wednesday 27 November, 15:00–15:30)."]
    }
    talk.refresh_from_db()
    assert f"{localtime(talk.starts_at):%H:%M}" == "14:00"


def test_edition_timetable_moves_a_block_of_slots_together(admin_client, seeded):
    wednesday = dt.date(2024, 11, 27)
    block = list(Session.objects.filter(workshop=seeded, starts_at__gte=paris_time(wednesday, 15)))
    url, data = _edition_form(admin_client, seeded)
    later = {}
    for session in block:  # 15:00, 15:30, 16:00–17:00: each half an hour later
        row = _row(data, session)
        later[f"{row}-starts_at_1"] = (
            f"{localtime(session.starts_at) + dt.timedelta(minutes=30):%H:%M}"
        )
        later[f"{row}-ends_at_1"] = f"{localtime(session.ends_at) + dt.timedelta(minutes=30):%H:%M}"

    response = admin_client.post(url, data | later)

    assert response.status_code == 302
    moved = Session.objects.filter(pk__in=[session.pk for session in block])
    assert [f"{localtime(s.starts_at):%H:%M}–{localtime(s.ends_at):%H:%M}" for s in moved] == [
        "15:30–16:00",
        "16:00–16:30",
        "16:30–17:30",
    ]


def test_edition_timetable_gives_a_deleted_slot_time_to_its_neighbour(admin_client, seeded):
    wednesday = dt.date(2024, 11, 27)
    coffee_break = Session.objects.get(workshop=seeded, starts_at=paris_time(wednesday, 11))
    talk = Session.objects.get(workshop=seeded, ends_at=paris_time(wednesday, 11))
    url, data = _edition_form(admin_client, seeded)

    response = admin_client.post(
        url,
        data
        | {f"{_row(data, coffee_break)}-DELETE": "on", f"{_row(data, talk)}-ends_at_1": "11:30"},
    )

    assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.ends_at == paris_time(wednesday, 11, 30)
    assert not Session.objects.filter(pk=coffee_break.pk).exists()


def test_edition_shortened_away_from_its_slots_is_refused_on_those_rows(admin_client, seeded):
    """A new first day asks first whether the whole edition moves (test_moving.py); declined,
    the form as typed is shown, with each slot it leaves out of the edition's days refused."""
    url, data = _edition_form(admin_client, seeded)
    asked = admin_client.post(url, data | {"starts_on": "27/11/2024"})
    declined = form_data(asked.content.decode(), "move_edition_form") | {"_move_edition": "back"}

    response = admin_client.post(url, declined)

    assert response.status_code == 200
    formset = _timetable_formset(response)
    refused = [form.instance.title or form.instance.talk.slug for form in formset if form.errors]
    assert refused[:2] == ["Registration", "Opening remarks"]
    assert len(refused) == 8  # every slot of Tuesday 26 November
    assert formset.forms[0].errors["starts_at"] == [
        "This slot is outside the edition's days, Wednesday 27 November 2024 (Europe/Paris time)."
    ]
    seeded.refresh_from_db()
    assert seeded.starts_on == dt.date(2024, 11, 26)
