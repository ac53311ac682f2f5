"""The public registration pages: the form, its refusals, the personal page behind the link."""

import datetime as dt
import os

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from program.models import Session
from registration import services
from registration.models import Registration

from ..factories import OptionFactory
from ..pages import parse
from .conftest import PARIS, make_workshop

pytestmark = pytest.mark.django_db

RATE_LIMITED = (
    "Too many registration attempts from your network in the last hour. Your answers are kept "
    "below: please try again later, or write to the organizers."
)


def _html(response) -> str:
    return response.content.decode()


# The form.


def test_register_page_when_open_shows_the_form_seats_left_and_deadline(client, open_workshop):
    response = client.get("/register/")

    html = _html(response)
    assert response.status_code == 200
    assert '<form method="post" action="/lorainne24/register/" class="form" novalidate>' in html
    assert "Registration is open</span>: 3 seats left" in html
    assert "Registration closes after <time" in html
    assert ">Monday 11 November 2024, 23:59:59 CET</time>\n (Europe/Paris time)." in html
    assert '<time datetime="2024-11-11T23:59:59+01:00" data-local-time>' in html
    assert '<button type="submit" class="button">Register</button>' in html


def test_register_page_shows_the_fields_in_their_fieldsets(
    client, open_workshop, cocktail_and_lunch
):
    form = parse(client.get("/register/").content).find("form", class_="form")

    fieldsets = [child for child in form.children if getattr(child, "tag", "") == "fieldset"]
    shown = [
        (
            fieldset.find_all("legend")[0].text,
            list(dict.fromkeys(e.attrs["name"] for e in fieldset.iter() if "name" in e.attrs)),
        )
        for fieldset in fieldsets
    ]
    assert shown == [
        ("About you", ["first_name", "last_name", "email", "affiliation", "position"]),
        ("What you will attend", ["days", "options", "dietary_requirements"]),
        ("Privacy", ["listed_publicly", "privacy_consent"]),
    ]
    groups = [
        group.find("legend").text
        for group in fieldsets[1].find_all("fieldset", class_="field--check")
    ]
    assert groups == ["Days", "Meals and events"]
    assert "Read the privacy notice" in fieldsets[2].text
    assert fieldsets[2].find("a").attrs["href"] == "/lorainne24/privacy/"


def test_register_page_without_options_shows_the_days_only(client, open_workshop):
    form = parse(client.get("/register/").content).find("form", class_="form")

    [group] = form.find_all("fieldset", class_="field--check")
    assert group.find("legend").text == "Days"
    assert form.find_all("input", name="options") == []


def test_register_page_says_when_the_cocktail_and_lunch_are(
    client, open_workshop, cocktail_and_lunch
):
    cocktail, _ = cocktail_and_lunch

    html = _html(client.get("/register/"))

    assert (
        f'<input type="checkbox" name="options" value="{cocktail.pk}" id="id_options_0" '
        'aria-describedby="id_options_0_description">'
    ) in html
    assert '<label for="id_options_0">Cocktail and posters</label>' in html
    assert (
        '<div class="helptext" id="id_options_0_description">'
        "Cocktail and posters: Tuesday 26 November, 18:00–20:30</div>"
    ) in html
    assert (
        '<div class="helptext" id="id_options_1_description">'
        "Lunch: Wednesday 27 November, 12:00–13:30</div>"
    ) in html


def test_register_page_of_the_seed_offers_its_cocktail_and_lunch_with_their_slots(
    client, db, clock
):
    call_command("loaddata", "lorainne24", "lorainne24_options", verbosity=0)

    form = parse(client.get("/register/").content).find("form", class_="form")

    days, options = form.find_all("fieldset", class_="field--check")
    assert [label.text for label in days.find_all("label")] == [
        "Tuesday 26 November",
        "Wednesday 27 November",
    ]
    assert [label.text for label in options.find_all("label")] == ["Cocktail and posters", "Lunch"]
    assert [text.text for text in options.find_all("div", class_="helptext")] == [
        "Tick what you will come to, so that we plan for you.",
        "Cocktail + posters: Tuesday 26 November, 17:30–19:00",
        "Lunch break: Wednesday 27 November, 12:30–14:00",
    ]


def test_register_page_ticks_every_day_of_the_workshop(client, open_workshop):
    html = _html(client.get("/register/"))

    assert (
        '<input type="checkbox" name="days" value="2024-11-26" id="id_days_0" checked>'
        ' <label for="id_days_0">Tuesday 26 November</label>'
    ) in html
    assert (
        '<input type="checkbox" name="days" value="2024-11-27" id="id_days_1" checked>'
        ' <label for="id_days_1">Wednesday 27 November</label>'
    ) in html


@pytest.mark.parametrize(
    ("ends_on", "labels"),
    [
        (dt.date(2024, 11, 26), ["Tuesday 26 November"]),
        (dt.date(2024, 11, 27), ["Tuesday 26 November", "Wednesday 27 November"]),
        (
            dt.date(2024, 11, 30),
            [
                "Tuesday 26 November",
                "Wednesday 27 November",
                "Thursday 28 November",
                "Friday 29 November",
                "Saturday 30 November",
            ],
        ),
    ],
    ids=["one-day", "two-day", "five-day"],
)
def test_register_an_edition_of_one_two_or_five_days_shows_each_day_once_and_keeps_the_choice(
    client, open_workshop, form_data, ends_on, labels, django_capture_on_commit_callbacks
):
    open_workshop.ends_on = ends_on
    open_workshop.save()
    dinner = OptionFactory(
        workshop=open_workshop,
        label="Conference dinner",
        session__kind=Session.Kind.SOCIAL,
        session__title="Dinner at the Excelsior",
        session__starts_at=dt.datetime(2024, 11, 26, 20, 0, tzinfo=PARIS),
        session__ends_at=dt.datetime(2024, 11, 26, 23, 0, tzinfo=PARIS),
    )
    form = parse(client.get("/register/").content).find("form", class_="form")
    days = form.find_all("fieldset", class_="field--check")[0]
    last_day = open_workshop.days[-1]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/register/",
            form_data | {"days": [last_day.isoformat()], "options": [str(dinner.pk)]},
        )

    assert [label.text for label in days.find_all("label")] == labels
    assert len(days.find_all("input", checked=True)) == len(labels)
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.days == [last_day]
    assert list(registration.options.all()) == [dinner]
    [message] = mail.outbox
    assert f"- Attending: {labels[-1]}, Conference dinner\n" in message.body


def test_register_deadline_is_paris_time_when_time_zone_setting_is_utc(
    client, open_workshop, form_data, settings, clock
):
    settings.TIME_ZONE = "UTC"
    clock.move_to(dt.datetime(2024, 11, 11, 22, 30, tzinfo=dt.UTC))  # 23:30 in Paris
    page = _html(client.get("/register/"))
    clock.move_to(dt.datetime(2024, 11, 11, 23, 30, tzinfo=dt.UTC))  # 00:30 in Paris

    response = client.post("/register/", form_data)

    assert ">Monday 11 November 2024, 23:59:59 CET</time>" in page
    assert "Registration is closed: the deadline has passed." in _html(response)
    assert Registration.objects.count() == 0


def test_register_page_when_full_offers_the_waiting_list(client, full_workshop):
    response = client.get("/register/")

    html = _html(response)
    assert "<strong>All 3 seats are taken.</strong> You can still join the waiting list" in html
    assert "(2 people waiting)" in html
    assert '<button type="submit" class="button">Join the waiting list</button>' in html


def test_register_page_when_closed_has_no_form_and_says_so(client, open_workshop, clock):
    clock.move_to(dt.datetime(2024, 11, 12, 0, 0, tzinfo=PARIS))

    response = client.get("/register/")

    html = _html(response)
    assert 'action="/lorainne24/register/"' not in html
    assert "Registration is closed: the deadline has passed." in html


def test_register_page_before_opening_says_when_it_opens(client, open_workshop):
    open_workshop.registration_opens_at = dt.datetime(2024, 10, 21, 9, 0, tzinfo=PARIS)
    open_workshop.save()

    response = client.get("/register/")

    html = _html(response)
    assert 'action="/lorainne24/register/"' not in html
    assert "Registration opens on" in html
    assert "Monday 21 October 2024, 09:00:00 CEST</time>" in html


def test_register_page_after_the_workshop_says_it_is_over(client, open_workshop, clock):
    clock.move_to(dt.datetime(2024, 11, 28, 9, 0, tzinfo=PARIS))

    response = client.get("/register/")

    html = _html(response)
    assert 'action="/lorainne24/register/"' not in html
    assert "LoRAINNe&#x27;24 is over." in html


def test_register_post_valid_redirects_to_check_your_inbox(
    client, open_workshop, form_data, cocktail_and_lunch, django_capture_on_commit_callbacks
):
    cocktail, _ = cocktail_and_lunch

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/register/", form_data | {"options": [str(cocktail.pk)]})

    assert response.status_code == 302
    assert response["Location"] == "/register/submitted/"
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert (registration.first_name, registration.email) == ("André", "andre@example.org")
    assert registration.days == [dt.date(2024, 11, 26), dt.date(2024, 11, 27)]
    assert list(registration.options.all()) == [cocktail]
    assert [m.to for m in mail.outbox] == [["andre@example.org"]]
    page = client.get(response["Location"])
    assert "<h1>Check your inbox</h1>" in _html(page)
    assert "to <strong>andre@example.org</strong>" in _html(page)


def test_register_post_duplicate_differing_by_unicode_case_does_not_reveal_it(
    client, open_workshop, form_data
):
    client.post("/register/", form_data | {"email": "kate@example.org"})

    response = client.post("/register/", form_data | {"email": "\u212aate@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/register/submitted/"


def test_register_post_normalises_the_email_domain(client, open_workshop, form_data):
    client.post("/register/", form_data | {"email": "  Andre.Lefevre@LORIA.FR "})

    assert Registration.objects.get().email == "Andre.Lefevre@loria.fr"


def test_register_post_when_full_puts_on_the_waiting_list(
    client, full_workshop, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/register/", form_data)

    assert response["Location"] == "/register/submitted/"
    assert Registration.objects.get(email="andre@example.org").status == "waitlisted"
    assert "in place 3" in mail.outbox[0].body


def test_register_post_duplicate_answers_the_same_and_emails_the_link_again(
    client, open_workshop, form_data, django_capture_on_commit_callbacks
):
    first = client.post("/register/", form_data)
    first_page = _html(client.get("/register/submitted/"))
    registration = Registration.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/register/", form_data | {"email": "ANDRE@example.org"})

    assert (again.status_code, again["Location"]) == (first.status_code, first["Location"])
    assert _html(client.get("/register/submitted/")) == first_page.replace(
        "andre@example.org", "ANDRE@example.org"
    )
    assert Registration.objects.count() == 1
    [message] = mail.outbox
    assert message.to == ["andre@example.org"]
    assert message.subject == "LoRAINNe'24: your registration"
    assert f"/registration/{registration.token}/" in message.body


def test_register_post_empty_shows_a_message_beside_each_field(client, open_workshop):
    response = client.post("/register/", {})

    html = _html(response)
    assert response.status_code == 200
    for field, message in [
        ("first_name", "Please enter your first name."),
        ("last_name", "Please enter your last name."),
        ("email", "Please enter your email address."),
        ("affiliation", "Please enter your affiliation."),
        ("position", "Please choose your position or career stage."),
        (
            "privacy_consent",
            "Please accept the privacy notice: we cannot register you without it.",
        ),
    ]:
        assert f'<ul class="errorlist" id="id_{field}_error"><li>{message}</li></ul>' in html
    assert "<strong>Please check your answers.</strong>" in html
    assert Registration.objects.count() == 0


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"email": "andre@"}, "email", "Enter a valid email address, such as name@example.org."),
        (
            {"first_name": "É" * 101},
            "first_name",
            "Ensure this value has at most 100 characters (it has 101).",
        ),
        (
            {"dietary_requirements": "x" * 301},
            "dietary_requirements",
            "Ensure this value has at most 300 characters (it has 301).",
        ),
        ({"position": "nonsense"}, "position", "Select a valid choice. nonsense is not one of"),
        ({"first_name": "Andr\x00é"}, "first_name", "Null characters are not allowed."),
    ],
)
def test_register_post_invalid_field_shows_its_message_and_keeps_the_answers(
    client, open_workshop, form_data, answers, field, message
):
    response = client.post("/register/", form_data | {"last_name": "Иштева"} | answers)

    html = _html(response)
    assert response.status_code == 200
    assert f'<ul class="errorlist" id="id_{field}_error"><li>{message}' in html
    assert 'value="Иштева"' in html
    assert 'value="Université de Lorraine, LORIA"' in html
    assert Registration.objects.count() == 0


def test_register_post_without_any_day_says_choose_a_day(client, open_workshop, form_data):
    answers = {name: value for name, value in form_data.items() if name != "days"}

    response = client.post("/register/", answers)

    html = _html(response)
    assert response.status_code == 200
    assert '<ul class="errorlist" id="id_days_error"><li>Choose at least one day.</li></ul>' in html
    assert 'aria-describedby="id_days_error"' in html
    assert Registration.objects.count() == 0


def test_register_post_with_a_day_outside_the_workshop_is_refused(client, open_workshop, form_data):
    response = client.post("/register/", form_data | {"days": ["2024-11-28"]})

    assert "Select a valid choice. 2024-11-28 is not one of the available choices." in _html(
        response
    )
    assert Registration.objects.count() == 0


def test_register_post_with_an_option_of_another_workshop_is_refused(
    client, open_workshop, form_data
):
    other = make_workshop(
        slug="lorainne23",
        acronym="LoRAINNe'23",
        starts_on=dt.date(2023, 11, 20),
        ends_on=dt.date(2023, 11, 21),
    )
    dinner = OptionFactory(workshop=other)
    OptionFactory(workshop=open_workshop)

    response = client.post("/register/", form_data | {"options": [str(dinner.pk)]})

    assert f"Select a valid choice. {dinner.pk} is not one of the available choices." in _html(
        response
    )
    assert Registration.objects.count() == 0


def test_register_post_with_a_full_option_says_so_beside_it_and_keeps_the_answers(
    client, open_workshop, form_data, cocktail_and_lunch, sign_up
):
    cocktail, lunch = cocktail_and_lunch
    lunch.capacity = 1
    lunch.save()
    sign_up(open_workshop, options=[lunch])

    response = client.post("/register/", form_data | {"options": [str(cocktail.pk), str(lunch.pk)]})

    html = _html(response)
    assert (
        '<ul class="errorlist" id="id_options_error">'
        "<li>Lunch is full: all 1 places are taken. Untick it to register.</li></ul>"
    ) in html
    assert 'value="Université de Lorraine, LORIA"' in html
    boxes = parse(html).find_all("input", name="options", checked=True)
    assert [box.attrs["value"] for box in boxes] == [str(cocktail.pk), str(lunch.pk)]
    assert not Registration.objects.filter(email="andre@example.org").exists()


def test_register_form_loaded_before_the_deadline_and_posted_after_is_refused(
    client, open_workshop, form_data, clock
):
    clock.move_to(dt.datetime(2024, 11, 11, 23, 59, 59, tzinfo=PARIS))
    assert 'action="/lorainne24/register/"' in _html(client.get("/register/"))
    clock.move_to(dt.datetime(2024, 11, 12, 0, 0, 0, tzinfo=PARIS))

    response = client.post("/register/", form_data)

    assert response.status_code == 200
    assert "Registration is closed: the deadline has passed." in _html(response)
    assert Registration.objects.count() == 0


def test_register_post_with_the_honeypot_filled_pretends_and_keeps_nothing(
    client, open_workshop, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/register/", form_data | {"website": "http://spam.example"})

    assert response["Location"] == "/register/submitted/"
    assert Registration.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_register_post_over_the_rate_limit_gets_429_with_answers_kept(
    client, open_workshop, form_data, settings
):
    settings.REGISTRATION_RATE_LIMIT = 3
    for number in range(3):
        client.post("/register/", form_data | {"email": f"person-{number}@example.org"})

    response = client.post("/register/", form_data | {"email": "fourth@example.org"})

    html = _html(response)
    assert response.status_code == 429
    assert RATE_LIMITED in html
    assert 'value="fourth@example.org"' in html
    assert 'value="André"' in html
    assert not Registration.objects.filter(email="fourth@example.org").exists()


def test_register_rate_limit_refusal_is_in_the_visitors_language(
    client, open_workshop, form_data, settings
):
    settings.REGISTRATION_RATE_LIMIT = 1
    client.post("/register/", form_data, HTTP_ACCEPT_LANGUAGE="fr")

    response = client.post(
        "/register/", form_data | {"email": "second@example.org"}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 429
    assert (
        "Trop de tentatives d’inscription depuis votre réseau dans l’heure. Vos réponses sont "
        "conservées ci-dessous\N{NO-BREAK SPACE}: réessayez plus tard, ou écrivez aux "
        "organisateurs."
    ) in _html(response)


def test_register_rate_limit_behind_a_proxy_counts_the_address_the_proxy_saw(
    open_workshop, form_data, settings
):
    settings.REGISTRATION_RATE_LIMIT = 1
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    client = Client(REMOTE_ADDR="10.0.0.2")  # the proxy
    client.post("/register/", form_data, HTTP_X_FORWARDED_FOR="203.0.113.9")

    forged = client.post(
        "/register/",
        form_data | {"email": "again@example.org"},
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",  # a forged hop, then the real one
    )
    other = client.post(
        "/register/",
        form_data | {"email": "other@example.org"},
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )

    assert forged.status_code == 429
    assert other.status_code == 302


def test_register_rate_limit_counts_each_address_apart(open_workshop, form_data, settings):
    settings.REGISTRATION_RATE_LIMIT = 1
    Client(REMOTE_ADDR="192.0.2.1").post("/register/", form_data)

    response = Client(REMOTE_ADDR="192.0.2.2").post(
        "/register/", form_data | {"email": "other@example.org"}
    )

    assert response.status_code == 302


# Bad requests never end in a 500.


def test_register_post_random_bytes_shows_the_form_errors(client, open_workshop):
    response = client.post("/register/", os.urandom(4096), content_type="application/octet-stream")

    assert response.status_code == 200
    assert "Please enter your first name." in _html(response)
    assert Registration.objects.count() == 0


def test_register_post_urlencoded_garbage_shows_the_form_errors(client, open_workshop):
    body = b"first_name=%FF%FE%00&&=&email=%%%&position[]=x&" + os.urandom(512).replace(b"&", b"")

    response = client.post("/register/", body, content_type="application/x-www-form-urlencoded")

    html = _html(response)
    assert response.status_code == 200
    assert "Null characters are not allowed." in html
    assert "Enter a valid email address, such as name@example.org." in html


def test_register_post_a_list_for_a_single_field_takes_one_value(client, open_workshop, form_data):
    response = client.post("/register/", form_data | {"first_name": ["André", "Jérémy"]})

    assert response.status_code == 302
    assert Registration.objects.get().first_name == "Jérémy"


def test_register_post_broken_multipart_is_a_400(client, open_workshop):
    response = client.post(
        "/register/", b"--nope\r\n\r\n", content_type="multipart/form-data; boundary="
    )

    assert response.status_code == 400
    assert "That request could not be understood" in _html(response)


def test_register_post_of_3_mb_is_a_400_page(client, open_workshop):
    body = b"first_name=" + b"A" * (3 * 1024 * 1024)

    response = client.post("/register/", body, content_type="application/x-www-form-urlencoded")

    html = _html(response)
    assert response.status_code == 400
    assert "<h1>That request could not be understood</h1>" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert Registration.objects.count() == 0


def test_register_post_without_csrf_token_is_a_403_in_the_site_style(open_workshop, form_data):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/register/", form_data)

    html = _html(response)
    assert response.status_code == 403
    assert "<h1>This form has expired</h1>" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert '<a href="/lorainne24/register/">Open the registration form again</a>' in html
    assert Registration.objects.count() == 0


def test_register_post_with_csrf_token_from_the_form_is_accepted(open_workshop, form_data):
    client = Client(enforce_csrf_checks=True)
    token = client.get("/register/").context["csrf_token"]

    response = client.post("/register/", form_data | {"csrfmiddlewaretoken": str(token)})

    assert response.status_code == 302


# The personal page behind the emailed link.


def test_manage_page_shows_the_details_and_confirmed_seat(
    client, open_workshop, register_data, cocktail_and_lunch
):
    cocktail, _ = cocktail_and_lunch
    registration = services.register(open_workshop, **register_data, options=[cocktail])

    response = client.get(f"/registration/{registration.token}/")

    html = _html(response)
    assert "<strong>Your seat is confirmed.</strong>" in html
    assert "<dd>André Lefèvre</dd>" in html
    assert "<dd>andre@example.org</dd>" in html
    assert "<dd>Tuesday 26 November, Wednesday 27 November, Cocktail and posters</dd>" in html
    assert "<dd>Vegetarian</dd>" in html
    assert f'href="/registration/{registration.token}/cancel/"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_manage_page_when_waitlisted_shows_the_place(client, full_workshop):
    waiting = full_workshop.registrations.get(email="person-5@example.org")

    response = client.get(f"/registration/{waiting.token}/")

    assert "<strong>You are on the waiting list, in place 2.</strong>" in _html(response)


def test_manage_page_with_an_unknown_token_is_a_404(client, open_workshop, sign_up):
    sign_up(open_workshop)

    response = client.get("/registration/not-a-real-token/")

    assert response.status_code == 404


def test_cancel_page_get_asks_for_confirmation_and_cancels_nothing(
    client, open_workshop, register_data
):
    registration = services.register(open_workshop, **register_data)

    response = client.get(f"/registration/{registration.token}/cancel/")

    html = _html(response)
    assert "<h1>Cancel your registration?</h1>" in html
    assert "André Lefèvre, your seat for LoRAINNe&#x27;24 will go to the next person" in html
    assert f'<form method="post" action="/registration/{registration.token}/cancel/">' in html
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_cancel_post_cancels_promotes_and_says_so(
    client, full_workshop, django_capture_on_commit_callbacks
):
    registration = full_workshop.registrations.get(email="person-1@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/registration/{registration.token}/cancel/")

    assert response["Location"] == f"/registration/{registration.token}/"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert full_workshop.registrations.get(email="person-4@example.org").status == "confirmed"
    assert sorted(m.to[0] for m in mail.outbox) == ["person-1@example.org", "person-4@example.org"]
    page = _html(client.get(response["Location"]))
    assert "Your registration is cancelled. We have sent you an email to confirm it." in page
    assert "<strong>This registration is cancelled.</strong>" in page
    assert "Register again</button>" in page


def test_cancel_post_with_an_unknown_token_is_a_404(client, open_workshop):
    response = client.post("/registration/not-a-real-token/cancel/")

    assert response.status_code == 404


def test_rejoin_post_after_cancelling_gives_the_seat_back(
    client, open_workshop, sign_up, django_capture_on_commit_callbacks
):
    registration = sign_up(open_workshop)
    services.cancel(registration)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/registration/{registration.token}/rejoin/", follow=True)

    assert "You are registered again: your seat is confirmed." in _html(response)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert [m.subject for m in mail.outbox] == ["LoRAINNe'24: your registration is confirmed"]


def test_rejoin_post_after_the_deadline_says_registration_is_closed(
    client, open_workshop, sign_up, clock
):
    registration = sign_up(open_workshop)
    services.cancel(registration)
    clock.move_to(dt.datetime(2024, 11, 12, 0, 0, tzinfo=PARIS))

    response = client.post(f"/registration/{registration.token}/rejoin/", follow=True)

    assert "Registration closed after Monday 11 November 2024, 23:59:59" in _html(response)
    assert "Register again</button>" not in _html(response)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


# After the workshop.


def test_manage_page_after_the_workshop_says_it_is_over_and_offers_no_change(
    client, open_workshop, sign_up, clock
):
    registration = sign_up(open_workshop)
    clock.move_to(dt.datetime(2024, 11, 28, 0, 0, tzinfo=PARIS))

    response = client.get(f"/registration/{registration.token}/")

    html = _html(response)
    assert response.status_code == 200
    assert "<strong>LoRAINNe&#x27;24 is over.</strong>" in html
    assert "This registration can no longer be cancelled or renewed." in html
    assert "Your seat is confirmed." not in html
    assert "/cancel/" not in html
    assert "/rejoin/" not in html
    assert "<dd>Person 1 Test</dd>" in html


def test_manage_page_of_a_cancelled_registration_after_the_workshop_offers_no_rejoin(
    client, open_workshop, sign_up, clock
):
    registration = sign_up(open_workshop)
    services.cancel(registration)
    clock.move_to(dt.datetime(2024, 11, 28, 0, 0, tzinfo=PARIS))

    html = _html(client.get(f"/registration/{registration.token}/"))

    assert "<strong>LoRAINNe&#x27;24 is over.</strong>" in html
    assert "Register again" not in html


def test_cancel_page_after_the_workshop_offers_no_form(client, open_workshop, sign_up, clock):
    registration = sign_up(open_workshop)
    clock.move_to(dt.datetime(2024, 11, 28, 0, 0, tzinfo=PARIS))

    html = _html(client.get(f"/registration/{registration.token}/cancel/"))

    assert "LoRAINNe&#x27;24 is over: its registrations can no longer be cancelled." in html
    assert "<form" not in html.split("<main", 1)[1]


def test_cancel_post_after_the_workshop_refuses_with_a_message(
    client, open_workshop, sign_up, clock
):
    registration = sign_up(open_workshop)
    clock.move_to(dt.datetime(2024, 11, 28, 0, 0, tzinfo=PARIS))

    response = client.post(f"/registration/{registration.token}/cancel/", follow=True)

    assert response.redirect_chain == [(f"/registration/{registration.token}/", 302)]
    assert "LoRAINNe&#x27;24 is over: its registrations can no longer be cancelled." in _html(
        response
    )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_rejoin_post_after_the_workshop_refuses_with_a_message(
    client, open_workshop, sign_up, clock
):
    registration = sign_up(open_workshop)
    services.cancel(registration)
    clock.move_to(dt.datetime(2024, 11, 28, 0, 0, tzinfo=PARIS))

    response = client.post(f"/registration/{registration.token}/rejoin/", follow=True)

    assert response.status_code == 200
    assert "LoRAINNe&#x27;24 is over: its registrations can no longer be renewed." in _html(
        response
    )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_privacy_page_says_how_long_data_is_kept_and_whom_to_ask(client, open_workshop, settings):
    settings.REGISTRATION_RETENTION_DAYS = 90

    response = client.get("/privacy/")

    html = _html(response)
    assert "<h1>Privacy notice</h1>" in html
    assert "Registrations are deleted 90 days after the workshop ends." in html
    assert '<span class="contact">lorainne-orga@univ-lorraine.fr</span>' in html


# The public list of participants.


def test_participant_list_shows_only_confirmed_people_who_agreed(client, full_workshop, sign_up):
    full_workshop.registrations.filter(email="person-1@example.org").update(listed_publicly=True)
    full_workshop.registrations.filter(email="person-4@example.org").update(listed_publicly=True)
    services.cancel(sign_up(full_workshop, listed_publicly=True, first_name="Gone"))

    response = client.get("/participants/")

    html = _html(response)
    assert [p.email for p in response.context["participants"]] == ["person-1@example.org"]
    assert (
        '<li>Person 1 Test <span class="affiliation">(Université de Lorraine, LORIA)</span></li>'
        in html
    )
    assert "Person 2" not in html
    assert "Person 4" not in html
    assert "Gone" not in html


@pytest.mark.parametrize("listed", [1, 30])
def test_participant_list_queries_do_not_grow_with_participants(
    client, open_workshop, sign_up, listed, django_assert_num_queries
):
    open_workshop.capacity = 30
    open_workshop.save()
    for _ in range(listed):
        sign_up(open_workshop, listed_publicly=True)

    with django_assert_num_queries(3):  # the content version, the workshop, the participants
        client.get("/participants/")
    with django_assert_num_queries(2):  # the workshop's row now comes from the cache
        response = client.get("/participants/")

    assert len(response.context["participants"]) == listed


def test_register_at_an_edition_address_registers_for_that_edition(
    client, open_workshop, form_data
):
    """With a later edition current, the earlier one's own address still takes its own
    registrations: the edition comes from the address, not from which edition is current."""
    later = make_workshop(
        slug="lorainne30",
        acronym="LoRAINNe'30",
        starts_on=dt.date(2030, 11, 26),
        ends_on=dt.date(2030, 11, 27),
        registration_deadline=dt.date(2030, 11, 11),
    )
    assert 'action="/lorainne30/register/"' in _html(client.get("/register/"))  # current

    response = client.post("/lorainne24/register/", form_data)

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.workshop == open_workshop
    assert not later.registrations.exists()
