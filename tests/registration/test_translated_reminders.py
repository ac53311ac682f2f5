"""The reminder's note in both languages (Workshop.reminder_note, program/translation.py): each
person's reminder carries the version of the language they registered in, the English one when
no French is written, its dates in the version's language; no note, no block.

LoRAINNe'24's reminder goes out on Saturday 23 November 2024, 3 days before it starts."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from registration.emails import build_reminder_email

from ..pages import parse
from .test_reminders import paris, tick  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

NOTE_EN = (
    "Bring your laptop: the tutorial on {first_day} is hands-on.\nSlides: https://example.org/s"
)
NOTE_FR = (
    "Apportez votre ordinateur : le tutoriel du {first_day} se fait sur machine.\n"
    "Transparents : https://example.org/s"
)
OPENING_EN = "We look forward to seeing you."


def _remind(workshop, sign_up, clock, tick, **note) -> dict[str, mail.EmailMessage]:  # noqa: F811
    """The reminders of `workshop` with `note`, to person-1 (registered in English) and person-2
    (in French), by address."""
    for column, text in note.items():
        setattr(workshop, column, text)
    workshop.save()
    sign_up(workshop)
    sign_up(workshop, language="fr")
    clock.move_to(paris(23, 9))
    tick()
    return {message.to[0]: message for message in mail.outbox}


def _html(message: mail.EmailMessage):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return parse(html)


def test_reminder_carries_the_note_in_each_persons_language(
    open_workshop,
    sign_up,
    clock,
    tick,  # noqa: F811
):
    sent = _remind(
        open_workshop, sign_up, clock, tick, reminder_note_en_gb=NOTE_EN, reminder_note_fr=NOTE_FR
    )

    english, french = sent["person-1@example.org"], sent["person-2@example.org"]
    # After the opening, before when and where; its dates in its own language.
    assert (
        f"{OPENING_EN}\n\nBring your laptop: the tutorial on 26 November is hands-on.\n"
        "Slides: https://example.org/s\n\nWhat:"
    ) in english.body
    assert (
        "Apportez votre ordinateur : le tutoriel du 26 novembre se fait sur machine.\n"
        "Transparents : https://example.org/s\n\nQuoi"
    ) in french.body
    assert "Bring your laptop" not in french.body
    assert "Apportez" not in english.body
    [note] = [p for p in _html(french).find_all("p") if p.text.startswith("Apportez")]
    assert note.text == (
        "Apportez votre ordinateur : le tutoriel du 26 novembre se fait sur machine. "
        "Transparents : https://example.org/s"
    )
    assert note.links() == ["https://example.org/s"]
    assert _html(english).find_all("p")[2].text.startswith("Bring your laptop: the tutorial")


def test_reminder_note_without_a_french_version_reaches_french_registrants_in_english(
    open_workshop,
    sign_up,
    clock,
    tick,  # noqa: F811
):
    sent = _remind(open_workshop, sign_up, clock, tick, reminder_note_en_gb=NOTE_EN)

    french = sent["person-2@example.org"]
    # The English version, with its English date, inside the French email.
    assert "Bring your laptop: the tutorial on 26 November is hands-on." in french.body
    assert french.body.startswith("Bonjour Person 2,")


def test_reminder_without_a_note_has_no_empty_block(
    open_workshop,
    sign_up,
    clock,
    tick,  # noqa: F811
):
    sent = _remind(open_workshop, sign_up, clock, tick)

    english = sent["person-1@example.org"]
    assert f"{OPENING_EN}\n\nWhat:  LoRAINNe'24" in english.body
    html = _html(english)
    paragraphs = [p.text for p in html.find_all("p")]
    assert paragraphs[0] == "Dear Person 1,"
    assert paragraphs[1].endswith(OPENING_EN)
    assert "" not in paragraphs
    # The opening's paragraph, then when and where.
    assert f"{OPENING_EN}</p>\n<table" in english.alternatives[0].content


def test_reminder_note_written_in_french_alone_reaches_english_registrants(
    open_workshop, sign_up, clock
):
    open_workshop.reminder_note_fr = "Apportez votre ordinateur."
    open_workshop.save()
    person = sign_up(open_workshop)

    message = build_reminder_email(person)

    assert f"{OPENING_EN}\n\nApportez votre ordinateur.\n\nWhat:" in message.body


def test_reminder_note_with_an_unknown_placeholder_in_its_french_version_is_refused(
    open_workshop,
):
    open_workshop.reminder_note_en_gb = "See you on {first_day}."
    open_workshop.reminder_note_fr = "À bientôt, le {premier_jour}."

    with pytest.raises(ValidationError) as refused:
        open_workshop.full_clean()

    assert list(refused.value.message_dict) == ["reminder_note_fr"]
    assert "{premier_jour}" in refused.value.message_dict["reminder_note_fr"][0]
