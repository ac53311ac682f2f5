"""The public pages' cache.

A page is stored under a key made of the content version of the current workshop, the host and
the path. The content version is read from the database on every request, in one small query of
the workshop row. Database triggers raise it in the same transaction as any change to the
workshop or its content, from the admin or anywhere else (triggers.py), so the next request, in
any process, renders afresh.

PublicPageCacheMiddleware answers from the cache before sessions, CSRF, authentication, messages
and routing run: a cached page costs that one query. The views (CachedPageMixin) store what they
render.
"""

import functools
import hashlib
import weakref

from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.template.response import SimpleTemplateResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from .models import Workshop

TIMEOUT_SECONDS = 600
CACHE_ALIAS = "pages"  # settings.CACHES


def _cache():
    return caches[CACHE_ALIAS]


@functools.cache
def _version_sql() -> str:
    """The current workshop (Workshop.objects.current()) and its version, as SQL without
    parameters: triggers raise content_version on every change to it or its content."""
    rows = Workshop.objects.latest_first().values_list("id", "content_version", "updated_at")
    sql, params = rows[:1].query.sql_with_params()
    assert not params, params
    return sql


# PostgreSQL connections on which the version statement is prepared (planning it each time cost
# as much as running it). A new connection is not in the set, and prepares it again.
_prepared_on = weakref.WeakSet()
PREPARED_NAME = "lorainne_content_version"


def content_version(request) -> tuple | None:
    """The current workshop's content version (None without a workshop), once per request.

    A plain cursor, no model: this runs before every cached page and is most of its cost.
    """
    if not hasattr(request, "_content_version"):
        connection.ensure_connection()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                if connection.connection not in _prepared_on:
                    cursor.execute(f"PREPARE {PREPARED_NAME} AS {_version_sql()}")
                    _prepared_on.add(connection.connection)
                cursor.execute(f"EXECUTE {PREPARED_NAME}")
            else:
                cursor.execute(_version_sql())
            row = cursor.fetchone()
        request._content_version = tuple(map(str, row)) if row else None
    return request._content_version


def current_workshop(request) -> Workshop | None:
    """The current workshop, from the cache when this content version's row is there.

    Exact: any change to the workshop row raises its content version, so a stored row is the
    row as it is in the database (the version query runs on this request anyway).
    """
    version = content_version(request)
    if version is None:
        return None
    key = "workshop:" + hashlib.sha256(repr(version).encode()).hexdigest()
    workshop = _cache().get(key)
    if workshop is None:
        workshop = Workshop.objects.filter(pk=version[0]).first()
        if workshop is not None:
            _cache().set(key, workshop, timeout=TIMEOUT_SECONDS)
    return workshop


def page_key(request, parts: tuple) -> str:
    identity = (content_version(request), request.get_host(), request.get_full_path(), *parts)
    return "page:" + hashlib.sha256(repr(identity).encode()).hexdigest()


def store(response, key: str) -> None:
    """Keep a successful, cookie-free response under `key` (once rendered, for templates)."""
    if response.status_code != 200 or response.cookies:
        return
    save = functools.partial(_cache().set, key, timeout=TIMEOUT_SECONDS)
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.add_post_render_callback(save)
    else:
        save(response)


def cached_response(request, key: str):
    """The stored page, or 304 when the client's copy is current; None if nothing is stored."""
    cached = _cache().get(key)
    if cached is None:
        return None
    last_modified = parse_http_date_safe(cached.get("Last-Modified") or "")
    return get_conditional_response(
        request, etag=cached.get("ETag"), last_modified=last_modified, response=cached
    )


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.from_cache(request) or self.get_response(request)

    def from_cache(self, request):
        if request.method not in ("GET", "HEAD"):
            return None
        try:
            match = resolve(request.path_info)
            request.get_host()
        except (Resolver404, DisallowedHost):
            return None  # the ordinary stack answers (404, redirect, 400)
        view_class = getattr(match.func, "view_class", None)
        page_cache_parts = getattr(view_class, "page_cache_parts", None)
        if page_cache_parts is None or content_version(request) is None:
            return None
        return cached_response(request, page_key(request, page_cache_parts(request)))
