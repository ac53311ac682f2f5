"""X-Forwarded-Proto counts only from the trusted proxies (lorainne/proxy.py): a client that
reaches gunicorn directly cannot claim https."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PROXY = "172.30.80.10"


@pytest.fixture
def https_only(settings, seeded):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600


def test_forwarded_proto_from_a_client_that_is_not_the_proxy_is_ignored(https_only):
    client = Client(REMOTE_ADDR="203.0.113.7")

    response = client.get("/program/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/program/"


def test_forwarded_proto_from_the_proxy_is_believed(https_only):
    proxy = Client(REMOTE_ADDR=PROXY)

    response = proxy.get("/program/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=3600"


def test_plain_http_through_the_proxy_is_redirected(https_only):
    proxy = Client(REMOTE_ADDR=PROXY)

    response = proxy.get("/program/", HTTP_X_FORWARDED_PROTO="http")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/program/"
