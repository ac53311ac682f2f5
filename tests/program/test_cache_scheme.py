"""The page cache keys on the scheme and host (lorainne/page_cache.py): a page stored for an
https visitor, with https links, is never served to a plain-http one, even with the redirect to
HTTPS off."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PROXY = "172.30.80.10"
HOST = {"HTTP_HOST": "testserver"}  # as the proxy passes it on: no port
PAGES = ["/", "/program.json", "/program/calendar.ics", "/lorainne24/program/calendar.ics"]


@pytest.fixture
def behind_the_proxy(settings, seeded):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.SECURE_SSL_REDIRECT = False


@pytest.mark.parametrize("path", PAGES)
def test_a_page_stored_for_https_is_not_served_to_plain_http(behind_the_proxy, path):
    https = Client(REMOTE_ADDR=PROXY).get(path, HTTP_X_FORWARDED_PROTO="https", **HOST)
    assert https.status_code == 200
    assert b"https://testserver/lorainne24/" in https.content

    plain = Client(REMOTE_ADDR=PROXY).get(path, HTTP_X_FORWARDED_PROTO="http", **HOST)
    direct = Client(REMOTE_ADDR="203.0.113.7").get(path, **HOST)

    for response in (plain, direct):
        assert response.status_code == 200
        assert b"http://testserver/lorainne24/" in response.content
        assert b"https://testserver" not in response.content


@pytest.mark.parametrize("path", PAGES)
def test_a_forged_forwarded_proto_stores_no_https_page(behind_the_proxy, path):
    forged = Client(REMOTE_ADDR="203.0.113.66").get(path, HTTP_X_FORWARDED_PROTO="https", **HOST)
    plain = Client(REMOTE_ADDR="203.0.113.7").get(path, **HOST)

    assert b"https://testserver" not in forged.content
    assert b"https://testserver" not in plain.content


def test_pages_for_two_hosts_are_stored_apart(behind_the_proxy, settings):
    settings.ALLOWED_HOSTS = ["testserver", "lorainne.example.org"]

    first = Client().get("/program.json", HTTP_HOST="lorainne.example.org")
    second = Client().get("/program.json")

    assert b"http://lorainne.example.org/lorainne24/" in first.content
    assert b"lorainne.example.org" not in second.content
