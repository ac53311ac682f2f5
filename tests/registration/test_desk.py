"""The check-in desk: organizers at the entrance find people by a few letters of their name and
tick them in for the day; walk-ins get a free seat or a refusal; the export keeps arrival times."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from registration import desk, services
from registration.models import CheckIn, Registration

from ..pages import parse
from .conftest import PARIS

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2024, 11, 26)
WEDNESDAY = dt.date(2024, 11, 27)


@pytest.fixture
def desk_day(clock):
    """The first morning of the workshop, 8:45 in Paris."""
    clock.move_to(dt.datetime(2024, 11, 26, 8, 45, tzinfo=PARIS))


@pytest.fixture
def people(open_workshop, sign_up) -> dict[str, Registration]:
    """Three confirmed people (the 3 seats) whose names carry accents and another script."""
    return {
        "andre": sign_up(open_workshop, first_name="André", last_name="Lefèvre"),
        "elodie": sign_up(open_workshop, first_name="Élodie", last_name="Dupont-Marchal"),
        "olga": sign_up(open_workshop, first_name="Ольга", last_name="Иштева", days=[WEDNESDAY]),
    }


def _html(response) -> str:
    return response.content.decode()


def _found(response) -> list[str]:
    return [registration.full_name for registration in response.context["search"].people]


# Who may open it.


def test_desk_without_login_redirects_to_the_admin_login(client, open_workshop):
    response = client.get("/desk/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next=/desk/"


def test_desk_for_a_participant_account_without_staff_status_redirects_to_login(
    client, open_workshop, django_user_model
):
    user = django_user_model.objects.create_user("volunteer", password="not-staff")
    client.force_login(user)

    response = client.post("/desk/check-in/", {"registration": 1, "day": TUESDAY.isoformat()})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not CheckIn.objects.exists()


WALK_IN = {
    "first_name": "Zoë",
    "last_name": "Walker",
    "email": "zoe@example.org",
    "affiliation": "INRIA Bordeaux",
    "position": "postdoc",
    "day": "2024-11-26",
    "privacy_consent": "on",
}


def test_desk_refuses_a_staff_account_without_the_desk_permission(
    client, people, desk_day, django_user_model, django_capture_on_commit_callbacks
):
    staff = django_user_model.objects.create_user("helper", password="x", is_staff=True)
    client.force_login(staff)
    tick = {"registration": people["andre"].pk, "day": "2024-11-26"}

    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            client.get("/desk/", {"q": "lef"}),
            client.post("/desk/check-in/", tick),
            client.post("/desk/undo/", tick),
            client.get("/desk/walk-in/"),
            client.post("/desk/walk-in/", WALK_IN),
        ]

    assert [response.status_code for response in responses] == [403] * 5
    assert "Lefèvre" not in responses[0].content.decode()
    assert not CheckIn.objects.exists()
    assert not Registration.objects.filter(last_name="Walker").exists()
    assert mail.outbox == []


def test_desk_lets_a_volunteer_of_the_registration_desk_group_check_people_in(
    roles,
    client,
    open_workshop,
    sign_up,
    desk_day,
    django_user_model,
    django_capture_on_commit_callbacks,
):
    andre = sign_up(open_workshop, first_name="André", last_name="Lefèvre", enforce_deadline=False)
    volunteer = django_user_model.objects.create_user("volunteer", password="x", is_staff=True)
    volunteer.groups.add(Group.objects.get(name="registration desk"))
    client.force_login(volunteer)

    search = client.get("/desk/", {"q": "lef", "day": "2024-11-26"})
    client.post("/desk/check-in/", {"registration": andre.pk, "day": "2024-11-26"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/desk/walk-in/", WALK_IN)

    assert "André Lefèvre" in _html(search)
    assert set(CheckIn.objects.values_list("registration__last_name", "checked_in_by")) == {
        ("Lefèvre", volunteer.pk),
        ("Walker", volunteer.pk),
    }
    assert [m.to for m in mail.outbox] == [["zoe@example.org"]]


def test_desk_at_the_edition_address_shows_that_edition(admin_client, open_workshop, desk_day):
    response = admin_client.get("/lorainne24/desk/")

    html = _html(response)
    assert response.status_code == 200
    assert 'Check-in desk <span class="desk-edition">LoRAINNe&#x27;24</span>' in html
    assert '<meta name="robots" content="noindex">' in html
    assert '<script defer src="/static/js/desk.js"></script>' in html
    assert "<script>" not in html


# Searching.


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("lef", ["André Lefèvre"]),
        ("LEF", ["André Lefèvre"]),
        ("lèf", ["André Lefèvre"]),
        ("and", ["André Lefèvre"]),
        ("ELO", ["Élodie Dupont-Marchal"]),
        ("mar", ["Élodie Dupont-Marchal"]),  # the second part of a compound name
        ("иш", ["Ольга Иштева"]),
        ("ОЛЬ", ["Ольга Иштева"]),
        ("andre lef", ["André Lefèvre"]),
        ("efe", []),  # the start of a name, not its middle
        ("xyz", []),
    ],
)
def test_desk_search_by_letters_ignores_accents_and_case(
    admin_client, people, desk_day, typed, found
):
    response = admin_client.get("/desk/", {"q": typed})

    assert _found(response) == found


def test_desk_search_finds_first_or_last_names_sorted_by_last_name(
    admin_client, open_workshop, sign_up, desk_day
):
    open_workshop.capacity = 10
    open_workshop.save()
    for first, last in [("Marie", "Zimmer"), ("Jean", "Martin"), ("Łukasz", "Marek")]:
        sign_up(open_workshop, first_name=first, last_name=last, enforce_deadline=False)

    response = admin_client.get("/desk/", {"q": "mar"})

    assert _found(response) == ["Łukasz Marek", "Jean Martin", "Marie Zimmer"]
    assert _found(admin_client.get("/desk/", {"q": "luk"})) == ["Łukasz Marek"]


def test_desk_search_with_one_letter_asks_for_more(admin_client, people, desk_day):
    response = admin_client.get("/desk/", {"q": "a"})

    assert response.context["search"] is None
    assert "Type at least 2 letters of a first or last name." in _html(response)


def test_desk_search_of_nobody_says_so_and_offers_a_walk_in(admin_client, people, desk_day):
    response = admin_client.get("/desk/", {"q": "zzz"})

    html = _html(response)
    assert "Nobody found for “zzz”." in html
    assert 'href="/desk/walk-in/?day=2024-11-26">Add a walk-in</a>' in html


def test_desk_search_leaves_out_cancelled_people(admin_client, people, desk_day, clock):
    clock.move_to(dt.datetime(2024, 11, 20, 9, 0, tzinfo=PARIS))
    services.cancel(people["andre"])
    clock.move_to(dt.datetime(2024, 11, 26, 9, 0, tzinfo=PARIS))

    assert _found(admin_client.get("/desk/", {"q": "lef"})) == []


def test_desk_search_shows_many_people_in_a_fixed_number_of_queries(
    admin_client, open_workshop, sign_up, desk_day, django_assert_max_num_queries
):
    open_workshop.capacity = 100
    open_workshop.save()
    for number in range(30):
        registration = sign_up(
            open_workshop, first_name="Marc", last_name=f"Martin {number}", enforce_deadline=False
        )
        desk.check_in(registration, day=TUESDAY)
    admin_client.get("/desk/", {"q": "mar"})

    with django_assert_max_num_queries(12):
        response = admin_client.get("/desk/", {"q": "mar"})

    assert len(response.context["search"].people) == desk.DESK_SEARCH_LIMIT
    assert "10 more people: type more letters." in _html(response)


# Ticking in.


def test_desk_tick_checks_the_person_in_for_the_day_with_the_time(
    admin_client, people, desk_day, admin_user
):
    andre = people["andre"]

    response = admin_client.post(
        "/desk/check-in/", {"registration": andre.pk, "day": "2024-11-26", "q": "lef"}
    )

    assert response["Location"] == "/desk/?q=lef&day=2024-11-26"
    [check_in] = CheckIn.objects.all()
    assert (check_in.registration, check_in.day, check_in.checked_in_by) == (
        andre,
        TUESDAY,
        admin_user,
    )
    page = _html(admin_client.get(response["Location"]))
    assert "André Lefèvre checked in for Tuesday 26 November at 08:45." in page
    assert '<span class="desk-person__arrived">Arrived 08:45</span>' in page
    assert 'Undo<span class="visually-hidden"> the tick of André Lefèvre</span>' in page


def test_desk_tick_twice_keeps_the_first_tick_and_says_so(admin_client, people, desk_day, clock):
    andre = people["andre"]
    tick = {"registration": andre.pk, "day": "2024-11-26"}
    admin_client.post("/desk/check-in/", tick)
    clock.shift(60)

    response = admin_client.post("/desk/check-in/", tick, follow=True)

    assert CheckIn.objects.count() == 1
    assert "André Lefèvre was already checked in for Tuesday 26 November, at 08:45." in _html(
        response
    )


def test_desk_tick_for_a_chosen_day_counts_for_that_day(admin_client, people, desk_day):
    olga = people["olga"]

    admin_client.post("/desk/check-in/", {"registration": olga.pk, "day": "2024-11-27"})

    assert list(CheckIn.objects.values_list("day", flat=True)) == [WEDNESDAY]


def test_desk_tick_of_a_day_outside_the_workshop_is_refused(admin_client, people, desk_day):
    response = admin_client.post(
        "/desk/check-in/",
        {"registration": people["andre"].pk, "day": "2024-11-28"},
        follow=True,
    )

    assert "Thursday 28 November 2024 is not a day of LoRAINNe&#x27;24." in _html(response)
    assert not CheckIn.objects.exists()


def test_desk_tick_of_someone_on_the_waiting_list_is_refused(
    admin_client, people, sign_up, open_workshop, desk_day
):
    waiting = sign_up(open_workshop, first_name="Wanda", last_name="Waits", enforce_deadline=False)

    response = admin_client.post(
        "/desk/check-in/", {"registration": waiting.pk, "day": "2024-11-26"}, follow=True
    )

    assert (
        "Wanda Waits has no confirmed seat (waiting list): an organizer can give them a free "
        "seat in the admin." in _html(response)
    )
    assert not CheckIn.objects.exists()


def test_desk_tick_of_a_registration_of_another_edition_is_a_404(admin_client, people, desk_day):
    response = admin_client.post(
        "/lorainne24/desk/check-in/", {"registration": 999999, "day": "2024-11-26"}
    )

    assert response.status_code == 404


def test_desk_undo_takes_a_mistaken_tick_back(admin_client, people, desk_day):
    andre = people["andre"]
    desk.check_in(andre, day=TUESDAY)

    response = admin_client.post(
        "/desk/undo/", {"registration": andre.pk, "day": "2024-11-26", "q": "lef"}, follow=True
    )

    assert not CheckIn.objects.exists()
    html = _html(response)
    assert "Tick taken back: André Lefèvre is not checked in for Tuesday 26 November." in html
    assert 'Check in<span class="visually-hidden"> André Lefèvre</span>' in html


def test_desk_counts_arrived_and_expected_per_day(admin_client, people, desk_day):
    desk.check_in(people["andre"], day=TUESDAY)
    desk.check_in(people["elodie"], day=TUESDAY)
    desk.check_in(people["olga"], day=WEDNESDAY)

    response = admin_client.get("/desk/")

    counts = [(c.day, c.arrived, c.expected) for c in response.context["counts"]]
    assert counts == [(TUESDAY, 2, 2), (WEDNESDAY, 1, 3)]
    html = _html(response)
    assert "Tuesday 26 November</a>: <strong>2</strong> arrived / 2 expected" in html
    assert "Wednesday 27 November</a>: <strong>1</strong> arrived / 3 expected" in html


def test_desk_before_the_workshop_shows_its_first_day(admin_client, people):
    response = admin_client.get("/desk/")

    assert response.context["day"] == TUESDAY


def test_desk_on_the_second_day_shows_that_day_and_who_is_not_expected(admin_client, people, clock):
    clock.move_to(dt.datetime(2024, 11, 27, 9, 0, tzinfo=PARIS))
    andre = people["andre"]
    andre.attended_days.filter(day=WEDNESDAY).delete()

    response = admin_client.get("/desk/", {"q": "lef"})

    assert response.context["day"] == WEDNESDAY
    assert "Not registered for Wednesday" in _html(response)


# Walk-ins.


def test_walk_in_with_a_free_seat_is_confirmed_checked_in_and_emailed(
    admin_client, open_workshop, sign_up, desk_day, django_capture_on_commit_callbacks
):
    sign_up(open_workshop, enforce_deadline=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/desk/walk-in/",
            {
                "first_name": "Zoë",
                "last_name": "Walker",
                "email": "zoe@Example.ORG",
                "affiliation": "INRIA Bordeaux",
                "position": "postdoc",
                "day": "2024-11-26",
                "privacy_consent": "on",
            },
        )

    assert response["Location"] == "/desk/?q=Walker&day=2024-11-26"
    walker = Registration.objects.get(last_name="Walker")
    assert (walker.status, walker.email, walker.days) == (
        Registration.Status.CONFIRMED,
        "zoe@example.org",
        [TUESDAY],
    )
    assert list(walker.check_ins.values_list("day", flat=True)) == [TUESDAY]
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("LoRAINNe'24: your registration is confirmed", ["zoe@example.org"])
    ]
    page = _html(admin_client.get(response["Location"]))
    assert "Zoë Walker is registered and checked in for Tuesday 26 November." in page


def test_walk_in_when_full_is_refused_and_keeps_the_answers(admin_client, people, desk_day):
    response = admin_client.post("/desk/walk-in/", WALK_IN)

    html = _html(response)
    assert response.status_code == 200
    assert (
        "No seat is free: all 3 seats are taken. Raise the capacity in the admin to let this "
        "person in." in html
    )
    assert 'value="Zoë"' in html
    assert 'value="INRIA Bordeaux"' in html
    assert not Registration.objects.filter(last_name="Walker").exists()
    assert not CheckIn.objects.exists()


def test_walk_in_with_a_registered_email_points_to_the_search(admin_client, people, desk_day):
    response = admin_client.post(
        "/desk/walk-in/",
        {
            "first_name": "André",
            "last_name": "Lefèvre",
            "email": people["andre"].email,
            "affiliation": "LORIA",
            "position": "phd",
            "day": "2024-11-26",
            "privacy_consent": "on",
        },
    )

    assert (
        "André Lefèvre is registered with this address already: search their name on the desk."
        in _html(response)
    )


def test_add_walk_in_when_full_raises_no_seat_left(open_workshop, people, desk_day):
    with pytest.raises(services.NoSeatLeft, match="No seat is free"):
        desk.add_walk_in(
            open_workshop,
            first_name="Zoë",
            last_name="Walker",
            email="zoe@example.org",
            affiliation="INRIA",
            position="postdoc",
            day=TUESDAY,
        )

    assert open_workshop.registrations.count() == 3


def test_add_walk_in_after_the_workshop_raises_workshop_over(open_workshop, clock):
    clock.move_to(dt.datetime(2024, 11, 28, 9, 0, tzinfo=PARIS))

    with pytest.raises(services.WorkshopOver):
        desk.add_walk_in(
            open_workshop,
            first_name="Zoë",
            last_name="Walker",
            email="zoe@example.org",
            affiliation="INRIA",
            position="postdoc",
            day=TUESDAY,
        )


# The export.


def test_export_csv_has_the_arrival_time_of_each_day_once_the_workshop_began(
    admin_client, people, desk_day, clock
):
    desk.check_in(people["andre"], day=TUESDAY)
    clock.move_to(dt.datetime(2024, 11, 27, 9, 5, tzinfo=PARIS))
    desk.check_in(people["andre"], day=WEDNESDAY)
    desk.check_in(people["olga"], day=WEDNESDAY)

    response = admin_client.post(
        reverse("admin:registration_registration_changelist"),
        {
            "action": "export_csv",
            "_selected_action": [r.pk for r in people.values()],
        },
    )

    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert header[-2:] == ["Arrived Tuesday 26 November 2024", "Arrived Wednesday 27 November 2024"]
    assert [(row[0], row[-2], row[-1]) for row in rows] == [
        ("André", "08:45", "09:05"),
        ("Élodie", "", ""),
        ("Ольга", "", "09:05"),
    ]


def test_export_csv_before_the_workshop_has_no_arrival_columns(admin_client, people):
    response = admin_client.post(
        reverse("admin:registration_registration_changelist"),
        {"action": "export_csv", "_selected_action": [people["andre"].pk]},
    )

    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert not [column for column in header if column.startswith("Arrived")]


# Only on a day of the edition, in its time zone: on the seed's edition.


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (
            dt.datetime(2024, 11, 25, 23, 30, tzinfo=PARIS),
            "Today (25 November) is not a day of LoRAINNe'24: check-in opens on "
            "Tuesday 26 November 2024.",
        ),
        (
            # Still 27 November in UTC, already 28 November in Paris.
            dt.datetime(2024, 11, 28, 0, 30, tzinfo=PARIS),
            "Today (28 November) is not a day of LoRAINNe'24: its last day was "
            "Wednesday 27 November 2024.",
        ),
        (
            dt.datetime(2024, 12, 4, 10, 0, tzinfo=PARIS),
            "Today (4 December) is not a day of LoRAINNe'24: its last day was "
            "Wednesday 27 November 2024.",
        ),
    ],
)
def test_check_in_on_a_day_that_is_not_the_editions_is_refused(
    seeded, seed_people, clock, moment, message
):
    clock.move_to(moment)

    with pytest.raises(desk.DeskClosed) as refused:
        desk.check_in(seed_people[0], day=TUESDAY)

    assert refused.value.message == message
    assert not CheckIn.objects.exists()


def test_check_in_just_after_midnight_in_the_editions_time_zone_is_taken(
    seeded, seed_people, clock
):
    clock.move_to(dt.datetime(2024, 11, 26, 0, 30, tzinfo=PARIS))  # 25 November in UTC

    check_in, new = desk.check_in(seed_people[0], day=TUESDAY)

    assert (check_in.day, new) == (TUESDAY, True)


def test_desk_on_a_day_that_is_not_the_editions_says_when_check_in_opens(
    admin_client, seeded, seed_people, clock
):
    clock.move_to(dt.datetime(2024, 11, 20, 9, 0, tzinfo=PARIS))
    notice = (
        "Today (20 November) is not a day of LoRAINNe'24: check-in opens on Tuesday 26 November "
        "2024."
    )

    page = admin_client.get("/lorainne24/desk/", {"q": "seed"})
    tick = admin_client.post(
        "/lorainne24/desk/check-in/",
        {"registration": seed_people[0].pk, "day": "2024-11-26", "q": "seed"},
        follow=True,
    )

    text = parse(page.content).text
    assert notice in text
    assert "Seed 01, Person 1" in text  # still found
    assert "Check in Person 1 Seed 01" not in text  # no button that would be refused
    assert notice in [str(message) for message in tick.context["messages"]]
    assert not CheckIn.objects.exists()


def test_walk_in_on_a_day_that_is_not_the_editions_is_refused_and_keeps_the_answers(
    admin_client, seeded, seed_people, clock
):
    clock.move_to(dt.datetime(2024, 11, 20, 9, 0, tzinfo=PARIS))

    response = admin_client.post("/lorainne24/desk/walk-in/", WALK_IN)

    text = parse(response.content).text
    assert response.status_code == 200
    assert (
        "Today (20 November) is not a day of LoRAINNe'24: check-in opens on Tuesday 26 November "
        "2024."
    ) in text
    assert 'value="INRIA Bordeaux"' in _html(response)
    assert not Registration.objects.filter(last_name="Walker").exists()
