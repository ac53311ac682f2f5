"""Who may do what in the back office: the roles (groups made by a migration) hold what the
README says, and every admin action and custom admin page refuses an account without the
permission it needs (nothing changes, no email, no file of personal data)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.contrib.auth.models import Group, Permission
from django.core import mail, serializers
from django.urls import reverse
from django.utils import timezone

from contributions.models import Author, Kind, Submission
from mail.models import Delivery
from program.models import Workshop
from registration.models import Announcement
from tests.factories import OrganizerFactory, PosterFactory, SessionFactory, SpeakerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

OUR_APPS = ["program", "registration", "mail", "contributions"]


def _permissions(group_name: str) -> set[str]:
    permissions = Group.objects.get(name=group_name).permissions.select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def _every_permission_of(*app_labels: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.filter(
            content_type__app_label__in=app_labels
        ).values_list("content_type__app_label", "codename")
    }


# The roles, as the README describes them.


def test_organizer_has_every_permission_of_our_apps_and_may_see_accounts():
    assert _permissions("organizer") == _every_permission_of(*OUR_APPS) | {
        "auth.view_user",
        "auth.view_group",
    }
    assert {"registration.use_desk", "registration.export_registration"} <= _every_permission_of(
        "registration"
    )


def test_program_editor_edits_the_program_but_not_editions_registrations_or_emails():
    program_models = apps.get_app_config("program").get_models()
    every_program_permission = {
        f"program.{action}_{model._meta.model_name}"
        for model in program_models
        for action in ("add", "change", "delete", "view")
    }

    assert _permissions("program editor") == every_program_permission - {
        "program.add_workshop",
        "program.delete_workshop",
    }
    assert "program.change_speaker" in every_program_permission


def test_program_editor_sees_the_capacity_but_cannot_change_it(
    client, open_workshop, django_user_model
):
    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="program editor"))
    client.force_login(editor)

    page = client.get(reverse("admin:program_workshop_change", args=[open_workshop.pk]))

    assert page.status_code == 200
    assert 'name="name"' in page.content.decode()
    assert 'name="capacity"' not in page.content.decode()


def test_registration_desk_uses_the_desk_and_sees_registrations_only():
    assert _permissions("registration desk") == {
        "registration.use_desk",
        "registration.view_registration",
    }


def test_reviewer_sees_the_submissions_and_writes_reviews_and_scores_only():
    assert _permissions("reviewer") == {
        "contributions.view_submission",
        "contributions.add_review",
        "contributions.change_review",
        "contributions.view_review",
        "contributions.add_score",
        "contributions.change_score",
        "contributions.view_score",
    }


# Every admin action and custom admin page, with accounts that may not use them.


def _every_action() -> list[tuple[str, str, str]]:
    """(model label, where, action name) for every action any registered ModelAdmin offers, in
    the list or on the change form, the site-wide ones included (_get_base_actions: before the
    permissions filter them)."""
    return sorted(
        (model._meta.label, location.value, action.name)
        for model, model_admin in admin.site._registry.items()
        for location in ActionLocation
        for action in model_admin._get_base_actions(location)
    )


# Pages that show and change nothing, for whoever may view what they list (as Django's own
# autocomplete; the book of abstracts of an edition, drafts included): each has a test of its own.
READ_ONLY_URLS = {"program_edition_autocomplete", "program_workshop_book"}


def _custom_admin_urls() -> list[tuple[str, str]]:
    """(model label, URL name) of each admin URL a ModelAdmin adds to the standard ones, but
    the read-only ones."""
    custom = []
    for model, model_admin in admin.site._registry.items():
        standard = {pattern.name for pattern in admin.ModelAdmin.get_urls(model_admin)}
        custom += [
            (model._meta.label, pattern.name)
            for pattern in model_admin.get_urls()
            if pattern.name not in standard | READ_ONLY_URLS
        ]
    return sorted(custom)


def test_the_walk_covers_our_actions_and_pages():
    actions = {name for _, _, name in _every_action()}
    assert {
        "publish",
        "badges",
        "export_csv",
        "send_again",
        "write_announcement",
        "export_scores",
    } <= actions
    assert ("program.Workshop", "program_workshop_next") in _custom_admin_urls()


@pytest.fixture
def content(open_workshop, sign_up, cocktail_and_lunch):
    """Some of everything: registrations (with their emails, one failed; one waiting for a free
    seat), a speaker with a
    talk in a slot, a poster, an organizer, a draft announcement, a submission to the call."""
    sign_up(open_workshop, first_name="André", last_name="Lefèvre", options=cocktail_and_lunch)
    sign_up(open_workshop, first_name="Élodie", last_name="Dupont")
    sign_up(open_workshop)
    sign_up(open_workshop)  # the fourth waits; a seat added since: promote would take it
    Workshop.objects.filter(pk=open_workshop.pk).update(capacity=4)
    speaker = SpeakerFactory(workshop=open_workshop, email="speaker@example.org")
    SessionFactory(workshop=open_workshop, talk__speakers=[speaker])
    PosterFactory(workshop=open_workshop)
    OrganizerFactory(workshop=open_workshop)
    Announcement.objects.create(workshop=open_workshop, subject="Coffee", body="Hello {name}")
    submission = Submission.objects.create(
        workshop=open_workshop,
        kind=Kind.POSTER,
        title="Low-rank adapters",
        abstract="Adapters.",
        email="author@example.org",
        address_confirmed_at=timezone.now(),
    )
    Author.objects.create(submission=submission, name="Ada Author", presenting=True)
    Delivery.objects.filter(pk=Delivery.objects.earliest("pk").pk).update(
        state=Delivery.State.FAILED
    )
    mail.outbox.clear()
    return open_workshop


@pytest.fixture(params=["view_only", "no_permission", "desk_volunteer", "reviewer"])
def refused_client(request, client, django_user_model, content):
    """A staff account that may see everything, one that may do nothing, a desk volunteer, a
    reviewer of the call for contributions."""
    user = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    if request.param == "view_only":
        user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    elif request.param == "desk_volunteer":
        user.groups.add(Group.objects.get(name="registration desk"))
    elif request.param == "reviewer":
        user.groups.add(Group.objects.get(name="reviewer"))
    client.force_login(user)
    return client


def _snapshot() -> dict[str, str]:
    """Every row of every table the admin could touch (sessions aside: logging in writes one)."""
    return {
        model._meta.label: serializers.serialize("json", model._default_manager.order_by("pk"))
        for model in apps.get_models()
        if model._meta.app_label != "sessions"
    }


@pytest.mark.parametrize(("model_label", "location", "action"), _every_action())
def test_admin_action_refused_without_its_permission_changes_and_sends_nothing(
    refused_client, model_label, location, action, django_capture_on_commit_callbacks
):
    model = apps.get_model(model_label)
    objects = model._default_manager.order_by("pk")
    if location == ActionLocation.CHANGE_LIST.value:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        data = {"action": action, "_selected_action": [obj.pk for obj in objects]}
    else:
        obj = objects.first()
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        data = {f"{location}-action": action, "_selected_action": [obj.pk]}
    before = _snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        response = refused_client.post(url, data)

    # 403 (may not see the list), else the list again without the action, or "no action".
    assert response.status_code in (200, 302, 403)
    assert "Content-Disposition" not in response
    assert response["Content-Type"].startswith("text/html")
    assert _snapshot() == before
    assert mail.outbox == []


@pytest.mark.parametrize(("model_label", "url_name"), _custom_admin_urls())
def test_custom_admin_page_refused_without_its_permission(
    refused_client, model_label, url_name, django_capture_on_commit_callbacks
):
    obj = apps.get_model(model_label)._default_manager.earliest("pk")
    url = reverse(f"admin:{url_name}", args=[obj.pk])
    before = _snapshot()
    valid_answers = {
        "name": "LoRAINNe",
        "acronym": "LoRAINNe'25",
        "slug": "lorainne25",
        "starts_on": "2025-11-25",
        "password1": "a long enough passphrase",
        "password2": "a long enough passphrase",
    }

    with django_capture_on_commit_callbacks(execute=True):
        responses = [refused_client.get(url), refused_client.post(url, valid_answers)]

    assert [response.status_code for response in responses] == [403, 403]
    assert _snapshot() == before
    assert mail.outbox == []


def test_edition_autocomplete_answers_only_who_may_view_the_speakers(refused_client, open_workshop):
    SpeakerFactory(workshop=open_workshop, name="Nicolas Gillis")
    response = refused_client.get(
        reverse("admin:program_edition_autocomplete"),
        {"app_label": "program", "model_name": "talk", "field_name": "speakers", "term": "Gillis"},
    )

    user = response.wsgi_request.user
    if user.has_perm("program.view_speaker"):
        assert [r["text"] for r in response.json()["results"]] == [
            f"Nicolas Gillis ({open_workshop.acronym})"
        ]
    else:
        assert response.status_code == 403


def test_announcement_send_buttons_refused_without_change_permission(
    refused_client, content, django_capture_on_commit_callbacks
):
    announcement = Announcement.objects.get()
    url = reverse("admin:registration_announcement_change", args=[announcement.pk])
    before = _snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            refused_client.post(url, {"subject": "Coffee", "body": "Hello", button: "1"})
            for button in ("_test", "_send")
        ]

    assert [response.status_code for response in responses] == [403, 403]
    assert _snapshot() == before
    assert mail.outbox == []
