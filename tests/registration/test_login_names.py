"""An admin login with a username no account can have (past Django's 150 characters) is an
ordinary failed login: the lockout library records it, cut to that length, instead of failing
on its 255-character column (PostgreSQL refuses a longer value: a 500)."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
LONG_NAME = "a" * 300


@pytest.mark.postgres
def test_login_with_a_username_past_255_characters_is_a_failed_login_on_postgresql(settings):
    _a_failed_login_with_a_long_name_is_counted_cut_short(settings)


def test_login_with_a_username_past_255_characters_is_a_failed_login(settings):
    _a_failed_login_with_a_long_name_is_counted_cut_short(settings)


def _a_failed_login_with_a_long_name_is_counted_cut_short(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client = Client(REMOTE_ADDR="203.0.113.7")

    response = client.post(LOGIN, {"username": LONG_NAME, "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
    [attempt] = AccessAttempt.objects.all()
    assert attempt.username == "a" * 150


def test_login_of_a_real_organizer_still_works(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_superuser("orga", "orga@example.org", "a long pass phrase")
    client = Client(REMOTE_ADDR="203.0.113.7")

    response = client.post(LOGIN, {"username": "orga", "password": "a long pass phrase"})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
