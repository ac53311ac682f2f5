"""Announcements: organizers write once, choose whom, preview for a real person, test on
themselves, send; each person gets it at most once, whatever double clicks and dying workers do."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.mail.backends import locmem
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from jobs import schedule
from mail import outbox
from mail.models import Delivery
from registration import announcements, services
from registration.models import Announcement, Registration

from .conftest import DATABASE_TASKS, LOCMEM_MAILERS, NOW
from .html_forms import form_data

pytestmark = pytest.mark.django_db

ADD = reverse("admin:registration_announcement_add")
CHANGELIST = reverse("admin:registration_announcement_changelist")
DELIVERIES = reverse("admin:mail_delivery_changelist")
REGISTRATIONS = reverse("admin:registration_registration_changelist")

BODY = "Dear {name},\n\nthe workshop moves to room B012. Your page: {link}\n\nSee you soon."


def _deliver(announcement):
    """What the task queued by sending the announcement does: send its queued copies."""
    about_type = ContentType.objects.get_for_model(announcement)
    return outbox.send_queued_about.call("announcement", about_type.pk, announcement.pk)


def _change_url(announcement) -> str:
    return reverse("admin:registration_announcement_change", args=[announcement.pk])


def _announce(workshop, **fields) -> Announcement:
    values = {"workshop": workshop, "subject": "Room change", "body": BODY}
    selected = fields.pop("selected", [])
    announcement = Announcement.objects.create(**(values | fields))
    announcement.selected.set(selected)
    return announcement


def _audience(announcement) -> list[str]:
    return sorted(announcements.announcement_audience(announcement).values_list("email", flat=True))


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Who gets it.


@pytest.mark.parametrize(
    ("audience", "emails"),
    [
        ("confirmed", ["person-1@example.org", "person-2@example.org", "person-3@example.org"]),
        ("waitlisted", ["person-4@example.org", "person-5@example.org"]),
        ("both", [f"person-{n}@example.org" for n in range(1, 6)]),
    ],
)
def test_audience_by_status_leaves_out_the_cancelled(full_workshop, sign_up, audience, emails):
    services.cancel(sign_up(full_workshop))  # person-6

    assert _audience(_announce(full_workshop, audience=audience)) == emails


def test_audience_of_a_day_is_the_confirmed_people_attending_it(open_workshop, sign_up):
    sign_up(open_workshop, days=[dt.date(2024, 11, 26)])  # person-1
    sign_up(open_workshop, days=[dt.date(2024, 11, 27)])  # person-2
    sign_up(open_workshop)  # person-3, both days
    sign_up(open_workshop, days=[dt.date(2024, 11, 27)])  # person-4, waiting

    wednesday = _announce(open_workshop, audience="day", day=dt.date(2024, 11, 27))

    assert _audience(wednesday) == ["person-2@example.org", "person-3@example.org"]


def test_audience_of_an_option_is_the_confirmed_people_who_chose_it(
    open_workshop, sign_up, cocktail_and_lunch
):
    cocktail, lunch = cocktail_and_lunch
    sign_up(open_workshop, options=[cocktail])
    sign_up(open_workshop, options=[lunch])
    sign_up(open_workshop, options=[cocktail, lunch])

    assert _audience(_announce(open_workshop, audience="option", option=lunch)) == [
        "person-2@example.org",
        "person-3@example.org",
    ]


def test_audience_selected_is_exactly_those_selected(full_workshop):
    chosen = full_workshop.registrations.filter(
        email__in=["person-2@example.org", "person-5@example.org"]
    )

    announcement = _announce(full_workshop, audience="selected", selected=chosen)

    assert _audience(announcement) == ["person-2@example.org", "person-5@example.org"]


# Sending.


def test_send_announcement_emails_each_person_with_their_name_and_link(
    full_workshop, settings, django_capture_on_commit_callbacks
):
    announcement = _announce(full_workshop)

    with django_capture_on_commit_callbacks(execute=True):
        queued = announcements.send_announcement(announcement)

    assert queued == 3
    assert _recipients() == [f"person-{n}@example.org" for n in (1, 2, 3)]
    first = next(m for m in mail.outbox if m.to == ["person-1@example.org"])
    token = full_workshop.registrations.get(email="person-1@example.org").token
    link = f"{settings.SITE_URL}/registration/{token}/"
    assert first.subject == "LoRAINNe'24: Room change"
    assert first.from_email == "LoRAINNe'24 <noreply@localhost>"
    assert first.reply_to == ["lorainne-orga@univ-lorraine.fr"]
    assert first.body.startswith(
        f"Dear Person 1,\n\nthe workshop moves to room B012. Your page: {link}\n\nSee you soon.\n"
    )
    html, kind = first.alternatives[0]
    assert kind == "text/html"
    assert f'<a href="{link}">' in html
    assert "<p>Dear Person 1,</p>" in html
    announcement.refresh_from_db()
    assert announcement.sent_at == NOW
    assert set(announcement.deliveries.values_list("state", "attempts")) == {("sent", 1)}


def test_send_announcement_twice_sends_each_person_once(
    full_workshop, django_capture_on_commit_callbacks
):
    announcement = _announce(full_workshop, audience="both")

    with django_capture_on_commit_callbacks(execute=True):
        first = announcements.send_announcement(announcement)
        second = announcements.send_announcement(announcement)

    assert (first, second) == (5, 0)
    assert _recipients() == [f"person-{n}@example.org" for n in range(1, 6)]
    assert announcement.deliveries.count() == 5


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"subject": "  "}, "Write a subject."),
        ({"body": "\n"}, "Write the text of the announcement."),
        (
            {"body": "Dear {name}, meet in {room}."},
            "Unknown placeholder {room}: only {name} (the person's first name) and {link} "
            "(their personal link) are filled in. Math ($…$, $$…$$, \\(…\\), \\[…\\]) is left "
            "as written; elsewhere, write {{ or }} for a brace.",
        ),
        (
            {"audience": "day", "day": dt.date(2024, 11, 28)},
            "Choose one of the days of LoRAINNe'24.",
        ),
        ({"audience": "waitlisted"}, "Nobody is in this audience: nothing was sent."),
        ({"audience": "selected"}, "Nobody is in this audience: nothing was sent."),
    ],
)
def test_send_announcement_refuses_bad_input_and_queues_nothing(
    open_workshop, sign_up, fields, message, django_capture_on_commit_callbacks
):
    sign_up(open_workshop)
    announcement = _announce(open_workshop, **fields)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(announcements.AnnouncementRefused) as refused,
    ):
        announcements.send_announcement(announcement)

    assert refused.value.message == message
    assert not Delivery.objects.filter(kind="announcement").exists()
    announcement.refresh_from_db()
    assert announcement.sent_at is None
    assert mail.outbox == []


KILL_AFTER = 2


class WorkerKilledBackend(locmem.EmailBackend):
    """Delivers as locmem does, until KILL_AFTER messages have left: then the worker's process dies
    in the middle of the next send (SystemExit, which no `except Exception` catches)."""

    def send_messages(self, messages):
        if len(mail.outbox) >= KILL_AFTER:
            raise SystemExit("worker killed")
        return super().send_messages(messages)


def test_worker_killed_mid_announcement_sends_each_person_at_most_once(
    full_workshop, settings, clock, django_capture_on_commit_callbacks, admin_client
):
    # The sign-ups' emails (their tasks never ran in this test): not this test's concern.
    Delivery.objects.filter(kind="registration").delete()
    announcement = _announce(full_workshop, audience="both")
    with django_capture_on_commit_callbacks():  # queued; the worker runs it below
        announcements.send_announcement(announcement)
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.WorkerKilledBackend"}}

    with pytest.raises(SystemExit):
        _deliver(announcement)
    settings.MAILERS = LOCMEM_MAILERS  # the worker restarts and runs the task again
    _deliver(announcement)

    states = dict(announcement.deliveries.values_list("registration__email", "state"))
    assert states == {
        "person-1@example.org": "sent",
        "person-2@example.org": "sent",
        "person-3@example.org": "sending",  # its worker holds it until the lease ends
        "person-4@example.org": "sent",
        "person-5@example.org": "sent",
    }
    assert _recipients() == [f"person-{n}@example.org" for n in (1, 2, 4, 5)]
    schedule.sweep.call()  # within the lease: nobody takes it
    assert len(mail.outbox) == 4

    clock.shift(dt.timedelta(seconds=settings.EMAIL_LEASE_SECONDS + 1))
    page = admin_client.get(f"{DELIVERIES}?announcement__id__exact={announcement.pk}")
    assert page.content.decode().count("stuck: its worker stopped while sending") == 1
    listed = admin_client.get(CHANGELIST).context["cl"].result_list
    assert [(a.queued_count, a.sent_count, a.failed_count, a.stuck_count) for a in listed] == [
        (0, 4, 0, 1)
    ]
    schedule.sweep.call()  # past the lease: the sweep sends it, once

    assert _recipients() == [f"person-{n}@example.org" for n in (1, 2, 3, 4, 5)]
    stuck = announcement.deliveries.get(registration__email="person-3@example.org")
    assert (stuck.state, stuck.attempts) == ("sent", 2)
    # The same Message-ID as the try that was cut short: receivers drop a second copy.
    assert mail.outbox[-1].extra_headers["Message-ID"] == outbox.message_id(stuck)
    schedule.sweep.call()
    assert len(mail.outbox) == 5


def test_send_again_of_a_stuck_delivery_after_its_last_try_is_the_organizers_call(
    full_workshop, clock, settings, django_capture_on_commit_callbacks, admin_client
):
    Delivery.objects.filter(kind="registration").delete()  # not this test's concern
    announcement = _announce(full_workshop)
    with django_capture_on_commit_callbacks():
        announcements.send_announcement(announcement)
    stuck = announcement.deliveries.get(registration__email="person-3@example.org")
    # Its worker died while sending it, on its last try: the sweep leaves it.
    Delivery.objects.filter(pk=stuck.pk).update(
        state="sending", lease_expires_at=NOW, attempts=len(settings.EMAIL_RETRY_DELAYS) + 1
    )
    _deliver(announcement)
    assert _recipients() == ["person-1@example.org", "person-2@example.org"]
    mail.outbox.clear()

    clock.shift(dt.timedelta(minutes=1))
    schedule.sweep.call()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            DELIVERIES,
            {
                "action": "send_again",
                "_selected_action": list(announcement.deliveries.values_list("pk", flat=True)),
            },
            follow=True,
        )

    assert _messages(response) == ["1 email queued again."]
    assert _recipients() == ["person-3@example.org"]
    stuck.refresh_from_db()
    assert (stuck.state, stuck.attempts) == ("sent", 1)


@pytest.mark.django_db(transaction=True)
def test_failed_deliveries_are_retried_by_the_worker_after_a_delay(
    open_workshop, sign_up, smtp_down, settings, clock, run_db_worker
):
    settings.TASKS = DATABASE_TASKS
    sign_up(open_workshop)
    sign_up(open_workshop)
    # Their confirmation emails: not this test's concern.
    DBTaskResult.objects.all().delete()
    Delivery.objects.all().delete()
    announcement = _announce(open_workshop)
    announcements.send_announcement(announcement)

    run_db_worker()  # the mail server refuses both

    assert set(announcement.deliveries.values_list("state", "attempts")) == {("failed", 1)}
    assert "ConnectionRefusedError" in announcement.deliveries.first().error
    settings.MAILERS = LOCMEM_MAILERS
    schedule.sweep.call()  # the first retry is due a minute after the failure
    assert mail.outbox == []

    clock.shift(dt.timedelta(minutes=1))
    schedule.sweep.call()

    assert _recipients() == ["person-1@example.org", "person-2@example.org"]
    assert set(announcement.deliveries.values_list("state", "attempts", "error")) == {
        ("sent", 2, "")
    }


# Preview and test.


def test_preview_is_rendered_for_the_first_recipient(full_workshop, settings):
    announcement = _announce(full_workshop, audience="waitlisted")
    first = full_workshop.registrations.get(email="person-4@example.org")

    preview = announcements.preview_announcement(announcement)

    assert preview.recipients == 2
    assert preview.registration == first
    assert preview.subject == "LoRAINNe'24: Room change"
    assert preview.text.startswith(
        "Dear Person 4,\n\nthe workshop moves to room B012. Your page: "
        f"{settings.SITE_URL}/registration/{first.token}/\n"
    )


def test_send_test_to_yourself_emails_the_organizer_the_first_persons_copy(
    full_workshop, admin_client, admin_user
):
    announcement = _announce(full_workshop)

    response = admin_client.post(
        _change_url(announcement),
        form_data(admin_client.get(_change_url(announcement)).content.decode(), "announcement_form")
        | {"_test": "1"},
        follow=True,
    )

    assert _messages(response) == [
        "A test was sent to admin@example.com, as Person 1 Test will read it."
    ]
    [message] = mail.outbox
    assert message.to == ["admin@example.com"]
    assert message.subject == "[Test] LoRAINNe'24: Room change"
    assert message.body.startswith("Dear Person 1,\n")
    assert not Delivery.objects.filter(kind="announcement").exists()


def test_send_test_without_an_email_address_is_refused_with_a_message(
    full_workshop, admin_client, admin_user
):
    admin_user.email = ""
    admin_user.save()
    announcement = _announce(full_workshop)
    page = admin_client.get(_change_url(announcement)).content.decode()

    response = admin_client.post(
        _change_url(announcement),
        form_data(page, "announcement_form") | {"_test": "1"},
        follow=True,
    )

    assert response.status_code == 200
    assert _messages(response) == [
        "Your account has no email address: add one to your user in the admin to receive tests."
    ]
    assert mail.outbox == []


# The admin, from the list of registrations to the list of announcements.


def test_admin_flow_select_compose_preview_send_once(
    full_workshop, admin_client, django_capture_on_commit_callbacks
):
    chosen = list(
        full_workshop.registrations.filter(
            email__in=["person-1@example.org", "person-4@example.org"]
        )
    )
    redirect = admin_client.post(
        REGISTRATIONS,
        {"action": "write_announcement", "_selected_action": [r.pk for r in chosen]},
    )
    assert redirect.status_code == 302
    add_page = admin_client.get(redirect["Location"]).content.decode()
    data = form_data(add_page, "announcement_form")
    assert data["audience"] == "selected"
    assert sorted(data["selected"]) == sorted(str(r.pk) for r in chosen)

    saved = admin_client.post(
        redirect["Location"],
        data | {"subject_en_gb": "Posters", "body_en_gb": "Hello {name}, bring your poster."},
        follow=True,
    )
    announcement = Announcement.objects.get()
    assert saved.redirect_chain == [(_change_url(announcement), 302)]
    page = saved.content.decode()
    assert "To <strong>2 people</strong>:" in page
    assert "As the first of them, Person 1 Test, will read it (saved text):" in page
    assert "Hello Person 1, bring your poster." in page
    assert 'value="Send to 2 people"' in page

    send = form_data(page, "announcement_form") | {"_send": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        sent = admin_client.post(_change_url(announcement), send, follow=True)
        again = admin_client.post(_change_url(announcement), send, follow=True)  # a double click

    assert _messages(sent) == ["“Posters” is queued for 2 people: the task worker sends it now."]
    assert _messages(again) == ["“Posters” was sent already: nobody was queued again."]
    assert _recipients() == ["person-1@example.org", "person-4@example.org"]
    [row] = admin_client.get(CHANGELIST).context["cl"].result_list
    assert (row.queued_count, row.sent_count, row.failed_count, row.stuck_count) == (0, 2, 0, 0)
    readonly = admin_client.get(_change_url(announcement)).content.decode()
    assert 'name="subject_en_gb"' not in readonly
    assert "0 queued, 2 sent, 0 failed, 0 stuck" in readonly


def test_admin_send_of_unsaved_changes_saves_them_and_sends_nothing(full_workshop, admin_client):
    announcement = _announce(full_workshop)
    page = admin_client.get(_change_url(announcement)).content.decode()

    response = admin_client.post(
        _change_url(announcement),
        form_data(page, "announcement_form")
        | {"subject_en_gb": "Room change (again)", "_send": "1"},
        follow=True,
    )

    assert _messages(response) == [
        "Your changes are saved but nothing was sent: check the preview, then send."
    ]
    announcement.refresh_from_db()
    assert (announcement.subject, announcement.sent_at) == ("Room change (again)", None)
    assert not Delivery.objects.filter(kind="announcement").exists()


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"body_en_gb": "Meet in {room}."}, "body_en_gb", "Unknown placeholder {room}"),
        ({"audience": "day", "day": "2024-11-28"}, "day", "Choose one of the days of LoRAINNe'24"),
        ({"audience": "day", "day": "next tuesday"}, "day", "Enter a valid date."),
        (
            {"audience": "option", "option": ""},
            "option",
            "Choose one of the options of LoRAINNe'24.",
        ),
        ({"audience": "selected"}, "audience", "No registration is selected"),
        ({"subject_en_gb": ""}, "subject_en_gb", "This field is required."),
    ],
)
def test_admin_form_answers_bad_input_with_an_error(
    full_workshop, admin_client, changes, field, error
):
    page = admin_client.get(f"{ADD}?workshop={full_workshop.pk}").content.decode()
    data = form_data(page, "announcement_form") | {
        "subject_en_gb": "Room change",
        "body_en_gb": BODY,
    }

    response = admin_client.post(ADD, data | changes)

    assert response.status_code == 200
    assert error in " ".join(response.context["adminform"].form.errors[field])
    assert not Announcement.objects.exists()


def test_admin_write_announcement_to_registrations_of_two_editions_is_refused(
    full_workshop, admin_client, sign_up
):
    from .conftest import make_workshop

    other = make_workshop(
        slug="lorainne25",
        acronym="LoRAINNe'25",
        starts_on=dt.date(2025, 11, 25),
        ends_on=dt.date(2025, 11, 26),
        registration_deadline=dt.date(2025, 11, 10),
    )
    both = [full_workshop.registrations.first(), sign_up(other)]

    response = admin_client.post(
        REGISTRATIONS,
        {"action": "write_announcement", "_selected_action": [r.pk for r in both]},
        follow=True,
    )

    assert _messages(response) == [
        "Select registrations of one edition: an announcement comes from one edition."
    ]


def test_admin_nobody_in_the_audience_offers_no_send_button(open_workshop, admin_client):
    announcement = _announce(open_workshop, audience="waitlisted")

    page = admin_client.get(_change_url(announcement)).content.decode()

    assert "Nobody is in this audience: there is nobody to send it to." in page
    assert 'name="_send"' not in page
    assert Registration.objects.count() == 0


@pytest.mark.parametrize("count", [1, 4])
def test_admin_announcement_list_queries_do_not_grow_with_rows(
    full_workshop,
    admin_client,
    count,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    for number in range(count):
        with django_capture_on_commit_callbacks(execute=True):
            announcements.send_announcement(_announce(full_workshop, subject=f"News {number}"))
    admin_client.get(CHANGELIST)  # the session and the user, read once

    # The session, the user, the workshop filter, the counts (filtered and not), the rows.
    with django_assert_num_queries(6):
        response = admin_client.get(CHANGELIST)

    counts = {a.subject: a.sent_count for a in response.context["cl"].result_list}
    assert counts == {f"News {number}": 3 for number in range(count)}


# A mathematician's text, the subject, the list of who gets it: on the seed's edition.


MATH_BODY = (
    r"Dear {name}, the session on $\mathbb{R}^{n}$ and \(\mathcal{O}(n^{2})\) moves to B012; "
    "bring {{your poster}}."
)


def test_announcement_with_math_and_doubled_braces_is_sent_as_written(
    seeded, seed_people, django_capture_on_commit_callbacks
):
    announcement = _announce(seeded, subject=r"Low rank in $\mathbb{R}^{n}$", body=MATH_BODY)

    with django_capture_on_commit_callbacks(execute=True):
        queued = announcements.send_announcement(announcement)

    assert queued == 12
    first = next(m for m in mail.outbox if m.to == [seed_people[0].email])
    assert first.subject == r"LoRAINNe'24: Low rank in $\mathbb{R}^{n}$"
    assert first.body.startswith(
        r"Dear Person 1, the session on $\mathbb{R}^{n}$ and \(\mathcal{O}(n^{2})\) moves to "
        "B012; bring {your poster}.\n"
    )


def test_announcement_with_an_unknown_placeholder_outside_math_is_refused_naming_only_it(
    seeded, seed_people
):
    announcement = _announce(seeded, body=r"We meet on $\mathbb{R}^{n}$ in {room}.")

    with pytest.raises(announcements.AnnouncementRefused) as refused:
        announcements.send_announcement(announcement)

    assert refused.value.message.startswith(
        "Unknown placeholder {room}: only {name} (the person's first name) and {link} "
        "(their personal link) are filled in. Math ($…$, $$…$$, \\(…\\), \\[…\\]) is left "
        "as written; elsewhere, write {{ or }} for a brace."
    )
    assert not Delivery.objects.filter(kind="announcement").exists()


def test_admin_form_accepts_math_and_doubled_braces(seeded, seed_people, admin_client):
    page = admin_client.get(f"{ADD}?workshop={seeded.pk}").content.decode()
    data = form_data(page, "announcement_form") | {
        "subject_en_gb": "Room change",
        "body_en_gb": MATH_BODY,
    }

    response = admin_client.post(ADD, data, follow=True)

    announcement = Announcement.objects.get()
    assert response.redirect_chain == [(_change_url(announcement), 302)]
    assert "Dear Person 1, the session on $\\mathbb{R}^{n}$" in response.content.decode()
    assert "bring {your poster}." in response.content.decode()


@pytest.mark.parametrize(
    ("subject", "sent_as"),
    [
        ("Practical details for LoRAINNe'24", "Practical details for LoRAINNe'24"),
        ("Practical details for LoRAINNe’24", "Practical details for LoRAINNe’24"),
        ("LORAINNE'24 practical details", "LORAINNE'24 practical details"),
        ("Practical details", "LoRAINNe'24: Practical details"),
        ("{name}, your poster", "LoRAINNe'24: Person 1, your poster"),
    ],
)
def test_announcement_subject_has_the_edition_prefix_once(seeded, seed_people, subject, sent_as):
    announcement = _announce(seeded, subject=subject)

    assert announcements.preview_announcement(announcement).subject == sent_as


def test_admin_preview_lists_everyone_it_goes_to(seeded, seed_people, admin_client):
    announcement = _announce(seeded)

    page = admin_client.get(_change_url(announcement)).content.decode()

    preview = page[page.index('class="module aligned announcement-preview"') :]
    assert "To <strong>12 people</strong>:" in preview
    listed = [
        f"<li>Person {n} Seed {n:02} &lt;person-{n}@example.org&gt;</li>" for n in range(1, 13)
    ]
    assert all(person in preview for person in listed)
    assert preview.index(listed[9]) < preview.index("and 2 more people") < preview.index(listed[10])
    assert "As the first of them, Person 1 Seed 01, will read it (saved text):" in preview


@pytest.mark.parametrize("count", [1, 12])
def test_admin_preview_reads_its_audience_in_one_query(
    seeded, sign_up, clock, admin_client, count, django_assert_num_queries
):
    for n in range(count):
        sign_up(seeded, address_confirmed=True, email=f"reader-{n}@example.org")
    announcement = _announce(seeded)
    admin_client.get(_change_url(announcement))  # the session and the user, read once

    # The session, the user, the announcement, the form's fields (editions, options, those
    # selected), its edition, and the preview's audience: the same for one person or twelve.
    with django_assert_num_queries(8):
        response = admin_client.get(_change_url(announcement))

    assert response.context["preview"].recipients == count
