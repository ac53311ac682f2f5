"""The public pages' cache.

A page is stored under a key made of the content version of the current workshop, the host and
the path. The content version is read from the database on every request, in one small query:
per kind of content, its newest edit and its number of rows (so deletions count too). Any edit,
from the admin or anywhere else, changes it, so the next request, in any process, renders afresh.

PublicPageCacheMiddleware answers from the cache before sessions, CSRF, authentication, messages
and routing run: a cached page costs that one query. The views (CachedPageMixin) store what they
render.
"""

import functools
import hashlib
import weakref

from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.template.response import SimpleTemplateResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from .models import Organizer, Poster, Session, Speaker, Talk, Workshop

TIMEOUT_SECONDS = 600


@functools.cache
def _version_sql() -> str:
    columns = ["w.id", "w.updated_at", "w.sequence"]
    for model in (Talk, Session, Speaker, Poster, Organizer):
        table = model._meta.db_table
        if any(field.name == "updated_at" for field in model._meta.fields):
            columns.append(f'(SELECT MAX(updated_at) FROM "{table}" WHERE workshop_id = w.id)')
        columns.append(f'(SELECT COUNT(*) FROM "{table}" WHERE workshop_id = w.id)')
    # The same workshop as Workshop.objects.current().
    return (
        f'SELECT {", ".join(columns)} FROM "{Workshop._meta.db_table}" w '
        "ORDER BY w.starts_on DESC, w.id DESC LIMIT 1"
    )


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


def page_key(request, parts: tuple) -> str:
    identity = (content_version(request), request.get_host(), request.get_full_path(), *parts)
    return "page:" + hashlib.sha256(repr(identity).encode()).hexdigest()


def store(response, key: str) -> None:
    """Keep a successful, cookie-free response under `key` (once rendered, for templates)."""
    if response.status_code != 200 or response.cookies:
        return
    save = functools.partial(cache.set, key, timeout=TIMEOUT_SECONDS)
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.add_post_render_callback(save)
    else:
        save(response)


def cached_response(request, key: str):
    """The stored page, or 304 when the client's copy is current; None if nothing is stored."""
    cached = cache.get(key)
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
