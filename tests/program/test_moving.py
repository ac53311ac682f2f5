"""Moving an edition: a new first day moves its last day, deadlines, opening and timetable by as
many days (services.move_edition, the same dates as the next-edition copy), asked once in the
admin; and an edition's deadlines and opening come in the order they happen."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from program import services
from program.models import Session, Workshop
from tests.factories import SessionFactory, WorkshopFactory
from tests.pages import parse
from tests.registration.html_forms import form_data

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
ANSWER = "_move_edition"


def paris_time(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(PARIS).replace(tzinfo=None)


def _timetable(workshop: Workshop) -> list[tuple[dt.datetime, dt.datetime, str]]:
    return [
        (paris_time(slot.starts_at), paris_time(slot.ends_at), slot.display_title)
        for slot in workshop.sessions.select_related("talk")
    ]


def _rows(html: bytes) -> list[list[str]]:
    """The rows of the table of dates on the page that asks."""
    table = parse(html).find("table", class_="move-edition")
    return [
        [cell.text for cell in row.iter() if cell.tag in {"th", "td"}]
        for row in table.find_all("tr")
    ]


def _later(timetable, days: int):
    step = dt.timedelta(days=days)
    return [(starts + step, ends + step, title) for starts, ends, title in timetable]


@pytest.fixture
def seeded_with_every_date(seeded) -> Workshop:
    """LoRAINNe'24 with a changes deadline and an opening as well as its deadline."""
    seeded.changes_deadline = dt.date(2024, 11, 20)
    seeded.registration_opens_at = dt.datetime(2024, 10, 1, 9, 0, tzinfo=PARIS)
    seeded.save()
    return seeded


# The service ------------------------------------------------------------------------------------


def test_move_edition_moves_every_date_and_keeps_the_slots_times_across_summer_time(
    seeded_with_every_date,
):
    seeded = seeded_with_every_date
    before = _timetable(seeded)
    assert len(before) == 18

    moved = services.move_edition(seeded, starts_on=dt.date(2025, 6, 3))  # summer time

    moved.refresh_from_db()
    assert (moved.starts_on, moved.ends_on) == (dt.date(2025, 6, 3), dt.date(2025, 6, 4))
    assert moved.registration_deadline == dt.date(2025, 5, 19)
    assert moved.changes_deadline == dt.date(2025, 5, 28)
    assert paris_time(moved.registration_opens_at) == dt.datetime(2025, 4, 8, 9, 0)
    assert _timetable(moved) == _later(before, 189)  # 13:45 in November is 13:45 in June
    assert "on 3 June and should finish on 4 June" in moved.schedule_note_text


def test_move_edition_earlier_moves_every_date_back(seeded_with_every_date):
    before = _timetable(seeded_with_every_date)

    moved = services.move_edition(seeded_with_every_date, starts_on=dt.date(2024, 11, 19))

    moved.refresh_from_db()
    assert (moved.ends_on, moved.registration_deadline) == (
        dt.date(2024, 11, 20),
        dt.date(2024, 11, 4),
    )
    assert _timetable(moved) == _later(before, -7)


def test_move_edition_is_the_copy_of_the_next_edition_without_the_copy(seeded_with_every_date):
    """The next edition's dates and a moved edition's are the same function's."""
    copy = services.start_next_edition(
        seeded_with_every_date,
        name="X",
        acronym="X'25",
        slug="x25",
        starts_on=dt.date(2025, 11, 25),
        copy_timetable=True,
    )

    moved = services.move_edition(seeded_with_every_date, starts_on=dt.date(2025, 11, 25))

    dates = ["starts_on", *services.MOVED_WITH_FIRST_DAY]
    assert [getattr(moved, name) for name in dates] == [getattr(copy, name) for name in dates]
    assert [(s, e) for s, e, _ in _timetable(moved)] == [(s, e) for s, e, _ in _timetable(copy)]


def test_move_edition_onto_a_change_of_summer_time_that_makes_slots_overlap_moves_nothing():
    """The night the clocks go forward (30 March 2025 in Paris) has no 02:45: a slot ending then
    ends at 03:45 and overlaps the next one, which starts at 03:00."""
    workshop = WorkshopFactory(starts_on=dt.date(2025, 3, 22), ends_on=dt.date(2025, 3, 23))
    night = dt.date(2025, 3, 23)
    SessionFactory(
        workshop=workshop,
        title="Night session",
        talk=None,
        starts_at=dt.datetime.combine(night, dt.time(1, 0), tzinfo=PARIS),
        ends_at=dt.datetime.combine(night, dt.time(2, 45), tzinfo=PARIS),
    )
    SessionFactory(
        workshop=workshop,
        title="Dawn session",
        talk=None,
        starts_at=dt.datetime.combine(night, dt.time(3, 0), tzinfo=PARIS),
        ends_at=dt.datetime.combine(night, dt.time(4, 0), tzinfo=PARIS),
    )
    before = _timetable(workshop)

    with pytest.raises(ValidationError, match="Dawn session: This slot overlaps “Night session”"):
        services.move_edition(workshop, starts_on=dt.date(2025, 3, 29))

    workshop.refresh_from_db()
    assert workshop.starts_on == dt.date(2025, 3, 22)
    assert _timetable(workshop) == before


# The admin --------------------------------------------------------------------------------------


def _edition_form(admin_client, workshop) -> tuple[str, dict]:
    url = f"/admin/program/workshop/{workshop.pk}/change/"
    return url, form_data(admin_client.get(url).content.decode(), "workshop_form")


def test_new_first_day_in_the_admin_asks_first_saying_what_moves(
    admin_client, seeded_with_every_date
):
    url, data = _edition_form(admin_client, seeded_with_every_date)

    response = admin_client.post(url, data | {"starts_on": "2025-01-26", "_save": "Save"})

    assert response.status_code == 200
    page = parse(response.content)
    assert page.find("h1").text == "Move LoRAINNe'24 with its first day?"
    assert _rows(response.content)[1:] == [
        ["Starts on", "Tuesday 26 November 2024", "Sunday 26 January 2025"],
        ["Ends on", "Wednesday 27 November 2024", "Monday 27 January 2025"],
        ["Registration deadline", "Monday 11 November 2024", "Saturday 11 January 2025"],
        ["Changes deadline", "Wednesday 20 November 2024", "Monday 20 January 2025"],
        ["Registration opens at", "Tuesday 1 October 2024, 09:00", "Sunday 1 December 2024, 09:00"],
    ]
    assert "And the 18 slots of the timetable" in page.text
    buttons = [
        (button.attrs["value"], button.text)
        for button in page.find("form", id="move_edition_form").find_all("button")
    ]
    assert buttons == [
        ("move", "Move the edition, 61 days later"),
        ("back", "Cancel: back to the form, nothing saved"),
    ]
    seeded_with_every_date.refresh_from_db()
    assert seeded_with_every_date.starts_on == dt.date(2024, 11, 26)  # nothing saved yet


def test_move_confirmed_in_the_admin_moves_the_edition_and_saves_what_else_was_typed(
    admin_client, seeded_with_every_date
):
    before = _timetable(seeded_with_every_date)
    url, data = _edition_form(admin_client, seeded_with_every_date)
    typed = data | {"starts_on": "2025-01-26", "venue_room": "Amphi Gilles Kahn", "_save": "Save"}
    asked = admin_client.post(url, typed)

    response = admin_client.post(
        url, form_data(asked.content.decode(), "move_edition_form") | {ANSWER: "move"}
    )

    assert response.status_code == 302
    moved = Workshop.objects.get(pk=seeded_with_every_date.pk)
    assert (moved.starts_on, moved.ends_on) == (dt.date(2025, 1, 26), dt.date(2025, 1, 27))
    assert (moved.registration_deadline, moved.changes_deadline) == (
        dt.date(2025, 1, 11),
        dt.date(2025, 1, 20),
    )
    assert paris_time(moved.registration_opens_at) == dt.datetime(2024, 12, 1, 9, 0)
    assert moved.venue_room == "Amphi Gilles Kahn"
    assert _timetable(moved) == _later(before, 61)
    messages = [str(message) for message in response.wsgi_request._messages]
    assert (
        "LoRAINNe'24 moved to 26–27 January 2025, with its deadlines and its 18 slots." in messages
    )


def test_move_confirmed_keeps_a_last_day_typed_with_the_first(admin_client, seeded):
    """A three-day edition: the organizer typed its new last day too; it is kept as typed."""
    url, data = _edition_form(admin_client, seeded)
    typed = data | {"starts_on": "2025-01-26", "ends_on": "2025-01-28", "_save": "Save"}
    asked = admin_client.post(url, typed)
    assert ["Ends on", "Wednesday 27 November 2024", "as you typed it"] in _rows(asked.content)

    admin_client.post(
        url, form_data(asked.content.decode(), "move_edition_form") | {ANSWER: "move"}
    )

    seeded.refresh_from_db()
    assert (seeded.starts_on, seeded.ends_on) == (dt.date(2025, 1, 26), dt.date(2025, 1, 28))
    assert seeded.registration_deadline == dt.date(2025, 1, 11)


def test_move_cancelled_in_the_admin_moves_nothing_and_shows_the_form_as_typed(
    admin_client, seeded
):
    before = _timetable(seeded)
    url, data = _edition_form(admin_client, seeded)
    typed = data | {"starts_on": "2025-01-26", "venue_room": "Amphi Gilles Kahn", "_save": "Save"}
    asked = admin_client.post(url, typed)

    response = admin_client.post(
        url, form_data(asked.content.decode(), "move_edition_form") | {ANSWER: "back"}
    )

    assert response.status_code == 200
    shown = form_data(response.content.decode(), "workshop_form")
    assert (shown["starts_on"], shown["venue_room"]) == ("2025-01-26", "Amphi Gilles Kahn")
    assert "Nothing is saved yet, and nothing moved" in parse(response.content).text
    seeded.refresh_from_db()
    assert (seeded.starts_on, seeded.venue_room) == (dt.date(2024, 11, 26), "")
    assert _timetable(seeded) == before


def test_first_day_saved_again_after_cancelling_changes_it_alone(admin_client, seeded):
    """Starting a day earlier, the timetable kept where it is: the organizer cancels the move,
    then saves the form again."""
    before = _timetable(seeded)
    url, data = _edition_form(admin_client, seeded)
    asked = admin_client.post(url, data | {"starts_on": "2024-11-25", "_save": "Save"})
    back = admin_client.post(
        url, form_data(asked.content.decode(), "move_edition_form") | {ANSWER: "back"}
    )

    response = admin_client.post(
        url, form_data(back.content.decode(), "workshop_form") | {"_save": "Save"}
    )

    assert response.status_code == 302
    seeded.refresh_from_db()
    assert (seeded.starts_on, seeded.ends_on) == (dt.date(2024, 11, 25), dt.date(2024, 11, 27))
    assert seeded.registration_deadline == dt.date(2024, 11, 11)
    assert _timetable(seeded) == before


def test_move_refused_in_the_admin_says_why_and_keeps_what_was_typed(admin_client):
    workshop = WorkshopFactory(starts_on=dt.date(2025, 3, 22), ends_on=dt.date(2025, 3, 23))
    night = dt.date(2025, 3, 23)
    for title, starts, ends in [("Night session", 1, (2, 45)), ("Dawn session", 3, (4, 0))]:
        SessionFactory(
            workshop=workshop,
            title=title,
            talk=None,
            starts_at=dt.datetime.combine(night, dt.time(starts), tzinfo=PARIS),
            ends_at=dt.datetime.combine(night, dt.time(*ends), tzinfo=PARIS),
        )
    url, data = _edition_form(admin_client, workshop)
    asked = admin_client.post(
        url, data | {"starts_on": "2025-03-29", "venue_room": "B", "_save": "Save"}
    )
    sent = form_data(asked.content.decode(), "move_edition_form")

    response = admin_client.post(url, sent | {ANSWER: "move"})

    assert response.status_code == 200
    page = parse(response.content)
    assert "The edition could not move: nothing was changed." in page.text
    assert (
        "Dawn session: This slot overlaps “Night session” (Sunday 30 March, 01:00–03:45)."
        in page.text
    )
    shown = form_data(response.content.decode(), "move_edition_form")
    del shown["csrfmiddlewaretoken"], sent["csrfmiddlewaretoken"]
    assert shown == sent  # nothing typed is lost
    workshop.refresh_from_db()
    assert (workshop.starts_on, workshop.venue_room) == (dt.date(2025, 3, 22), "")


def test_slot_typed_with_the_move_is_kept_as_typed(admin_client, seeded):
    """A row of the timetable changed in the same form keeps its typed time; the others move."""
    url, data = _edition_form(admin_client, seeded)
    registration = Session.objects.get(workshop=seeded, title="Registration")
    (row,) = [
        name.removesuffix("-id")
        for name, value in data.items()
        if name.startswith("sessions-") and name.endswith("-id") and value == str(registration.pk)
    ]
    typed = data | {
        "starts_on": "2025-01-26",
        f"{row}-starts_at_0": "26/01/2025",
        f"{row}-starts_at_1": "13:30",
        "_save": "Save",
    }
    asked = admin_client.post(url, typed)

    response = admin_client.post(
        url, form_data(asked.content.decode(), "move_edition_form") | {ANSWER: "move"}
    )

    assert response.status_code == 302
    registration.refresh_from_db()
    assert paris_time(registration.starts_at) == dt.datetime(2025, 1, 26, 13, 30)
    assert paris_time(registration.ends_at) == dt.datetime(2025, 1, 26, 14, 0)  # moved


# The order of an edition's dates ----------------------------------------------------------------


def test_registration_deadline_after_the_last_day_is_refused(seeded):
    seeded.registration_deadline = dt.date(2024, 12, 20)

    with pytest.raises(ValidationError) as refused:
        seeded.full_clean()

    assert refused.value.message_dict == {
        "registration_deadline": [
            "The registration deadline is after the workshop's last day, 27 November 2024: "
            "set it on that day or before."
        ]
    }


def test_registration_deadline_on_the_last_day_is_accepted(seeded):
    seeded.registration_deadline = seeded.ends_on

    seeded.full_clean()


def test_changes_deadline_after_the_last_day_is_refused(seeded):
    seeded.changes_deadline = dt.date(2024, 11, 28)

    with pytest.raises(ValidationError) as refused:
        seeded.full_clean()

    assert refused.value.message_dict == {
        "changes_deadline": [
            "The deadline for changes is after the workshop's last day, 27 November 2024: "
            "set it on that day or before, or leave it blank."
        ]
    }


def test_registration_opening_after_the_deadline_is_refused(seeded):
    seeded.registration_opens_at = dt.datetime(2024, 11, 12, 0, 0, tzinfo=PARIS)

    with pytest.raises(ValidationError) as refused:
        seeded.full_clean()

    assert refused.value.message_dict == {
        "registration_opens_at": [
            "Registration would open after it closes (at the end of the deadline, "
            "11 November 2024): open it earlier, or leave it blank."
        ]
    }


def test_registration_opening_on_the_deadline_day_is_accepted(seeded):
    seeded.registration_opens_at = dt.datetime(2024, 11, 11, 23, 0, tzinfo=PARIS)

    seeded.full_clean()


def test_registration_deadline_after_the_last_day_is_refused_in_the_admin_on_its_field(
    admin_client, seeded
):
    url, data = _edition_form(admin_client, seeded)

    response = admin_client.post(
        url, data | {"registration_deadline": "2024-12-20", "_save": "Save"}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["registration_deadline"] == [
        "The registration deadline is after the workshop's last day, 27 November 2024: "
        "set it on that day or before."
    ]
    seeded.refresh_from_db()
    assert seeded.registration_deadline == dt.date(2024, 11, 11)


def test_move_sent_twice_moves_once_and_saves_nothing_the_second_time(admin_client, seeded):
    """A second click on Move sends the dates from before the move again: refused, not saved."""
    url, data = _edition_form(admin_client, seeded)
    asked = admin_client.post(url, data | {"starts_on": "2025-01-26", "_save": "Save"})
    confirmed = form_data(asked.content.decode(), "move_edition_form") | {ANSWER: "move"}
    admin_client.post(url, confirmed)
    moved = _timetable(seeded)

    response = admin_client.post(url, confirmed)

    assert response.status_code == 302
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages[-1] == "The edition's dates changed meanwhile: nothing was saved again."
    seeded.refresh_from_db()
    assert (seeded.starts_on, seeded.registration_deadline) == (
        dt.date(2025, 1, 26),
        dt.date(2025, 1, 11),
    )
    assert _timetable(seeded) == moved
