"""Addresses compared as mail systems compare them: one mailbox, however it is typed, is one
registration; the stored spelling is the one mail goes to."""

import datetime as dt

import pytest
from django.core import mail

from registration.addresses import InvalidAddress, display_address, normalise_address
from registration.models import Registration

from .conftest import NOW, make_workshop
from .test_admin import ADD, CHANGELIST, _add_form
from .test_migrations import _latest, _migrate

# One mailbox, six ways: composed and decomposed accent, Unicode and punycode, full-width
# letters and dot, a needless quote, capitals.
ONE_MAILBOX = [
    "andre@caf\u00e9.fr",
    "andre@cafe\u0301.fr",
    "andre@xn--caf-dma.fr",
    "andre@\uff43\uff41\uff46\u00e9\uff0e\uff46\uff52",
    '"andre"@café.fr',
    "ANDRE@CAFÉ.FR",
]


@pytest.mark.parametrize("typed", ONE_MAILBOX)
def test_normalise_address_gives_one_spelling_for_each_way_of_typing_it(typed):
    assert normalise_address(typed).lower() == "andre@xn--caf-dma.fr"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Andre.Lefevre@LORIA.FR ", "Andre.Lefevre@loria.fr"),
        # IDNA 2008: ß and the final sigma are letters of their own, not ss and σ (IDNA 2003).
        ("x@straße.de", "x@xn--strae-oqa.de"),
        ("x@βόλος.com", "x@xn--nxasmm1c.com"),
        ("x@例え.テスト", "x@xn--r8jz45g.xn--zckzah"),
        ("x@café。fr", "x@xn--caf-dma.fr"),  # the ideographic full stop
        ('"andre.lefevre"@loria.fr', "andre.lefevre@loria.fr"),
        ('"andre\\.lefevre"@loria.fr', "andre.lefevre@loria.fr"),
        # Quotes that are needed stay.
        ('"andre lefevre"@loria.fr', '"andre lefevre"@loria.fr'),
        ('"a@b"@loria.fr', '"a@b"@loria.fr'),
        ('"a..b"@loria.fr', '"a..b"@loria.fr'),
        # The Kelvin sign is K by canonical equivalence (NFC); other case is the database's.
        ("\u212aate@example.org", "Kate@example.org"),
        ("x@[192.0.2.1]", "x@[192.0.2.1]"),
    ],
)
def test_normalise_address_keeps_the_local_part_and_canonicalises_the_domain(typed, stored):
    assert normalise_address(typed) == stored


@pytest.mark.parametrize("typed", ["x@❤.ws", "x@xn--zz.org", "x@-café.fr", "x@café..fr", "x@"])
def test_normalise_address_refuses_what_no_mail_system_delivers(typed):
    with pytest.raises(InvalidAddress):
        normalise_address(typed)


def test_register_post_of_one_mailbox_typed_six_ways_gives_one_registration(
    client, open_workshop, form_data, django_capture_on_commit_callbacks
):
    for number, typed in enumerate(ONE_MAILBOX):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/register/", form_data | {"email": typed}, REMOTE_ADDR=f"192.0.2.{number}"
            )
        assert response.status_code == 302, typed

    assert list(Registration.objects.values_list("email", flat=True)) == ["andre@xn--caf-dma.fr"]
    # Every email (the first, then the link again, as often as the limit per address allows)
    # went to that one mailbox.
    assert {tuple(m.to) for m in mail.outbox} == {("andre@xn--caf-dma.fr",)}


def test_register_post_with_an_invalid_domain_is_a_form_error_with_the_answers_kept(
    client, open_workshop, form_data
):
    response = client.post("/register/", form_data | {"email": "andre@xn--zz.fr"})

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "“xn--zz.fr” is not a valid domain name: check the part of your address after the @."
        in html
    )
    assert 'value="andre@xn--zz.fr"' in html
    assert Registration.objects.count() == 0


def test_registration_email_to_an_idna_2008_domain_goes_to_that_domain(
    client, open_workshop, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/register/", form_data | {"email": "andre@straße.de"})

    # Django would send a Unicode domain through Python's IDNA 2003 codec (strasse.de, another
    # domain); the stored ASCII form goes out as it is.
    assert mail.outbox[0].message()["To"] == "andre@xn--strae-oqa.de"


def test_admin_add_stores_the_normalised_address_and_sees_it_registered(
    admin_client, open_workshop, clock
):
    admin_client.post(ADD, _add_form(open_workshop, email='"jeremy"@ＥＸＡＭＰＬＥ．ｏｒｇ'))

    response = admin_client.post(ADD, _add_form(open_workshop, email="jeremy@example.org"))

    assert list(Registration.objects.values_list("email", flat=True)) == ["jeremy@example.org"]
    assert "This email address is already registered for this workshop." in (
        response.content.decode()
    )


# Shown with the Unicode domain the person typed; found by it in the admin.


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("andre@xn--caf-dma.fr", "andre@café.fr"),
        ("x@xn--strae-oqa.de", "x@straße.de"),
        ("Andre.Lefevre@loria.fr", "Andre.Lefevre@loria.fr"),
        ("x@[192.0.2.1]", "x@[192.0.2.1]"),
        # Stored before addresses were normalised, and no valid A-label: as it is.
        ("x@xn--zz.org", "x@xn--zz.org"),
    ],
)
def test_display_address_shows_the_domain_in_unicode(stored, shown):
    assert display_address(stored) == shown


def test_check_your_inbox_and_personal_pages_show_the_unicode_domain(
    client, open_workshop, form_data
):
    response = client.post("/register/", form_data | {"email": "andre@CAFÉ.fr"}, follow=True)

    registration = Registration.objects.get()
    assert registration.email == "andre@xn--caf-dma.fr"
    assert "<strong>andre@café.fr</strong>" in response.content.decode()
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "<dd>andre@café.fr</dd>" in page
    assert "xn--" not in page


@pytest.mark.parametrize("term", ["café.fr", "CAFÉ.fr", "andre@café.fr", "xn--caf-dma", "Café"])
def test_admin_search_finds_a_unicode_domain_however_it_is_typed(
    admin_client, open_workshop, sign_up, term
):
    workshop = open_workshop
    sign_up(workshop, email="andre@café.fr", last_name="Lefèvre")
    sign_up(workshop, email="jeremy@example.org", last_name="Café", first_name="Jérémy")
    sign_up(workshop, email="nina@example.org", last_name="Martin", first_name="Nina")

    response = admin_client.get(CHANGELIST, {"q": term})

    found = {r.last_name for r in response.context["cl"].result_list}
    # "Café" is also a name: both are found.
    assert found == ({"Lefèvre", "Café"} if term == "Café" else {"Lefèvre"})


# Addresses registered before they were normalised: migration 0009.

BEFORE_NORMALISING = ("registration", "0008_registration_emails_as_deliveries")
NORMALISED = ("registration", "0009_normalise_addresses")


@pytest.fixture
def before_normalising(db):
    """The registration tables of migration 0008, and the latest schema after."""
    old_apps = _migrate(BEFORE_NORMALISING)
    try:
        yield old_apps
    finally:
        _migrate(_latest())


@pytest.mark.django_db(transaction=True)
def test_migration_normalises_addresses_and_leaves_collisions_for_the_organizer(
    request, admin_client
):
    # The editions written with today's models, so before going back to the old tables (later
    # migrations add columns to the workshop's).
    workshop = make_workshop()
    later = make_workshop(
        slug="lorainne25",
        acronym="LoRAINNe'25",
        starts_on=dt.date(2025, 11, 25),
        ends_on=dt.date(2025, 11, 26),
    )
    before_normalising = request.getfixturevalue("before_normalising")
    OldRegistration = before_normalising.get_model("registration", "Registration")

    def old(email, on=workshop):
        return OldRegistration.objects.create(
            workshop_id=on.pk,
            first_name="André",
            last_name="Lefèvre",
            email=email,
            affiliation="LORIA",
            position="phd",
            privacy_consent_at=NOW,
        ).pk

    # One mailbox three times in LoRAINNe'24 (the constraint of then saw three addresses).
    composed, decomposed, punycode = (
        old("andre@café.fr"),
        old("andre@cafe\u0301.fr"),
        old("ANDRE@xn--caf-dma.fr"),
    )
    alone = {
        old("andre@café.fr", on=later): "andre@xn--caf-dma.fr",  # another edition: no collision
        old("olga@ＥＸＡＭＰＬＥ．ｏｒｇ"): "olga@example.org",
        old('"zoe"@Example.org'): "zoe@example.org",
        old("kate@example.org"): "kate@example.org",
    }

    _migrate(NORMALISED)

    emails = dict(Registration.objects.values_list("pk", "email"))
    assert {pk: emails[pk] for pk in alone} == alone
    # Nothing merged, nothing changed: the organizer decides.
    assert [emails[pk] for pk in (composed, decomposed, punycode)] == [
        "andre@café.fr",
        "andre@cafe\u0301.fr",
        "ANDRE@xn--caf-dma.fr",
    ]
    assert Registration.objects.count() == 7
    # The organizer finds them with the admin of the latest schema (later migrations add columns).
    _migrate(_latest())
    listed = admin_client.get(f"{CHANGELIST}?same_address=yes").context["cl"].result_list
    assert sorted(r.pk for r in listed) == [composed, decomposed, punycode]
    everyone = admin_client.get(CHANGELIST)
    assert "Same address as another registration" in everyone.content.decode()
