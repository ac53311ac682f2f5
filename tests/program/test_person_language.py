"""A person's own pages (registration, speaker's page, submission) speak the language stored with
the person, whatever the browser says; the language switch there stores the new choice with
them, so that their next pages and emails follow it (program/languages.py)."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from contributions.models import Kind, Submission
from program.languages import PersonLanguageMixin
from program.models import Speaker
from registration import services
from registration.models import Registration

from ..pages import parse

# While registration and LoRAINNe'24's call are open.
OPEN = dt.datetime(2024, 10, 15, 10, tzinfo=dt.UTC)
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def clock():
    with time_machine.travel(OPEN, tick=False) as traveller:
        yield traveller


@pytest.fixture
def elodie(seeded, clock, django_capture_on_commit_callbacks) -> Registration:
    """Registered in French, her address not confirmed yet."""
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(
            seeded,
            first_name="Élodie",
            last_name="Marchal",
            email="elodie@example.org",
            affiliation="Université de Lorraine",
            position="phd",
            language="fr",
        )
    mail.outbox.clear()
    return registration


@pytest.fixture
def tudisco(seeded) -> Speaker:
    speaker = Speaker.objects.get(name="Francesco Tudisco")
    Speaker.objects.filter(pk=speaker.pk).update(language="fr")
    return speaker


@pytest.fixture
def submission(seeded, clock) -> Submission:
    """Submitted in French to no call (none is needed to read one's own submission)."""
    submission = Submission.objects.create(
        workshop=seeded,
        kind=Kind.POSTER,
        title="Adaptateurs de rang faible",
        abstract="Nous étudions des adaptateurs.",
        email="ada@example.org",
        language="fr",
    )
    submission.authors.create(
        position=0, name="Ada Lovelace", affiliation="Université de Lorraine", presenting=True
    )
    return submission


def page(response):
    assert response.status_code == 200
    html = parse(response.content)
    return html.find("html").attrs["lang"], html.find("h1").text, response["Content-Language"]


def switch(client, language: str, next_url: str):
    return client.post(reverse("set_language"), {"language": language, "next": next_url}, **EN)


def test_registrants_page_opened_in_english_is_in_her_language(client, elodie):
    url = elodie.get_absolute_url()

    assert page(client.get(url, **EN)) == ("fr", "Votre inscription à LoRAINNe'24", "fr")


def test_registrants_page_follows_her_language_over_the_language_cookie(client, elodie):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en-gb"

    response = client.get(elodie.get_absolute_url(), **EN)

    assert page(response) == ("fr", "Votre inscription à LoRAINNe'24", "fr")


def test_registrants_page_follows_her_language_over_the_address_language(client, elodie):
    """`?lang=` is for pages shared and indexed; a personal page is neither."""
    response = client.get(f"{elodie.get_absolute_url()}?lang=en", **EN)

    assert page(response) == ("fr", "Votre inscription à LoRAINNe'24", "fr")


def test_address_confirmation_is_in_her_language_with_its_message(client, elodie):
    url = reverse("registration:confirm", kwargs={"token": elodie.token})

    assert page(client.get(url, **EN)) == ("fr", "Confirmez votre adresse", "fr")
    response = client.post(url, follow=True, **EN)

    assert page(response)[0] == "fr"
    # (The parsed text has a plain space for the no-break one.)
    assert "Merci : votre adresse est confirmée" in parse(response.content).text


def test_switch_on_the_registrants_page_stores_her_new_language(
    client, elodie, django_capture_on_commit_callbacks
):
    url = elodie.get_absolute_url()

    response = switch(client, "en-gb", url)

    assert response.status_code == 302
    assert response["Location"] == url
    elodie.refresh_from_db()
    assert elodie.language == "en-gb"
    # Her page is now in English, even for a browser set to French, and so are her emails.
    assert page(client.get(url, **FR)) == ("en-gb", "Your registration for LoRAINNe'24", "en-gb")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration:cancel", kwargs={"token": elodie.token}), **FR)
    [message] = mail.outbox
    assert message.subject == "LoRAINNe'24: your registration is cancelled"


def test_switch_on_a_sub_page_stores_the_language_too(client, elodie):
    cancel_url = reverse("registration:cancel", kwargs={"token": elodie.token})

    switch(client, "en-gb", cancel_url)

    elodie.refresh_from_db()
    assert elodie.language == "en-gb"
    assert page(client.get(cancel_url, **FR))[:2] == ("en-gb", "Cancel your registration?")


def test_old_registration_stored_as_en_opens_in_english(client, elodie):
    """Rows made before the language was a choice of settings.LANGUAGES hold "en"."""
    Registration.objects.filter(pk=elodie.pk).update(language="en")

    assert page(client.get(elodie.get_absolute_url(), **FR))[0] == "en-gb"


def test_speakers_page_is_in_their_language_and_the_switch_stores_it(client, tudisco):
    url = reverse("program:speaker-page", kwargs={"token": tudisco.token})

    response = client.get(url, **EN)
    assert page(response) == ("fr", "Votre page d’orateur à LoRAINNe'24", "fr")
    # Every label of the page is French, the kind of a file or link too.
    html = parse(response.content)
    kinds = [label.text for label in html.find_all("label") if label.attrs["for"].endswith("kind")]
    assert kinds
    assert set(kinds) == {"Type :"}  # (the parsed text has a plain space)
    switch(client, "en-gb", url)

    tudisco.refresh_from_db()
    assert tudisco.language == "en-gb"
    assert page(client.get(url, **FR))[:2] == ("en-gb", "Your page as a speaker at LoRAINNe'24")


def test_submission_page_is_in_the_submitters_language_and_the_switch_stores_it(client, submission):
    url = reverse("contributions:submission", kwargs={"token": submission.token})
    confirm_url = reverse("contributions:confirm", kwargs={"token": submission.token})

    assert page(client.get(url, **EN)) == ("fr", "Votre proposition", "fr")
    assert page(client.get(confirm_url, **EN))[:2] == ("fr", "Confirmez votre adresse")
    switch(client, "en-gb", url)

    submission.refresh_from_db()
    assert submission.language == "en-gb"
    assert page(client.get(url, **FR))[:2] == ("en-gb", "Your submission")


def test_unknown_speaker_token_is_answered_in_the_visitors_language(client, seeded):
    response = client.get(reverse("program:speaker-page", kwargs={"token": "x" * 43}), **FR)

    assert response.status_code == 404
    assert parse(response.content).find("html").attrs["lang"] == "fr"


def test_switch_elsewhere_stores_no_ones_language(client, elodie, tudisco):
    switch(client, "en-gb", "/program/")
    switch(client, "en-gb", f"https://elsewhere.example/speaker/{tudisco.token}/")
    switch(client, "en-gb", "/registration/no-such-token/")
    switch(client, "en-gb", "/registration/a\x00b/")

    elodie.refresh_from_db()
    tudisco.refresh_from_db()
    assert (elodie.language, tudisco.language) == ("fr", "fr")


def test_switch_to_an_unknown_language_stores_nothing(client, elodie):
    response = switch(client, "de", elodie.get_absolute_url())

    assert response.status_code == 302
    elodie.refresh_from_db()
    assert elodie.language == "fr"


def test_switch_from_another_site_is_refused_and_stores_nothing(client, elodie):
    response = client.post(
        reverse("set_language"),
        {"language": "en-gb", "next": elodie.get_absolute_url()},
        HTTP_ORIGIN="https://elsewhere.example",
    )

    assert response.status_code == 403
    elodie.refresh_from_db()
    assert elodie.language == "fr"


def _views_with_a_token(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _views_with_a_token(entry, route)
        elif isinstance(entry, URLPattern) and "<str:token>" in route:
            yield route, entry.callback.view_class


def test_every_page_reached_by_a_token_speaks_its_persons_language_and_is_not_cached():
    """Derived from the URLconf: a page added under a person's token gets their language, and
    is never a public page of the page cache (which is shared by visitor's language)."""
    views = dict(_views_with_a_token(get_resolver()))

    assert len(views) >= 12  # registration 5, speaker 4, submission 4
    assert {
        route: (issubclass(view, PersonLanguageMixin), getattr(view, "public_page", False))
        for route, view in views.items()
    } == dict.fromkeys(views, (True, False))
