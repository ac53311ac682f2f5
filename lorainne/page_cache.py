"""The workshop of each request, and the public pages' cache.

One statement per request tells which workshop the request is about (the edition its address
names, /<edition>/…, or else the current one: the published edition that starts last), its
content version, how many people hold a seat or wait for one, and when its call for contributions
opens and closes. Database triggers raise the content version in the same
transaction as any change to the workshop or its content, from the admin or anywhere else
(program/triggers.py), so the next request, in any process, sees it.

PublicPageCacheMiddleware runs before sessions, CSRF, authentication, messages and routing. It
hangs the workshop on the request (`request.workshop`, lazy, as `request.user` is), answers public
pages (views with `public_page = True`) from the cache, and stores what they render. A page's key
holds the content version, the registration status (seats left, open or closed at this instant),
whether the call for contributions is open at this instant (the menu and home page link to it),
whether the workshop is over (its pages say so), during the workshop the latest slot start or
end (what is on now and next changes there), the visitor's language (the one LocaleMiddleware,
further down, will choose: program.languages.language_of), the scheme, host and path: a cached page costs that one statement.

The project, not an app, holds this: it reads both the program and the registrations.
"""

import dataclasses
import datetime as dt
import functools
import hashlib
import weakref

from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import connection, models
from django.db.models.functions import Coalesce
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.http import parse_http_date_safe

from program.languages import language_of
from program.models import Session, Workshop
from program.now_next import boundaries, last_boundary
from registration.models import Registration, takes_seat, waits_in_line
from registration.services import registration_status_from_counts

TIMEOUT_SECONDS = 600
CACHE_ALIAS = "pages"  # settings.CACHES


def _cache():
    return caches[CACHE_ALIAS]


@dataclasses.dataclass(frozen=True)
class Edition:
    """What the one statement tells of the workshop the site shows."""

    pk: int
    content_version: int
    published: bool
    seats_taken: int
    waiting: int
    # The last change to any edition: pages show the others too (past editions, the next one).
    site_changed_at: object
    # The edition's call for contributions (None without one): its pages link to it while open.
    call_opens_at: object
    call_closes_at: object


def _count(who: models.Q):
    registrations = (
        Registration.objects.filter(who, workshop=models.OuterRef("pk"))
        .order_by()
        .values("workshop")
        .annotate(count=models.Count("pk"))
        .values("count")
    )
    return Coalesce(models.Subquery(registrations), 0)


# Stands for the slug in the compiled statement; no real slug holds a NUL.
SLUG = "\x00slug"
# Stands for the clock in the compiled statement, given at each run.
CLOCK = "\x00clock"


class _Clock(models.Expression):
    """The statement's `now`: a parameter (CLOCK), so that held seats are counted by the clock
    the services count them by (Python's, timezone.now(), which a test's frozen clock moves),
    not the database's."""

    output_field = models.DateTimeField()

    def as_sql(self, compiler, connection):
        return "%s", [CLOCK]


def _clock_value():
    """The current time as the database compares it with a datetime column."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


@functools.cache
def _edition_sql(*, by_slug: bool) -> tuple[str, tuple]:
    """The current workshop (Workshop.objects.current()), or the one of a slug (its parameter
    last), with its counts, as SQL and params."""
    workshops = Workshop.objects.filter(slug=SLUG) if by_slug else Workshop.objects.published()
    last_change = Workshop.objects.order_by("-content_changed_at").values("content_changed_at")
    # Read in the order written: a cursor takes the columns by position, and the workshop's
    # manager (django-modeltranslation's) would otherwise reorder them (a set of names).
    rows = (
        workshops.rewrite(False)
        .annotate(
            # A hold stops taking its seat the moment it expires: by the clock of each run.
            seats_taken=_count(takes_seat(_Clock())),
            waiting=_count(waits_in_line()),
            site_changed_at=models.Subquery(last_change[:1]),
            # One join, the call being the edition's one-to-one (NULL without one): two
            # subqueries here doubled the statement's time.
            call_opens_at=models.F("call__opens_at"),
            call_closes_at=models.F("call__closes_at"),
        )
        .values_list(
            "id",
            "content_version",
            "published",
            "seats_taken",
            "waiting",
            "site_changed_at",
            "call_opens_at",
            "call_closes_at",
        )
    )
    return rows[:1].query.sql_with_params()


# PostgreSQL connections on which the current edition's statement is prepared (planning it each
# time cost as much as running it). A new connection is not in the set, and prepares it again.
_prepared_on = weakref.WeakSet()
PREPARED_NAME = "lorainne_current_edition"


def read_edition(slug: str | None = None) -> Edition | None:
    """The version and seat counts of the edition of `slug`, or of the current one (None without
    one): one statement.

    A plain cursor, no model: this runs before every cached page and is most of its cost.
    """
    connection.ensure_connection()
    now = _clock_value()
    with connection.cursor() as cursor:
        if slug is not None:
            sql, params = _edition_sql(by_slug=True)
            given = {SLUG: slug, CLOCK: now}
            cursor.execute(sql, [given.get(param, param) for param in params])
        elif connection.vendor == "postgresql":
            if connection.connection not in _prepared_on:
                from psycopg2.extensions import AsIs  # the driver of PostgreSQL only

                sql, params = _edition_sql(by_slug=False)
                # Constants written in; the clock stays the prepared statement's parameter.
                params = [AsIs("$1") if param == CLOCK else param for param in params]
                statement = cursor.mogrify(sql, params).decode()
                cursor.execute(f"PREPARE {PREPARED_NAME}(timestamptz) AS {statement}")
                _prepared_on.add(connection.connection)
            cursor.execute(f"EXECUTE {PREPARED_NAME}(%s)", [now])
        else:
            sql, params = _edition_sql(by_slug=False)
            cursor.execute(sql, [now if param == CLOCK else param for param in params])
        row = cursor.fetchone()
    return Edition(*row) if row else None


@functools.cache
def _workshop_sql() -> str:
    """The workshop row by its primary key (the one parameter), compiled once: each page the
    cache does not hold reads the row, and compiling the query cost more than running it."""
    sql, _ = Workshop.objects.filter(pk=0).order_by().query.sql_with_params()
    return sql


def workshop_of(edition: Edition | None) -> Workshop | None:
    """The workshop row, from the cache when this content version's row is there.

    Exact: any change to the workshop row raises its content version.
    """
    if edition is None:
        return None
    key = f"workshop:{edition.pk}:{edition.content_version}"
    workshop = _cache().get(key)
    if workshop is None:
        workshop = next(iter(Workshop.objects.raw(_workshop_sql(), [edition.pk])), None)
        if workshop is not None:
            _cache().set(key, workshop, timeout=TIMEOUT_SECONDS)
    return workshop


def slot_boundaries_of(edition: Edition) -> list:
    """Every start and end of the edition's slots, sorted, from the cache when this content
    version's are there (exact, as for the workshop row: any change to a slot raises it)."""
    key = f"slot-boundaries:{edition.pk}:{edition.content_version}"
    bounds = _cache().get(key)
    if bounds is None:
        slots = Session.objects.filter(workshop_id=edition.pk).values_list("starts_at", "ends_at")
        bounds = boundaries(slots)
        _cache().set(key, bounds, timeout=TIMEOUT_SECONDS)
    return bounds


def _utc(value) -> dt.datetime:
    """A datetime column as the plain cursor gives it: aware from PostgreSQL, naive UTC (or
    its text) from SQLite."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


class RequestEdition:
    """The workshop of one request, read at most once: the edition its address names, or else
    the current one."""

    def __init__(self, slug: str | None = None):
        self.slug = slug

    @cached_property
    def edition(self) -> Edition | None:
        return read_edition(self.slug)

    @cached_property
    def workshop(self) -> Workshop | None:
        return workshop_of(self.edition)

    @cached_property
    def registration_status(self):
        """Where registration stands, from the counts read with the edition (no query): what
        the page's key holds, and what the page shows (the home page's registration line)."""
        if self.workshop is None:
            return None
        return registration_status_from_counts(
            self.workshop, seats_taken=self.edition.seats_taken, waiting=self.edition.waiting
        )

    @cached_property
    def call_is_open(self) -> bool:
        """Whether the edition's call for contributions takes submissions at this instant, from
        its instants read with the edition (no query): what the page's key holds, and what the
        menu shows (contributions/templatetags/calls.py)."""
        edition = self.edition
        if edition is None or edition.call_opens_at is None:
            return False
        opens_at, closes_at = (
            _utc(value) for value in (edition.call_opens_at, edition.call_closes_at)
        )
        return opens_at <= timezone.now() < closes_at

    @cached_property
    def current_workshop(self) -> Workshop | None:
        """The current edition (the published one that starts last), which a past edition's
        pages link to: this request's own at a short address, else one more statement (the row
        from the cache). A change to any edition changes every page's key (site_changed_at)."""
        if self.slug is None:
            return self.workshop
        return workshop_of(read_edition())

    def page_key(self, request) -> str | None:
        """The cache key of the public page `request` asks for (None: not a cached page, such as
        a draft's, which only organizers see)."""
        if self.workshop is None or not self.edition.published:
            return None
        identity = (
            self.edition,  # its repr: every field (astuple deep-copied them, each request)
            self.registration_status.state,
            # A page cached before the call opened (or closed) has no link to it (or has one).
            self.call_is_open,
            # A page cached before the workshop ended is not served after it: it says it is over.
            self.workshop.is_over,
            self.timetable_moment(),
            language_of(request),
            request.scheme,
            request.get_host(),
            request.get_full_path(),
        )
        return "page:" + hashlib.sha256(repr(identity).encode()).hexdigest()

    def timetable_moment(self):
        """During the workshop, the latest slot start or end so far: what is on now and next
        (program/now_next.py) changes only there. None outside the workshop's days, without
        reading the slots."""
        now = timezone.now()
        if not self.workshop.starts_at <= now < self.workshop.ends_at:
            return None
        return last_boundary(slot_boundaries_of(self.edition), now)


def cached_response(request, key: str):
    """The stored page, or 304 when the client's copy is current; None if nothing is stored."""
    cached = _cache().get(key)
    if cached is None:
        return None
    last_modified = parse_http_date_safe(cached.get("Last-Modified") or "")
    return get_conditional_response(
        request, etag=cached.get("ETag"), last_modified=last_modified, response=cached
    )


def _resolve(request):
    """The view the address leads to (None: the ordinary stack answers: 404, redirect, 400)."""
    try:
        request.get_host()
        return resolve(request.path_info)
    except (Resolver404, DisallowedHost):
        return None


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = _resolve(request)
        current = RequestEdition(match.kwargs.get("edition") if match else None)
        request.workshop = SimpleLazyObject(lambda: current.workshop)
        # Its registration status, from the same counts (registration/templatetags/seats.py).
        request.edition = current
        # Views with `public_page = True` show the same to every visitor. The key is taken before
        # the view runs: a change made meanwhile gives a newer key.
        public = match and getattr(getattr(match.func, "view_class", None), "public_page", False)
        key = current.page_key(request) if public and request.method in ("GET", "HEAD") else None
        if key is not None and (cached := cached_response(request, key)) is not None:
            return cached
        response = self.get_response(request)
        if key is not None:
            # The language comes from the cookie, else Accept-Language: a shared cache must not
            # give one visitor's language to another.
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        if key is not None and response.status_code == 200 and not response.cookies:
            _cache().set(key, response, timeout=TIMEOUT_SECONDS)
        return response
