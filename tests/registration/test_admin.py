"""The organizers' admin: seats at a glance, filters, exports, emails, and seat changes that go
through the same services (and the same capacity) as the public form."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from mail.models import Delivery
from program.models import Workshop
from registration import services
from registration.models import Registration

from ..factories import OptionFactory
from ..pages import parse
from .conftest import LOCMEM_MAILERS, NOW, PARIS, make_workshop
from .html_forms import form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registration_registration_changelist")
# The session and the user; the current workshop and its attendance (3); the seat summary; the
# filters' days, options and workshops; the list's counts (filtered and not), its rows, their
# days and their options; the date hierarchy (2).
CHANGELIST_QUERIES = 17
ADD = reverse("admin:registration_registration_add")


def _change_url(registration) -> str:
    return reverse("admin:registration_registration_change", args=[registration.pk])


def _html(response) -> str:
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _action(admin_client, action: str, registrations, **kwargs):
    return admin_client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [r.pk for r in registrations]},
        **kwargs,
    )


def _statuses(workshop) -> dict[str, str]:
    return dict(workshop.registrations.order_by("pk").values_list("email", "status"))


def _listed(response) -> list[str]:
    return sorted(r.email for r in response.context["cl"].result_list)


# The list.


def test_registration_changelist_shows_seats_taken_capacity_and_waiting(
    admin_client, full_workshop
):
    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    row = f'<th scope="row">{escape(full_workshop.acronym)}</th><td>3</td><td>3</td><td>2</td>'
    assert row in _html(response)


def test_registration_changelist_shows_status_parts_and_email_state(
    admin_client,
    open_workshop,
    register_data,
    cocktail_and_lunch,
    django_capture_on_commit_callbacks,
):
    cocktail, _ = cocktail_and_lunch
    with django_capture_on_commit_callbacks(execute=True):
        services.register(open_workshop, **register_data, options=[cocktail])

    html = _html(admin_client.get(CHANGELIST))

    assert '<td class="field-status">Confirmed</td>' in html
    assert (
        '<td class="field-parts_attended">'
        "Tuesday 26 November, Wednesday 27 November, Cocktail and posters</td>"
    ) in html
    assert '<td class="field-email_state">sent 15 Oct 10:00</td>' in html


@pytest.mark.parametrize(
    ("query", "emails"),
    [
        ("status__exact=waitlisted", ["person-4@example.org", "person-5@example.org"]),
        ("email_state=queued", [f"person-{n}@example.org" for n in range(1, 6)]),
        ("email_state=sent", []),
        ("q=person-2%40EXAMPLE.org", ["person-2@example.org"]),
        ("q=Lorraine", [f"person-{n}@example.org" for n in range(1, 6)]),
    ],
)
def test_registration_changelist_filters_and_search(admin_client, full_workshop, query, emails):
    response = admin_client.get(f"{CHANGELIST}?{query}")

    assert response.status_code == 200
    assert _listed(response) == emails


def test_registration_changelist_filters_by_day_and_option(
    admin_client, open_workshop, sign_up, cocktail_and_lunch
):
    cocktail, lunch = cocktail_and_lunch
    tuesday, wednesday = open_workshop.days
    sign_up(open_workshop, email="both@example.org", options=[cocktail, lunch])
    sign_up(open_workshop, email="tuesday@example.org", days=[tuesday], options=[cocktail])
    sign_up(open_workshop, email="wednesday@example.org", days=[wednesday])

    on_wednesday = admin_client.get(f"{CHANGELIST}?day=2024-11-27")
    at_lunch = admin_client.get(f"{CHANGELIST}?option={lunch.pk}")
    at_the_cocktail = admin_client.get(f"{CHANGELIST}?option={cocktail.pk}")

    assert _listed(on_wednesday) == ["both@example.org", "wednesday@example.org"]
    assert _listed(at_lunch) == ["both@example.org"]
    assert _listed(at_the_cocktail) == ["both@example.org", "tuesday@example.org"]
    html = _html(on_wednesday)
    assert 'title="Wednesday 27 November 2024"' in html or ">Wednesday 27 November 2024</a>" in html
    assert ">Lunch</a>" in html


def test_registration_changelist_shows_who_comes_each_day_and_to_each_option_and_their_diets(
    admin_client, open_workshop, sign_up, cocktail_and_lunch
):
    cocktail, lunch = cocktail_and_lunch
    lunch.capacity = 2
    lunch.save()
    tuesday, wednesday = open_workshop.days
    sign_up(open_workshop, options=[cocktail, lunch], dietary_requirements="Vegetarian")
    sign_up(open_workshop, days=[tuesday], dietary_requirements="vegetarian")
    sign_up(open_workshop, days=[wednesday], options=[lunch], dietary_requirements="Gluten-free")
    sign_up(open_workshop, dietary_requirements="Vegan")  # waits: the caterer need not know yet

    page = parse(admin_client.get(CHANGELIST).content)

    rows = [
        [cell.text for cell in row.find_all("th") + row.find_all("td")]
        for row in page.find("table", class_="attendance").find("tbody").find_all("tr")
    ]
    assert rows == [
        ["Tuesday 26 November", "2", ""],
        ["Wednesday 27 November", "2", ""],
        ["Cocktail and posters", "1", "1 / no limit"],
        ["Lunch", "2", "2 / 2"],
    ]
    diets = page.find("div", class_="dietary-requirements")
    assert [item.text for item in diets.find_all("li")] == ["Vegetarian — 2", "Gluten-free — 1"]


@pytest.mark.parametrize("registrations", [1, 20])
def test_registration_changelist_queries_do_not_grow_with_registrations(
    admin_client,
    open_workshop,
    sign_up,
    cocktail_and_lunch,
    registrations,
    django_assert_num_queries,
):
    open_workshop.capacity = 20
    open_workshop.save()
    for _ in range(registrations):
        sign_up(open_workshop, options=list(cocktail_and_lunch), dietary_requirements="Vegan")

    with django_assert_num_queries(CHANGELIST_QUERIES):
        response = admin_client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == registrations


def test_registration_changelist_filter_by_workshop(admin_client, open_workshop, sign_up):
    other = make_workshop(slug="lorainne25", acronym="LoRAINNe'25")
    sign_up(open_workshop, email="here@example.org")
    sign_up(other, email="there@example.org", enforce_deadline=False)

    response = admin_client.get(f"{CHANGELIST}?workshop__id__exact={other.pk}")

    assert _listed(response) == ["there@example.org"]


# Actions.


def test_export_csv_is_utf8_with_bom_and_defuses_formulas(
    admin_client, open_workshop, register_data, cocktail_and_lunch, clock
):
    cocktail, lunch = cocktail_and_lunch
    andre = services.register(open_workshop, **register_data, options=[cocktail])
    clock.shift(60)
    olga = services.register(
        open_workshop,
        **register_data
        | {
            "first_name": "Ольга",
            "last_name": "Иштева",
            "email": "olga@example.org",
            "affiliation": '=HYPERLINK("http://evil.example","click")',
            "days": [dt.date(2024, 11, 27)],
            "dietary_requirements": "+33 nothing; @home; -",
        },
        options=[lunch],
    )

    response = _action(admin_client, "export_csv", [andre, olga])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="registrations-2024-10-15.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == [
        "First name",
        "Last name",
        "Email",
        "Affiliation",
        "Position or career stage",
        "Status",
    ]
    assert rows[0][-2:] == ["Public participant list", "Registered at"]
    assert rows[1][:6] == [
        "André",
        "Lefèvre",
        "andre@example.org",
        "Université de Lorraine, LORIA",
        "PhD student",
        "Confirmed",
    ]
    assert rows[0][6:11] == [
        "Tuesday 26 November 2024",
        "Wednesday 27 November 2024",
        "Cocktail and posters",
        "Lunch",
        "Dietary requirements",
    ]
    assert rows[1][6:12] == ["yes", "yes", "yes", "no", "Vegetarian", "no"]
    assert rows[1][12] == "2024-10-15 10:00"
    assert rows[2][:2] == ["Ольга", "Иштева"]
    assert rows[2][3] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[2][6:10] == ["no", "yes", "no", "yes"]
    assert rows[2][10] == "'+33 nothing; @home; -"
    assert len(rows) == 3


@pytest.mark.parametrize(
    ("ends_on", "days"),
    [
        (dt.date(2024, 11, 26), ["Tuesday 26 November 2024"]),
        (dt.date(2024, 11, 27), ["Tuesday 26 November 2024", "Wednesday 27 November 2024"]),
        (
            dt.date(2024, 11, 30),
            [
                "Tuesday 26 November 2024",
                "Wednesday 27 November 2024",
                "Thursday 28 November 2024",
                "Friday 29 November 2024",
                "Saturday 30 November 2024",
            ],
        ),
    ],
    ids=["one-day", "two-day", "five-day"],
)
def test_export_csv_has_a_column_for_each_day_and_option_of_the_edition(
    admin_client, open_workshop, sign_up, ends_on, days
):
    open_workshop.ends_on = ends_on
    open_workshop.save()
    dinner = OptionFactory(workshop=open_workshop, label="Conference dinner")
    last = open_workshop.days[-1]
    everything = sign_up(open_workshop, options=[dinner])
    last_day_only = sign_up(open_workshop, days=[last])

    response = _action(admin_client, "export_csv", [everything, last_day_only])

    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert header[6:-3] == [*days, "Conference dinner"]
    assert rows[0][6:-3] == ["yes"] * len(days) + ["yes"]
    assert rows[1][6:-3] == ["no"] * (len(days) - 1) + ["yes", "no"]


def test_export_csv_of_two_editions_leaves_the_other_editions_columns_blank(
    admin_client, open_workshop, sign_up
):
    older = make_workshop(
        slug="lorainne23",
        acronym="LoRAINNe'23",
        starts_on=dt.date(2023, 11, 20),
        ends_on=dt.date(2023, 11, 20),
        registration_deadline=dt.date(2023, 11, 6),
    )
    old_lunch = OptionFactory(workshop=older, label="Lunch")
    lunch = OptionFactory(workshop=open_workshop, label="Lunch")
    then = sign_up(older, options=[old_lunch], enforce_deadline=False)
    now = sign_up(open_workshop, options=[lunch])

    response = _action(admin_client, "export_csv", [then, now])

    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert header[6:-3] == [
        "Monday 20 November 2023",
        "Tuesday 26 November 2024",
        "Wednesday 27 November 2024",
        "Lunch (LoRAINNe'23)",
        "Lunch (LoRAINNe'24)",
    ]
    assert rows[0][6:-3] == ["yes", "", "", "yes", ""]
    assert rows[1][6:-3] == ["", "yes", "yes", "", "yes"]


@pytest.mark.parametrize("selected", [1, 10])
def test_export_csv_queries_do_not_grow_with_registrations(
    admin_client, open_workshop, sign_up, cocktail_and_lunch, selected, django_assert_num_queries
):
    open_workshop.capacity = 10
    open_workshop.save()
    registrations = [
        sign_up(open_workshop, options=list(cocktail_and_lunch)) for _ in range(selected)
    ]

    # The session and the user; the list's filters and counts, which Django builds twice for an
    # action (8); the rows, their days, their options, and the options of their editions.
    with django_assert_num_queries(14):
        response = _action(admin_client, "export_csv", registrations)

    assert len(response.content.decode("utf-8-sig").splitlines()) == selected + 1


def test_resend_action_sends_the_email_of_the_current_state(
    admin_client, full_workshop, django_capture_on_commit_callbacks
):
    confirmed = full_workshop.registrations.get(email="person-1@example.org")
    waiting = full_workshop.registrations.get(email="person-4@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = _action(admin_client, "resend_email", [confirmed, waiting], follow=True)

    assert _messages(response) == ["2 email(s) queued."]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("person-1@example.org", "LoRAINNe'24: your registration is confirmed"),
        ("person-4@example.org", "LoRAINNe'24: you are on the waiting list"),
    ]


def test_resend_action_after_smtp_failure_sends_and_clears_the_error(
    admin_client,
    open_workshop,
    register_data,
    smtp_down,
    settings,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(open_workshop, **register_data)
    assert '<td class="field-email_state">failed (1 tries)</td>' in _html(
        admin_client.get(f"{CHANGELIST}?email_state=failed")
    )
    settings.MAILERS = LOCMEM_MAILERS

    with django_capture_on_commit_callbacks(execute=True):
        _action(admin_client, "resend_email", [registration])

    assert [m.to for m in mail.outbox] == [["andre@example.org"]]
    # The resent email is a new message; the list shows the latest one's state.
    assert list(registration.deliveries.values_list("variant", "state")) == [
        ("confirmed", "failed"),
        ("confirmed", "sent"),
    ]
    assert '<td class="field-email_state">sent 15 Oct 10:00</td>' in _html(
        admin_client.get(f"{CHANGELIST}?email_state=sent")
    )
    assert "André" not in _html(admin_client.get(f"{CHANGELIST}?email_state=failed"))
    page = _html(
        admin_client.get(reverse("admin:registration_registration_change", args=[registration.pk]))
    )
    assert "<li>15 Oct 10:00 Registration confirmed: failed (1 tries)</li>" in page
    assert "<li>15 Oct 10:00 Registration confirmed: sent 15 Oct 10:00</li>" in page


def test_registration_list_shows_an_email_whose_worker_died_as_stuck(
    admin_client, open_workshop, register_data, clock, settings
):
    registration = services.register(open_workshop, **register_data)  # its task never runs
    [delivery] = registration.deliveries.all()
    Delivery.objects.filter(pk=delivery.pk).update(
        state="sending", attempts=1, lease_expires_at=NOW + dt.timedelta(minutes=5)
    )
    assert '<td class="field-email_state">sending</td>' in _html(
        admin_client.get(f"{CHANGELIST}?email_state=sending")
    )

    clock.shift(dt.timedelta(minutes=5, seconds=1))

    assert "André" not in _html(admin_client.get(f"{CHANGELIST}?email_state=sending"))
    assert '<td class="field-email_state">stuck: its worker stopped while sending</td>' in _html(
        admin_client.get(f"{CHANGELIST}?email_state=stuck")
    )


def test_cancel_action_frees_the_seats_and_promotes(
    admin_client, full_workshop, django_capture_on_commit_callbacks
):
    leaving = full_workshop.registrations.filter(email="person-2@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = _action(admin_client, "cancel_registrations", leaving, follow=True)

    assert _messages(response) == [
        "1 registration(s) cancelled. Promoted from the waiting list: Person 4 Test."
    ]
    assert full_workshop.registrations.get(email="person-2@example.org").status == "cancelled"
    assert full_workshop.registrations.get(email="person-4@example.org").status == "confirmed"
    assert full_workshop.registrations.confirmed().count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["person-2@example.org", "person-4@example.org"]


def test_cancel_action_after_the_workshop_refuses_with_a_message(
    admin_client, full_workshop, clock, django_capture_on_commit_callbacks
):
    clock.move_to(dt.datetime(2024, 11, 28, 9, 0, tzinfo=PARIS))
    leaving = full_workshop.registrations.filter(email="person-2@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = _action(admin_client, "cancel_registrations", leaving, follow=True)

    assert _messages(response) == [
        "LoRAINNe'24 is over: its registrations can no longer be cancelled."
    ]
    assert leaving.get().status == "confirmed"
    assert mail.outbox == []


def test_promote_action_when_full_refuses_with_a_message(admin_client, full_workshop):
    waiting = full_workshop.registrations.filter(email="person-5@example.org")

    response = _action(admin_client, "promote_registrations", waiting, follow=True)

    assert _messages(response) == [
        "No seat is free for Person 5 Test: raise the capacity or cancel someone first."
    ]
    assert waiting.get().status == "waitlisted"
    assert full_workshop.registrations.confirmed().count() == 3


def test_promote_action_with_a_free_seat_confirms(
    admin_client, full_workshop, django_capture_on_commit_callbacks
):
    Workshop.objects.filter(pk=full_workshop.pk).update(capacity=4)
    waiting = full_workshop.registrations.filter(email="person-5@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = _action(admin_client, "promote_registrations", waiting, follow=True)

    assert _messages(response) == ["Person 5 Test now has a seat."]
    assert waiting.get().status == "confirmed"
    assert [m.to for m in mail.outbox] == [["person-5@example.org"]]


# Adding, editing and deleting.


def _add_form(workshop, **answers) -> dict:
    return {
        "workshop": str(workshop.pk),
        "first_name": "Jérémy",
        "last_name": "Cohen",
        "email": "jeremy@example.org",
        "affiliation": "CNRS",
        "position": "researcher",
        "days": ["2024-11-26", "2024-11-27"],
        "dietary_requirements": "",
        "_save": "Save",
    } | answers


def test_admin_add_with_a_free_seat_confirms_and_emails(
    admin_client, open_workshop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(ADD, _add_form(open_workshop))

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.full_name, registration.status) == ("Jérémy Cohen", "confirmed")
    assert [m.to for m in mail.outbox] == [["jeremy@example.org"]]


def test_admin_add_when_full_puts_on_the_waiting_list(
    admin_client, full_workshop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(ADD, _add_form(full_workshop), follow=True)

    registration = Registration.objects.get(email="jeremy@example.org")
    assert registration.status == Registration.Status.WAITLISTED
    assert full_workshop.registrations.confirmed().count() == 3
    assert "The workshop is full: Jérémy Cohen is on the waiting list." in _messages(response)
    assert [m.subject for m in mail.outbox] == ["LoRAINNe'24: you are on the waiting list"]


def test_admin_add_with_a_registered_email_in_another_case_shows_an_error(
    admin_client, open_workshop, sign_up
):
    sign_up(open_workshop, email="jeremy@example.org")

    response = admin_client.post(ADD, _add_form(open_workshop, email="Jeremy@Example.ORG"))

    assert response.status_code == 200
    assert "This email address is already registered for this workshop." in _html(response)
    assert Registration.objects.count() == 1


def test_admin_add_keeps_the_days_and_options_chosen(
    admin_client, open_workshop, cocktail_and_lunch
):
    _, lunch = cocktail_and_lunch
    page = _html(admin_client.get(ADD))

    admin_client.post(ADD, _add_form(open_workshop, days=["2024-11-27"], options=[str(lunch.pk)]))

    registration = Registration.objects.get()
    assert registration.parts == ["Wednesday 27 November", "Lunch"]
    assert f'value="{lunch.pk}"' in page
    assert "Lunch (LoRAINNe&#x27;24)" in page


def test_admin_add_with_a_day_or_an_option_of_another_workshop_shows_errors(
    admin_client, open_workshop
):
    older = make_workshop(
        slug="lorainne23",
        acronym="LoRAINNe'23",
        starts_on=dt.date(2023, 11, 20),
        ends_on=dt.date(2023, 11, 21),
        registration_deadline=dt.date(2023, 11, 6),
    )
    dinner = OptionFactory(workshop=older, label="Dinner")

    response = admin_client.post(
        ADD, _add_form(open_workshop, days=["2023-11-20"], options=[str(dinner.pk)])
    )

    html = _html(response)
    assert response.status_code == 200
    assert "Monday 20 November: not a day of LoRAINNe&#x27;24." in html
    assert "Dinner: not an option of LoRAINNe&#x27;24." in html
    assert Registration.objects.count() == 0


def test_admin_add_with_a_full_option_shows_an_error_and_adds_nobody(
    admin_client, open_workshop, sign_up
):
    lunch = OptionFactory(workshop=open_workshop, label="Lunch", capacity=1)
    sign_up(open_workshop, options=[lunch])

    response = admin_client.post(ADD, _add_form(open_workshop, options=[str(lunch.pk)]))

    assert response.status_code == 200
    assert "Lunch is full: all 1 places are taken." in _html(response)
    assert not Registration.objects.filter(email="jeremy@example.org").exists()


def test_admin_edit_days_and_options_goes_through_the_rules(
    admin_client, open_workshop, sign_up, cocktail_and_lunch
):
    cocktail, lunch = cocktail_and_lunch
    lunch.capacity = 1
    lunch.save()
    sign_up(open_workshop, options=[lunch])
    registration = sign_up(open_workshop, options=[cocktail])
    url = _change_url(registration)
    data = form_data(_html(admin_client.get(url)), "registration_form")
    assert data["days"] == ["2024-11-26", "2024-11-27"]
    assert data["options"] == str(cocktail.pk)

    to_tuesday = admin_client.post(url, data | {"days": "2024-11-26", "_save": "Save"})
    to_lunch = admin_client.post(url, data | {"options": [str(lunch.pk)], "_save": "Save"})

    assert to_tuesday.status_code == 302
    assert "Lunch is full: all 1 places are taken." in _html(to_lunch)
    registration = Registration.objects.get(pk=registration.pk)
    assert registration.parts == ["Tuesday 26 November", "Cocktail and posters"]


def test_admin_edit_email_to_another_registrants_shows_an_error(
    admin_client, open_workshop, sign_up
):
    sign_up(open_workshop, email="andre@example.org")
    other = sign_up(open_workshop, email="jeremy@example.org")
    url = _change_url(other)
    data = form_data(_html(admin_client.get(url)), "registration_form")

    response = admin_client.post(url, data | {"email": "ANDRE@example.org", "_save": "Save"})

    assert response.status_code == 200
    assert "This email address is already registered for this workshop." in _html(response)
    other.refresh_from_db()
    assert other.email == "jeremy@example.org"


def test_admin_edit_details_keeps_the_status(admin_client, full_workshop):
    waiting = full_workshop.registrations.get(email="person-4@example.org")
    url = _change_url(waiting)
    data = form_data(_html(admin_client.get(url)), "registration_form")

    response = admin_client.post(url, data | {"dietary_requirements": "Vegan", "_save": "Save"})

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.dietary_requirements, waiting.status) == ("Vegan", "waitlisted")


def test_admin_delete_confirmed_promotes_the_first_waiting(
    admin_client, full_workshop, django_capture_on_commit_callbacks
):
    confirmed = full_workshop.registrations.get(email="person-1@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:registration_registration_delete", args=[confirmed.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert not Registration.objects.filter(pk=confirmed.pk).exists()
    assert full_workshop.registrations.get(email="person-4@example.org").status == "confirmed"
    assert [m.to for m in mail.outbox] == [["person-4@example.org"]]


def test_admin_delete_selected_promotes_as_many_as_deleted(
    admin_client, full_workshop, django_capture_on_commit_callbacks
):
    leaving = full_workshop.registrations.filter(
        email__in=["person-1@example.org", "person-2@example.org"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            CHANGELIST,
            {
                "action": "delete_selected",
                "_selected_action": [r.pk for r in leaving],
                "post": "yes",
            },
        )

    assert _statuses(full_workshop) == {
        "person-3@example.org": "confirmed",
        "person-4@example.org": "confirmed",
        "person-5@example.org": "confirmed",
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["person-4@example.org", "person-5@example.org"]


def test_workshop_admin_capacity_raised_promotes_the_waiting_list(
    admin_client, full_workshop, django_capture_on_commit_callbacks
):
    url = reverse("admin:program_workshop_change", args=[full_workshop.pk])
    data = form_data(_html(admin_client.get(url)), "workshop_form")
    assert data["capacity"] == "3"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data | {"capacity": "4", "_save": "Save"}, follow=True)

    assert "Promoted from the waiting list: Person 4 Test." in _messages(response)
    assert full_workshop.registrations.confirmed().count() == 4
    assert list(full_workshop.registrations.waitlisted().values_list("email", flat=True)) == [
        "person-5@example.org"
    ]
    assert [m.to for m in mail.outbox] == [["person-4@example.org"]]


# The options of an edition.


def test_option_admin_refuses_a_slot_of_another_workshop(admin_client, open_workshop):
    other = make_workshop(slug="lorainne25", acronym="LoRAINNe'25")
    other_lunch = OptionFactory(workshop=other).session

    response = admin_client.post(
        reverse("admin:registration_option_add"),
        {
            "workshop": str(open_workshop.pk),
            "label": "Lunch",
            "session": str(other_lunch.pk),
            "capacity": "40",
            "position": "1",
        },
    )

    assert response.status_code == 200
    assert "Choose a slot of this workshop&#x27;s timetable." in _html(response)
    assert not open_workshop.options.exists()


def test_option_admin_lists_the_options_with_their_slot(admin_client, cocktail_and_lunch):
    response = admin_client.get(reverse("admin:registration_option_changelist"))

    html = _html(response)
    assert response.status_code == 200
    assert '<td class="field-session nowrap">Lunch (Wed 27 Nov 12:00)</td>' in html
