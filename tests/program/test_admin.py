"""The organizers' admin: every list, search, the session rule, autocomplete, links to the site."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from axes.models import AccessLog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.timezone import localtime

from program.models import Session, Speaker, Talk
from tests.factories import paris_time
from tests.pages import parse

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
    assert select.attrs["data-ajax--url"] == reverse("admin:autocomplete")
    assert (select.attrs["data-model-name"], select.attrs["data-field-name"]) == (
        "talk",
        "speakers",
    )
    assert [option.text for option in select.find_all("option", selected=True)] == ["Jérémy Cohen"]


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
    # Times are edited in the workshop's zone (Europe/Paris, also the site's TIME_ZONE).
    assert first_start.attrs["value"] == "13:45:00"
    assert page.find("input", name="organizers-TOTAL_FORMS").attrs["value"] == "5"


# Regression: the address axes records came from registration.throttle.client_ip, which once
# returned "unknown" without REMOTE_ADDR; PostgreSQL (inet) refused it, breaking every admin login.
def test_admin_login_without_a_client_address_stores_no_fake_address(client, admin_user):
    client.force_login(admin_user)  # logs in with a request that has no REMOTE_ADDR

    assert list(AccessLog.objects.values_list("ip_address", flat=True)) == [None]
