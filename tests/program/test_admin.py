"""The organizers' admin: every list, search, the session rule, autocomplete, links to the site."""

import datetime as dt
import re
import zoneinfo
from urllib.parse import urlsplit

import pytest
from axes.models import AccessLog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.timezone import localtime

from program.models import Session, Speaker, Talk
from tests.factories import SessionFactory, WorkshopFactory, paris_time
from tests.pages import parse
from tests.registration.html_forms import form_data

pytestmark = pytest.mark.django_db

SESSION_ADD_URL = "/admin/program/session/add/"


def _session_form(workshop, *, starts: str, ends: str, day: str = "2024-11-27") -> dict:
    return {
        "workshop": workshop.pk,
        "starts_at_0": day,
        "starts_at_1": starts,
        "ends_at_0": day,
        "ends_at_1": ends,
        "kind": Session.Kind.BREAK,
        "title": "Late coffee",
        "talk": "",
        "_save": "Save",
    }


@pytest.mark.parametrize("ends", ["16:30", "17:00"], ids=["ends-before", "ends-at-start"])
def test_session_add_form_refuses_a_session_ending_at_or_before_its_start(
    admin_client, seeded, ends
):
    count = Session.objects.count()

    response = admin_client.post(SESSION_ADD_URL, _session_form(seeded, starts="17:00", ends=ends))

    assert response.status_code == 200
    errors = parse(response.content).find_all("ul", class_="errorlist")
    assert [error.text for error in errors] == ["A session must end after it starts."]
    assert Session.objects.count() == count
    assert not Session.objects.filter(title="Late coffee").exists()


def test_session_add_form_saves_a_session_in_paris_time(admin_client, seeded):
    response = admin_client.post(
        SESSION_ADD_URL, _session_form(seeded, starts="17:00", ends="17:30")
    )

    assert response.status_code == 302
    session = Session.objects.get(title="Late coffee")
    assert session.starts_at == paris_time(dt.date(2024, 11, 27), 17)
    assert session.ends_at == paris_time(dt.date(2024, 11, 27), 17, 30)


def test_every_admin_changelist_loads_with_the_seed(admin_client, seeded):
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

        response = admin_client.get(url)

        assert response.status_code == 200, url
        assert response.context["cl"].result_count == model.objects.count(), url


def test_every_admin_changelist_search_answers(admin_client, seeded):
    searchable = [
        model for model, model_admin in admin.site._registry.items() if model_admin.search_fields
    ]

    for model in searchable:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

        response = admin_client.get(url, {"q": "Cohen"})

        assert response.status_code == 200, url
    assert {model.__name__ for model in searchable} >= {
        "Workshop",
        "Speaker",
        "Talk",
        "Session",
        "Poster",
    }


COHEN_TALK = "Implicit Regularization in Regularized (Nonnegative) Low-Rank Approximations"


@pytest.mark.parametrize(
    ("model", "shown"),
    [
        (Talk, lambda talk: talk.title),
        (Speaker, lambda speaker: speaker.name),
        (Session, lambda session: f"{session.talk.title} at {localtime(session.starts_at)}"),
    ],
    ids=["talk", "speaker", "session"],
)
def test_admin_search_for_cohen_finds_only_his_talk_speaker_and_slot(
    admin_client, seeded, model, shown
):
    url = reverse(f"admin:program_{model._meta.model_name}_changelist")

    response = admin_client.get(url, {"q": "Cohen"})

    found = [shown(obj) for obj in response.context["cl"].result_list]
    expected = {
        Talk: [COHEN_TALK],
        Speaker: ["Jérémy Cohen"],
        Session: [f"{COHEN_TALK} at 2024-11-27 10:30:00+01:00"],
    }
    assert found == expected[model]


def test_talk_change_page_has_speaker_autocomplete(admin_client, seeded):
    talk = Talk.objects.get(slug="cohen-implicit-regularization")

    page = parse(admin_client.get(f"/admin/program/talk/{talk.pk}/change/").content)

    select = page.find("select", name="speakers")
    assert "admin-autocomplete" in select.attrs["class"].split()
    assert select.attrs["data-ajax--url"] == (
        reverse("admin:program_edition_autocomplete") + f"?edition={seeded.pk}"
    )
    assert (select.attrs["data-model-name"], select.attrs["data-field-name"]) == (
        "talk",
        "speakers",
    )
    assert [option.text for option in select.find_all("option", selected=True)] == [
        "Jérémy Cohen (LoRAINNe'24)"
    ]


def test_speaker_autocomplete_finds_speakers_by_name(admin_client, seeded):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "program", "model_name": "talk", "field_name": "speakers", "term": "Coh"},
    )

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Jérémy Cohen"]


def test_talk_view_on_site_redirects_to_the_talk_page(admin_client, seeded):
    talk = Talk.objects.get(slug="cohen-implicit-regularization")
    view_on_site = f"/admin/r/{ContentType.objects.get_for_model(Talk).pk}/{talk.pk}/"
    change_page = parse(admin_client.get(f"/admin/program/talk/{talk.pk}/change/").content)

    response = admin_client.get(view_on_site)

    assert view_on_site in change_page.links()
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == (
        "/lorainne24/program/talks/cohen-implicit-regularization/"
    )
    talk_page = parse(admin_client.get(urlsplit(response["Location"]).path).content)
    assert talk_page.find("h1").text == COHEN_TALK


def test_workshop_change_page_shows_its_sessions_inline(admin_client, seeded):
    page = parse(admin_client.get(f"/admin/program/workshop/{seeded.pk}/change/").content)

    total = page.find("input", name="sessions-TOTAL_FORMS")
    titles = [
        field.attrs.get("value")
        for field in page.find_all("input")
        if field.attrs.get("name", "").startswith("sessions-")
        and field.attrs["name"].endswith("-title")
    ]
    first_start = page.find("input", name="sessions-0-starts_at_1")

    assert total.attrs["value"] == "18"
    assert titles.count("Coffee break") == 2
    assert titles.count("Invited talk") == 2
    # Times are edited in the workshop's zone (Europe/Paris), in 24-hour form as on the site.
    assert first_start.attrs["value"] == "13:45"
    assert page.find("input", name="organizers-TOTAL_FORMS").attrs["value"] == "5"


# Regression: the address axes records came from registration.throttle.client_ip, which once
# returned "unknown" without REMOTE_ADDR; PostgreSQL (inet) refused it, breaking every admin login.
def test_admin_login_without_a_client_address_stores_no_fake_address(client, admin_user):
    client.force_login(admin_user)  # logs in with a request that has no REMOTE_ADDR

    assert list(AccessLog.objects.values_list("ip_address", flat=True)) == [None]


# --- The edition's page: short, seats and deadline first, the time zone from a list -------------


def test_workshop_change_page_has_capacity_and_deadline_in_its_first_two_fieldsets(
    admin_client, seeded
):
    page = parse(admin_client.get(f"/admin/program/workshop/{seeded.pk}/change/").content)

    fieldsets = page.find("form", id="workshop_form").find_all("fieldset", class_="aligned")
    first_two = [
        field.attrs["name"]
        for fieldset in fieldsets[:2]
        for field in fieldset.find_all("input", name=True)
    ]

    assert {"capacity", "registration_deadline"} <= set(first_two)


def test_workshop_change_page_has_one_address_for_the_venue(admin_client, seeded):
    page = parse(admin_client.get(f"/admin/program/workshop/{seeded.pk}/change/").content)

    fields = page.find("form", id="workshop_form").find_all("input", name=True)
    venue_addresses = [
        field.attrs["name"]
        for field in fields
        if field.attrs["name"].startswith("venue_") and "address" in field.attrs["name"]
    ]

    assert venue_addresses == ["venue_address"]
    help_text = page.find(id="id_venue_address_helptext").text
    assert "on every page, in calendars and emails" in help_text


def test_workshop_change_page_folds_every_slot_row_away(admin_client, seeded):
    page = parse(admin_client.get(f"/admin/program/workshop/{seeded.pk}/change/").content)

    form = page.find("form", id="workshop_form")
    (timetable,) = [
        details for details in form.find_all("details") if details.find_all(id="sessions-heading")
    ]
    slot_fields = [
        field
        for field in form.find_all(name=True)
        if re.fullmatch(r"sessions-\d+-\w+", field.attrs["name"])
    ]
    folded = {id(element) for element in timetable.iter()}

    assert "open" not in timetable.attrs  # the page stays short: rows show when asked for
    assert len(slot_fields) >= 18 * 5
    assert all(id(field) in folded for field in slot_fields)


def test_workshop_change_page_links_the_timetable_of_this_edition_only(admin_client, seeded):
    other = WorkshopFactory()
    SessionFactory(workshop=other)
    page = parse(admin_client.get(f"/admin/program/workshop/{seeded.pk}/change/").content)
    link = page.find("div", class_="field-timetable").find("a")

    response = admin_client.get(link.attrs["href"])

    assert link.text == "Edit the timetable (18 slots)"
    assert link.attrs["href"] == f"/admin/program/session/?workshop__id__exact={seeded.pk}"
    assert {slot.workshop for slot in response.context["cl"].result_list} == {seeded}
    assert response.context["cl"].result_count == 18


def test_workshop_change_form_refuses_an_unknown_time_zone_with_a_message(admin_client, seeded):
    url = f"/admin/program/workshop/{seeded.pk}/change/"
    data = form_data(admin_client.get(url).content.decode(), "workshop_form")

    response = admin_client.post(url, data | {"timezone": "Paris"})

    assert response.status_code == 200
    errors = (
        parse(response.content)
        .find("div", class_="field-timezone")
        .find_all("ul", class_="errorlist")
    )
    assert [error.text for error in errors] == [
        "“Paris” is not a known time zone; use a name such as Europe/Paris."
    ]
    seeded.refresh_from_db()
    assert seeded.timezone == "Europe/Paris"


def test_workshop_time_zone_is_chosen_from_the_known_zones(admin_client, seeded):
    page = parse(admin_client.get(f"/admin/program/workshop/{seeded.pk}/change/").content)

    select = page.find("select", name="timezone")

    assert [option.text for option in select.find_all("option", selected=True)] == ["Europe/Paris"]
    assert {"America/New_York", "Asia/Tokyo", "UTC"} <= {
        option.attrs["value"] for option in select.find_all("option")
    }


# --- The timetable's own page: 24-hour times, in the edition's time zone -------------------------


def test_session_changelist_shows_times_in_24_hour_form(admin_client, seeded):
    page = parse(
        admin_client.get(f"/admin/program/session/?workshop__id__exact={seeded.pk}").content
    )

    days = [cell.text for cell in page.find_all("td", class_="field-day")]
    times = [cell.text for cell in page.find_all("th", class_="field-time")]

    assert list(zip(days, times, strict=True))[:3] == [
        ("Tue 26 Nov 2024", "13:45–14:00"),
        ("Tue 26 Nov 2024", "14:00–14:15"),
        ("Tue 26 Nov 2024", "14:15–15:15"),
    ]
    assert (days[-1], times[-1]) == ("Wed 27 Nov 2024", "16:00–17:00")
    assert "p.m." not in page.text


def test_talk_changelist_shows_slot_times_in_24_hour_form(admin_client, seeded):
    page = parse(admin_client.get("/admin/program/talk/", {"q": "Cohen"}).content)

    assert page.find("td", class_="field-slot").text == "Wed 27 Nov 2024, 10:30–11:00"


def test_session_change_form_shows_times_as_hours_and_minutes(admin_client, seeded):
    session = Session.objects.get(workshop=seeded, title="Registration")

    page = parse(admin_client.get(f"/admin/program/session/{session.pk}/change/").content)

    assert page.find("input", name="starts_at_0").attrs["value"] == "26/11/2024"
    assert page.find("input", name="starts_at_1").attrs["value"] == "13:45"
    assert page.find("input", name="ends_at_1").attrs["value"] == "14:00"
    assert page.find("div", class_="field-starts_at").find("div", class_="help").text == (
        "Europe/Paris time, 24-hour clock (15:15)."
    )


def test_session_change_form_shows_and_reads_times_in_the_edition_time_zone(admin_client):
    workshop = WorkshopFactory(starts_on=dt.date(2026, 11, 24), timezone="America/New_York")
    new_york = zoneinfo.ZoneInfo("America/New_York")
    session = SessionFactory(
        workshop=workshop,
        coffee_break=True,
        starts_at=dt.datetime(2026, 11, 24, 15, 15, tzinfo=new_york),
        ends_at=dt.datetime(2026, 11, 24, 15, 45, tzinfo=new_york),
    )
    url = f"/admin/program/session/{session.pk}/change/"
    data = form_data(admin_client.get(url).content.decode(), "session_form")

    response = admin_client.post(url, data | {"starts_at_1": "16:00", "ends_at_1": "16:30"})

    assert (data["starts_at_1"], data["ends_at_1"]) == ("15:15", "15:45")
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2026, 11, 24, 16, 0, tzinfo=new_york)


def test_session_add_form_from_an_edition_timetable_belongs_to_that_edition(admin_client, seeded):
    WorkshopFactory()  # a later edition, listed first

    page = parse(
        admin_client.get(
            SESSION_ADD_URL, {"_changelist_filters": f"workshop__id__exact={seeded.pk}"}
        ).content
    )

    chosen = page.find("select", name="workshop").find_all("option", selected=True)
    assert [option.attrs["value"] for option in chosen] == [str(seeded.pk)]


def test_session_add_form_refuses_a_slot_outside_the_edition_days(admin_client, seeded):
    response = admin_client.post(
        SESSION_ADD_URL, _session_form(seeded, starts="09:00", ends="09:30", day="2024-11-28")
    )

    assert response.status_code == 200
    errors = parse(response.content).find_all("ul", class_="errorlist")
    assert [error.text for error in errors] == [
        "This slot is outside the edition's days, Tuesday 26 November 2024 to Wednesday 27 "
        "November 2024 (Europe/Paris time)."
    ]
    assert not Session.objects.filter(title="Late coffee").exists()


def test_session_add_form_refuses_a_slot_overlapping_another_naming_it(admin_client, seeded):
    response = admin_client.post(
        SESSION_ADD_URL, _session_form(seeded, starts="11:15", ends="11:45")
    )

    assert response.status_code == 200
    errors = parse(response.content).find_all("ul", class_="errorlist")
    assert [item.text for error in errors for item in error.find_all("li")] == [
        "This slot overlaps “Coffee break” (Wednesday 27 November, 11:00–11:30).",
        "This slot overlaps “Title to be announced” (Wednesday 27 November, 11:30–12:30).",
    ]
    assert not Session.objects.filter(title="Late coffee").exists()


def test_session_add_form_accepts_a_slot_touching_the_last_one(admin_client, seeded):
    response = admin_client.post(
        SESSION_ADD_URL, _session_form(seeded, starts="17:00", ends="17:30:00")
    )

    assert response.status_code == 302
    session = Session.objects.get(title="Late coffee")
    assert session.starts_at == Session.objects.get(title="Farewell break").ends_at


def _action_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "en-gb",
            [
                "2 talks locked: speakers can still add slides.",
                "1 talk unlocked.",
                "1 edition hidden.",
                "1 edition published.",
            ],
        ),
        (
            "fr",
            [
                "2 exposés verrouillés\u00a0: les orateurs peuvent encore ajouter leurs "
                "transparents.",
                "1 exposé déverrouillé.",
                "1 édition cachée.",
                "1 édition publiée.",
            ],
        ),
    ],
)
def test_admin_actions_setting_a_field_say_how_many_rows_changed(
    admin_client, seeded, language, said
):
    admin_client.cookies["django_language"] = language
    talks = [talk.pk for talk in Talk.objects.filter(workshop=seeded).order_by("pk")[:2]]
    talk_list = reverse("admin:program_talk_changelist")
    edition_list = reverse("admin:program_workshop_changelist")

    answers = [
        admin_client.post(talk_list, {"action": action, "_selected_action": selected}, follow=True)
        for action, selected in [("lock_text", talks), ("unlock_text", talks[:1])]
    ] + [
        admin_client.post(
            edition_list, {"action": action, "_selected_action": [seeded.pk]}, follow=True
        )
        for action in ["unpublish", "publish"]
    ]

    assert [_action_messages(answer) for answer in answers] == [[text] for text in said]
    assert list(Talk.objects.filter(text_locked=True).values_list("pk", flat=True)) == talks[1:]
    seeded.refresh_from_db()
    assert seeded.published
