"""Rows of two editions never meet: a talk of LoRAINNe'25 cannot name the LoRAINNe'24 speaker of
the same name, whatever writes it. The admin offers the edition's own speakers, names each one's
edition and refuses another's by name; the database refuses the link on any write path
(program/triggers.py), on SQLite and PostgreSQL alike."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.test.utils import isolate_apps
from django.urls import reverse
from django.utils import timezone

from program import triggers
from program.forms import PosterForm, TalkForm
from program.models import Poster, Session, Speaker, Talk, Workshop
from registration.models import Option, Registration
from tests.factories import (
    PosterFactory,
    SessionFactory,
    SpeakerFactory,
    TalkFactory,
    WorkshopFactory,
)
from tests.pages import parse
from tests.registration.html_forms import form_data

pytestmark = pytest.mark.django_db

MODELS = apps.get_models(include_auto_created=True)
REFUSED = "Francesco Tudisco belongs to LoRAINNe'24, not to LoRAINNe'25: choose one of LoRAINNe'25."


@pytest.fixture
def lorainne25(seeded) -> Workshop:
    """The next edition, a draft, with its own Francesco Tudisco and a talk still without one."""
    edition = WorkshopFactory(
        acronym="LoRAINNe'25",
        slug="lorainne25",
        published=False,
        starts_on=dt.date(2025, 11, 25),
        ends_on=dt.date(2025, 11, 27),
    )
    SpeakerFactory(workshop=edition, name="Francesco Tudisco", sort_name="Tudisco")
    TalkFactory(workshop=edition, slug="tudisco-25", title="Low-rank neural ODEs", speakers=[])
    return edition


def tudisco(edition: Workshop) -> Speaker:
    return Speaker.objects.get(workshop=edition, name="Francesco Tudisco")


def refused(write) -> IntegrityError:
    """The database's refusal of `write`, in a savepoint (the test's transaction goes on)."""
    with pytest.raises(IntegrityError) as refusal, transaction.atomic():
        write()
    return refusal.value


# The database: every write path ---------------------------------------------------------------


def test_talk_speakers_add_refuses_a_speaker_of_another_edition(seeded, lorainne25):
    talk = Talk.objects.get(slug="tudisco-25")

    error = refused(lambda: talk.speakers.add(tudisco(seeded)))

    assert "program_talk_speakers: these rows belong to different editions" in str(error)
    assert list(talk.speakers.all()) == []


def test_talk_speakers_set_refuses_a_speaker_of_another_edition(seeded, lorainne25):
    talk = Talk.objects.get(slug="tudisco-25")
    talk.speakers.add(tudisco(lorainne25))

    refused(lambda: talk.speakers.set([tudisco(seeded)]))

    assert list(talk.speakers.all()) == [tudisco(lorainne25)]


def test_talk_speakers_add_accepts_the_speaker_of_its_edition(seeded, lorainne25):
    talk = Talk.objects.get(slug="tudisco-25")

    talk.speakers.add(tudisco(lorainne25))

    assert [speaker.workshop for speaker in talk.speakers.all()] == [lorainne25]


def test_poster_presenters_add_refuses_a_presenter_of_another_edition(seeded, lorainne25):
    poster = PosterFactory(workshop=lorainne25, presenters=[])

    error = refused(lambda: poster.presenters.add(tudisco(seeded)))

    assert "program_poster_presenters: these rows belong to different editions" in str(error)
    assert list(poster.presenters.all()) == []


def test_poster_presenters_through_rows_refuse_another_edition(seeded, lorainne25):
    poster = PosterFactory(workshop=lorainne25, presenters=[])
    through = Poster.presenters.through

    refused(lambda: through.objects.bulk_create([through(poster=poster, speaker=tudisco(seeded))]))

    assert list(poster.presenters.all()) == []


def test_session_update_refuses_a_talk_of_another_edition(seeded, lorainne25):
    slot = SessionFactory(workshop=lorainne25, coffee_break=True)
    talk_of_2024 = TalkFactory(workshop=seeded, speakers=[])  # no slot yet

    refused(lambda: Session.objects.filter(pk=slot.pk).update(talk=talk_of_2024))

    slot.refresh_from_db()
    assert slot.talk is None


def test_registration_options_add_refuses_an_option_of_another_edition(seeded, lorainne25):
    registration = Registration.objects.create(
        workshop=lorainne25,
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.org",
        affiliation="Analytical Engines",
        position=Registration.Position.RESEARCHER,
        privacy_consent_at=timezone.now(),
    )
    option_of_2024 = Option.objects.filter(workshop=seeded).first()

    refused(lambda: registration.options.add(option_of_2024))

    assert list(registration.options.all()) == []


def test_option_update_refuses_a_slot_of_another_edition(seeded, lorainne25):
    option = Option.objects.create(workshop=lorainne25, label="Lunch")
    slot_of_2024 = seeded.sessions.first()

    refused(lambda: Option.objects.filter(pk=option.pk).update(session=slot_of_2024))


def test_edition_links_are_every_table_that_joins_rows_of_editions():
    assert set(triggers.edition_links(MODELS)) == {
        "program_talk_speakers",
        "program_poster_presenters",
        "program_session",
        "program_material",  # a talk's or a poster's: never both (its constraint)
        "registration_option",
        "registration_registration_options",
        "registration_announcement",
        "registration_announcement_selected",
        "contributions_submission",  # its edition's poster or talk
        "contributions_score",  # a criterion of its submission's edition
        "contributions_submission_speakers_added",  # the speakers its acceptance added
        "registration_certificate",  # a certificate of its edition's registration
    }
    assert triggers.edition_links(MODELS)["program_session"] == [
        "(SELECT program_talk.workshop_id FROM program_talk WHERE program_talk.id = {row}.talk_id)",
        "{row}.workshop_id",
    ]


@isolate_apps("program")
def test_a_new_model_joining_two_rows_of_editions_is_guarded():
    class Chair(models.Model):  # noqa: DJ008
        session = models.ForeignKey(Session, on_delete=models.CASCADE)
        speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE)

        class Meta:
            app_label = "program"

    assert triggers.edition_links([*MODELS, Chair])["program_chair"] == [
        "(SELECT program_session.workshop_id FROM program_session "
        "WHERE program_session.id = {row}.session_id)",
        "(SELECT program_speaker.workshop_id FROM program_speaker "
        "WHERE program_speaker.id = {row}.speaker_id)",
    ]


def test_the_edition_guards_are_installed():
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    guards = {t.table for t in triggers.expected(connection.vendor, MODELS) if "edition" in t.name}

    assert guards == set(triggers.edition_links(MODELS)) & tables
    assert triggers.problems(connection, MODELS) == []


# The admin -----------------------------------------------------------------------------------


def errors_of(response, field: str) -> list[str]:
    return [
        li.text
        for li in parse(response.content).find("div", class_=f"field-{field}").find_all("li")
    ]


def talk_change_url(slug: str) -> str:
    return reverse("admin:program_talk_change", args=[Talk.objects.get(slug=slug).pk])


def test_talk_admin_refuses_a_speaker_of_another_edition_naming_both(
    admin_client, seeded, lorainne25
):
    url = talk_change_url("tudisco-25")
    data = form_data(admin_client.get(url).content.decode(), "talk_form")

    response = admin_client.post(url, data | {"speakers": [str(tudisco(seeded).pk)]})

    assert response.status_code == 200
    assert errors_of(response, "speakers") == [REFUSED]
    assert list(Talk.objects.get(slug="tudisco-25").speakers.all()) == []


def test_talk_add_page_refuses_a_speaker_of_another_edition(admin_client, seeded, lorainne25):
    url = reverse("admin:program_talk_add")
    data = form_data(admin_client.get(url).content.decode(), "talk_form")

    response = admin_client.post(
        url,
        data
        | {
            "workshop": str(lorainne25.pk),
            "slug": "tudisco-bis",
            "title": "Low-rank training",
            "speakers": [str(tudisco(seeded).pk)],
        },
    )

    assert response.status_code == 200
    assert errors_of(response, "speakers") == [REFUSED]
    assert not Talk.objects.filter(slug="tudisco-bis").exists()


def test_poster_admin_refuses_a_presenter_of_another_edition(admin_client, seeded, lorainne25):
    poster = PosterFactory(workshop=lorainne25, presenters=[tudisco(lorainne25)])
    url = reverse("admin:program_poster_change", args=[poster.pk])
    data = form_data(admin_client.get(url).content.decode(), "poster_form")

    response = admin_client.post(url, data | {"presenters": [str(tudisco(seeded).pk)]})

    assert response.status_code == 200
    assert errors_of(response, "presenters") == [REFUSED]
    assert list(poster.presenters.all()) == [tudisco(lorainne25)]


def test_talk_admin_saves_the_speaker_of_its_edition(admin_client, seeded, lorainne25):
    url = talk_change_url("tudisco-25")
    data = form_data(admin_client.get(url).content.decode(), "talk_form")

    response = admin_client.post(url, data | {"speakers": [str(tudisco(lorainne25).pk)]})

    assert response.status_code == 302
    assert list(Talk.objects.get(slug="tudisco-25").speakers.all()) == [tudisco(lorainne25)]


def test_talk_change_page_asks_for_the_speakers_of_its_edition(admin_client, seeded, lorainne25):
    page = parse(admin_client.get(talk_change_url("tudisco-25")).content)

    select = page.find("select", name="speakers")
    assert select.attrs["data-ajax--url"] == (
        reverse("admin:program_edition_autocomplete") + f"?edition={lorainne25.pk}"
    )


def test_talk_add_page_from_an_edition_list_asks_for_its_speakers(admin_client, seeded, lorainne25):
    page = parse(
        admin_client.get(
            reverse("admin:program_talk_add"),
            {"_changelist_filters": f"workshop__id__exact={lorainne25.pk}"},
        ).content
    )

    select = page.find("select", name="speakers")
    assert select.attrs["data-ajax--url"].endswith(f"?edition={lorainne25.pk}")


def autocomplete(client, term: str, **params) -> list[str]:
    response = client.get(
        reverse("admin:program_edition_autocomplete"),
        {"app_label": "program", "model_name": "talk", "field_name": "speakers", "term": term}
        | params,
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_speaker_autocomplete_offers_the_edition_speakers_named_with_it(
    admin_client, seeded, lorainne25
):
    assert autocomplete(admin_client, "Tudisco", edition=lorainne25.pk) == [
        "Francesco Tudisco (LoRAINNe'25)"
    ]
    assert autocomplete(admin_client, "Tudisco", edition=seeded.pk) == [
        "Francesco Tudisco (LoRAINNe'24)"
    ]


def test_speaker_autocomplete_without_an_edition_names_each_one(admin_client, seeded, lorainne25):
    assert sorted(autocomplete(admin_client, "Tudisco")) == [
        "Francesco Tudisco (LoRAINNe'24)",
        "Francesco Tudisco (LoRAINNe'25)",
    ]
    assert len(autocomplete(admin_client, "Tudisco", edition="LoRAINNe'25")) == 2


def test_slot_talk_autocomplete_names_the_edition(admin_client, seeded, lorainne25):
    texts = autocomplete(
        admin_client,
        "neural ODEs",
        model_name="session",
        field_name="talk",
        edition=lorainne25.pk,
    )

    assert texts == ["Low-rank neural ODEs (LoRAINNe'25)"]


@pytest.mark.parametrize("form", [TalkForm, PosterForm])
def test_edition_row_forms_have_every_editable_field_of_their_model(form):
    model = form._meta.model
    editable = {
        field.name
        for field in (*model._meta.fields, *model._meta.many_to_many)
        if field.editable and not field.auto_created
    }

    assert set(form._meta.fields) == editable
