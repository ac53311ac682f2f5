"""How fast the committee's pages answer with 300 submissions: `python -m bench.review`.

On a PostgreSQL database of its own (lorainne_bench_review on 127.0.0.1:5432, user postgres,
created afresh and dropped at the end, also on failure), builds a published edition with a call
(the default two criteria and a third), 10 reviewers (the "reviewer" group) and an organizer (the
"organizer" group), then confirmed submissions with 2–4 authors each, each reviewed by 3 of the
reviewers with a score on every criterion. It times, through Django's test client as the logged-in
account (middleware, session, template: as `bench.check_in` times the desk page):

- the reviewer's list, GET /review/ (every confirmed submission: the call's default);
- the organizers' admin list of submissions, GET /admin/contributions/submission/ (100 a page,
  with the review count, the mean score, the presenting author and the duplicate flag), and the
  same list sorted by mean score (?o=6: the subqueries then run for every row, not only the 100
  shown).

Each page's time is the wall-clock time of the request (p50, p90, p99, max), and the median of
this process's CPU time per request (Python: middleware, view, template; not PostgreSQL's): on
a machine shared with other work, the CPU time moves much less than the wall-clock time.

The SQL queries of each page are counted (CaptureQueriesContext) with 30 submissions and again
with 300: they must be the same. Prints p50, p90, p99 and max for each page with 300 submissions.
Target: under 150 ms at p99 for each page, and no query more with 300. Exits non-zero otherwise.
"""

import argparse
import datetime as dt
import gc
import random
import statistics
import sys
import time

from bench import database

DATABASE = "lorainne_bench_review"
SUBMISSIONS = 300
FEW = 30
REVIEWERS = 10
REVIEWS_EACH = 3
REQUESTS = 200
TARGET_P99_MS = 150.0

NAMES = [
    "André Lefèvre",
    "Élodie Dupont-Marchal",
    "Zoë Müller",
    "Łukasz Brzęczyszczykiewicz",
    "Мария Иштева",
    "Søren Ødegård",
    "Nguyễn Thị Lan",
    "Yassine Zniyed",
    "Francesco Tudisco",
    "Ann Lee",
    "Yang Qi",
    "Mark Sandler",
]
AFFILIATIONS = ["Université de Lorraine", "Université de Toulon", "GSSI", "KU Leuven", ""]


def build():
    """The edition, its call and three criteria, the reviewers and an organizer."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from contributions.models import Call, Criterion
    from contributions.services.calls import add_default_criteria
    from tests.factories import WorkshopFactory

    call_command("migrate", verbosity=0)
    workshop = WorkshopFactory(starts_on=timezone.localdate() + dt.timedelta(days=60))
    Call.objects.create(
        workshop=workshop,
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() + dt.timedelta(days=10),
    )
    add_default_criteria(workshop)
    Criterion.objects.create(workshop=workshop, name="Originality", position=2)
    users = get_user_model().objects
    reviewers = []
    for number in range(REVIEWERS):
        reviewer = users.create_user(
            f"reviewer{number}",
            email=f"reviewer{number}@committee.example.org",
            first_name="Reviewer",
            last_name=f"Number {number}",
            is_staff=True,
        )
        reviewer.groups.add(Group.objects.get(name="reviewer"))
        reviewers.append(reviewer)
    organizer = users.create_user("organizer", is_staff=True)
    organizer.groups.add(Group.objects.get(name="organizer"))
    return workshop, reviewers, organizer


def add_submissions(workshop, reviewers, first: int, count: int, rng: random.Random) -> None:
    """`count` confirmed submissions numbered from `first`, in bulk: 2–4 authors each (the first
    presenting), 3 reviews each by reviewers taken in turn, a score on every criterion."""
    from django.db import connection
    from django.utils import timezone

    from contributions.models import Author, Criterion, Kind, Review, Score, Submission

    now = timezone.now()
    submissions = Submission.objects.bulk_create(
        Submission(
            workshop=workshop,
            kind=rng.choice([Kind.POSTER, Kind.TALK]),
            title=f"Low-rank tensor trains for $\\mathbb{{R}}^{{n}}$, part {number}",
            abstract="We compress the layers of a network with low-rank tensor trains. " * 20,
            email=f"author{number}@example.org",
            address_confirmed_at=now,
        )
        for number in range(first, first + count)
    )
    Author.objects.bulk_create(
        Author(
            submission=submission,
            position=position,
            name=rng.choice(NAMES),
            affiliation=rng.choice(AFFILIATIONS),
            presenting=position == 0,
        )
        for submission in submissions
        for position in range(rng.randint(2, 4))
    )
    reviews = Review.objects.bulk_create(
        Review(
            submission=submission,
            reviewer=reviewers[(first + index + turn) % len(reviewers)],
            comment="Clear and relevant; the experiments could be larger.",
        )
        for index, submission in enumerate(submissions)
        for turn in range(REVIEWS_EACH)
    )
    criteria = list(Criterion.objects.filter(workshop=workshop))
    Score.objects.bulk_create(
        Score(review=review, criterion=criterion, value=rng.randint(1, 5))
        for review in reviews
        for criterion in criteria
    )
    # A deployed database has its planner statistics (autovacuum analyses new rows).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def clients(reviewer, organizer):
    from django.test import Client

    as_reviewer = Client(HTTP_HOST="127.0.0.1")
    as_reviewer.force_login(reviewer)
    as_organizer = Client(HTTP_HOST="127.0.0.1")
    as_organizer.force_login(organizer)
    return as_reviewer, as_organizer


def pages(as_reviewer, as_organizer) -> dict:
    """The pages timed: label → (client, path, what the page must contain)."""
    from django.conf import settings

    admin_list = f"/{settings.ADMIN_URL}contributions/submission/"
    return {
        "GET /review/ (a reviewer)": (as_reviewer, "/review/", "part"),
        f"GET {admin_list} (organizer)": (as_organizer, admin_list, "part"),
        f"GET {admin_list}?o=6 (by mean score)": (as_organizer, f"{admin_list}?o=6", "part"),
    }


def get(client, path: str, expected: str):
    response = client.get(path)
    if response.status_code != 200 or expected not in response.content.decode():
        raise RuntimeError(f"{path} answered {response.status_code} without {expected!r}")
    return response


def count_queries(timed: dict) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for label, (client, path, expected) in timed.items():
        get(client, path, expected)  # Django's one-time lookups (content types…) are not counted
        with CaptureQueriesContext(connection) as queries:
            get(client, path, expected)
        counts[label] = len(queries)
    return counts


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {
        "p50": round(statistics.median(samples_ms), 2),
        "p90": round(cuts[89], 2),
        "p99": round(cuts[98], 2),
        "max": round(max(samples_ms), 2),
    }


def time_pages(timed: dict, requests: int) -> dict[str, dict]:
    figures = {}
    for label, (client, path, expected) in timed.items():
        for _ in range(10):  # warm up: templates compiled, connections open
            get(client, path, expected)
        samples, cpu = [], []
        for _ in range(requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
        figures[label] = percentiles(samples) | {
            "cpu_p50": statistics.median(cpu),
            "kib": len(response.content) / 1024,
        }
    return figures


def rows_shown(timed: dict) -> dict[str, int]:
    """How many submissions each page lists (a link to review each; a checkbox to select each)."""
    markers = ['<td><a href="/review/', 'name="_selected_action"']
    return {
        label: get(client, path, expected).content.decode().count(markers[index > 0])
        for index, (label, (client, path, expected)) in enumerate(timed.items())
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    database.configure(DATABASE)
    database.recreate(DATABASE)
    try:
        import django

        django.setup()
        workshop, reviewers, organizer = build()
        as_reviewer, as_organizer = clients(reviewers[0], organizer)
        timed = pages(as_reviewer, as_organizer)
        add_submissions(workshop, reviewers, 0, FEW, rng)
        few = count_queries(timed)
        add_submissions(workshop, reviewers, FEW, SUBMISSIONS - FEW, rng)
        many = count_queries(timed)
        rows = rows_shown(timed)
        # What the bench built (1,200 rows of models, the 30-then-300 runs) stays in this
        # process, and the collector would walk it on every pass: a server worker does not
        # hold it. Frozen out of the collector's reach, as a worker's startup objects are; the
        # collector still runs during the requests, on what they make.
        gc.collect()
        gc.freeze()
        figures = time_pages(timed, args.requests)
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        database.drop(DATABASE)

    print(
        f"Review pages: {SUBMISSIONS} confirmed submissions (2–4 authors), {REVIEWERS} reviewers, "
        f"{REVIEWS_EACH} reviews each submission on 3 criteria; {args.requests} requests a page, "
        "test client, logged in"
    )
    print(
        f"  {'page':<58} {'rows':>4} {'q@' + str(FEW):>5} {'q@' + str(SUBMISSIONS):>6} "
        f"{'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'CPU ms':>7} {'KiB':>5}"
    )
    failed = []
    for label, f in figures.items():
        print(
            f"  {label:<58} {rows[label]:>4} {few[label]:>5} {many[label]:>6} "
            f"{f['p50']:>8.2f} {f['p90']:>8.2f} {f['p99']:>8.2f} {f['max']:>8.2f} "
            f"{f['cpu_p50']:>7.2f} {f['kib']:>5.0f}"
        )
        if f["p99"] > TARGET_P99_MS:
            failed.append(f"{label}: p99 {f['p99']:.1f} ms over {TARGET_P99_MS:.0f} ms")
        if rows[label] == 0:
            # A page that lists nothing is fast for no reason (or its markup changed: see
            # rows_shown), and its figures say nothing.
            failed.append(f"{label}: no submission listed")
        if many[label] != few[label]:
            failed.append(
                f"{label}: {many[label]} queries with {SUBMISSIONS} submissions, {few[label]} "
                f"with {FEW}"
            )
    if failed:
        print("Targets missed:\n  " + "\n  ".join(failed), file=sys.stderr)
        return 1
    print(
        f"Targets met: p99 under {TARGET_P99_MS:.0f} ms on each page, the same number of queries "
        f"with {FEW} and {SUBMISSIONS} submissions"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
