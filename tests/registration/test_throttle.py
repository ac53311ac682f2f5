"""Per-client limits (registration attempts, admin login lockouts) count the client's address:
the peer's, or the one our own proxy saw; never one a client writes in X-Forwarded-For."""

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory

from registration.throttle import client_ip

pytestmark = pytest.mark.django_db

PROXY = "172.30.80.10"  # Caddy's address in docker-compose.yml
LOGIN = "/admin/login/?next=/admin/"


def _forged(number: int) -> str:
    return f"198.51.100.{number}"


def _registration_statuses(client: Client, form_data: dict, forwarded_for) -> list[int]:
    return [
        client.post(
            "/register/",
            form_data | {"email": f"person-{number}@example.org"},
            HTTP_X_FORWARDED_FOR=forwarded_for(number),
        ).status_code
        for number in range(20)
    ]


def test_registration_limit_counts_forged_forwarded_addresses_as_one_client(
    open_workshop, form_data, settings
):
    settings.REGISTRATION_RATE_LIMIT = 5
    settings.TRUSTED_PROXIES = [PROXY]
    client = Client(REMOTE_ADDR="203.0.113.7")  # reaches gunicorn without the proxy

    statuses = _registration_statuses(client, form_data, _forged)

    assert statuses == [302] * 5 + [429] * 15


def test_registration_limit_counts_apart_the_clients_the_proxy_saw(
    open_workshop, form_data, settings
):
    settings.REGISTRATION_RATE_LIMIT = 5
    settings.TRUSTED_PROXIES = [PROXY]
    proxy = Client(REMOTE_ADDR=PROXY)

    statuses = _registration_statuses(proxy, form_data, _forged)

    assert statuses == [302] * 20


def test_registration_limit_reads_past_a_client_written_hop_to_the_one_the_proxy_wrote(
    open_workshop, form_data, settings
):
    settings.REGISTRATION_RATE_LIMIT = 5
    settings.TRUSTED_PROXIES = ["172.30.80.0/24"]
    proxy = Client(REMOTE_ADDR=PROXY)

    # A proxy that appends keeps what the client wrote on the left; the real client is last.
    statuses = _registration_statuses(proxy, form_data, lambda n: f"{_forged(n)}, 203.0.113.7")

    assert statuses == [302] * 5 + [429] * 15


def _failed_logins(client: Client, forwarded_for) -> list[int]:
    return [
        client.post(
            LOGIN,
            {"username": "admin", "password": "wrong password"},
            HTTP_X_FORWARDED_FOR=forwarded_for(number),
        ).status_code
        for number in range(20)
    ]


def test_admin_lockout_counts_forged_forwarded_addresses_as_one_client(admin_user, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    client = Client(REMOTE_ADDR="203.0.113.7")

    statuses = _failed_logins(client, _forged)
    right_password = client.post(
        LOGIN, {"username": "admin", "password": "password"}, HTTP_X_FORWARDED_FOR=_forged(99)
    )

    assert settings.AXES_FAILURE_LIMIT == 5
    assert statuses == [200] * 4 + [429] * 16  # the login form again, then the lockout page
    assert right_password.status_code == 429
    assert "Too many failed login attempts" in right_password.content.decode()
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]


def test_admin_lockout_counts_apart_the_clients_the_proxy_saw(admin_user, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    proxy = Client(REMOTE_ADDR=PROXY)

    statuses = _failed_logins(proxy, _forged)
    right_password = proxy.post(
        LOGIN, {"username": "admin", "password": "password"}, HTTP_X_FORWARDED_FOR=_forged(0)
    )

    assert statuses == [200] * 20
    assert right_password.status_code == 302
    assert right_password["Location"] == "/admin/"


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "expected"),
    [
        ("203.0.113.7", "", "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),  # not from a proxy: ignored
        (PROXY, "198.51.100.1", "198.51.100.1"),
        (PROXY, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the nearest hop not ours
        (PROXY, "203.0.113.7, 172.30.80.11", "203.0.113.7"),  # past a second proxy of ours
        (PROXY, "", PROXY),  # the proxy's own request
        (PROXY, "not-an-address", PROXY),  # what no proxy writes: the last address believed
        (PROXY, "2001:db8::7", "2001:db8::7"),
        ("", "198.51.100.1", None),  # no peer (a test client, a UNIX socket)
    ],
)
def test_client_ip_believes_forwarded_addresses_from_trusted_proxies_only(
    settings, peer, forwarded_for, expected
):
    settings.TRUSTED_PROXIES = [PROXY, "172.30.80.11"]
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_ip(request) == expected
