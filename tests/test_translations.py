"""The site in French: the catalogue is complete, every public page reads in French, the
language is chosen and kept, cached pages follow it, and emails follow the registrant's."""

import ast
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.urls import reverse

from program.models import Workshop
from registration import services
from registration.emails import build_announcement_email, build_reminder_email
from registration.models import Registration

from .pages import parse

BASE = Path(settings.BASE_DIR)
CATALOGUE = BASE / "locale/fr/LC_MESSAGES/django.po"
# The same command as `make messages` (Makefile), run on a copy of the code.
MAKEMESSAGES = [
    "makemessages",
    "--locale=fr",
    "--add-location=file",
    "--no-obsolete",
    "--ignore=.*",
    "--ignore=node_modules",
    "--ignore=static",
    "--ignore=staticfiles",
    "--ignore=tests",
    "--ignore=bench",
]
# The project and each of its apps (the other apps are installed packages), with what they read.
SOURCES = [
    "lorainne",
    *(
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).parent == Path(settings.BASE_DIR)
    ),
    "templates",
    "locale",
    "manage.py",
]
# While registration is open for LoRAINNe'24, in the workshop's time zone.
OPEN = dt.datetime(2024, 10, 15, 10, tzinfo=dt.UTC)
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _gettext_tools_or_skip():
    if shutil.which("xgettext") and shutil.which("msgattrib"):
        return
    if os.environ.get("CI"):
        pytest.fail("GNU gettext is missing: .ci/run installs it (apt-get install gettext)")
    pytest.skip("GNU gettext is not installed (apt-get install gettext)")


def _entries(po: Path, *options: str) -> list[str]:
    """The msgids msgattrib selects (--untranslated, --only-fuzzy) from a catalogue."""
    selected = subprocess.run(
        ["msgattrib", *options, "--no-wrap", str(po)], capture_output=True, text=True, check=True
    ).stdout
    return [msgid for msgid in re.findall(r'^msgid "(.*)"$', selected, re.MULTILINE) if msgid]


def test_french_catalogue_has_every_string_of_the_code_translated(tmp_path):
    """makemessages on a copy of the code adds nothing the catalogue lacks: a new string, or a
    changed one, shows up as untranslated or fuzzy there."""
    _gettext_tools_or_skip()
    for name in SOURCES:
        source = BASE / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)

    subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES, "-v0"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "lorainne.settings"},
    )

    extracted = tmp_path / "locale/fr/LC_MESSAGES/django.po"
    assert _entries(extracted, "--untranslated") == [], "untranslated: run `make messages`"
    assert _entries(extracted, "--only-fuzzy") == [], "fuzzy: check and translate them"


def test_french_catalogue_as_committed_has_no_fuzzy_or_empty_entry():
    _gettext_tools_or_skip()
    assert _entries(CATALOGUE, "--untranslated") == []
    assert _entries(CATALOGUE, "--only-fuzzy") == []


def _catalogue() -> list[tuple[list[str], list[str]]]:
    """Each entry of the French catalogue: its English (msgid, and msgid_plural) and its French
    (msgstr, or each msgstr[n]), one line per string as msgcat writes them unwrapped."""
    _gettext_tools_or_skip()
    lines = subprocess.run(
        ["msgcat", "--no-wrap", str(CATALOGUE)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    entries = []
    for line in lines:
        keyword, _, quoted = line.partition(" ")
        if keyword == "msgid":
            entries.append(([], []))
        if keyword in ("msgid", "msgid_plural"):
            entries[-1][0].append(ast.literal_eval(quoted))
        elif keyword.startswith("msgstr"):
            entries[-1][1].append(ast.literal_eval(quoted))
    return entries[1:]  # the first is the header


# French typography: a no-break space before : ; ? ! and », after «. Not a colon of a web address
# (https://) or of a time (23:59), nor the semicolon ending an HTML entity (&copy;).
_BADLY_SPACED = re.compile(
    r"(?<![\N{NO-BREAK SPACE}])(?:[;?!»]|:(?!//|\d))|«(?!\N{NO-BREAK SPACE})"
)


def _typography_faults(french: str) -> list[str]:
    """Each misspaced sign, with the words before it."""
    text = re.sub(r"<[^>]*>|&\w+;|https?://", "", french)
    return [text[max(0, m.start() - 20) : m.end()] for m in _BADLY_SPACED.finditer(text)]


def test_typography_faults_are_found():
    nbsp = "\N{NO-BREAK SPACE}"
    good = f"Titre{nbsp}: «{nbsp}Bonjour{nbsp}»{nbsp}; voir https://a.b à 23:59 &copy;"
    assert _typography_faults(good) == []
    faults = _typography_faults(good.replace(nbsp, " "))
    assert [fault[-1] for fault in faults] == [":", "«", "»", ";"]


def test_french_catalogue_keeps_french_typography():
    faults = {
        french: _typography_faults(french)
        for _, french_forms in _catalogue()
        for french in french_forms
        if _typography_faults(french)
    }
    assert faults == {}


def test_french_catalogue_never_puts_a_preposition_before_a_place_name():
    """A venue or an affiliation is typed by organizers and may need its article (« l’IDMC »,
    « l’Université de Lorraine »): « à %(venue)s » would read « à IDMC »."""
    faults = [
        french
        for _, french_forms in _catalogue()
        for french in french_forms
        if re.search(r"\b(?:à|de|vers|au) %\((?:venue|affiliation)\)s", french)
    ]
    assert faults == []


def _english_phrases() -> set[str]:
    """The English the site writes, as phrases of three words or more: each source string
    whose French differs (or is missing), cut at its placeholders and tags. (Shorter ones, such
    as "Program", may appear in the workshop's own content, which is not translated.)"""
    phrases = set()
    for english_forms, french_forms in _catalogue():
        for english in english_forms:
            if english in french_forms:
                continue
            for piece in re.split(r"%\(\w+\)s|\{\w+\}|<[^>]+>|&\w+;", english):
                piece = " ".join(piece.split()).strip(" .,:;()")
                if len(piece.split()) >= 3:
                    phrases.add(piece)
    return phrases


@pytest.fixture
def french_pages(client, seeded):
    """Every public page of LoRAINNe'24, and a personal one, asked for in French while
    registration is open."""
    Workshop.objects.filter(pk=seeded.pk).update(
        info_getting_there="Tram 1, stop *Nancy Gare*.", info_wifi="Eduroam."
    )
    with time_machine.travel(OPEN, tick=False):
        registration = services.register(
            seeded,
            first_name="Élodie",
            last_name="Marchal",
            email="elodie@example.org",
            affiliation="Université de Lorraine",
            position="phd",
            listed_publicly=True,
            language="fr",
        )
        urls = [
            "/",
            "/program/",
            "/program/talks/cohen-implicit-regularization/",
            "/speakers/",
            "/posters/",
            "/info/",
            "/register/",
            "/privacy/",
            "/participants/",
            registration.get_absolute_url(),
            reverse("registration:cancel", kwargs={"token": registration.token}),
        ]
        pages = {url: client.get(url, **FR) for url in urls}
        pages["404"] = client.get("/no-such-page/", **FR)
    return pages


def test_each_public_page_in_french_has_no_english_of_the_catalogue(french_pages):
    phrases = _english_phrases()
    assert len(phrases) > 100  # the catalogue was read

    for url, response in french_pages.items():
        assert response.status_code == (404 if url == "404" else 200), url
        page = parse(response.content)
        assert page.find("html").attrs["lang"] == "fr", url
        text = page.text
        assert [phrase for phrase in phrases if phrase in text] == [], url


def test_french_pages_show_french_words_and_dates(french_pages):
    home = parse(french_pages["/"].content)
    assert [link.text for link in home.find("nav").find_all("a")][:4] == [
        "Accueil",
        "Programme",
        "Orateurs",
        "Posters",
    ]
    assert "26–27 novembre 2024" in home.text
    # A no-break space before the colon (the parsed text turns it into a space).
    html = french_pages["/"].content.decode()
    assert "ouvertes</span>\N{NO-BREAK SPACE}: 79 places restantes" in html
    program = parse(french_pages["/program/"].content)
    assert "Jour 1 : mardi 26 novembre 2024" in program.text
    register = parse(french_pages["/register/"].content)
    labels = [label.text for label in register.find_all("label")]
    assert labels[:3] == ["Prénom", "Nom", "Adresse électronique"]
    assert (
        "Les inscriptions sont ouvertes jusqu’au lundi 11 novembre 2024, 23:59:59" in register.text
    )


def test_texts_organizers_write_keep_their_language_and_their_dates(client, seeded):
    """A text with no French version reaches a French reader in English, its dates in English
    too: a sentence never mixes the two (a French version gets French dates:
    tests/program/test_translated_texts.py)."""
    Workshop.objects.filter(pk=seeded.pk).update(schedule_note="We finish on {last_day}.")

    with time_machine.travel(OPEN, tick=False):
        page = parse(client.get("/", **FR).content)

    assert "We finish on 27 November." in page.text


# Choosing the language.


def test_accept_language_is_the_first_guess(client, seeded):
    assert parse(client.get("/", **FR).content).find("html").attrs["lang"] == "fr"
    assert parse(client.get("/", **EN).content).find("html").attrs["lang"] == "en-gb"
    assert parse(client.get("/").content).find("html").attrs["lang"] == "en-gb"


def test_switch_sets_the_language_cookie_and_returns_to_the_page(client, seeded):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/program/"}, **EN)

    assert response.status_code == 302
    assert response["Location"] == "/program/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]
    # The cookie now wins over the browser's Accept-Language.
    page = parse(client.get("/program/", **EN).content)
    assert page.find("html").attrs["lang"] == "fr"
    assert page.find("h1").text == "Programme"


def test_switch_is_a_form_on_every_page_without_a_token(client, seeded):
    """Cached pages are the same for everyone: the switch carries no CSRF token of a visitor."""
    for url in ["/", "/register/", "/no-such-page/"]:
        form = parse(client.get(url).content).find("form", class_="language-switch")
        assert form.attrs["action"] == "/i18n/setlang/"
        assert form.find("input", name="next").attrs["value"] == url
        assert form.find_all("input", name="csrfmiddlewaretoken") == []
        buttons = form.find_all("button")
        assert [(b.attrs["value"], b.attrs["lang"], b.text) for b in buttons] == [
            ("en-gb", "en-gb", "English"),
            ("fr", "fr", "Français"),
        ]
        assert "disabled" in buttons[0].attrs  # the current language


def test_switch_from_another_site_is_refused(client, seeded):
    response = client.post(
        reverse("set_language"),
        {"language": "fr", "next": "/"},
        HTTP_ORIGIN="https://elsewhere.example",
    )

    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_switch_from_this_site_with_its_origin_is_accepted(client, seeded):
    response = client.post(
        reverse("set_language"),
        {"language": "fr", "next": "/"},
        HTTP_ORIGIN="http://testserver",
    )

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_switch_never_sends_the_visitor_to_another_site(client, seeded):
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": "https://elsewhere.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_switch_refuses_a_get(client, seeded):
    assert client.get(reverse("set_language"), {"language": "fr"}).status_code == 405


# The page cache.


def test_page_cache_gives_each_language_its_own_page(client, seeded, django_assert_num_queries):
    with time_machine.travel(OPEN, tick=False):
        french = client.get("/", **FR)
        english = client.get("/", **EN)
        # Both are cached now: one statement each (the edition's version and counts).
        with django_assert_num_queries(1):
            french_again = client.get("/", **FR)
        with django_assert_num_queries(1):
            english_again = client.get("/", **EN)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        with django_assert_num_queries(1):
            chosen = client.get("/", **EN)

    assert parse(french.content).find("h2", id="about").text == "À propos de l’atelier"
    assert parse(english.content).find("h2", id="about").text == "About the workshop"
    assert french_again.content == french.content
    assert english_again.content == english.content
    assert chosen.content == french.content
    for response in (french, english, french_again, chosen):
        vary = {part.strip() for part in response["Vary"].split(",")}
        assert {"Accept-Language", "Cookie"} <= vary
    assert french_again["Content-Language"] == "fr"


def test_calendar_follows_the_language(client, seeded):
    french = client.get("/program/calendar.ics", **FR)
    english = client.get("/program/calendar.ics", **EN)

    assert "Titre à venir" in french.content.decode()
    assert "Title to be announced" in english.content.decode()
    assert french["ETag"] != english["ETag"]


# Emails in the registrant's language.


@pytest.fixture
def french_registrant(client, seeded, django_capture_on_commit_callbacks):
    """Élodie registers on the French form; the workshop is then full (capacity 1)."""
    Workshop.objects.filter(pk=seeded.pk).update(capacity=1, confirm_addresses=False)
    with time_machine.travel(OPEN, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/register/",
            {
                "first_name": "Élodie",
                "last_name": "Marchal",
                "email": "elodie@example.org",
                "affiliation": "Université de Lorraine",
                "position": "phd",
                "days": ["2024-11-26", "2024-11-27"],
                "privacy_consent": "on",
                "website": "",
            },
            **FR,
        )
    assert response.status_code == 302
    return Registration.objects.get(email="elodie@example.org")


def test_registration_made_in_french_gets_its_confirmation_in_french(french_registrant):
    [message] = mail.outbox

    assert french_registrant.language == "fr"
    assert message.subject == "LoRAINNe'24\N{NO-BREAK SPACE}: votre inscription est confirmée"
    assert message.body.startswith(
        "Bonjour Élodie,\n\nVotre inscription à LoRAINNe'24 est confirmée"
    )
    assert "Quand\N{NO-BREAK SPACE}:  26–27 novembre 2024" in message.body
    assert "Présence\N{NO-BREAK SPACE}: Mardi 26 novembre, mercredi 27 novembre" in message.body
    html = message.alternatives[0].content
    assert '<html lang="fr">' in html
    [(filename, calendar, _)] = message.attachments
    assert filename == "lorainne24-program.ics"
    assert "Titre à venir" in calendar


def test_organizer_in_english_promotes_and_the_email_is_french(
    client, admin_client, french_registrant, seeded, django_capture_on_commit_callbacks
):
    """The organizer's admin is in English; the person registered in French."""
    with time_machine.travel(OPEN, tick=False), django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/register/",
            {
                "first_name": "Jane",
                "last_name": "Doe",
                "email": "jane@example.org",
                "affiliation": "University of Bath",
                "position": "postdoc",
                "days": ["2024-11-26"],
                "privacy_consent": "on",
                "website": "",
            },
            **EN,
        )
    jane = Registration.objects.get(email="jane@example.org")
    assert (jane.language, jane.status) == ("en-gb", "waitlisted")
    mail.outbox.clear()

    with time_machine.travel(OPEN, tick=False), django_capture_on_commit_callbacks(execute=True):
        # The organizer cancels Élodie from the admin, in English …
        response = admin_client.post(
            reverse("admin:registration_registration_changelist"),
            {"action": "cancel_registrations", "_selected_action": [french_registrant.pk]},
            follow=True,
            **EN,
        )
    assert parse(response.content).find("html").attrs["lang"] == "en-gb"

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    # … Élodie is told in French, and Jane, promoted, in English.
    assert subjects == {
        "elodie@example.org": "LoRAINNe'24\N{NO-BREAK SPACE}: votre inscription est annulée",
        "jane@example.org": "LoRAINNe'24: a seat is yours: your registration is confirmed",
    }


def test_reminder_and_announcement_follow_the_registrants_language(french_registrant, seeded):
    with time_machine.travel(dt.datetime(2024, 11, 23, 9, tzinfo=dt.UTC), tick=False):
        reminder = build_reminder_email(french_registrant)
    announcement = seeded.announcements.create(subject="Room change", body="Dear {name}, room B.")
    message = build_announcement_email(announcement, french_registrant)

    assert reminder.subject == (
        "LoRAINNe'24\N{NO-BREAK SPACE}: à bientôt, rendez-vous le mardi 26 novembre"
    )
    assert "LoRAINNe'24 commence dans 3 jours" in reminder.body
    assert message.subject == "LoRAINNe'24\N{NO-BREAK SPACE}: Room change"
    assert message.body.startswith("Dear Élodie, room B.")  # the organizer's words, as written
    assert "Gardez ce lien pour vous" in message.body
