"""The pages show what the workshop's original page says (tests/data/lorainne24-website.md).

Every expectation here is read from the seed file at test time (tests/seed.py), then looked for
on the pages of the site loaded with the `lorainne24` fixture.
"""

import datetime as dt
import re
import zoneinfo

import pytest

from tests.pages import EN_DASH, Element, fold, get_page

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _main(client, url: str) -> Element:
    return get_page(client, url).find("main")


def _iso(day: dt.date, time: dt.time) -> str:
    return dt.datetime.combine(day, time, tzinfo=PARIS).isoformat()


def _talk_pages(element: Element) -> list[str]:
    """The links to talk pages inside `element` (not to a talk's calendar file)."""
    return [
        href for href in element.links() if re.fullmatch(r"/lorainne24/program/talks/[\w-]+/", href)
    ]


def _talk_url(program: Element, speaker: str) -> str:
    """The talk page linked from the program row (timetable or "to be announced") of `speaker`."""
    rows = program.find_all("tr") + program.find_all("li")
    rows = [row for row in rows if _talk_pages(row) and fold(speaker) in fold(row.text)]
    assert len(rows) == 1, f"expected one program row for {speaker}, found {rows}"
    [url] = _talk_pages(rows[0])
    return url


def _day_section(program: Element, day: int) -> Element:
    return program.section(f"Day {day}:")


def _timetable_rows(section: Element) -> list[Element]:
    return [row for row in section.find_all("tr") if row.find_all("time")]


# --- Home page ---------------------------------------------------------------------------------


def test_home_shows_workshop_acronym_and_name_as_in_seed(client, seeded, seed):
    main = _main(client, "/")

    heading = main.find("h1").text

    # The seed writes "workshop on …" after a colon; the site capitalises it as a title.
    assert fold(heading) == fold(f"{seed.acronym} {seed.name}")


def test_home_shows_venue_directions_link_and_dates_as_in_seed(client, seeded, seed):
    main = _main(client, "/")

    first, last = seed.dates[0], seed.dates[-1]

    assert seed.venue in main.text
    # The href is HTML-escaped (&amp;) in the page; the parser gives it back unescaped.
    assert seed.directions_url in main.links()
    assert f"{first.day}{EN_DASH}{last.day} {last:%B %Y}" in main.text
    assert (first, last) == (dt.date(2024, 11, 26), dt.date(2024, 11, 27))


def test_home_shows_about_schedule_note_and_registration_terms_as_in_seed(client, seeded, seed):
    main = _main(client, "/")

    assert seed.description in main.section("About").text
    # The note's dates are filled from the edition's row ({first_day}, {last_day}): the seed's
    # "the 27th" reads "27 November" (README, "Choices made").
    schedule_note = seed.schedule_note.replace("on the 27th", "on 27 November")
    assert schedule_note in main.section("Schedule").text
    assert seed.registration_terms in main.section("Registration").text


def test_home_lists_every_confirmed_speaker_with_affiliation_and_homepage(client, seeded, seed):
    section = _main(client, "/").section("Confirmed speakers")

    listed = sorted((item.text, item.links()) for item in section.find_all("li"))

    # The seed's own format: "[Name](homepage) (Affiliation)".
    expected = sorted(
        (f"{person.name} ({person.affiliation})", [person.homepage] if person.homepage else [])
        for person in seed.speakers
    )
    assert listed == expected
    assert len(listed) == 11


def test_speaker_list_shows_every_confirmed_speaker_with_affiliation_and_homepage(
    client, seeded, seed
):
    main = _main(client, "/speakers/")

    cards = {}
    for card in main.find_all("li"):
        if headings := card.find_all("h2"):
            cards[headings[0].text] = (card.text, headings[0].links())

    assert sorted(cards) == sorted(person.name for person in seed.speakers)
    for person in seed.speakers:
        text, name_links = cards[person.name]
        assert person.affiliation in text
        assert name_links == ([person.homepage] if person.homepage else [])


def test_home_shows_organizers_and_contact_address_as_in_seed(client, seeded, seed):
    section = _main(client, "/").section("Contact")

    organizers = [(item.text, item.links()) for item in section.find_all("li")]

    assert organizers == [
        (organizer.name, [organizer.url] if organizer.url else []) for organizer in seed.organizers
    ]
    assert seed.contact in section.text
    assert seed.contact == "firstname.lastname@univ-lorraine.fr"


# --- Talks ---------------------------------------------------------------------------------------


def test_talk_pages_show_every_oral_presentation_title_and_speaker(client, seeded, seed):
    program = _main(client, "/program/")

    for talk in seed.talks:
        url = _talk_url(program, talk.speaker)
        page = _main(client, url)

        assert page.find("h1").text == talk.title, url
        assert talk.speaker in page.text, url
    assert len(seed.talks) == 9


def test_talk_pages_show_the_seed_abstracts(client, seeded, seed):
    program = _main(client, "/program/")
    with_abstract = [talk for talk in seed.talks if talk.abstract]

    for talk in with_abstract:
        page = _main(client, _talk_url(program, talk.speaker))

        assert talk.abstract in page.text

    assert {talk.speaker for talk in with_abstract} == {
        "Jérémy Cohen",
        "Carolin Penke",
        "Mark Sandler",
    }


def test_talks_without_title_in_seed_show_title_to_be_announced(client, seeded, seed):
    program = _main(client, "/program/")
    speaker_names = {fold(person.name): person.name for person in seed.speakers}
    titled = {fold(talk.speaker) for talk in seed.talks}
    # In the timetable with a speaker, but without an entry under "Oral presentations".
    untitled = [
        speaker_names[fold(slot.label)]
        for slot in seed.slots
        if fold(slot.label) in speaker_names and fold(slot.label) not in titled
    ]

    for speaker in untitled:
        page = _main(client, _talk_url(program, speaker))

        assert page.find("h1").text == "Title to be announced"
        assert speaker in page.text

    assert untitled == ["Francesco Tudisco", "Julia Gusak"]


def test_program_shows_time_to_be_announced_for_talks_not_in_seed_timetable(client, seeded, seed):
    program = _main(client, "/program/")

    for speaker in seed.unscheduled_speakers:
        [row] = [row for row in program.find_all("li") if speaker in row.text]
        talk_page = _main(client, _talk_url(program, speaker))

        assert "Time to be announced" in row.text
        assert "Time to be announced" in talk_page.text

    assert seed.unscheduled_speakers == {
        "Carolin Penke",
        "Mark Sandler",
        "Yang Qi",
        "Yassine Zniyed",
    }


# --- Timetable -----------------------------------------------------------------------------------


def test_program_days_are_the_seed_dates(client, seeded, seed):
    program = _main(client, "/program/")

    headings = [_day_section(program, day).find("h2") for day in (1, 2)]

    assert [heading.text for heading in headings] == [
        "Day 1: Tuesday 26 November 2024",
        "Day 2: Wednesday 27 November 2024",
    ]
    assert [heading.find("time").attrs["datetime"] for heading in headings] == [
        day.isoformat() for day in seed.dates
    ]


def test_program_shows_every_seed_timetable_row_under_its_day(client, seeded, seed):
    program = _main(client, "/program/")

    for day, date in enumerate(seed.dates, start=1):
        rows = _timetable_rows(_day_section(program, day))
        slots = [slot for slot in seed.slots if slot.day == day]

        shown = [
            [(time.attrs["datetime"], time.text) for time in row.find_all("time")] for row in rows
        ]
        expected = [
            [
                (_iso(date, slot.starts), f"{slot.starts:%H:%M}"),
                (_iso(date, slot.ends), f"{slot.ends:%H:%M}"),
            ]
            for slot in slots
        ]
        assert shown == expected, f"day {day}"
        for row, slot in zip(rows, slots, strict=True):
            # Accent-insensitive: the seed's timetable writes "Jeremy Cohen" for Jérémy Cohen.
            assert fold(slot.label) in fold(row.text), f"{slot} not in {row.text!r}"
    assert len(seed.slots) == 18


def test_program_shows_de_almeida_at_1415_paris_time_on_day_one(client, seeded):
    day_one = _day_section(_main(client, "/program/"), 1)

    [row] = [row for row in _timetable_rows(day_one) if "André de Almeida" in row.text]

    assert [time.attrs["datetime"] for time in row.find_all("time")] == [
        "2024-11-26T14:15:00+01:00",
        "2024-11-26T15:15:00+01:00",
    ]
    assert f"14:15{EN_DASH}15:15" in row.text
    assert "Overview of tensor decompositions and some applications to wireless communications" in (
        row.text
    )


def test_program_shows_invited_talk_placeholders_on_day_two_at_1500_and_1530(client, seeded):
    day_two = _day_section(_main(client, "/program/"), 2)

    placeholders = [row for row in _timetable_rows(day_two) if "Invited talk" in row.text]

    assert [row.find_all("time")[0].attrs["datetime"] for row in placeholders] == [
        "2024-11-27T15:00:00+01:00",
        "2024-11-27T15:30:00+01:00",
    ]
    assert [row.text for row in placeholders] == [
        f"15:00{EN_DASH}15:30 Invited talk",
        f"15:30{EN_DASH}16:00 Invited talk",
    ]
    assert all(row.links() == [] for row in placeholders)


# --- Posters -------------------------------------------------------------------------------------


def test_poster_list_shows_every_seed_poster(client, seeded, seed):
    main = _main(client, "/posters/")
    articles = main.find_all("article")

    for poster in seed.posters:
        [article] = [article for article in articles if poster.presenter in article.text]

        assert f"{poster.presenter} ({poster.affiliation})" in article.text
        assert (poster.title or "Title to be announced") in article.find("h2").text
        assert (poster.abstract or "to be announced (TBD)") in article.text

    assert len(articles) == len(seed.posters) == 3


def test_poster_list_shows_placeholders_where_seed_has_no_title_or_abstract(client, seeded, seed):
    main = _main(client, "/posters/")

    untitled = [poster.presenter for poster in seed.posters if not poster.title]
    without_abstract = [poster.presenter for poster in seed.posters if not poster.abstract]

    assert untitled == ["Rima Khouja"]
    assert without_abstract == ["Joppe De Jonghe"]
    [khouja] = [article for article in main.find_all("article") if "Rima Khouja" in article.text]
    [de_jonghe] = [article for article in main.find_all("article") if "De Jonghe" in article.text]
    assert khouja.find("h2").text == "Poster 2 Title to be announced"
    assert "Abstract: to be announced (TBD)." in de_jonghe.text
