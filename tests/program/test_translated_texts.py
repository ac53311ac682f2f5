"""What organizers write, in both languages (program/translation.py): each reader gets the
version of their language where it is written, the other where it is not, never an empty block;
dates are filled in the version's language; the admin shows both; a copy keeps both; a change to
either gives the next reader the new page. The same for the organizers' roles (the reminder's
note: tests/registration/test_translated_reminders.py)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from contributions.models import Call
from program import services
from program.models import Organizer, Workshop
from registration.models import Option

from ..pages import parse
from ..registration.html_forms import form_data

pytestmark = pytest.mark.django_db

OPEN = dt.datetime(2024, 10, 15, 10, tzinfo=dt.UTC)  # LoRAINNe'24's registration is open
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

DESCRIPTION_FR = (
    "Cet atelier explore les décompositions et approximations de rang faible de matrices et de "
    "tenseurs, et leurs interactions avec les réseaux de neurones."
)
TERMS_FR = "L’inscription est gratuite mais obligatoire (les places sont limitées)."


def _write_french(workshop: Workshop) -> None:
    """The French description and terms, and the French label of the lunch (not of the
    cocktail), as an organizer writes them."""
    workshop.description_fr = DESCRIPTION_FR
    workshop.registration_terms_fr = TERMS_FR
    workshop.save()
    Option.objects.filter(workshop=workshop, label_en_gb="Lunch").update(label_fr="Déjeuner")


def _get(client, url, language):
    with time_machine.travel(OPEN, tick=False):
        return parse(client.get(url, **language).content)


def _option_labels(page) -> list[str]:
    return [label.text for label in page.find_all("label") if label.text in LABELS]


LABELS = {"Lunch", "Déjeuner", "Cocktail and posters"}


def test_french_visitor_sees_the_french_versions_and_the_english_where_there_is_none(
    client, seeded
):
    _write_french(seeded)

    home = _get(client, "/", FR)
    register = _get(client, "/register/", FR)

    assert DESCRIPTION_FR in home.text
    assert "This workshop will explore" not in home.text
    assert TERMS_FR in register.text
    assert "Registration is free but mandatory" not in register.text
    # The cocktail has no French label: the English one, not an empty box.
    assert sorted(_option_labels(register)) == ["Cocktail and posters", "Déjeuner"]
    # No French schedule note either: the English one, with its English dates.
    assert "We will start at 13h-14h on 26 November" in home.text


def test_english_visitor_sees_the_english_versions(client, seeded):
    _write_french(seeded)

    home = _get(client, "/", EN)
    register = _get(client, "/register/", EN)

    assert "This workshop will explore" in home.text
    assert DESCRIPTION_FR not in home.text
    assert "Registration is free but mandatory" in register.text
    assert sorted(_option_labels(register)) == ["Cocktail and posters", "Lunch"]


def test_without_french_versions_a_french_visitor_reads_the_english(client, seeded):
    home = _get(client, "/", FR)

    assert "This workshop will explore" in home.text
    assert home.find("html").attrs["lang"] == "fr"


def test_a_text_written_only_in_french_is_shown_to_english_visitors_too(client, seeded):
    """The other way round: a practical information part written in French alone is not
    hidden from English readers (the Info page and its menu entry)."""
    seeded.info_wifi_fr = "Réseau eduroam, ou le réseau invité de l’université."
    seeded.save()

    info = _get(client, "/info/", EN)

    assert "Réseau eduroam, ou le réseau invité de l’université." in info.text


def test_dates_are_filled_in_the_language_of_the_version(client, seeded):
    seeded.schedule_note_en_gb = "We finish on {last_day}; register by {deadline}."
    seeded.schedule_note_fr = "Nous finissons le {last_day} ; inscrivez-vous avant le {deadline}."
    seeded.save()

    french = _get(client, "/", FR)
    english = _get(client, "/", EN)

    assert "Nous finissons le 27 novembre ; inscrivez-vous avant le 11 novembre." in french.text
    assert "We finish on 27 November; register by 11 November." in english.text


def test_editing_the_french_description_changes_the_cached_french_page(client, seeded):
    _write_french(seeded)
    before = _get(client, "/", FR)
    english_before = _get(client, "/", EN)
    version = Workshop.objects.get(pk=seeded.pk).content_version

    # A bulk update writes the column alone, as raw SQL would: the trigger sees it.
    Workshop.objects.filter(pk=seeded.pk).update(description_fr="Un atelier sur le rang faible.")
    after = _get(client, "/", FR)
    english_after = _get(client, "/", EN)

    assert DESCRIPTION_FR in before.text
    assert Workshop.objects.get(pk=seeded.pk).content_version > version
    assert "Un atelier sur le rang faible." in after.text
    assert DESCRIPTION_FR not in after.text
    assert english_after.find("main").text == english_before.find("main").text


def test_the_call_is_shown_in_the_visitors_language(client, seeded):
    call = Call.objects.create(
        workshop=seeded,
        opens_at=dt.datetime(2024, 9, 1, tzinfo=dt.UTC),
        closes_at=dt.datetime(2024, 11, 1, tzinfo=dt.UTC),
        text_en_gb="Send your abstract by {deadline}.",
        text_fr="Envoyez votre résumé avant le {deadline}.",
    )
    url = call.get_absolute_url()

    assert "Envoyez votre résumé avant le 11 novembre." in _get(client, url, FR).text
    assert "Send your abstract by 11 November." in _get(client, url, EN).text


def test_an_unknown_placeholder_in_the_french_version_is_refused_under_its_field(seeded):
    seeded.registration_terms_fr = "Inscription avant le {date_limite}."

    with pytest.raises(ValidationError) as refused:
        seeded.full_clean()

    assert list(refused.value.message_dict) == ["registration_terms_fr"]
    assert "{date_limite}" in refused.value.message_dict["registration_terms_fr"][0]


def _write_roles(workshop: Workshop) -> None:
    """Ricardo Borsoi's role in both languages, Marianne Clausel's in English alone, Sebastian
    Miron's none (the seed's organizers have no role)."""
    workshop.organizers.filter(name="Ricardo Borsoi").update(
        role_en_gb="General chair", role_fr="Président"
    )
    workshop.organizers.filter(name="Marianne Clausel").update(role_en_gb="Local organization")


def _committee(page) -> list[str]:
    return [item.text for item in page.section("Contact").find_all("li")]


def test_organizers_roles_in_the_visitors_language_and_the_english_where_there_is_none(
    client, seeded
):
    _write_roles(seeded)

    french = _get(client, "/", FR)
    english = _get(client, "/", EN)

    assert _committee(french) == [
        "Ricardo Borsoi, Président",
        "Marianne Clausel, Local organization",
        "Sebastian Miron",
        "Konstantin Usevich",
        "SiMul @ CRAN",
    ]
    assert _committee(english) == [
        "Ricardo Borsoi, General chair",
        "Marianne Clausel, Local organization",
        "Sebastian Miron",
        "Konstantin Usevich",
        "SiMul @ CRAN",
    ]


def test_the_seeds_organizers_have_no_role(client, seeded):
    assert _committee(_get(client, "/", FR)) == [
        "Ricardo Borsoi",
        "Marianne Clausel",
        "Sebastian Miron",
        "Konstantin Usevich",
        "SiMul @ CRAN",
    ]


def test_editing_a_french_role_changes_the_cached_french_page(client, seeded):
    _write_roles(seeded)
    before = _get(client, "/", FR)

    # A bulk update writes the column alone, as raw SQL would: the trigger sees it.
    Organizer.objects.filter(name="Ricardo Borsoi").update(role_fr="Présidente d’honneur")
    after = _get(client, "/", FR)

    assert "Ricardo Borsoi, Président" in _committee(before)
    assert _committee(after)[0] == "Ricardo Borsoi, Présidente d’honneur"


def test_next_edition_keeps_both_languages(seeded):
    _write_french(seeded)
    _write_roles(seeded)
    seeded.reminder_note_en_gb = "Bring your laptop."
    seeded.reminder_note_fr = "Apportez votre ordinateur."
    seeded.save()
    Call.objects.create(
        workshop=seeded,
        opens_at=dt.datetime(2024, 9, 1, tzinfo=dt.UTC),
        closes_at=dt.datetime(2024, 11, 1, tzinfo=dt.UTC),
        text_en_gb="Send your abstract.",
        text_fr="Envoyez votre résumé.",
    )

    edition = services.start_next_edition(
        seeded, name="X", acronym="X'25", slug="x25", starts_on=dt.date(2025, 11, 25)
    )

    edition = Workshop.objects.get(pk=edition.pk)
    assert (edition.description_en_gb, edition.description_fr) == (
        seeded.description_en_gb,
        DESCRIPTION_FR,
    )
    assert edition.registration_terms_fr == TERMS_FR
    assert sorted(edition.options.values_list("label_en_gb", "label_fr")) == [
        ("Cocktail and posters", None),
        ("Lunch", "Déjeuner"),
    ]
    call = Call.objects.get(workshop=edition)
    assert (call.text_en_gb, call.text_fr) == ("Send your abstract.", "Envoyez votre résumé.")
    assert (edition.reminder_note_en_gb, edition.reminder_note_fr) == (
        "Bring your laptop.",
        "Apportez votre ordinateur.",
    )
    assert list(edition.organizers.values_list("name", "role_en_gb", "role_fr", "position")) == [
        ("Ricardo Borsoi", "General chair", "Président", 1),
        ("Marianne Clausel", "Local organization", None, 2),
        ("Sebastian Miron", None, None, 3),
        ("Konstantin Usevich", None, None, 4),
        ("SiMul @ CRAN", None, None, 5),
    ]


# The admin.


def test_admin_shows_each_text_in_both_languages_english_required(admin_client, seeded):
    url = reverse("admin:program_workshop_change", args=[seeded.pk])

    page = parse(admin_client.get(url, **EN).content)

    for field in (
        "description",
        "schedule_note",
        "registration_terms",
        "reminder_note",
        "info_transport",
    ):
        assert len(page.find_all(id=f"id_{field}_en_gb")) == 1, field
        assert len(page.find_all(id=f"id_{field}_fr")) == 1, field
        assert page.find_all(name=field) == []  # no third field, in no language
        # Side by side: one row of the form holds both.
        [row] = page.find_all("div", class_=f"field-{field}_fr")[:1]
        assert {"form-multiline", f"field-{field}_en_gb"} <= set(row.attrs["class"].split())
    assert page.find("label", **{"for": "id_description_en_gb"}).text == ("Description (English):")
    assert page.find("label", **{"for": "id_description_fr"}).text == "Description (French):"
    assert "required" in page.find(id="id_description_en_gb").attrs
    assert "required" not in page.find(id="id_description_fr").attrs
    # The options' labels and the organizers' roles too.
    [option] = page.find_all("div", class_="field-label_fr")[:1]
    assert {"form-multiline", "field-label_en_gb"} <= set(option.attrs["class"].split())
    [role] = page.find_all("div", class_="field-role_fr")[:1]
    assert {"form-multiline", "field-role_en_gb"} <= set(role.attrs["class"].split())
    assert page.find("label", **{"for": "id_organizers-0-role_en_gb"}).text == "Role (English):"
    assert page.find("label", **{"for": "id_organizers-0-role_fr"}).text == "Role (French):"
    assert "required" not in page.find(id="id_organizers-0-role_en_gb").attrs
    assert page.find_all(name="organizers-0-role") == []


def test_admin_saves_an_organizers_french_role(admin_client, seeded):
    url = reverse("admin:program_workshop_change", args=[seeded.pk])
    data = form_data(admin_client.get(url).content.decode(), "workshop_form")
    first = next(name for name, value in data.items() if value == "Ricardo Borsoi")
    prefix = first.removesuffix("name")

    response = admin_client.post(
        url,
        data | {f"{prefix}role_en_gb": "General chair", f"{prefix}role_fr": "Président"},
        **FR,
    )

    assert response.status_code == 302
    organizer = Organizer.objects.get(workshop=seeded, name="Ricardo Borsoi")
    assert (organizer.role_en_gb, organizer.role_fr) == ("General chair", "Président")


def test_admin_saves_the_french_version_and_keeps_the_english(admin_client, seeded):
    url = reverse("admin:program_workshop_change", args=[seeded.pk])
    data = form_data(admin_client.get(url).content.decode(), "workshop_form")

    response = admin_client.post(url, data | {"description_fr": DESCRIPTION_FR}, **FR)

    assert response.status_code == 302
    workshop = Workshop.objects.get(pk=seeded.pk)
    assert workshop.description_fr == DESCRIPTION_FR
    assert workshop.description_en_gb.startswith("This workshop will explore")


def test_the_original_column_keeps_the_english_whatever_language_saves(seeded):
    """SQL reading `description` (a report, a dump) gets the English, as before the French
    versions existed, also after a save from a French page."""
    with translation.override("fr"):
        workshop = Workshop.objects.get(pk=seeded.pk)
        workshop.description_fr = DESCRIPTION_FR
        workshop.save()
        assert workshop.description == DESCRIPTION_FR  # what a French reader gets

    with connection.cursor() as cursor:
        cursor.execute("SELECT description FROM program_workshop WHERE id = %s", [seeded.pk])
        [(column,)] = cursor.fetchall()
    assert column == seeded.description_en_gb
