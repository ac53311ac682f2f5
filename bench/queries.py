"""SQL queries per public page, counted in-process with Django's test client on the bench database.

Cold: the page cache cleared, the page rendered. Cached: the same request again, served from the
page cache. Each page is requested once before, so that Django's own one-time lookups are not
counted. Imported only after `django.setup()`.
"""

import time

from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

PAGES = ["/", "/program/", "/speakers/", "/posters/", "TALK", "/program/calendar.ics"]


def count(talk_path: str) -> dict[str, dict]:
    """Queries of each page of the current workshop, cold and cached; the cold render's time and
    the page's size."""
    client = Client(HTTP_HOST="127.0.0.1", headers={"X-Forwarded-Proto": "https"})
    counts = {}
    for page in PAGES:
        path = talk_path if page == "TALK" else page
        client.get(path)
        caches["pages"].clear()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as cold:
            response = client.get(path)
        cold_ms = (time.perf_counter() - started) * 1000
        with CaptureQueriesContext(connection) as cached:
            again = client.get(path)
        if response.status_code != 200 or again.content != response.content:
            raise RuntimeError(f"{path} answered {response.status_code} or changed when cached")
        counts[page] = {
            "path": path,
            "cold": len(cold),
            "cached": len(cached),
            "cold_ms": round(cold_ms, 1),
            "bytes": len(response.content),
        }
    return counts
