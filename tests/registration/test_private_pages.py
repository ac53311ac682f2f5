"""Personal pages (a registration's, the answers someone typed, the desk's lists) are kept by no
browser or shared cache: Cache-Control: private, no-store, on every answer, GET and POST."""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver

from registration import services, urls

from ..factories import paris_time

pytestmark = pytest.mark.django_db

# The registration pages that are the same for everyone (the page cache may keep them), and the
# verification of a certificate (the same for everyone too, but counted per client address, so
# never answered from a cache: test_certificates.py checks its no-store).
PUBLIC = {"privacy", "participant-list", "certificate"}


def _names(patterns) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            names.add(pattern.name)
    return names


def _requests(registration) -> dict[str, list[tuple[str, str, dict]]]:
    """For each personal page's URL name, the requests a person (or an organizer) makes to it."""
    token = registration.token
    tick = {"registration": str(registration.pk), "day": "2024-11-26", "q": "Lef"}
    return {
        "register": [("get", "/register/", {}), ("post", "/lorainne24/register/", {})],
        "submitted": [("get", "/register/submitted/", {})],
        "manage": [("get", f"/registration/{token}/", {})],
        "cancel": [("get", f"/registration/{token}/cancel/", {})],
        "confirm": [
            ("get", f"/registration/{token}/confirm/", {}),
            ("post", f"/registration/{token}/confirm/", {}),
        ],
        "change": [("post", f"/registration/{token}/change/", {"days": ["nope"]})],
        "rejoin": [("post", f"/registration/{token}/rejoin/", {})],
        "desk": [("get", "/desk/?q=lef", {}), ("get", "/lorainne24/desk/", {})],
        "desk-check-in": [("post", "/desk/check-in/", tick)],
        "desk-undo": [("post", "/desk/undo/", tick)],
        "desk-walk-in": [("get", "/desk/walk-in/", {}), ("post", "/desk/walk-in/", {})],
        # Before the edition's last day: back to the personal page, saying from when.
        "certificate-download": [("get", f"/registration/{token}/certificate/", {})],
    }


def test_every_personal_page_is_private_and_never_stored(
    admin_client, open_workshop, register_data, clock
):
    andre = services.register(open_workshop, **register_data)
    clock.move_to(paris_time(dt.date(2024, 11, 26), 8, 45))
    personal = _requests(andre)
    assert _names(urls.urlpatterns) - PUBLIC == set(personal), "a page is missing from the list"

    for name, requests in personal.items():
        for method, path, data in requests:
            response = getattr(admin_client, method)(path, data)
            assert response.status_code in (200, 302), (name, method, path)
            cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
            assert {"private", "no-store"} <= cache_control, (name, method, path)

    # Last, as it cancels: the cancellation itself.
    response = admin_client.post(f"/registration/{andre.token}/cancel/")
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


def test_public_registration_pages_stay_cacheable(client, open_workshop):
    for path in ("/privacy/", "/participants/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "")
