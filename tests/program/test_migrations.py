"""Data migrations of the program, run as `manage.py migrate` runs them: the tables moved back to
the schema before the migration and forward again, in real transactions (`transaction=True`)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from program import triggers
from program.models import Session, Speaker, Talk, Workshop

from ..factories import PosterFactory, SessionFactory, SpeakerFactory, TalkFactory, WorkshopFactory
from ..pages import get_page

BEFORE_ONE_ADDRESS = ("program", "0014_workshop_slug_help_text")


def _migrate(*target: str):
    """Migrate to `target` (nothing: everything to the newest) with our `migrate` (it takes the
    content triggers off and puts them back); the apps as the applied migrations leave them."""
    call_command("migrate", *target, verbosity=0)
    loader = MigrationLoader(connection)
    return loader.project_state(list(loader.applied_migrations)).apps


@pytest.fixture
def before_one_address(db):
    """The tables before `0015_one_venue_address` (two addresses), the newest ones after."""
    old_apps = _migrate(*BEFORE_ONE_ADDRESS)
    try:
        yield old_apps
    finally:
        _migrate()


@pytest.mark.django_db(transaction=True)
def test_one_address_migration_keeps_the_street_address_and_what_it_lacks(seeded, request):
    # Three editions as organizers left them: LoRAINNe'24 with the Info page's street address
    # filled in, one whose street address says everything, one that never had one.
    full = WorkshopFactory(slug="full", venue_address="Metz, France")
    never = WorkshopFactory(slug="never", venue_address="Nancy, France")
    old_apps = request.getfixturevalue("before_one_address")
    OldWorkshop = old_apps.get_model("program", "Workshop")
    OldWorkshop.objects.filter(pk=seeded.pk).update(
        venue_street_address="Pôle Herbert Simon, 13 rue Michel Ney, 54000 Nancy"
    )
    OldWorkshop.objects.filter(pk=full.pk).update(
        venue_street_address="Technopôle, 3 rue Augustin Fresnel, 57070 Metz, France"
    )
    before = dict(OldWorkshop.objects.values_list("pk", "sequence"))

    _migrate()

    addresses = dict(Workshop.objects.values_list("slug", "venue_address"))
    assert addresses == {
        "lorainne24": "Pôle Herbert Simon, 13 rue Michel Ney, 54000 Nancy, France",
        "full": "Technopôle, 3 rue Augustin Fresnel, 57070 Metz, France",
        "never": "Nancy, France",
    }
    # The changed ones move their calendars' events (LOCATION); the other does not.
    after = dict(Workshop.objects.values_list("pk", "sequence"))
    assert after == {
        seeded.pk: before[seeded.pk] + 1,
        full.pk: before[full.pk] + 1,
        never.pk: before[never.pk],
    }


# Links between editions saved before the database refused them (issue 22) ---------------------

BEFORE_MENDING = ("program", "0015_one_venue_address")


@pytest.fixture
def links_saved_unguarded(db):
    """The tables before `0016_mend_links_between_editions`, without the triggers: a database
    of before they refused a link between two editions. The newest ones after, triggers back."""
    _migrate(*BEFORE_MENDING)
    triggers.uninstall(connection)
    try:
        yield
    finally:
        _migrate()


@pytest.fixture
def lorainne25(seeded) -> Workshop:
    """The next edition, a draft."""
    return WorkshopFactory(
        acronym="LoRAINNe'25",
        slug="lorainne25",
        published=False,
        starts_on=dt.date(2025, 11, 25),
        ends_on=dt.date(2025, 11, 27),
    )


def tudisco_24(seeded) -> Speaker:
    return Speaker.objects.get(workshop=seeded, name="Francesco Tudisco")


def speakers_page_talks(client) -> list[str]:
    """Every talk that /lorainne24/speakers/ lists, by its address."""
    main = get_page(client, "/lorainne24/speakers/").find("main")
    return [link.attrs["href"] for link in main.find_all("a") if "/talks/" in link.attrs["href"]]


@pytest.mark.django_db(transaction=True)
def test_mend_links_migration_gives_a_talk_the_speaker_of_its_edition(
    seeded, lorainne25, client, request
):
    # The issue's case: LoRAINNe'25 has its own Francesco Tudisco (typed a little otherwise),
    # and its draft talk was given the 2024 one.
    tudisco_25 = SpeakerFactory(workshop=lorainne25, name=" francesco TUDISCO", email="")
    request.getfixturevalue("links_saved_unguarded")
    talk = TalkFactory(workshop=lorainne25, slug="neural-odes", speakers=[tudisco_24(seeded)])
    # (The tables of then: today's workshop has columns they lack, so no page is read yet.)
    assert list(talk.speakers.all()) == [tudisco_24(seeded)]
    speakers_before = Speaker.objects.count()

    _migrate()

    assert list(talk.speakers.all()) == [tudisco_25]
    assert Speaker.objects.count() == speakers_before
    assert talk.get_absolute_url() not in speakers_page_talks(client)
    assert [t.slug for t in tudisco_24(seeded).talks.all()] == ["tudisco-talk"]


@pytest.mark.django_db(transaction=True)
def test_mend_links_migration_copies_the_speaker_once_into_an_edition_without_them(
    seeded, lorainne25, client, request
):
    Speaker.objects.filter(pk=tudisco_24(seeded).pk).update(
        email="F.Tudisco@ed.ac.uk", language="fr", photo="speakers/tudisco.jpg"
    )
    # A 2025 speaker of the same name but another address is another person.
    namesake = SpeakerFactory(workshop=lorainne25, name="Francesco Tudisco", email="ft@example.org")
    request.getfixturevalue("links_saved_unguarded")
    talks = [
        TalkFactory(workshop=lorainne25, slug=slug, speakers=[tudisco_24(seeded)])
        for slug in ("neural-odes", "low-rank-flows")
    ]

    _migrate()

    original = tudisco_24(seeded)
    copy = Speaker.objects.get(workshop=lorainne25, email="F.Tudisco@ed.ac.uk")
    assert [list(talk.speakers.all()) for talk in talks] == [[copy], [copy]]
    copied = ["name", "sort_name", "affiliation", "homepage", "photo", "email", "language"]
    assert [getattr(copy, field) for field in copied] == [
        getattr(original, field) for field in copied
    ]
    assert copy.token not in {original.token, namesake.token}
    assert list(namesake.talks.all()) == []
    assert not [url for url in speakers_page_talks(client) if url.startswith("/lorainne25/")]


@pytest.mark.django_db(transaction=True)
def test_mend_links_migration_gives_a_poster_the_presenter_of_its_edition_by_email(
    seeded, lorainne25, request
):
    presenter_24 = SpeakerFactory(workshop=seeded, name="Clara Dupont", email="clara@loria.fr")
    by_name = SpeakerFactory(workshop=lorainne25, name="Clara Dupont", email="c.dupont@inria.fr")
    by_email = SpeakerFactory(workshop=lorainne25, name="C. Dupont", email=" Clara@LORIA.fr ")
    request.getfixturevalue("links_saved_unguarded")
    poster = PosterFactory(workshop=lorainne25, presenters=[presenter_24])
    # Another edition's poster, its own presenter and a copy's: left as they are.
    own = PosterFactory(workshop=seeded, number=99, presenters=[presenter_24])

    _migrate()

    assert list(poster.presenters.all()) == [by_email]
    assert list(by_name.posters.all()) == []
    assert list(own.presenters.all()) == [presenter_24]


@pytest.mark.django_db(transaction=True)
def test_mend_links_migration_keeps_one_link_when_a_talk_names_both(seeded, lorainne25, request):
    tudisco_25 = SpeakerFactory(workshop=lorainne25, name="Francesco Tudisco")
    request.getfixturevalue("links_saved_unguarded")
    talk = TalkFactory(workshop=lorainne25, speakers=[tudisco_24(seeded), tudisco_25])

    _migrate()

    assert list(talk.speakers.all()) == [tudisco_25]


@pytest.mark.django_db(transaction=True)
def test_mend_links_migration_keeps_a_slot_and_lets_another_edition_talk_go(
    seeded, lorainne25, request
):
    request.getfixturevalue("links_saved_unguarded")
    talk = TalkFactory(workshop=lorainne25, title="Low-rank neural ODEs", speakers=[])
    untitled = SessionFactory(workshop=seeded, title="", talk=talk)
    before = Workshop.objects.filter(pk=seeded.pk).values_list("content_changed_at").get()[0]

    _migrate()

    slot = Session.objects.get(pk=untitled.pk)
    assert (slot.workshop, slot.title, slot.talk) == (seeded, "Low-rank neural ODEs", None)
    assert slot.sequence == untitled.sequence + 1  # its calendar event changes
    assert Workshop.objects.get(pk=seeded.pk).content_changed_at > before


@pytest.mark.django_db(transaction=True)
def test_mend_links_migration_keeps_the_title_a_slot_has(seeded, lorainne25, request):
    request.getfixturevalue("links_saved_unguarded")
    talk = TalkFactory(workshop=lorainne25, title="Low-rank neural ODEs", speakers=[])
    titled = SessionFactory(workshop=seeded, title="Invited talk", talk=talk)

    _migrate()

    slot = Session.objects.get(pk=titled.pk)
    assert (slot.title, slot.talk) == ("Invited talk", None)


@pytest.mark.django_db(transaction=True)
def test_mend_links_migration_leaves_a_database_without_such_links_as_it_is(seeded, request):
    request.getfixturevalue("links_saved_unguarded")

    def content():
        return (
            list(Speaker.objects.values_list("pk", "workshop", "token").order_by("pk")),
            list(Talk.speakers.through.objects.values_list("talk", "speaker").order_by("pk")),
            list(Session.objects.values_list("pk", "talk", "title", "sequence").order_by("pk")),
            list(Talk.objects.values_list("pk", "sequence").order_by("pk")),
        )

    before = content()

    _migrate()

    assert content() == before


# Organizers' texts in both languages (issue 25) -------------------------------------------------

BEFORE_TRANSLATIONS = ("program", "0016_mend_links_between_editions")


@pytest.mark.django_db(transaction=True)
def test_translations_migration_makes_what_was_written_the_english_version(seeded, client):
    old_apps = _migrate(*BEFORE_TRANSLATIONS)
    try:
        old_apps.get_model("program", "Workshop").objects.filter(pk=seeded.pk).update(
            description="A workshop on low-rank approximations.",
            info_wifi="Eduroam.",
        )
    finally:
        _migrate()

    workshop = Workshop.objects.get(pk=seeded.pk)
    assert (workshop.description_en_gb, workshop.description_fr) == (
        "A workshop on low-rank approximations.",
        None,
    )
    assert (workshop.info_wifi_en_gb, workshop.info_transport_en_gb) == ("Eduroam.", None)
    # No French version yet: the English one, in French pages too.
    client.cookies["django_language"] = "fr"
    home = get_page(client, "/lorainne24/").find("main")
    assert "A workshop on low-rank approximations." in home.text
    assert "À propos de l’atelier" in home.text
