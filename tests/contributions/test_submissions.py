"""Submitting to the call of LoRAINNe'24: the call page, the form, the service behind it, the
address confirmation, the personal page (edit, withdraw, the decision), the call moved and
copied with its edition, and what stays as it was."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import resolve
from django.utils import translation

from contributions.emails import queue_submission_email
from contributions.models import Call, Criterion, Submission
from contributions.services import decisions
from contributions.services import submissions as services
from program import services as program_services
from program.models import Poster, Workshop

from ..pages import parse
from ..program.test_materials import pdf_bytes
from ..registration.html_forms import form_data as page_form_data
from .conftest import CLOSES_AT, NOW, PARIS

CALL_URL = "/lorainne24/call/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form_data(**overrides) -> dict:
    """The call's form as a person fills it in: two authors, the second presenting."""
    data = {
        "title": "Low-rank adapters for $\\mathbb{R}^{n \\times n}$",
        "kind": "poster",
        "abstract": "We study low-rank adapters.\n\nThey are small.",
        "email": "Grace.Hopper@Example.org",
        "website": "",
        "authors-TOTAL_FORMS": "4",
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "30",
        "authors-0-name": "Ada Lovelace",
        "authors-0-affiliation": "Université de Lorraine",
        "authors-1-name": "Grace Hopper",
        "authors-1-affiliation": "Inria",
        "authors-1-presenting": "on",
    }
    return data | overrides


def submit(client, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(CALL_URL, form_data(**overrides))


def link_in(message, name: str) -> str:
    """The path of the link `name` (confirm, or the personal page) in an email's text."""
    pattern = {"confirm": r"/submission/[\w-]+/confirm/", "page": r"/submission/[\w-]+/(?=\s)"}
    return re.search(pattern[name], message.body)[0]


# The call page ------------------------------------------------------------------------------


def test_call_page_while_open_shows_the_text_dates_kinds_and_form(client, call):
    page = client.get(CALL_URL).content.decode()
    assert "Send your abstract by 11 November: the workshop is on 26–27 November 2024." in page
    assert "Friday 1 November 2024, 00:00:00 CET" in page  # the close, in Paris time
    assert "poster, contributed talk" in page
    assert 'name="authors-0-name"' in page
    assert 'class="preview"' in page
    assert "js/speaker_preview.js" in page


def test_call_form_in_double_blind_tells_submitters_to_leave_their_names_out_of_the_pdf(
    client, call
):
    hint = "leave your names, affiliations and acknowledgements out of it"
    open_call = client.get(CALL_URL).content.decode()
    call.double_blind = True
    call.save()

    blind = client.get(CALL_URL).content.decode()

    assert hint not in open_call
    assert hint in blind


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (dt.datetime(2024, 8, 31, 12, 0, tzinfo=PARIS), "The call is not open yet"),
        (CLOSES_AT, "The call is closed"),
    ],
)
def test_call_page_outside_its_instants_has_no_form_and_says_why(client, call, clock, moment, said):
    clock.move_to(moment)
    page = client.get(CALL_URL).content.decode()
    assert said in page
    assert 'name="title"' not in page


def test_call_page_of_an_edition_without_a_call_is_not_found(client, seeded):
    assert client.get(CALL_URL).status_code == 404


def test_menu_and_home_page_link_to_the_call_only_while_open_never_from_a_stale_page(
    client, call, clock
):
    clock.move_to(dt.datetime(2024, 8, 31, 12, 0, tzinfo=PARIS))
    before = client.get("/lorainne24/").content.decode()  # now in the page cache
    clock.move_to(NOW)
    during = client.get("/lorainne24/").content.decode()
    clock.move_to(CLOSES_AT)
    after = client.get("/lorainne24/").content.decode()
    assert CALL_URL not in before
    assert during.count(f'href="{CALL_URL}"') == 2  # the menu and the home page
    assert CALL_URL not in after


# Submitting -------------------------------------------------------------------------------


def test_submit_saves_the_submission_its_authors_in_order_and_emails_the_confirmation_link(
    client, call, django_capture_on_commit_callbacks
):
    response = submit(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/lorainne24/call/submitted/"
    submission = Submission.objects.get()
    assert submission.title == "Low-rank adapters for $\\mathbb{R}^{n \\times n}$"
    assert submission.email == "Grace.Hopper@example.org"  # the domain in its one spelling
    assert submission.language == "en-gb"
    assert submission.address_confirmed_at is None
    assert [(a.name, a.affiliation, a.presenting) for a in submission.authors.all()] == [
        ("Ada Lovelace", "Université de Lorraine", False),
        ("Grace Hopper", "Inria", True),
    ]
    [message] = mail.outbox
    assert message.to == ["Grace.Hopper@example.org"]
    assert message.subject == (
        "LoRAINNe'24: confirm your address to submit “Low-rank adapters for ℝ^(n × n)”"
    )
    assert link_in(message, "confirm") == f"/submission/{submission.token}/confirm/"
    page = client.get(response["Location"]).content.decode()
    assert "Grace.Hopper@example.org" in page


def test_submit_with_a_formula_katex_cannot_typeset_is_taken_with_a_warning(
    client, call, django_capture_on_commit_callbacks
):
    abstract = "We study $\\frac{a}$ adapters."

    response = submit(client, django_capture_on_commit_callbacks, abstract=abstract)

    assert response["Location"] == "/lorainne24/call/submitted/"  # not refused
    assert Submission.objects.get().abstract == abstract
    page = parse(client.get(response["Location"]).content)
    assert [p.text for p in page.find(class_="messages").find_all("p")] == [
        r"This formula will show as TeX: $\frac{a}$"
    ]


def test_call_form_warns_beside_the_preview_of_a_formula_katex_cannot_typeset(client, call):
    response = client.post(CALL_URL, form_data(title="Adapters in $\\mathbb{R$", email="x"))

    page = parse(response.content)
    assert page.find(class_="errorlist")  # refused for the address, the formula only warned of
    region = page.find("div", class_="formula-warnings")
    assert region.attrs["aria-live"] == "polite"
    assert page.find("div", class_="preview").attrs["data-warnings"] == region.attrs["id"]
    assert [p.text for p in region.find_all("p")] == [r"This formula will show as TeX: $\mathbb{R$"]


def test_confirm_address_by_the_button_sends_it_to_the_committee_then_it_can_be_edited(
    client, call, django_capture_on_commit_callbacks
):
    submit(client, django_capture_on_commit_callbacks)
    confirm = link_in(mail.outbox[0], "confirm")
    assert "Confirm my address" in client.get(confirm).content.decode()
    assert Submission.objects.confirmed().count() == 0  # a GET (a mail scanner) confirms nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm)
    submission = Submission.objects.confirmed().get()
    assert response["Location"] == f"/submission/{submission.token}/"
    assert mail.outbox[1].subject == "LoRAINNe'24: we received “Low-rank adapters for ℝ^(n × n)”"

    data = form_data(
        title="Tensor trains",
        kind="talk",
        **{"authors-INITIAL_FORMS": "2", "authors-1-presenting": "", "authors-0-presenting": "on"},
    )
    response = client.post(f"/submission/{submission.token}/edit/", data)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.title, submission.kind) == ("Tensor trains", "talk")
    assert submission.email == "Grace.Hopper@example.org"  # the confirmed address stays
    assert [a.name for a in submission.authors.filter(presenting=True)] == ["Ada Lovelace"]


def test_personal_page_before_confirming_offers_no_edit_form(client, submission_factory):
    submission = submission_factory(confirmed=False)
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "Waiting for you to confirm your address" in page
    assert 'name="title"' not in page
    response = client.post(f"/submission/{submission.token}/edit/", form_data(title="Changed"))
    assert "Confirm your address first" in response.content.decode()
    submission.refresh_from_db()
    assert submission.title != "Changed"


def test_submit_form_loaded_before_closing_and_sent_after_is_refused_with_every_answer_kept(
    client, call, clock
):
    assert 'name="title"' in client.get(CALL_URL).content.decode()
    clock.move_to(CLOSES_AT)
    response = client.post(CALL_URL, form_data(title="Sent one second late"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The call for contributions closed on Thursday 31 October 2024, 23:59" in page
    assert 'value="Sent one second late"' in page
    assert "They are small." in page
    assert 'value="Grace Hopper"' in page
    assert not Submission.objects.exists()


def test_edit_loaded_before_closing_and_sent_after_is_refused_and_kept(
    client, clock, submission_factory
):
    submission = submission_factory(title="As first sent")
    page = client.get(submission.get_absolute_url()).content.decode()
    assert 'value="As first sent"' in page
    clock.move_to(CLOSES_AT + dt.timedelta(seconds=1))
    response = client.post(
        f"/submission/{submission.token}/edit/", form_data(title="Changed after the close")
    )
    page = response.content.decode()
    assert "The call for contributions closed on" in page
    assert 'value="Changed after the close"' in page
    submission.refresh_from_db()
    assert submission.title == "As first sent"
    # Once loaded after the close, the page offers no form.
    assert 'name="title"' not in client.get(submission.get_absolute_url()).content.decode()


def test_submit_from_one_network_past_the_hourly_limit_is_refused_with_answers_kept(
    client, call, settings, django_capture_on_commit_callbacks
):
    settings.REGISTRATION_RATE_LIMIT = 2
    for n in range(2):
        submit(client, django_capture_on_commit_callbacks, email=f"person{n}@example.org")
    response = client.post(CALL_URL, form_data(title="The third"))
    assert response.status_code == 429
    assert "Too many submissions from your network" in response.content.decode()
    assert 'value="The third"' in response.content.decode()
    assert Submission.objects.count() == 2


def test_submit_registrations_do_not_count_against_the_calls_limit(
    client, call, settings, django_capture_on_commit_callbacks
):
    settings.REGISTRATION_RATE_LIMIT = 1
    client.post("/lorainne24/register/", {})  # the registration form's one attempt
    assert submit(client, django_capture_on_commit_callbacks).status_code == 302


def test_submit_more_than_three_in_an_hour_with_one_address_is_refused_and_kept(
    client, call, django_capture_on_commit_callbacks
):
    for n in range(3):
        submit(client, django_capture_on_commit_callbacks, title=f"Poster {n}")
    response = submit(client, django_capture_on_commit_callbacks, title="Poster 3")
    assert "We have sent several emails to this address" in response.content.decode()
    assert 'value="Poster 3"' in response.content.decode()
    assert Submission.objects.count() == 3
    assert len(mail.outbox) == 3


def test_same_title_from_same_address_is_kept_twice_and_both_flagged(
    client, call, submission_factory
):
    first = submission_factory(title="Tensor Trains", email="ada@example.org")
    other = submission_factory(title="Tensor trains", email="someone@example.org")
    second = services.submit(
        call.workshop,
        kind="poster",
        title="tensor TRAINS",
        abstract="Again.",
        email="ADA@example.org",
        authors=[services.AuthorData("Ada Lovelace", presenting=True)],
    )
    flagged = dict(Submission.objects.with_duplicates().values_list("pk", "duplicates"))
    assert flagged == {first.pk: True, second.pk: True, other.pk: False}


def test_same_title_from_same_address_is_looked_up_by_index_not_by_scanning_the_edition(
    call, submission_factory
):
    """The organizers' list asks for each submission shown whether another has its title and
    address: by a scan of the edition's submissions for each, 100 a page took 23 ms of the list's
    26 ms of SQL with 300 submissions, and grows with the square of their number
    (bench/review.py)."""
    submission_factory(title="Tensor trains", email="ada@example.org")
    submission_factory(title="TENSOR TRAINS", email="Ada@example.org")
    if connection.vendor == "postgresql":
        # As many as the bench's, with statistics: with a few rows the planner rightly scans,
        # or probes the edition's foreign-key index, which also reads the whole edition.
        Submission.objects.bulk_create(
            Submission(
                workshop=call.workshop,
                kind="poster",
                title=f"Title {n}",
                abstract="…",
                email=f"person-{n}@example.org",
            )
            for n in range(300)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE contributions_submission")
    plan = Submission.objects.with_duplicates().explain()
    # The outer query reads every submission; only the lookup of the others may use the index.
    assert "submission_title_address" in plan


def test_submit_a_kind_the_call_does_not_take_is_refused_beside_the_field(client, call):
    call.accepts_talks = False
    call.save()
    response = client.post(CALL_URL, form_data(kind="talk"))
    assert "Select a valid choice. talk is not one of the available choices." in (
        response.content.decode()
    )
    with pytest.raises(Exception, match="does not take Contributed talk"):
        services.submit(
            call.workshop,
            kind="talk",
            title="A talk",
            abstract="Words.",
            email="ada@example.org",
            authors=[services.AuthorData("Ada", presenting=True)],
        )


def test_submit_over_the_word_limit_says_how_many_words(client, call):
    call.abstract_max_words = 5
    call.save()
    response = client.post(CALL_URL, form_data(abstract="one two three four five six seven"))
    page = response.content.decode()
    assert "The abstract has 7 words; the call takes at most 5 words." in page
    assert "At most 5 words." in page
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"authors-1-presenting": ""}, "for one author, and only one"),
        ({"authors-0-presenting": "on"}, "for one author, and only one"),
        (
            {
                "authors-0-name": "",
                "authors-0-affiliation": "",
                "authors-1-name": "",
                "authors-1-affiliation": "",
                "authors-1-presenting": "",
            },
            "Name at least one author.",
        ),
        ({"authors-0-name": ""}, "Enter this author&#x27;s name, or clear the row."),
    ],
)
def test_submit_authors_without_one_presenting_is_refused_with_a_message(
    client, call, overrides, message
):
    response = client.post(CALL_URL, form_data(**overrides))
    assert message in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "Low\x00rank"}, "Null characters are not allowed."),
        (
            {"abstract": "x" * 100_000},
            "The abstract is 100000 characters long; the limit is 10000.",
        ),
        ({"title": "Low-rank \u202efdp.exe"}, "Remove the invisible character U+202E"),
        ({"authors-0-name": "Ada \u202eecalevol"}, "Remove the invisible character U+202E"),
        ({"authors-1-affiliation": "\u2067Inria\u2069"}, "U+2067, U+2069"),
    ],
    ids=["nul", "long-abstract", "rlo-title", "rlo-name", "isolates-affiliation"],
)
def test_submit_hostile_text_gets_a_clear_message_and_keeps_the_rest(
    client, call, overrides, message
):
    response = client.post(CALL_URL, form_data(**overrides))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="Grace Hopper"' in page or 'value="Ada Lovelace"' in page
    assert not Submission.objects.exists()


def test_submit_a_picture_renamed_pdf_is_refused_and_a_real_pdf_is_kept_under_a_random_name(
    client, call, django_capture_on_commit_callbacks
):
    picture = SimpleUploadedFile("abstract.pdf", PNG, content_type="application/pdf")
    response = client.post(CALL_URL, form_data(extended_abstract=picture))
    assert "This file is not a PDF (whatever its name says)" in response.content.decode()
    assert not Submission.objects.exists()

    pdf = SimpleUploadedFile("my abstract.pdf", pdf_bytes(), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CALL_URL, form_data(extended_abstract=pdf))
    stored = Submission.objects.get().extended_abstract
    assert re.fullmatch(r"submissions/[0-9a-f]{32}\.pdf", stored.name)
    with stored.open("rb") as file:
        assert file.read().startswith(b"%PDF-")


def test_submit_in_french_gets_the_emails_in_french(
    client, call, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "fr"
    submit(client, django_capture_on_commit_callbacks)
    submission = Submission.objects.get()
    assert submission.language == "fr"
    client.cookies["django_language"] = "en-gb"  # the confirmation page in English, say
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link_in(mail.outbox[0], "confirm"))
    confirm, received = mail.outbox
    assert confirm.subject == (
        "LoRAINNe'24\u00a0: confirmez votre adresse pour soumettre "
        "«\u00a0Low-rank adapters for ℝ^(n × n)\u00a0»"
    )
    assert "Confirmez votre adresse" in confirm.body
    assert received.subject.startswith("LoRAINNe'24\u00a0: nous avons reçu")


def test_submitters_emails_are_in_their_language_whatever_language_is_active(
    submission_factory, django_capture_on_commit_callbacks
):
    english = submission_factory(confirmed=False, language="en-gb", email="ada@example.org")
    french = submission_factory(confirmed=False, language="fr", email="sophie@example.fr")

    # An organizer's French admin, a visitor's French page: the emails go out there.
    with translation.override("fr"):
        with django_capture_on_commit_callbacks(execute=True):
            for submission in (english, french):
                queue_submission_email(submission, "confirm_address")
        with django_capture_on_commit_callbacks(execute=True):
            for submission in (english, french):
                services.confirm_address(submission)
    with translation.override("en-gb"), django_capture_on_commit_callbacks(execute=True):
        services.withdraw(french)  # no email to the submitter: the page says it

    by_address = {}
    for message in mail.outbox:
        by_address.setdefault(message.to[0], []).append(message.subject)
    title = "Low-rank adapters for ℝ^n"
    assert by_address == {
        "ada@example.org": [
            f"LoRAINNe'24: confirm your address to submit “{title}”",
            f"LoRAINNe'24: we received “{title}”",
        ],
        "sophie@example.fr": [
            f"LoRAINNe'24\u00a0: confirmez votre adresse pour soumettre «\u00a0{title}\u00a0»",
            f"LoRAINNe'24\u00a0: nous avons reçu «\u00a0{title}\u00a0»",
        ],
    }


# The personal page ------------------------------------------------------------------------


def test_withdraw_asks_first_then_withdraws_and_the_committee_no_longer_sees_it(
    client, submission_factory
):
    submission = submission_factory()
    assert (
        "Yes, withdraw it"
        in client.get(f"/submission/{submission.token}/withdraw/").content.decode()
    )
    assert Submission.objects.confirmed().count() == 1
    response = client.post(f"/submission/{submission.token}/withdraw/")
    assert response["Location"] == submission.get_absolute_url()
    assert Submission.objects.confirmed().count() == 0
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "Withdrawn." in page
    assert 'name="title"' not in page


def test_personal_page_shows_the_decision_and_comments_only_once_the_decision_is_sent(
    client, submission_factory
):
    submission = submission_factory(
        decision=Submission.Decision.POSTER, decision_message="Welcome to the poster session."
    )
    reviewer = User.objects.create_user("reviewer")
    submission.reviews.create(reviewer=reviewer, comment_to_authors="Show the rank plot.")
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "Welcome to the poster session." not in page
    assert decisions.send_decisions(submission.workshop) == 1
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "Accepted as a poster" in page
    assert "Welcome to the poster session." in page
    assert "Show the rank plot." in page


def test_personal_page_of_an_unknown_token_is_not_found(client, call):
    assert client.get("/submission/nosuchtoken0000000000/").status_code == 404


# The call with its edition ----------------------------------------------------------------


def test_call_closing_after_the_workshops_last_day_is_refused(call):
    call.closes_at = dt.datetime(2024, 11, 28, 0, 1, tzinfo=PARIS)
    with pytest.raises(Exception, match="closes after the workshop's last day, 27 November 2024"):
        call.full_clean()
    call.closes_at = dt.datetime(2024, 11, 28, 0, 0, tzinfo=PARIS)
    call.full_clean()  # the end of the last day is allowed


def test_next_edition_copies_the_call_and_criteria_with_instants_moved_by_as_many_days(call):
    Criterion.objects.filter(name="Quality").update(highest=10)
    edition = program_services.start_next_edition(
        call.workshop,
        name="LoRAINNe 2025",
        acronym="LoRAINNe'25",
        slug="lorainne25",
        starts_on=dt.date(2025, 11, 25),  # 364 days later: a Tuesday again
    )
    copied = Call.objects.get(workshop=edition)
    assert copied.opens_at == dt.datetime(2025, 8, 31, 9, 0, tzinfo=PARIS)
    assert copied.closes_at == dt.datetime(2025, 10, 31, 0, 0, tzinfo=PARIS)
    assert copied.text == call.text
    assert list(edition.criteria.values_list("name", "lowest", "highest")) == [
        ("Relevance", 1, 5),
        ("Quality", 1, 10),
    ]
    assert Call.objects.get(workshop=call.workshop).closes_at == CLOSES_AT  # the source stays


def test_moving_the_edition_moves_its_call_at_the_same_wall_clock_times(call):
    program_services.move_edition(call.workshop, starts_on=dt.date(2024, 12, 3))
    call.refresh_from_db()
    assert call.opens_at == dt.datetime(2024, 9, 8, 9, 0, tzinfo=PARIS)
    assert call.closes_at == dt.datetime(2024, 11, 8, 0, 0, tzinfo=PARIS)


def test_admin_edition_page_adds_a_call_with_the_default_criteria(admin_client, seeded):
    url = f"/admin/program/workshop/{seeded.pk}/change/"
    data = page_form_data(admin_client.get(url).content.decode(), "workshop_form") | {
        "call-TOTAL_FORMS": "1",
        "call-0-opens_at_0": "2024-09-01",
        "call-0-opens_at_1": "09:00:00",
        "call-0-closes_at_0": "2024-11-01",
        "call-0-closes_at_1": "00:00:00",
        "call-0-accepts_posters": "on",
        "call-0-text": "Posters welcome until {deadline}.",
        "call-0-reviewers_see_all": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    call = Call.objects.get(workshop=seeded)
    assert call.opens_at == dt.datetime(2024, 9, 1, 9, 0, tzinfo=PARIS)  # Paris time
    assert call.kinds == ["poster"]
    assert list(seeded.criteria.values_list("name", "lowest", "highest")) == [
        ("Relevance", 1, 5),
        ("Quality", 1, 5),
    ]


def test_admin_edition_page_refuses_a_call_closing_after_the_last_day(admin_client, seeded):
    url = f"/admin/program/workshop/{seeded.pk}/change/"
    data = page_form_data(admin_client.get(url).content.decode(), "workshop_form") | {
        "call-TOTAL_FORMS": "1",
        "call-0-opens_at_0": "2024-09-01",
        "call-0-opens_at_1": "09:00:00",
        "call-0-closes_at_0": "2024-11-28",
        "call-0-closes_at_1": "12:00:00",
    }
    response = admin_client.post(url, data)
    assert "The call closes after the workshop&#x27;s last day, 27 November 2024" in (
        response.content.decode()
    )
    assert not Call.objects.exists()
    assert not Criterion.objects.exists()


def test_add_default_criteria_gives_relevance_and_quality_once(call):
    from contributions.services.calls import add_default_criteria

    assert add_default_criteria(call.workshop) == []
    assert list(call.workshop.criteria.values_list("name", "lowest", "highest")) == [
        ("Relevance", 1, 5),
        ("Quality", 1, 5),
    ]


# What stays as it was (item 5) ------------------------------------------------------------


def test_seed_posters_and_2024_addresses_stay_as_they_were(client, call, submission_factory):
    submission_factory()
    assert Poster.objects.filter(workshop=call.workshop).count() == 3
    posters = client.get("/lorainne24/posters/").content.decode()
    assert re.findall(r'<article class="poster" id="(poster-\d+)">', posters) == [
        "poster-1",
        "poster-2",
        "poster-3",
    ]
    for path, view in [
        ("/lorainne24/", "program:home"),
        ("/lorainne24/program/", "program:program"),
        ("/lorainne24/posters/", "program:poster-list"),
        ("/lorainne24/speakers/", "program:speaker-list"),
        ("/lorainne24/register/", "registration:register"),
        ("/register/", "registration:register"),
        ("/posters/", "program:poster-list"),
    ]:
        assert resolve(path).view_name == view
        assert client.get(path).status_code == 200


def test_edition_slug_call_or_submission_is_refused(seeded):
    for slug in ("call", "submission"):
        edition = Workshop(**{**_fields(seeded), "slug": slug})
        with pytest.raises(Exception, match="slug"):
            edition.full_clean()


def _fields(workshop: Workshop) -> dict:
    return {
        field.attname: getattr(workshop, field.attname)
        for field in Workshop._meta.concrete_fields
        if field.name != "id"
    }


def test_admin_submission_list_flags_the_same_title_from_the_same_address(
    admin_client, submission_factory
):
    submission_factory(title="Tensor trains", email="ada@example.org")
    submission_factory(title="TENSOR TRAINS", email="Ada@example.org")
    submission_factory(title="Something else", email="ada@example.org")
    page = admin_client.get("/admin/contributions/submission/").content.decode()
    assert "same title and address as another" in page.lower()
    assert page.count('alt="True"') == 2
    assert page.count('alt="False"') == 1
