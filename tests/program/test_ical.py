"""The program as iCalendar: the feed, per-talk files and the email attachment.

Every file is read back by two independent parsers: icalendar (Python; it resolves TZID with the
system's zone database) and ical.js run with node (it resolves TZID only with the VTIMEZONE the
file carries), so a missing or wrong VTIMEZONE shows up as shifted times.
"""

import datetime as dt
import email
import email.policy
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import icalendar
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils.http import http_date

from program.ical import build_calendar
from program.models import Session, Talk, Workshop
from registration import services as registration_services
from registration.models import Registration
from tests.factories import SessionFactory, SpeakerFactory, TalkFactory, paris_time
from tests.pages import get_page
from tests.registration.html_forms import form_data

pytestmark = pytest.mark.django_db

FEED_URL = "/program/calendar.ics"
EDITION_FEED_URL = "/lorainne24/program/calendar.ics"
SITE = "http://testserver"
VENUE = "IDMC (Institut des Sciences du Digital), Nancy, France"
SEEDED_SLOTS = 18
DE_ALMEIDA = "de-almeida-tensor-decompositions"
CERISARA = "cerisara-llm-pruning"
COHEN = "cohen-implicit-regularization"
PENKE = "penke-low-rank-llm-training"  # has no slot: "time to be announced"
EVENT_PROPERTIES = [
    "UID",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "URL",
    "CATEGORIES",
    "LAST-MODIFIED",
    "SEQUENCE",
]

ICAL_CHECK = Path(__file__).with_name("ical_check.mjs")
ICAL_JS = Path(settings.BASE_DIR) / "node_modules" / "ical.js" / "package.json"

# Everything iCalendar must escape (`,` `;` `\` and newlines), TeX whose backslashes look like
# iCalendar escapes (`\n` in \nabla, `\,` and `\;` spacing), accents, and Cyrillic runs longer
# than a line, so that lines are folded (every 75 bytes) between multi-byte characters.
TRICKY_TITLE = (
    r"Régularisation implicite; rang faible, et Иштева: $\boldsymbol{B}(t)$ pour "
    r"$t \in [a, b]$ \ fin"
)
TRICKY_ABSTRACT = (
    "Première ligne, avec une virgule; et un point-virgule.\n"
    r"Deuxième ligne: $\nabla f(x) = 0$ et $a\,b\;c$ pour $t \in [a, b]$."
    "\n\n"
    + "Низкоранговые аппроксимации матриц и тензоров, и нейронные сети; " * 3
    + r"Иштева a montré que $\|X\|_* \leq \sqrt{r}\,\|X\|_F$. " * 3
    + "Dernière ligne \\"
)


# --- Helpers -------------------------------------------------------------------------------------


def _feed(client) -> bytes:
    response = client.get(FEED_URL)
    assert response.status_code == 200
    return response.content


def _events(body: bytes) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


def _event_of(body: bytes, talk: Talk) -> icalendar.Event:
    """The one event whose URL is `talk`'s page."""
    url = SITE + talk.get_absolute_url()
    found = [event for event in _events(body) if event["URL"] == url]
    assert len(found) == 1, f"expected one event for {url}, found {len(found)}"
    return found[0]


def _utc(event: icalendar.Event, name: str) -> dt.datetime:
    return event.decoded(name).astimezone(dt.UTC)


def _next_second() -> None:
    """Wait until the clock enters a new second: HTTP dates (Last-Modified) count whole seconds,
    so a change must come a second after the copy a client holds for If-Modified-Since to see it."""
    time.sleep(1 - time.time() % 1)


def _sequences(body: bytes) -> dict[str, int]:
    return {str(event["UID"]): event.decoded("SEQUENCE") for event in _events(body)}


def _iso_utc(event: icalendar.Event, name: str) -> str:
    """The time as JavaScript's toISOString() writes it: 2024-11-26T13:15:00.000Z."""
    return _utc(event, name).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _read_with_icalendar(body: bytes, tmp_path: Path) -> list[dict]:
    """The events of `body` as icalendar reads them, in the shape ical_check.mjs prints.

    (`tmp_path` is unused: both readers take the same arguments.)
    """
    return [
        {
            "uid": str(event["UID"]),
            "summary": str(event["SUMMARY"]),
            "start_utc": _iso_utc(event, "DTSTART"),
            "end_utc": _iso_utc(event, "DTEND"),
            "start_tzid": event["DTSTART"].params.get("TZID"),
            "sequence": event.decoded("SEQUENCE"),
            "description": str(event["DESCRIPTION"]),
            "location": str(event["LOCATION"]),
            "url": str(event["URL"]),
        }
        for event in _events(body)
    ]


def _read_with_ical_js(body: bytes, tmp_path: Path) -> list[dict]:
    """The events of `body` as ical.js reads them (see ical_check.mjs)."""
    node = shutil.which("node")
    if node is None or not ICAL_JS.is_file():
        reason = "node and node_modules/ical.js are needed for the second parser: run `npm ci`"
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI must run both parsers, never skip one
        pytest.skip(reason)
    path = tmp_path / "calendar.ics"
    path.write_bytes(body)
    # A zone far from Paris: a time read as floating local time would be off by twelve hours.
    environment = os.environ | {"TZ": "Pacific/Auckland"}
    result = subprocess.run(
        [node, str(ICAL_CHECK), str(path)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["timezones"] == ["Europe/Paris"]
    return document["events"]


PARSERS = {"icalendar": _read_with_icalendar, "ical.js": _read_with_ical_js}


def _read_event_of(events: list[dict], talk: Talk) -> dict:
    """The one event, as a parser read it, whose URL is `talk`'s page."""
    (event,) = [event for event in events if event["url"] == SITE + talk.get_absolute_url()]
    return event


def _admin_change(admin_client, model: str, pk: int, **changes) -> None:
    """Post `model`'s admin change form as a browser would, with `changes` typed in."""
    url = f"/admin/program/{model}/{pk}/change/"
    data = form_data(admin_client.get(url).content.decode(), f"{model}_form") | changes
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """`admin_client` creates an organizer account in each admin test: hash it fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- The program feed ----------------------------------------------------------------------------


def test_program_calendar_is_served_as_an_ics_file(client, seeded):
    response = client.get(FEED_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="lorainne24-program.ics"'
    assert response["ETag"]
    seeded.refresh_from_db()
    assert response["Last-Modified"] == http_date(seeded.content_changed_at.timestamp())


def test_program_calendar_declares_publish_and_paris_timezone(client, seeded):
    calendar = icalendar.Calendar.from_ical(_feed(client))

    assert calendar["PRODID"] == "-//LoRAINNe//Workshop program//EN"
    assert calendar["VERSION"] == "2.0"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["NAME"] == "LoRAINNe'24 program"
    assert calendar["X-WR-CALNAME"] == "LoRAINNe'24 program"
    assert [zone["TZID"] for zone in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_program_calendar_has_one_complete_event_per_timetable_slot(client, seeded):
    sessions = list(Session.objects.filter(workshop=seeded).timetable())

    events = _events(_feed(client))

    assert len(events) == len(sessions) == SEEDED_SLOTS
    assert len({str(event["UID"]) for event in events}) == SEEDED_SLOTS
    missing = [
        (index, name)
        for index, event in enumerate(events)
        for name in EVENT_PROPERTIES
        if name not in event
    ]
    assert missing == []
    assert [event.decoded("DTSTART") for event in events] == [s.starts_at for s in sessions]
    assert [event.decoded("DTEND") for event in events] == [s.ends_at for s in sessions]
    assert {event["DTSTART"].params["TZID"] for event in events} == {"Europe/Paris"}
    assert {event["DTEND"].params["TZID"] for event in events} == {"Europe/Paris"}
    assert {str(event["LOCATION"]) for event in events} == {VENUE}
    assert [str(event["SUMMARY"]) for event in events][:3] == [
        "Registration",
        "Opening remarks",
        "Overview of tensor decompositions and some applications to wireless communications "
        "(André de Almeida)",
    ]


def test_program_calendar_talk_event_describes_speakers_abstract_and_page(client, seeded):
    cohen = Talk.objects.get(slug=COHEN)

    event = _event_of(_feed(client), cohen)

    assert str(event["SUMMARY"]) == f"{cohen.title} (Jérémy Cohen)"
    description = str(event["DESCRIPTION"])
    assert description.startswith("Jérémy Cohen (CNRS-CREATIS, Lyon)\n\n")
    assert cohen.abstract.startswith("Regularized nonnegative low-rank approximations")
    assert f"\n\n{cohen.abstract}\n\n" in description
    assert description.endswith(f"\n{SITE}/lorainne24/program/talks/{COHEN}/")
    assert str(event["URL"]) == f"{SITE}/lorainne24/program/talks/{COHEN}/"
    assert [str(category) for category in event.categories] == ["Invited talk"]
    # Derived from the talk's stored identifier, not from its slot or its position.
    assert str(event["UID"]).startswith(f"{cohen.uid}@")


def test_program_calendar_ical_js_reads_what_icalendar_reads(client, seeded, tmp_path):
    body = _feed(client)
    expected = _read_with_icalendar(body, tmp_path)

    events = _read_with_ical_js(body, tmp_path)

    assert len(events) == SEEDED_SLOTS
    assert events == expected
    assert {event["start_tzid"] for event in events} == {"Europe/Paris"}


@pytest.mark.parametrize("parser", PARSERS)
def test_program_calendar_talks_start_at_their_paris_time(client, seeded, tmp_path, parser):
    de_almeida = Talk.objects.get(slug=DE_ALMEIDA)
    cerisara = Talk.objects.get(slug=CERISARA)

    events = PARSERS[parser](_feed(client), tmp_path)

    # 14:15 and 14:00 in Paris in November (CET, UTC+1).
    assert _read_event_of(events, de_almeida)["start_utc"] == "2024-11-26T13:15:00.000Z"
    assert _read_event_of(events, de_almeida)["end_utc"] == "2024-11-26T14:15:00.000Z"
    assert _read_event_of(events, cerisara)["start_utc"] == "2024-11-27T13:00:00.000Z"
    assert _read_event_of(events, cerisara)["end_utc"] == "2024-11-27T14:00:00.000Z"


@pytest.mark.parametrize("parser", PARSERS)
def test_program_calendar_text_with_commas_newlines_and_tex_survives(
    client, seeded, tmp_path, parser
):
    speaker = SpeakerFactory(workshop=seeded, name="Mariya Иштева", affiliation="KU Leuven, ESAT")
    talk = TalkFactory(
        workshop=seeded, title=TRICKY_TITLE, abstract=TRICKY_ABSTRACT, speakers=[speaker]
    )
    SessionFactory(
        workshop=seeded,
        talk=talk,
        starts_at=paris_time(dt.date(2024, 11, 27), 17),
        ends_at=paris_time(dt.date(2024, 11, 27), 17, 30),
    )

    events = PARSERS[parser](_feed(client), tmp_path)

    event = _read_event_of(events, talk)
    # The math of the title and the abstract as plain text (program.text), the rest as written.
    assert event["summary"] == (
        r"Régularisation implicite; rang faible, et Иштева: B(t) pour t ∈ [a, b] \ fin "
        "(Mariya Иштева)"
    )
    assert event["description"].startswith("Mariya Иштева (KU Leuven, ESAT)\n\n")
    abstract = (
        "Première ligne, avec une virgule; et un point-virgule.\n"
        "Deuxième ligne: ∇ f(x) = 0 et a b c pour t ∈ [a, b].\n\n"
        + "Низкоранговые аппроксимации матриц и тензоров, и нейронные сети; " * 3
        + "Иштева a montré que ‖X‖_* ≤ √(r) ‖X‖_F. " * 3
        + "Dernière ligne \\"
    )
    assert f"\n\n{abstract}\n\n" in event["description"]
    assert event["description"].endswith(f"\n{SITE}{talk.get_absolute_url()}")
    assert event["start_utc"] == "2024-11-27T16:00:00.000Z"


# --- UID and SEQUENCE: subscribed calendars take changes ----------------------------------------


def test_session_moved_in_admin_keeps_uid_and_raises_sequence(admin_client, seeded):
    cohen = Talk.objects.get(slug=COHEN)
    before = _event_of(_feed(admin_client), cohen)
    _next_second()

    _admin_change(
        admin_client, "session", cohen.session.pk, starts_at_1="17:00:00", ends_at_1="17:30:00"
    )

    after = _event_of(_feed(admin_client), cohen)
    assert after["UID"] == before["UID"]
    assert after.decoded("SEQUENCE") == before.decoded("SEQUENCE") + 1
    assert _utc(after, "DTSTART") == dt.datetime(2024, 11, 27, 16, 0, tzinfo=dt.UTC)
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")


def test_session_moved_in_workshop_inline_raises_talk_sequence(admin_client, seeded):
    cerisara = Talk.objects.get(slug=CERISARA)
    index = list(Session.objects.filter(workshop=seeded)).index(cerisara.session)
    before = _sequences(_feed(admin_client))

    _admin_change(
        admin_client,
        "workshop",
        seeded.pk,
        **{f"sessions-{index}-starts_at_1": "17:00", f"sessions-{index}-ends_at_1": "18:00"},
    )

    body = _feed(admin_client)
    event = _event_of(body, cerisara)
    assert _utc(event, "DTSTART") == dt.datetime(2024, 11, 27, 16, 0, tzinfo=dt.UTC)
    assert _sequences(body) == before | {str(event["UID"]): before[str(event["UID"])] + 1}


def test_talk_title_edited_in_admin_raises_sequence(admin_client, seeded):
    cohen = Talk.objects.get(slug=COHEN)
    before = _sequences(_feed(admin_client))

    _admin_change(admin_client, "talk", cohen.pk, title="Implicit regularization, revisited")

    body = _feed(admin_client)
    event = _event_of(body, cohen)
    assert str(event["SUMMARY"]) == "Implicit regularization, revisited (Jérémy Cohen)"
    assert _sequences(body) == before | {str(event["UID"]): before[str(event["UID"])] + 1}


def test_workshop_venue_changed_in_admin_raises_every_sequence(admin_client, seeded):
    before = _sequences(_feed(admin_client))

    _admin_change(admin_client, "workshop", seeded.pk, venue_name="LORIA")

    body = _feed(admin_client)
    assert _sequences(body) == {uid: sequence + 1 for uid, sequence in before.items()}
    assert {str(event["LOCATION"]) for event in _events(body)} == {"LORIA, Nancy, France"}


@pytest.mark.parametrize("model", ["session", "talk", "workshop"])
def test_admin_resave_without_changes_keeps_every_sequence(admin_client, seeded, model):
    pk = {
        "session": Session.objects.get(talk__slug=COHEN).pk,
        "talk": Talk.objects.get(slug=COHEN).pk,
        "workshop": seeded.pk,
    }[model]
    before = _sequences(_feed(admin_client))

    _admin_change(admin_client, model, pk)

    assert _sequences(_feed(admin_client)) == before


def test_session_given_another_talk_raises_both_talks_sequence(client, seeded):
    cohen, penke = Talk.objects.get(slug=COHEN), Talk.objects.get(slug=PENKE)
    before = (cohen.sequence, penke.sequence)
    session = cohen.session
    session.talk = penke
    session.save()

    cohen.refresh_from_db()
    penke.refresh_from_db()
    assert (cohen.sequence, penke.sequence) == (before[0] + 1, before[1] + 1)
    event = _event_of(_feed(client), penke)
    assert event.decoded("SEQUENCE") == penke.sequence + seeded.sequence
    assert _utc(event, "DTSTART") == dt.datetime(2024, 11, 27, 9, 30, tzinfo=dt.UTC)


def test_session_moved_by_raw_sql_raises_sequence_on_the_next_request(client, seeded):
    cohen = Talk.objects.get(slug=COHEN)
    before = _event_of(_feed(client), cohen)  # the feed is now cached

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Session._meta.db_table} SET starts_at = %s, ends_at = %s WHERE talk_id = %s",
            [
                dt.datetime(2024, 11, 27, 16, tzinfo=dt.UTC),
                dt.datetime(2024, 11, 27, 16, 30, tzinfo=dt.UTC),
                cohen.pk,
            ],
        )

    after = _event_of(_feed(client), cohen)
    assert after["UID"] == before["UID"]
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    assert _utc(after, "DTSTART") == dt.datetime(2024, 11, 27, 16, tzinfo=dt.UTC)


def test_session_moved_from_manage_py_shell_raises_sequence_on_the_next_request(client, seeded):
    cohen = Talk.objects.get(slug=COHEN)
    before = _event_of(_feed(client), cohen)

    call_command(
        "shell",
        command=(
            "import datetime as dt; from program.models import Session; "
            f"s = Session.objects.get(talk__slug='{COHEN}'); "
            "s.starts_at += dt.timedelta(hours=2); s.ends_at += dt.timedelta(hours=2); s.save()"
        ),
    )

    after = _event_of(_feed(client), cohen)
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    assert _utc(after, "DTSTART") == _utc(before, "DTSTART") + dt.timedelta(hours=2)


def test_speaker_renamed_in_bulk_raises_the_sequence_of_their_talks(client, seeded):
    cohen = Talk.objects.get(slug=COHEN)
    before = _sequences(_feed(client))
    uid = str(_event_of(_feed(client), cohen)["UID"])

    cohen.speakers.update(name="Jérémy E. Cohen")

    body = _feed(client)
    assert str(_event_of(body, cohen)["SUMMARY"]).endswith("(Jérémy E. Cohen)")
    assert _sequences(body) == before | {uid: before[uid] + 1}


def test_speaker_added_to_a_talk_raises_its_sequence(client, seeded):
    cohen = Talk.objects.get(slug=COHEN)
    uid = str(_event_of(_feed(client), cohen)["UID"])
    before = _sequences(_feed(client))

    cohen.speakers.add(SpeakerFactory(workshop=seeded, name="Ada Lovelace"))

    assert _sequences(_feed(client))[uid] > before[uid]


def test_saving_a_stale_talk_never_lowers_its_sequence(client, seeded):
    stale = Talk.objects.get(slug=COHEN)
    Talk.objects.filter(pk=stale.pk).update(title="Implicit regularization, revisited")
    raised = Talk.objects.get(pk=stale.pk).sequence
    assert stale.sequence < raised

    stale.abstract = "A new abstract."
    stale.save()  # writes back the title and the sequence it read

    assert Talk.objects.get(pk=stale.pk).sequence > raised


@pytest.mark.parametrize(
    ("model", "changes"),
    [
        (Workshop, lambda w: {"capacity": 120, "registration_deadline": dt.date(2024, 11, 15)}),
        (Talk, lambda w: {"workshop": w}),  # written, but no value changes
        (Session, lambda w: {"workshop": w}),
    ],
    ids=["workshop", "talk", "session"],
)
def test_change_of_fields_not_in_calendar_keeps_sequences(client, seeded, model, changes):
    before = _sequences(_feed(client))

    model.objects.all().update(**changes(seeded))

    assert _sequences(_feed(client)) == before


def test_program_calendar_uids_unchanged_when_workshop_slug_edited(admin_client, seeded):
    before = [str(event["UID"]) for event in _events(_feed(admin_client))]

    _admin_change(admin_client, "workshop", seeded.pk, slug="lorainne-2024")

    assert [str(event["UID"]) for event in _events(_feed(admin_client))] == before


# --- Conditional requests: polling calendars get 304 ---------------------------------------------


def test_program_calendar_with_matching_etag_is_304(client, seeded):
    etag = client.get(FEED_URL)["ETag"]

    response = client.get(FEED_URL, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_program_calendar_not_modified_since_last_modified_is_304(client, seeded):
    last_modified = client.get(FEED_URL)["Last-Modified"]

    response = client.get(FEED_URL, headers={"If-Modified-Since": last_modified})

    assert response.status_code == 304
    assert response.content == b""


def test_program_calendar_after_a_change_is_200_with_new_validators(client, seeded):
    first = client.get(FEED_URL)
    _next_second()
    talk = Talk.objects.get(slug=COHEN)
    talk.title = "Implicit regularization, revisited"
    talk.save()

    by_etag = client.get(FEED_URL, headers={"If-None-Match": first["ETag"]})
    by_date = client.get(FEED_URL, headers={"If-Modified-Since": first["Last-Modified"]})

    assert by_etag.status_code == by_date.status_code == 200
    assert by_etag["ETag"] != first["ETag"]
    assert by_etag["Last-Modified"] != first["Last-Modified"]
    assert str(_event_of(by_etag.content, talk)["SUMMARY"]).startswith(
        "Implicit regularization, revisited"
    )


@pytest.mark.parametrize(
    ("model", "removed"),
    [
        ("session", lambda: Session.objects.get(title="Farewell break")),
        ("talk", lambda: Talk.objects.get(slug=COHEN)),
        ("speaker", lambda: Talk.objects.get(slug=COHEN).speakers.get()),
    ],
    ids=["slot", "talk", "speaker"],
)
def test_program_calendar_after_a_removal_in_admin_is_not_304(admin_client, seeded, model, removed):
    first = admin_client.get(FEED_URL)
    before = {str(event["UID"]): event.to_ical() for event in _events(first.content)}
    row = removed()
    _next_second()

    response = admin_client.post(f"/admin/program/{model}/{row.pk}/delete/", {"post": "yes"})
    by_date = admin_client.get(FEED_URL, headers={"If-Modified-Since": first["Last-Modified"]})
    by_etag = admin_client.get(FEED_URL, headers={"If-None-Match": first["ETag"]})

    # The removed rows cannot date the change: the feed must still not answer 304.
    assert response.status_code == 302
    assert by_date.status_code == by_etag.status_code == 200
    assert by_date["Last-Modified"] != first["Last-Modified"]
    after = {str(event["UID"]): event.to_ical() for event in _events(by_date.content)}
    assert after != before


# --- One talk: "add to calendar" -----------------------------------------------------------------


def test_talk_calendar_has_the_talk_event_of_the_program_feed(client, seeded):
    cohen = Talk.objects.get(slug=COHEN)
    in_feed = _event_of(_feed(client), cohen)

    response = client.get(f"/program/talks/{COHEN}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'inline; filename="lorainne24-{COHEN}.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert [zone["TZID"] for zone in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert event["UID"] == in_feed["UID"]
    assert event.to_ical() == in_feed.to_ical()


def test_talk_calendar_of_unknown_talk_is_404_page(client, seeded):
    page = get_page(client, "/program/talks/no-such-talk/calendar.ics", status=404)

    assert page.find("title").text == "Page not found"
    assert page.find("h1").text == "Page not found"


def test_talk_calendar_of_talk_without_slot_is_404(client, seeded):
    page = get_page(client, f"/program/talks/{PENKE}/calendar.ics", status=404)

    assert page.find("h1").text == "Page not found"


def _calendar_links(page) -> dict[str, str]:
    """The .ics links in the page's main content: address → text a reader (or screen reader) gets."""
    links = page.find("main").find_all("a", href=True)
    return {a.attrs["href"]: a.text for a in links if a.attrs["href"].endswith(".ics")}


def test_talk_page_links_its_calendar_when_scheduled(client, seeded):
    cohen = Talk.objects.get(slug=COHEN)

    page = get_page(client, f"/program/talks/{COHEN}/")

    assert _calendar_links(page) == {
        f"/lorainne24/program/talks/{COHEN}/calendar.ics": f"Add to calendar: {cohen.title} (.ics)"
    }


def test_talk_page_without_slot_has_no_calendar_link(client, seeded):
    page = get_page(client, f"/program/talks/{PENKE}/")

    assert _calendar_links(page) == {}
    assert "Time to be announced" in page.find("p", class_="when").text


def test_program_page_links_the_feed_to_download_and_to_subscribe(client, seeded):
    page = get_page(client, "/program/")

    # The edition's own feed: a subscription never moves to the next edition's program.
    download = page.find("a", href=EDITION_FEED_URL)
    subscribe = page.find("a", href=f"webcal://testserver{EDITION_FEED_URL}")

    assert "download" in download.attrs
    assert download.text == "Download the program as a calendar file (.ics)"
    assert subscribe.text.startswith("Subscribe in your calendar app")


# --- The confirmation email ---------------------------------------------------------------------


def test_confirmation_email_attaches_the_program_calendar(
    seeded, django_capture_on_commit_callbacks
):
    with time_machine.travel(paris_time(dt.date(2024, 11, 1), 10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            elodie = registration_services.register(
                seeded,
                first_name="Élodie",
                last_name="Marchand",
                email="elodie.marchand@example.org",
                affiliation="Université de Lorraine, IECL",
                position=Registration.Position.PHD,
            )
        # The seed confirms addresses: the confirmation comes once Élodie confirms hers.
        with django_capture_on_commit_callbacks(execute=True):
            registration_services.confirm_address(elodie)

    asking, message = mail.outbox
    assert asking.subject == "LoRAINNe'24: confirm your address"
    assert asking.attachments == []
    received = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    (attachment,) = received.iter_attachments()
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "lorainne24-program.ics"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    events = calendar.walk("VEVENT")
    assert len(events) == SEEDED_SLOTS
    assert [zone["TZID"] for zone in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    cohen = Talk.objects.get(slug=COHEN)
    (event,) = [event for event in events if str(event["UID"]).startswith(f"{cohen.uid}@")]
    assert str(event["URL"]) == f"{settings.SITE_URL}/lorainne24/program/talks/{COHEN}/"


# --- The builder ---------------------------------------------------------------------------------


def test_build_calendar_same_inputs_same_bytes(seeded):
    sessions = list(Session.objects.filter(workshop=seeded).timetable())

    with time_machine.travel(dt.datetime(2024, 11, 1, tzinfo=dt.UTC), tick=False):
        first = build_calendar(seeded, sessions, base_url=SITE)
    with time_machine.travel(dt.datetime(2025, 3, 30, 2, 30, tzinfo=dt.UTC), tick=False):
        second = build_calendar(seeded, sessions, base_url=SITE)

    assert first == second
    assert len(_events(first)) == SEEDED_SLOTS
