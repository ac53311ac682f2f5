"""No 500 from any request a client can send: a NUL anywhere in an address or a field, a form
body in another charset, line breaks in text that reaches a calendar or an email header.

Run on SQLite and on PostgreSQL (DATABASE_URL): PostgreSQL refuses a NUL in any text parameter,
where SQLite finds nothing.
"""

import datetime as dt

import icalendar
import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.html import escape

from registration import announcements, services
from registration.models import Announcement, Registration

from ..factories import SessionFactory, TalkFactory, paris_time

pytestmark = pytest.mark.django_db

BAD_REQUEST = "That request could not be understood"


def _assert_bad_request(response):
    assert response.status_code == 400
    assert f"<h1>{BAD_REQUEST}</h1>" in response.content.decode()


# A NUL in the address.


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/registration/abc%00def/"),
        ("get", "/registration/abc%00def/cancel/"),
        ("post", "/registration/abc%00def/cancel/"),
        ("post", "/registration/abc%00def/rejoin/"),
        ("post", "/registration/abc%00def/change/"),
        ("get", "/speaker/abc%00def/"),
        ("get", "/program/talks/ab%00c/"),
        ("get", "/program/talks/ab%00c/calendar.ics"),
        ("get", "/lorain%00ne24/"),
        ("get", "/lorainne24/register/%00"),
        ("post", "/register%00/"),
        ("get", "/%00"),
    ],
)
def test_nul_in_the_path_is_a_400(client, andre, method, path):
    response = getattr(client, method)(path)

    _assert_bad_request(response)
    assert Registration.objects.get().status == Registration.Status.CONFIRMED


def test_nul_in_a_personal_page_address_after_the_token_is_a_400(client, andre):
    response = client.post(f"/registration/{andre.token}%00/cancel/")

    _assert_bad_request(response)
    assert Registration.objects.get().status == Registration.Status.CONFIRMED


@pytest.mark.parametrize("query", ["q=%00", "%00=1", "q=ab%00c", "day=2024-11-26%00", "x=1&x=%00"])
def test_nul_in_a_query_parameter_is_a_400(client, andre, query):
    _assert_bad_request(client.get(f"/register/?{query}"))
    _assert_bad_request(client.get(f"/registration/{andre.token}/?{query}"))
    _assert_bad_request(client.get(f"/program.json?{query}"))


@pytest.mark.parametrize(
    "path",
    [
        "/desk/?q=ab%00c",
        "/desk/?day=%00",
        "/admin/registration/registration/?q=a%00b",
        "/admin/registration/registration/?status__exact=%00",
        "/admin/program/talk/?kind__exact=%00",
        "/admin/registration/registration/1%00/change/",
    ],
)
def test_nul_in_an_organizer_page_address_is_a_400(organizer_client, open_workshop, path):
    _assert_bad_request(organizer_client.get(path))


# A NUL in a posted field: the forms say so beside the field, and keep the answers.


@pytest.mark.parametrize(
    "field", ["first_name", "last_name", "email", "affiliation", "dietary_requirements"]
)
def test_register_post_with_a_nul_in_a_text_field_says_so_and_keeps_the_answers(
    client, open_workshop, form_data, field
):
    answers = form_data | {field: form_data.get(field, "") + "\x00x"}

    response = client.post("/register/", answers)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Null characters are not allowed." in html
    assert 'value="Université de Lorraine, LORIA' in html
    assert Registration.objects.count() == 0


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"days": ["2024-11-26\x00"]}, "Select a valid choice. 2024-11-26\x00 is not one of"),
        ({"position": "phd\x00"}, "Select a valid choice. phd\x00 is not one of"),
        ({"options": ["1\x00"]}, "Null characters are not allowed."),
        # The honeypot, hidden from people: only bots fill it; they get the form again.
        ({"website": "\x00"}, None),
    ],
)
def test_register_post_with_a_nul_in_a_choice_shows_the_form_again(
    client, open_workshop, form_data, cocktail_and_lunch, answers, message
):
    response = client.post("/register/", form_data | answers)

    assert response.status_code == 200
    if message:
        assert escape(message) in response.content.decode()
    assert Registration.objects.count() == 0


def test_cancel_and_rejoin_posts_with_a_nul_in_a_field_do_their_work(client, andre):
    cancelled = client.post(f"/registration/{andre.token}/cancel/", {"x\x00": "\x00"})
    rejoined = client.post(f"/registration/{andre.token}/rejoin/", {"x": "\x00"})

    assert cancelled.status_code == rejoined.status_code == 302
    assert Registration.objects.get().status == Registration.Status.CONFIRMED


def test_change_post_with_a_nul_in_a_field_says_so_and_changes_nothing(client, andre):
    response = client.post(
        f"/registration/{andre.token}/change/",
        {"days": ["2024-11-26"], "affiliation": "LORIA\x00", "dietary_requirements": "x\x00"},
    )

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert Registration.objects.get().affiliation == "Université de Lorraine, LORIA"


def test_desk_posts_with_a_nul_in_a_field_answer_with_a_message(organizer_client, andre, clock):
    clock.move_to(paris_time(dt.date(2024, 11, 26), 8, 45))

    tick = organizer_client.post(
        "/desk/check-in/", {"registration": f"{andre.pk}\x00", "day": "2024-11-26", "q": "a\x00"}
    )
    walk_in = organizer_client.post(
        "/desk/walk-in/",
        {
            "first_name": "Zoë\x00",
            "last_name": "Walker",
            "email": "zoe@example.org",
            "affiliation": "INRIA",
            "position": "postdoc",
            "day": "2024-11-26",
            "privacy_consent": "on",
        },
    )

    assert tick.status_code == 302
    # The search the tick returns to carries no NUL (it would be a 400 of its own).
    assert "%00" not in tick["Location"]
    assert organizer_client.get(tick["Location"]).status_code == 200
    assert walk_in.status_code == 200
    assert "Null characters are not allowed." in walk_in.content.decode()
    assert not andre.check_ins.exists()
    assert Registration.objects.count() == 1


# An admin list's action on ids that are no ids.


@pytest.mark.parametrize("selected", ["abc", "1.5", "\x00"])
@pytest.mark.parametrize(
    "model_admin", admin.site._registry.values(), ids=lambda model_admin: str(model_admin)
)
def test_admin_action_on_a_malformed_id_is_a_400(organizer_client, andre, model_admin, selected):
    opts = model_admin.model._meta
    request = RequestFactory().get("/")
    request.user = User.objects.get(username="orga")
    # An action the organizer may take here, or none where the list offers none.
    action = next(iter(model_admin.get_actions(request)), "delete_selected")
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    response = organizer_client.post(
        changelist, {"action": action, "index": "0", "_selected_action": ["1", selected]}
    )

    _assert_bad_request(response)


def test_admin_action_on_a_real_id_still_works(organizer_client, andre):
    changelist = reverse("admin:registration_registration_changelist")

    response = organizer_client.post(
        changelist,
        {"action": "delete_selected", "index": "0", "_selected_action": [str(andre.pk)]},
    )

    assert response.status_code == 200  # the confirmation page
    assert escape(str(andre)) in response.content.decode()


# A form body in another charset than UTF-8.


@pytest.mark.parametrize("charset", ["utf-16", "utf-32", "latin-1", "cp037"])
def test_form_post_in_another_charset_is_a_400_even_with_csrf_checks(andre, charset):
    client = Client(enforce_csrf_checks=True)
    client.get(f"/registration/{andre.token}/cancel/")  # the CSRF cookie, as a browser has it
    token = client.cookies["csrftoken"].value
    body = f"csrfmiddlewaretoken={token}".encode(charset)
    content_type = f"application/x-www-form-urlencoded; charset={charset}"

    cancel = client.generic(
        "POST", f"/registration/{andre.token}/cancel/", body, content_type=content_type
    )
    register = client.generic("POST", "/register/", body, content_type=content_type)

    _assert_bad_request(cancel)
    _assert_bad_request(register)
    assert Registration.objects.get().status == Registration.Status.CONFIRMED


def test_form_post_with_an_unknown_charset_is_read_as_utf8(client, open_workshop, form_data):
    body = "&".join(
        f"{name}={value}"
        for name, values in form_data.items()
        for value in (values if isinstance(values, list) else [values])
    )

    response = client.generic(
        "POST",
        "/register/",
        body.encode(),
        content_type="application/x-www-form-urlencoded; charset=no-such-charset",
    )

    assert response.status_code == 302
    assert Registration.objects.get().first_name == "André"


# Line breaks in text that reaches a calendar or an email header.

ODD_TITLE = "Tensors,\nlow rank;\r\nand\rnetworks\u2028again"


def test_talk_calendar_of_a_title_with_line_breaks_escapes_them(client, open_workshop):
    talk = TalkFactory(workshop=open_workshop, title=ODD_TITLE, speakers=[])
    SessionFactory(workshop=open_workshop, talk=talk)

    talk_calendar = client.get(f"/program/talks/{talk.slug}/calendar.ics")
    program_calendar = client.get("/program/calendar.ics")

    assert talk_calendar.status_code == program_calendar.status_code == 200
    for body in (talk_calendar.content, program_calendar.content):
        # Every line of the file is a content line: no bare CR or LF inside a value.
        assert b"\r\n".join(body.split(b"\r\n")) == body
        assert all(b"\n" not in line and b"\r" not in line for line in body.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(talk_calendar.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Tensors,\nlow rank;\nand\nnetworks\u2028again"
    assert b"NAME:LoRAINNe'24: Tensors\\,\\nlow rank\\;\\nand\\nnetworks" in talk_calendar.content
    assert b"X-WR-CALNAME:LoRAINNe'24: Tensors\\,\\nlow rank" in talk_calendar.content


def test_registration_emails_of_an_acronym_with_a_line_break_are_sent_on_one_line(
    open_workshop, register_data, django_capture_on_commit_callbacks
):
    open_workshop.acronym = "LoRAINNe\n'24"
    open_workshop.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.register(open_workshop, **register_data | {"first_name": "André\nJean"})

    (message,) = mail.outbox
    sent = message.message()
    assert sent["Subject"] == "LoRAINNe '24: your registration is confirmed"
    assert sent["From"].startswith("LoRAINNe '24 <")
    assert "André\nJean" in message.body


def test_announcement_subject_with_a_line_break_is_sent_on_one_line(
    andre, django_capture_on_commit_callbacks
):
    announcement = Announcement.objects.create(
        workshop=andre.workshop, subject="Room change\r\nBcc: everyone@example.org", body="Hi"
    )

    with django_capture_on_commit_callbacks(execute=True):
        announcements.send_announcement(announcement)

    (message,) = mail.outbox
    assert message.message()["Subject"] == ("LoRAINNe'24: Room change Bcc: everyone@example.org")
    assert message.message()["Bcc"] is None
