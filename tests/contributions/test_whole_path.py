"""The call for contributions' whole path on PostgreSQL (issue 23, "What it must show"), through
the real pages as a browser posts them: a French submitter sends a poster to LoRAINNe'24's call,
confirms her address, edits it, and is refused after the closing instant; two reviewers score it
while a third, one of its authors, never sees it; the organizers accept it as a poster and send
the decisions twice; she gets one email, in French, with her personal page; and the poster shows
on the posters page, in program.json and, through the poster session's slot, in the calendar."""

import re

import icalendar
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core import mail
from django.db import connection
from django.test import Client

from contributions.emails import DECISION
from contributions.models import Criterion, Review, Submission
from mail.models import Delivery
from program.models import Session
from tests.pages import get_page, parse
from tests.registration.html_forms import form_data

from .conftest import CLOSES_AT

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the whole path is shown on the production database "
        "(DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db,
]

EMAIL = "sophie.germain@univ-lorraine.fr"
TITLE = r"Compression de réseaux par trains de tenseurs sur $\mathbb{R}^{n}$"
EDITED_TITLE = r"Trains de tenseurs de rang faible sur $\mathbb{R}^{n \times n}$"
CHANGELIST = "/admin/contributions/submission/"


def path_of(url: str) -> str:
    return url.removeprefix(settings.SITE_URL)


def link_in(body: str, pattern: str) -> str:
    return re.search(settings.SITE_URL + pattern, body)[0]


def make_reviewer(username: str, email: str) -> Client:
    """A browser logged in as a committee member (an account in the reviewer group)."""
    user = User.objects.create_user(username, email=email, is_staff=True)
    user.groups.add(Group.objects.get(name="reviewer"))
    browser = Client()
    browser.force_login(user)
    return browser


def submit_the_call_form(browser: Client, capture) -> Submission:
    """Fill in /lorainne24/call/ as she would: two authors, herself presenting."""
    page = browser.get("/lorainne24/call/").content.decode()
    data = form_data(page, action="/lorainne24/call/")
    data |= {
        "title": TITLE,
        "kind": "poster",
        "abstract": "Nous compressons les couches d’un réseau.\n\nLes rangs restent petits.",
        "email": EMAIL,
        "authors-0-name": "Sophie Germain",
        "authors-0-affiliation": "Université de Lorraine",
        "authors-0-presenting": "on",
        "authors-1-name": "Henri Poincaré",
        "authors-1-affiliation": "LORIA",
    }
    with capture(execute=True):
        response = browser.post("/lorainne24/call/", data)
    assert response.status_code == 302, parse(response.content).text
    return Submission.objects.get(email=EMAIL)


def test_whole_path_submit_review_decide_and_show_the_poster(
    client, call, clock, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    submitter = client
    submitter.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    # Submit, in French: the email with the confirmation link is in French.
    submission = submit_the_call_form(submitter, capture)
    assert submission.language == "fr"
    assert submission.address_confirmed_at is None
    [to_confirm] = mail.outbox
    assert to_confirm.to == [EMAIL]
    assert to_confirm.subject.startswith("LoRAINNe'24\u00a0: confirmez votre adresse")

    # Confirm the address by the emailed link: a page with a button, then the personal page.
    confirm = path_of(link_in(to_confirm.body, r"/submission/[\w-]+/confirm/"))
    button_page = submitter.get(confirm).content.decode()
    with capture(execute=True):
        confirmed = submitter.post(confirm, form_data(button_page, action=confirm))
    personal = f"/submission/{submission.token}/"
    assert confirmed["Location"] == personal
    submission.refresh_from_db()
    assert submission.address_confirmed_at is not None

    # Edit on the personal page while the call is open.
    edit = f"/submission/{submission.token}/edit/"
    page = submitter.get(personal).content.decode()
    data = form_data(page, action=edit) | {"title": EDITED_TITLE}
    assert submitter.post(edit, data)["Location"] == personal
    submission.refresh_from_db()
    assert submission.title == EDITED_TITLE

    # The same form, loaded before the close and sent after it, is refused and kept.
    page = submitter.get(personal).content.decode()
    clock.move_to(CLOSES_AT)
    late = form_data(page, action=edit) | {"title": "Envoyé une seconde trop tard"}
    refused = parse(submitter.post(edit, late).content)
    assert "L’appel à contributions s’est clos le jeudi 31 octobre 2024" in refused.text
    assert refused.find("input", name="title").attrs["value"] == "Envoyé une seconde trop tard"
    submission.refresh_from_db()
    assert submission.title == EDITED_TITLE

    # Two reviewers score it on their review pages; the second writes to the authors.
    criteria = list(Criterion.objects.filter(workshop=call.workshop).order_by("position"))
    review_page = f"/review/{submission.pk}/"
    for username, scores, to_authors in [
        ("lucie", (5, 4), ""),
        ("marc", (3, 4), "Précisez les rangs utilisés."),
    ]:
        reviewer = make_reviewer(username, f"{username}@univ-lorraine.fr")
        assert EDITED_TITLE in reviewer.get("/review/").content.decode()
        data = form_data(reviewer.get(review_page).content.decode(), class_="form")
        data |= {f"score_{c.pk}": str(v) for c, v in zip(criteria, scores, strict=True)}
        data |= {"comment": f"Solide ({username}).", "comment_to_authors": to_authors}
        assert reviewer.post(review_page, data)["Location"] == "/review/"
    assert sorted(
        Review.objects.filter(submission=submission).values_list("reviewer__username", flat=True)
    ) == ["lucie", "marc"]

    # A reviewer whose address is the submitter's neither sees it listed nor opens its page.
    author_reviewer = make_reviewer("sophie", EMAIL.upper())
    assert EDITED_TITLE not in author_reviewer.get("/review/").content.decode()
    assert author_reviewer.get(review_page).status_code == 404

    # The organizers accept it as a poster (the admin action and its message page)…
    organizer = Client()
    organizer.force_login(User.objects.create_superuser("organizer", "org@example.org", "pw"))
    selected = {"_selected_action": [str(submission.pk)]}
    asked = organizer.post(CHANGELIST, {"action": "accept_as_poster", **selected})
    data = form_data(asked.content.decode(), method="post", novalidate="")
    data |= {"apply_decision": "1", "message": "Bienvenue au LoRAINNe'24 !"}
    organizer.post(CHANGELIST, data)
    submission.refresh_from_db()
    assert (submission.decision, submission.decision_sent_at) == ("poster", None)

    # …and send the decisions twice: one email, through the outbox.
    mail.outbox.clear()
    for _ in range(2):
        with capture(execute=True):
            organizer.post(CHANGELIST, {"action": "send_decisions", **selected}, follow=True)
    # Besides the decision, she gets her speaker's link, as every new presenter does.
    assert sorted((m.to, m.subject) for m in mail.outbox) == [
        ([EMAIL], "LoRAINNe'24\u00a0: votre contribution est acceptée comme poster"),
        (
            [EMAIL],
            "LoRAINNe'24\u00a0: votre page pour votre titre, votre résumé et vos transparents",
        ),
    ]
    [decision] = [m for m in mail.outbox if "contribution" in m.subject]
    assert "Le comité l’a acceptée comme poster." in decision.body
    assert "Bienvenue au LoRAINNe'24 !" in decision.body
    assert "Précisez les rangs utilisés." in decision.body
    assert "Solide" not in decision.body  # the comments for the committee stay there
    manage_url = settings.SITE_URL + personal
    assert f"Votre page personnelle, où la décision reste consultable\u00a0:\n{manage_url}\n" in (
        decision.body
    )
    [(html, _)] = decision.alternatives
    assert f'<a href="{manage_url}">Votre page personnelle</a>' in html
    [delivery] = Delivery.objects.filter(kind=DECISION)
    assert (delivery.to, delivery.state) == (EMAIL, Delivery.State.SENT)

    # Her personal page, from the email's link, shows the decision.
    assert "Acceptée comme poster" in get_page(submitter, path_of(manage_url)).text

    # The poster is on the posters page and in program.json, with its two presenters.
    submission.refresh_from_db()
    poster = submission.poster
    article = get_page(Client(), "/lorainne24/posters/").find(
        "article", id=f"poster-{poster.number}"
    )
    assert EDITED_TITLE in article.text
    assert "Sophie Germain" in article.text
    assert "Henri Poincaré" in article.text
    document = Client().get("/lorainne24/program.json").json()
    [entry] = [p for p in document["posters"] if p["number"] == poster.number]
    assert entry["title"] == EDITED_TITLE
    assert {person["name"] for person in entry["presenters"]} == {
        "Sophie Germain",
        "Henri Poincaré",
    }

    # The calendar holds timetable slots, and a poster has none of its own: it is in the
    # calendar through the poster session's slot, which the product lists with its time.
    calendar = icalendar.Calendar.from_ical(
        Client().get("/lorainne24/program/calendar.ics").content
    )
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    [slot] = Session.objects.filter(workshop=call.workshop, kind=Session.Kind.POSTERS)
    event = events[slot.plain_title]
    assert event.decoded("dtstart") == slot.starts_at.astimezone(call.workshop.tzinfo)
    assert event.decoded("dtend") == slot.ends_at.astimezone(call.workshop.tzinfo)
    assert not any(EDITED_TITLE in str(e.get("description", "")) for e in events.values())
