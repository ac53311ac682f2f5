"""The program for other software: /program.json and the schema.org JSON-LD of the pages."""

import json

import pytest

from program.models import Session, Talk
from tests.factories import SessionFactory, TalkFactory
from tests.pages import Element, get_page, parse

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
COHEN = "cohen-implicit-regularization"
PENKE = "penke-low-rank-llm-training"
DE_ALMEIDA = "de-almeida-tensor-decompositions"
SCRIPT_BREAKOUT = "Low-rank </script><script>alert(1)</script> & <b>tensors</b>"


def _program(client) -> dict:
    response = client.get("/program.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def _text(element: Element) -> str:
    """The raw text inside `element` (a <script>'s content, which Element.text leaves out)."""
    return "".join(child for child in element.children if isinstance(child, str))


def _json_ld(page: Element) -> dict:
    """The page's one schema.org data block, parsed."""
    (block,) = page.find_all("script", type="application/ld+json")
    return json.loads(_text(block))


# --- /program.json -------------------------------------------------------------------------------


def test_program_json_has_version_and_workshop_facts(client, seeded):
    response = client.get("/program.json")

    document = response.json()
    assert response["Access-Control-Allow-Origin"] == "*"
    assert document["version"] == 1
    assert document["workshop"] == {
        "name": "Workshop on LOw-Rank Approximations and their Interactions with Neural NEtworks",
        "acronym": "LoRAINNe'24",
        "start_date": "2024-11-26",
        "end_date": "2024-11-27",
        "timezone": "Europe/Paris",
        "venue": {
            "name": "IDMC (Institut des Sciences du Digital)",
            "address": "Nancy, France",
            "directions": seeded.venue_directions_url,
        },
        "registration_deadline": "2024-11-11T23:59:59+01:00",
        "url": f"{SITE}/lorainne24/",
        "calendar": f"{SITE}/lorainne24/program/calendar.ics",
    }


def test_program_json_follows_the_documented_format(client, seeded):
    document = _program(client)

    # The format the README documents for schedule apps and scripts.
    assert set(document) == {"version", "workshop", "sessions", "talks", "posters"}
    assert {frozenset(session) for session in document["sessions"]} == {
        frozenset({"id", "start", "end", "kind", "title", "title_text", "talk"})
    }
    assert {frozenset(talk) for talk in document["talks"]} == {
        frozenset(
            {
                "id",
                "slug",
                "title",
                "title_text",
                "kind",
                "abstract",
                "abstract_text",
                "speakers",
                "start",
                "end",
                "url",
                "materials",
            }
        )
    }
    assert {frozenset(poster) for poster in document["posters"]} == {
        frozenset(
            {
                "number",
                "title",
                "title_text",
                "abstract",
                "abstract_text",
                "presenters",
                "materials",
            }
        )
    }


def test_program_json_sessions_are_the_timetable_in_paris_time(client, seeded):
    sessions = list(Session.objects.filter(workshop=seeded).timetable())

    document = _program(client)

    assert len(document["sessions"]) == len(sessions) == 18
    assert [session["title"] for session in document["sessions"]] == [
        session.display_title for session in sessions
    ]
    assert {session["start"][-6:] for session in document["sessions"]} == {"+01:00"}
    assert {session["end"][-6:] for session in document["sessions"]} == {"+01:00"}
    de_almeida = Talk.objects.get(slug=DE_ALMEIDA)
    (slot,) = [session for session in document["sessions"] if session["talk"] == DE_ALMEIDA]
    assert slot == {
        "id": str(de_almeida.uid),
        "start": "2024-11-26T14:15:00+01:00",
        "end": "2024-11-26T15:15:00+01:00",
        "kind": "talk",
        "title": de_almeida.title,
        "title_text": de_almeida.title,
        "talk": DE_ALMEIDA,
    }
    assert document["sessions"][0] == {
        "id": str(sessions[0].uid),
        "start": "2024-11-26T13:45:00+01:00",
        "end": "2024-11-26T14:00:00+01:00",
        "kind": "registration",
        "title": "Registration",
        "title_text": "Registration",
        "talk": None,
    }


def test_program_json_talks_have_speakers_and_times(client, seeded):
    document = _program(client)

    talks = {talk["slug"]: talk for talk in document["talks"]}
    assert set(talks) == set(Talk.objects.filter(workshop=seeded).values_list("slug", flat=True))
    cohen = Talk.objects.get(slug=COHEN)
    assert talks[COHEN] == {
        "id": str(cohen.uid),
        "slug": COHEN,
        "title": "Implicit Regularization in Regularized (Nonnegative) Low-Rank Approximations",
        "title_text": "Implicit Regularization in Regularized (Nonnegative) Low-Rank Approximations",
        "kind": "invited",
        "abstract": cohen.abstract,
        "abstract_text": cohen.abstract,  # no math: the same
        "speakers": [
            {
                "name": "Jérémy Cohen",
                "affiliation": "CNRS-CREATIS, Lyon",
                "homepage": "https://jeremy-e-cohen.jimdofree.com",
            }
        ],
        "start": "2024-11-27T10:30:00+01:00",
        "end": "2024-11-27T11:00:00+01:00",
        "url": f"{SITE}/lorainne24/program/talks/{COHEN}/",
        "materials": [],
    }
    assert (talks[PENKE]["start"], talks[PENKE]["end"]) == (None, None)
    assert [speaker["name"] for speaker in talks[PENKE]["speakers"]] == ["Carolin Penke"]


def test_program_json_has_the_posters_with_presenters(client, seeded):
    document = _program(client)

    posters = document["posters"]
    assert [poster["number"] for poster in posters] == [1, 2, 3]
    assert [poster["title"] for poster in posters] == [
        "Tensor-based Neural Network Compression with Flexible Activation Functions",
        "",
        "Randomized trace estimation for parameter-dependent matrices applied to neural network "
        "optimization",
    ]
    assert [[person["name"] for person in poster["presenters"]] for poster in posters] == [
        ["Joppe De Jonghe"],
        ["Rima Khouja"],
        ["Fabio Matti"],
    ]
    assert r"$\boldsymbol{B}(t)$" in posters[2]["abstract"]
    # Beside it, the same as readable text.
    assert "$" not in posters[2]["abstract_text"]
    assert (
        "matrices B(t) which continuously depend on a real parameter t ∈ [a, b]"
        in (posters[2]["abstract_text"])
    )
    assert [poster["title_text"] for poster in posters] == [poster["title"] for poster in posters]


# --- JSON-LD -------------------------------------------------------------------------------------


def test_home_page_json_ld_describes_the_workshop_event(client, seeded):
    page = get_page(client, "/")

    event = _json_ld(page)

    assert event["@context"] == "https://schema.org"
    assert event["@type"] == "Event"
    assert event["name"] == (
        "LoRAINNe'24: Workshop on LOw-Rank Approximations and their Interactions with Neural "
        "NEtworks"
    )
    assert (event["startDate"], event["endDate"]) == ("2024-11-26", "2024-11-27")
    assert event["location"]["@type"] == "Place"
    assert event["location"]["name"] == "IDMC (Institut des Sciences du Digital)"
    assert event["location"]["address"] == "Nancy, France"
    assert event["offers"]["price"] == "0"
    assert event["offers"]["priceCurrency"] == "EUR"
    assert event["offers"]["validThrough"] == "2024-11-11T23:59:59+01:00"
    assert event["organizer"] == [
        {"@type": "Person", "name": "Ricardo Borsoi"},
        {"@type": "Person", "name": "Marianne Clausel"},
        {"@type": "Person", "name": "Sebastian Miron"},
        {"@type": "Person", "name": "Konstantin Usevich"},
        {"@type": "Organization", "name": "SiMul @ CRAN", "url": "https://cran-simul.github.io/"},
    ]


def test_every_talk_page_json_ld_names_its_performers(client, seeded):
    talks = list(Talk.objects.filter(workshop=seeded).with_speakers().order_by("slug"))

    events = {talk.slug: _json_ld(get_page(client, talk.get_absolute_url())) for talk in talks}

    assert len(events) == 11
    for talk in talks:
        event = events[talk.slug]
        assert event["@type"] == "Event", talk.slug
        assert event["name"] == talk.display_title, talk.slug
        assert event["url"] == SITE + talk.get_absolute_url(), talk.slug
        assert [person["name"] for person in event["performer"]] == [
            speaker.name for speaker in talk.speakers.all()
        ], talk.slug
    assert events[COHEN]["performer"] == [
        {
            "@type": "Person",
            "name": "Jérémy Cohen",
            "affiliation": {"@type": "Organization", "name": "CNRS-CREATIS, Lyon"},
            "url": "https://jeremy-e-cohen.jimdofree.com",
        }
    ]
    assert events[COHEN]["startDate"] == "2024-11-27T10:30:00+01:00"
    assert "startDate" not in events[PENKE]


def test_talk_page_json_ld_title_cannot_close_the_script(client, seeded):
    talk = TalkFactory(workshop=seeded, title=SCRIPT_BREAKOUT, abstract=f"About {SCRIPT_BREAKOUT}")
    SessionFactory(workshop=seeded, talk=talk)

    response = client.get(talk.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "</script><script>" not in html
    assert "alert(1)</script>" not in html
    page = parse(html)
    # The only script that holds the title is the (inert) data block.
    holding_title = [script for script in page.find_all("script") if "alert(1)" in _text(script)]
    assert [script.attrs["type"] for script in holding_title] == ["application/ld+json"]
    event = _json_ld(page)
    assert event["name"] == SCRIPT_BREAKOUT
    assert event["description"] == f"About {SCRIPT_BREAKOUT}"
    assert page.find("h1").text == SCRIPT_BREAKOUT
