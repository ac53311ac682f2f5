"""A per-client limit on registration attempts, counted in the cache (shared across processes
when CACHE_URL points at the database or Redis)."""

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600


def client_ip(request) -> str | None:
    """The client's address: the peer's, or the one the trusted proxies saw (None if unknown).

    Also django-axes' AXES_CLIENT_IP_CALLABLE, so admin lockouts count the same addresses.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


def allow_registration_attempt(request) -> bool:
    """Count one registration POST for this client; False once over the hourly limit."""
    key = f"register-attempts:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        attempts = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        attempts = 1
    return attempts <= settings.REGISTRATION_RATE_LIMIT
