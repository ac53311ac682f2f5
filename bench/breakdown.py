"""Where a cached page's time goes, measured in-process on the bench database.

A cached public page costs the one statement of the current edition (page_cache.read_edition:
its content version and seat counts, the cache key) plus what runs before the page cache middleware and the cache read. This times each part
over many requests and saves a cProfile of the whole request (sorted by cumulative time) beside
the results.
Imported only after `django.setup()`.
"""

import cProfile
import io
import os
import pstats
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lorainne import page_cache
from program.models import Workshop

REPEAT = 200


def _mean_ms(call: Callable[[], object]) -> float:
    call()
    started = time.perf_counter()
    for _ in range(REPEAT):
        call()
    return round((time.perf_counter() - started) / REPEAT * 1000, 3)


def _sql_ms(call: Callable[[], object]) -> float:
    """Milliseconds of the one SQL statement that `call` runs, sent again as raw SQL."""
    with CaptureQueriesContext(connection) as captured:
        call()
    (statement,) = [query["sql"] for query in captured.captured_queries]

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            cursor.fetchall()

    return _mean_ms(run)


def cached_request(path: str, *, profile_to: Path) -> dict:
    """Mean milliseconds of a cached request for `path`; of the content version's lookup in it
    (the call, and its SQL alone: a statement prepared once per connection, run on a plain
    cursor); and, for comparison, of the current workshop's row looked up through the ORM.
    """
    client = Client(HTTP_HOST="127.0.0.1", headers={"X-Forwarded-Proto": "https"})
    client.get(path)  # into the cache

    def version_lookup() -> page_cache.Edition | None:
        return page_cache.read_edition()

    def plain_lookup() -> Workshop | None:
        return Workshop.objects.current()

    figures = {
        "path": path,
        "request_ms": _mean_ms(lambda: client.get(path)),
        "content_version_ms": _mean_ms(version_lookup),
        "content_version_sql_ms": _sql_ms(version_lookup),
        "plain_workshop_row_ms": _mean_ms(plain_lookup),
        "plain_workshop_row_sql_ms": _sql_ms(plain_lookup),
    }
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(REPEAT):
        client.get(path)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
    profile_to.write_text(text.getvalue())
    figures["profile"] = os.path.relpath(profile_to)
    return figures
