"""A per-client limit on registration attempts, and a per-address limit on the emails they
cause, counted in the cache (shared across processes when CACHE_URL points at the database or
Redis); the client and the username the admin's login lockouts (django-axes) count."""

import functools
import hashlib
import ipaddress

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

WINDOW_SECONDS = 3600


def is_trusted_proxy(address: str | None) -> bool:
    """Whether `address` is one of our own proxies (settings.TRUSTED_PROXIES, addresses or
    networks): only they may tell the client's address and scheme in X-Forwarded-* headers."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


@functools.cache
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """The proxies' networks, parsed once (every request asks, some twice)."""
    return tuple(ipaddress.ip_network(proxy) for proxy in proxies)


def client_ip(request) -> str | None:
    """The client's address (None if unknown): the peer's, unless the peer is a trusted proxy;
    then the address that proxy saw, read from the right of X-Forwarded-For past any other
    trusted proxy. Anyone can send X-Forwarded-For; only what our own proxies wrote counts.

    Also django-axes' AXES_CLIENT_IP_CALLABLE, so admin lockouts count the same addresses.
    """
    address = request.META.get("REMOTE_ADDR") or None
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    while forwarded and is_trusted_proxy(address):
        hop = forwarded.pop()
        try:
            ipaddress.ip_address(hop)
        except ValueError:  # not an address a proxy writes: keep the last one that was
            break
        address = hop
    return address


def login_username(request, credentials: dict | None = None) -> str | None:
    """The username a login lockout counts (settings.AXES_USERNAME_CALLABLE): the one tried, as
    django-axes reads it, cut to the longest an account can have. Past that it names no account,
    and axes would write it whole into a 255-character column, which PostgreSQL refuses (a 500
    instead of "Please enter the correct username and password")."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(username, str):
        return username
    User = get_user_model()
    return username[: User._meta.get_field(User.USERNAME_FIELD).max_length]


def count_this_hour(key: str) -> int:
    """Count one more under `key`; how many so far in the current window."""
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def allow_attempt(request, *, prefix: str) -> bool:
    """Count one POST of a public form for this client, under the form's own `prefix` (the
    registration's, the call for contributions'); False once over the hourly limit."""
    key = f"{prefix}:{client_ip(request) or 'unknown'}"
    return count_this_hour(key) <= settings.REGISTRATION_RATE_LIMIT


# Emails a public form makes the site send to one address: the first registration's, then the
# personal link again for each re-post. Whoever posts, the address gets at most this many an hour.
EMAILS_PER_ADDRESS = 3


def allow_email_to(address: str, *, prefix: str = "emails-to") -> bool:
    """Count one email to `address` (compared case-insensitively); False once over the hourly
    limit. The key is a digest: the cache holds no address. Another public form (the call for
    contributions) counts its own emails under its own `prefix`."""
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()
    return count_this_hour(f"{prefix}:{digest}") <= EMAILS_PER_ADDRESS
