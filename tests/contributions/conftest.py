"""Fixtures of the call-for-contributions tests: the seed edition LoRAINNe'24 (26–27 November
2024, Nancy) with a call open from 1 September to 1 November 2024 (Paris time), under a clock
frozen on 15 October 2024 at 10:00 in Paris, while the call is open.

`submission_factory` makes a submission with its authors directly, for the tests of the
committee's review and the decisions (which need submissions, not the form)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from contributions.models import Call, Kind, Submission
from contributions.services.calls import add_default_criteria

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NOW = dt.datetime(2024, 10, 15, 10, 0, tzinfo=PARIS)
OPENS_AT = dt.datetime(2024, 9, 1, 9, 0, tzinfo=PARIS)
CLOSES_AT = dt.datetime(2024, 11, 1, 0, 0, tzinfo=PARIS)


@pytest.fixture
def clock():
    """The current time, frozen at NOW; move it with `clock.move_to(…)`."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def call(seeded, clock) -> Call:
    """LoRAINNe'24's call, open now (clock), taking posters and talks, with the default
    criteria."""
    created = Call.objects.create(
        workshop=seeded,
        opens_at=OPENS_AT,
        closes_at=CLOSES_AT,
        text="Send your abstract by {deadline}: the workshop is on {dates}.",
    )
    add_default_criteria(seeded)
    return created


@pytest.fixture
def submission_factory(call):
    """make(**fields) → a submission to the call's edition, its address confirmed unless
    `confirmed=False`, with `authors` [(name, affiliation, presenting)] (default: one presenting
    author)."""

    def make(*, confirmed: bool = True, authors=None, **fields) -> Submission:
        values = {
            "workshop": call.workshop,
            "kind": Kind.POSTER,
            "title": "Low-rank adapters for $\\mathbb{R}^{n}$",
            "abstract": "We study low-rank adapters.",
            "email": "ada@example.org",
            "address_confirmed_at": NOW if confirmed else None,
        }
        submission = Submission.objects.create(**(values | fields))
        for position, (name, affiliation, presenting) in enumerate(
            authors or [("Ada Lovelace", "Université de Lorraine", True)]
        ):
            submission.authors.create(
                position=position, name=name, affiliation=affiliation, presenting=presenting
            )
        return submission

    return make
