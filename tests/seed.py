"""The workshop's original page (tests/data/lorainne24-website.md), read as data.

The file is the organizers' reference copy, kept in the repository (tests/data/README.md) so a
clone needs nothing beside it. The content tests compare the site with this file itself, not
with its text copied into the tests, so a typo fixed in one place and not the other shows up.
The parser knows this one page's layout; where the page is ambiguous or wrong, the choice is
written next to the code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .pages import fold, normalise

SEED_PATH = Path(__file__).resolve().parent / "data" / "lorainne24-website.md"

_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)\)")
_TIMES = re.compile(r"^(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$")


def plain(markdown: str) -> str:
    """Inline Markdown as the text a reader sees: links become their text, emphasis goes."""
    text = _LINK.sub(lambda match: match["text"], markdown)
    return normalise(text.replace("*", ""))


@dataclass(frozen=True)
class Person:
    name: str
    affiliation: str
    homepage: str  # "" when the page gives no link


@dataclass(frozen=True)
class Slot:
    day: int  # 1, 2…: the "(Day N)" of the timetable
    date: dt.date
    starts: dt.time
    ends: dt.time
    label: str  # a speaker's name or what happens ("Coffee break")


@dataclass(frozen=True)
class OralPresentation:
    speaker: str
    title: str
    abstract: str  # "" when the page gives none


@dataclass(frozen=True)
class PosterEntry:
    presenter: str
    affiliation: str
    title: str  # "" when the page gives none
    abstract: str  # "" when the page gives none or says "TBD"


@dataclass(frozen=True)
class OrganizerEntry:
    name: str
    url: str


@dataclass(frozen=True)
class SeedContent:
    acronym: str
    name: str
    venue: str
    directions_url: str
    dates: list[dt.date]
    description: str
    schedule_note: str
    registration_terms: str
    speakers: list[Person]
    slots: list[Slot]
    talks: list[OralPresentation]
    posters: list[PosterEntry]
    organizers: list[OrganizerEntry]
    contact: str

    @property
    def unscheduled_speakers(self) -> set[str]:
        """Speakers with an oral presentation but no row in the timetable."""
        labels = {fold(slot.label) for slot in self.slots}
        return {talk.speaker for talk in self.talks if fold(talk.speaker) not in labels}


def _sections(lines: list[str], marker: str) -> dict[str, list[str]]:
    """The lines under each heading that starts with `marker` ("## " or "### ")."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in lines:
        if line.startswith(marker):
            current = line[len(marker) :].strip()
            sections[current] = []
        elif line.startswith("#" * (len(marker) - 1) + " ") and not line.startswith(marker):
            current = None  # a higher-level heading ends the section
        elif current is not None:
            sections[current].append(line)
    return sections


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _field(text: str, label: str) -> str:
    match = re.search(rf"^\*\*{label}\*\*:\s*(?P<value>.+)$", text, re.MULTILINE)
    assert match, f"no **{label}** line in the seed"
    return match["value"].strip()


def _dates(value: str) -> list[dt.date]:
    # "26 and 27 November, 2024."
    match = re.fullmatch(r"(?P<days>[\d ,and]+?) (?P<month>[A-Za-z]+),? (?P<year>\d{4})\.?", value)
    assert match, f"unexpected date line: {value!r}"
    days = [int(day) for day in re.findall(r"\d+", match["days"])]
    month = dt.datetime.strptime(match["month"], "%B").month
    return [dt.date(int(match["year"]), month, day) for day in days]


def _speakers(lines: list[str]) -> list[Person]:
    speakers = []
    for line in lines:
        if line.startswith("#"):
            break
        if not line.startswith("- "):
            continue
        match = re.fullmatch(r"- (?P<who>.+?) \((?P<affiliation>[^()]+)\)\s*", line)
        assert match, f"unexpected speaker line: {line!r}"
        link = _LINK.fullmatch(match["who"])
        name, homepage = (link["text"], link["url"]) if link else (match["who"], "")
        speakers.append(Person(normalise(name), normalise(match["affiliation"]), homepage))
    return speakers


def _slots(lines: list[str], dates: list[dt.date]) -> list[Slot]:
    """The rows of the timetable.

    The seed heads day 2 "Wed 26 Nov", which is wrong: the workshop runs on the dates of its
    **Date** line (26 and 27 November 2024), and Wednesday is the 27th. Each "(Day N)" row is
    therefore dated with the N-th date of the **Date** line, not with its own label.
    """
    slots, day = [], None
    for line in lines:
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        day_marker = re.search(r"\(Day (\d+)\)", cells[-1])
        times = _TIMES.match(cells[1]) if len(cells) > 1 else None
        if day_marker:
            day = int(day_marker[1])
        elif times:
            assert day is not None, f"a timetable row before any day: {line!r}"
            slots.append(
                Slot(
                    day=day,
                    date=dates[day - 1],
                    starts=dt.time.fromisoformat(times["start"].zfill(5)),
                    ends=dt.time.fromisoformat(times["end"].zfill(5)),
                    label=plain(cells[2]),
                )
            )
    return slots


def _talks(sections: dict[str, list[str]]) -> list[OralPresentation]:
    talks = []
    for speaker, lines in sections.items():
        paragraphs = _paragraphs(lines)
        title = next(plain(p) for p in paragraphs if p.startswith("*") and not p.startswith("**"))
        starts = [i for i, p in enumerate(paragraphs) if p.startswith("**Abstract:**")]
        abstract = ""
        if starts:
            after = paragraphs[starts[0] :]
            abstract = normalise(" ".join(after).removeprefix("**Abstract:**"))
        talks.append(OralPresentation(normalise(speaker), title, abstract))
    return talks


def _posters(sections: dict[str, list[str]]) -> list[PosterEntry]:
    posters = []
    for heading, lines in sections.items():
        match = re.fullmatch(r"(?P<name>.+?) \((?P<affiliation>[^()]+)\)", heading)
        assert match, f"unexpected poster heading: {heading!r}"
        title, abstract = "", ""
        for paragraph in _paragraphs(lines):
            if paragraph.startswith("**Abstract:**"):
                abstract = normalise(paragraph.removeprefix("**Abstract:**"))
            elif not abstract:
                # The seed's De Jonghe title ends with a stray "*" (an unclosed emphasis).
                title = plain(paragraph)
        if abstract == "TBD":
            abstract = ""
        posters.append(PosterEntry(match["name"], match["affiliation"], title, abstract))
    return posters


def _organizers(lines: list[str]) -> tuple[list[OrganizerEntry], str]:
    organizers, contact = [], ""
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("- "):
            item = stripped.removeprefix("- ").rstrip(".")
            link = _LINK.search(item)
            if link:  # "group [SiMul @ CRAN](https://…)"
                organizers.append(OrganizerEntry(link["text"], link["url"]))
            else:
                organizers.append(OrganizerEntry(normalise(item), ""))
        elif "email the organizers" in stripped:
            link = _LINK.search(stripped)
            contact = link["text"] if link else stripped.rsplit(" ", 1)[-1]
    return organizers, contact


def read_seed(path: Path = SEED_PATH) -> SeedContent:
    """The page at `path` (by default the copy kept in the repository, tests/data/), parsed."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    title = next(line for line in lines if line.startswith("# "))
    acronym, name = (part.strip() for part in title.removeprefix("# ").split(":", 1))
    location = _field(text, "Location")
    venue_link = _LINK.search(location)
    assert venue_link, "no directions link on the **Location** line"
    venue = normalise(location[: venue_link.start()]).rstrip(".")
    dates = _dates(_field(text, "Date"))
    sections = _sections(lines, "## ")
    section_names = {heading.split()[0].lower(): heading for heading in sections}
    # The registration link (a Google Form) is deliberately not kept: registration is the site's
    # job (README, "Choices made"). The terms are the sentences around it.
    registration = " ".join(_paragraphs(sections[section_names["registration"]]))
    registration_terms = normalise(re.sub(r"\s*\[[^\]]*\]\([^)]*\)\.?", "", registration))
    organizers, contact = _organizers(sections[section_names["contact"]])
    return SeedContent(
        acronym=acronym,
        name=name,
        venue=venue,
        directions_url=venue_link["url"],
        dates=dates,
        description=plain(" ".join(_paragraphs(sections[section_names["about"]]))),
        schedule_note=plain(" ".join(_paragraphs(sections[section_names["schedule"]]))),
        registration_terms=registration_terms,
        speakers=_speakers(sections[section_names["confirmed"]]),
        slots=_slots(lines, dates),
        talks=_talks(_sections(sections[section_names["oral"]], "### ")),
        posters=_posters(_sections(sections[section_names["poster"]], "### ")),
        organizers=organizers,
        contact=contact,
    )
