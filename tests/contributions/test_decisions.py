"""Deciding on submissions (contributions/services/decisions.py): accept as a poster or a talk,
reject, each with a message; sending the decisions through the outbox, once; an accepted
submission becoming a Poster or a Talk of LoRAINNe'24 with its speakers; a withdrawal after
acceptance."""

import threading

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from contributions.emails import DECISION, WITHDRAWAL
from contributions.models import Author, Kind, Review, Submission
from contributions.services import decisions, submissions
from mail.models import Delivery
from program.emails import SPEAKER_LINK
from program.models import Poster, Speaker, Talk
from tests.pages import get_page, parse

pytestmark = pytest.mark.django_db

Decision = Submission.Decision
MATH_TITLE = r"Riemannian low-rank adapters on $\mathbb{R}^{m \times n}$"


def make_submission(
    workshop,
    *,
    title: str = MATH_TITLE,
    kind: str = Kind.POSTER,
    email: str = "ada.lovelace@example.org",
    language: str = "en-gb",
    authors=(("Ada Lovelace", "Université de Lorraine"), ("Charles Babbage", "LORIA")),
    confirmed: bool = True,
) -> Submission:
    """A submission as the call's form leaves it, its first author presenting."""
    submission = Submission.objects.create(
        workshop=workshop,
        kind=kind,
        title=title,
        abstract="We train adapters whose weights stay of rank $r$.\n\nSecond paragraph.",
        email=email,
        language=language,
        address_confirmed_at=timezone.now() if confirmed else None,
    )
    for position, (name, affiliation) in enumerate(authors):
        Author.objects.create(
            submission=submission,
            position=position,
            name=name,
            affiliation=affiliation,
            presenting=position == 0,
        )
    return submission


@pytest.fixture
def organizer(django_user_model):
    return django_user_model.objects.create_superuser("organizer", "org@example.org", "pw")


def decide_and_send(submission, decision, organizer, message="", *, capture) -> Submission:
    decisions.decide(submission, decision=decision, message=message, by=organizer)
    with capture(execute=True):
        decisions.send_decisions(submission.workshop)
    submission.refresh_from_db()
    return submission


def decision_emails(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address] and "contribution" in m.subject.lower()]


# --- deciding ------------------------------------------------------------------------------------


def test_decide_records_the_decision_without_touching_the_program(seeded, organizer):
    submission = make_submission(seeded)

    decided = decisions.decide(
        submission, decision=Decision.POSTER, message="  Welcome!  ", by=organizer
    )

    assert (decided.decision, decided.decision_message, decided.decided_by) == (
        Decision.POSTER,
        "Welcome!",
        organizer,
    )
    assert decided.decided_at is not None
    assert decided.decision_sent_at is None
    assert seeded.posters.count() == 3
    assert not Delivery.objects.filter(kind=DECISION).exists()


def test_decide_can_change_until_sent(seeded, organizer, django_capture_on_commit_callbacks):
    submission = make_submission(seeded)
    decisions.decide(submission, decision=Decision.POSTER, message="", by=organizer)

    submission = decide_and_send(
        submission, Decision.TALK, organizer, capture=django_capture_on_commit_callbacks
    )

    assert submission.poster is None
    assert submission.talk.title == MATH_TITLE
    assert seeded.posters.count() == 3


def test_decide_refuses_a_sent_decision(seeded, organizer, django_capture_on_commit_callbacks):
    submission = decide_and_send(
        make_submission(seeded),
        Decision.POSTER,
        organizer,
        capture=django_capture_on_commit_callbacks,
    )

    with pytest.raises(decisions.DecisionSent, match=r"was sent to its authors on .* no longer"):
        decisions.decide(submission, decision=Decision.REJECTED, message="", by=organizer)

    submission.refresh_from_db()
    assert submission.decision == Decision.POSTER


def test_decide_refuses_a_withdrawn_submission(seeded, organizer):
    submission = make_submission(seeded)
    Submission.objects.filter(pk=submission.pk).update(withdrawn_at=timezone.now())

    with pytest.raises(decisions.DecisionError, match="was withdrawn by its authors"):
        decisions.decide(submission, decision=Decision.POSTER, message="", by=organizer)


def test_decide_refuses_an_unconfirmed_submission(seeded, organizer):
    submission = make_submission(seeded, confirmed=False)

    with pytest.raises(decisions.DecisionError, match="is not confirmed"):
        decisions.decide(submission, decision=Decision.POSTER, message="", by=organizer)


@pytest.mark.parametrize(
    ("decision", "message", "error"),
    [("maybe", "", "Choose a decision"), (Decision.TALK, "Bad\x00byte", "NUL")],
)
def test_decide_refuses_bad_input(seeded, organizer, decision, message, error):
    submission = make_submission(seeded)

    with pytest.raises(decisions.DecisionError, match=error):
        decisions.decide(submission, decision=decision, message=message, by=organizer)

    submission.refresh_from_db()
    assert submission.decision == ""


# --- into the program ----------------------------------------------------------------------------


def test_accept_as_poster_numbers_it_after_the_editions_posters(
    client, seeded, organizer, django_capture_on_commit_callbacks
):
    submission = decide_and_send(
        make_submission(seeded),
        Decision.POSTER,
        organizer,
        capture=django_capture_on_commit_callbacks,
    )

    poster = submission.poster
    assert (poster.workshop, poster.number, poster.title) == (seeded, 4, MATH_TITLE)
    assert poster.abstract == submission.abstract
    presenters = {speaker.name: speaker for speaker in poster.presenters.all()}
    assert set(presenters) == {"Ada Lovelace", "Charles Babbage"}
    ada = presenters["Ada Lovelace"]
    assert (ada.email, ada.language, ada.affiliation, ada.sort_name) == (
        "ada.lovelace@example.org",
        "en-gb",
        "Université de Lorraine",
        "Lovelace",
    )
    assert presenters["Charles Babbage"].email == ""
    page = get_page(client, "/lorainne24/posters/")
    article = page.find("article", id="poster-4")
    assert MATH_TITLE in article.text
    assert "Ada Lovelace" in article.text
    assert "Charles Babbage" in article.text
    document = client.get("/lorainne24/program.json").json()
    assert [(p["number"], p["title"]) for p in document["posters"]][-1] == (4, MATH_TITLE)
    assert {person["name"] for person in document["posters"][-1]["presenters"]} == {
        "Ada Lovelace",
        "Charles Babbage",
    }


def test_accept_as_talk_makes_a_contributed_talk_whatever_was_asked(
    client, seeded, organizer, django_capture_on_commit_callbacks
):
    submission = decide_and_send(
        make_submission(seeded, kind=Kind.POSTER),
        Decision.TALK,
        organizer,
        capture=django_capture_on_commit_callbacks,
    )

    talk = submission.talk
    assert (talk.workshop, talk.kind, talk.title) == (seeded, Talk.Kind.CONTRIBUTED, MATH_TITLE)
    assert talk.slug == "riemannian-low-rank-adapters-on-rm-n"
    assert {speaker.name for speaker in talk.speakers.all()} == {"Ada Lovelace", "Charles Babbage"}
    assert submission.poster is None
    page = get_page(client, f"/lorainne24/program/talks/{talk.slug}/")
    assert MATH_TITLE in page.find("h1").text
    document = client.get("/lorainne24/program.json").json()
    talks = {entry["slug"]: entry for entry in document["talks"]}
    assert talks[talk.slug]["kind"] == "contributed"
    assert talks[talk.slug]["title"] == MATH_TITLE
    assert "Ada Lovelace" in get_page(client, "/lorainne24/speakers/").text


def test_accepted_talks_with_one_title_get_slugs_of_their_own(
    seeded, organizer, django_capture_on_commit_callbacks
):
    first = make_submission(seeded, email="one@example.org")
    second = make_submission(seeded, email="two@example.org")
    for submission in (first, second):
        decisions.decide(submission, decision=Decision.TALK, message="", by=organizer)

    with django_capture_on_commit_callbacks(execute=True):
        assert decisions.send_decisions(seeded) == 2

    slugs = sorted(
        Talk.objects.filter(submission__in=[first, second]).values_list("slug", flat=True)
    )
    assert slugs == [
        "riemannian-low-rank-adapters-on-rm-n",
        "riemannian-low-rank-adapters-on-rm-n-2",
    ]


def test_accept_reuses_the_editions_speaker_with_the_same_address(
    seeded, organizer, django_capture_on_commit_callbacks
):
    tudisco = Speaker.objects.get(workshop=seeded, name="Francesco Tudisco")
    tudisco.email = "francesco.tudisco@example.org"
    tudisco.save(update_fields=["email"])
    speakers_before = Speaker.objects.count()

    submission = decide_and_send(
        make_submission(
            seeded,
            email="Francesco.TUDISCO@example.org",
            authors=(("F. Tudisco", "GSSI"), ("Charles Babbage", "LORIA")),
        ),
        Decision.POSTER,
        organizer,
        capture=django_capture_on_commit_callbacks,
    )

    assert tudisco in submission.poster.presenters.all()
    assert Speaker.objects.count() == speakers_before + 1  # the co-author only
    tudisco.refresh_from_db()
    assert (tudisco.name, tudisco.email) == ("Francesco Tudisco", "francesco.tudisco@example.org")


def test_accept_reuses_the_co_author_of_an_earlier_acceptance(
    client, seeded, organizer, django_capture_on_commit_callbacks
):
    first = make_submission(
        seeded,
        kind=Kind.TALK,
        email="ada.lovelace@example.org",
        authors=(("Ada Lovelace", "Université de Lorraine"), ("Charles Babbage", "LORIA")),
    )
    second = make_submission(
        seeded,
        title="Tensor trains for attention",
        kind=Kind.TALK,
        email="sophie.germain@example.fr",
        authors=(("Sophie Germain", "Inria"), ("CHARLES  BABBAGE", "loria")),
    )
    third = make_submission(
        seeded,
        title="Sparse adapters",
        email="emmy.noether@example.org",
        authors=(("Emmy Noether", "Göttingen"), ("Charles Babbage", "Cambridge")),
    )
    for submission, decision in ((first, Decision.TALK), (second, Decision.TALK)):
        decisions.decide(submission, decision=decision, message="", by=organizer)
    decisions.decide(third, decision=Decision.POSTER, message="", by=organizer)

    with django_capture_on_commit_callbacks(execute=True):
        assert decisions.send_decisions(seeded) == 3

    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    [babbage] = Speaker.objects.filter(workshop=seeded, name="Charles Babbage", affiliation="LORIA")
    assert set(babbage.talks.all()) == {first.talk, second.talk}
    # Another affiliation: another person, as far as the site can tell.
    [other] = third.poster.presenters.filter(name="Charles Babbage")
    assert (other.affiliation, other.pk != babbage.pk) == ("Cambridge", True)
    page = get_page(client, "/lorainne24/speakers/")
    cards = [card for card in page.find_all("li", class_="card") if "Babbage" in card.text]
    assert [card.attrs["id"] for card in cards] == [f"speaker-{babbage.pk}"]
    links = {a.attrs["href"] for a in cards[0].find_all("a")}
    assert links == {first.talk.get_absolute_url(), second.talk.get_absolute_url()}


def test_accept_owes_a_new_presenter_their_speaker_link(
    seeded, organizer, django_capture_on_commit_callbacks
):
    submission = decide_and_send(
        make_submission(seeded, language="fr"),
        Decision.POSTER,
        organizer,
        capture=django_capture_on_commit_callbacks,
    )

    ada = submission.poster.presenters.get(name="Ada Lovelace")
    assert [d.state for d in ada.deliveries.filter(kind=SPEAKER_LINK)] == [Delivery.State.SENT]
    link_emails = [m for m in mail.outbox if ada.token in m.body]
    assert len(link_emails) == 1
    assert "votre" in link_emails[0].subject.lower()


# --- sending -------------------------------------------------------------------------------------


def test_send_decisions_twice_sends_one_email_each_in_the_submitters_language(
    seeded, organizer, django_capture_on_commit_callbacks
):
    english = make_submission(seeded, email="ada.lovelace@example.org")
    french = make_submission(
        seeded,
        title="Compression de réseaux par tenseurs",
        email="sophie.germain@example.fr",
        language="fr",
        authors=(("Sophie Germain", "Université de Lorraine"),),
    )
    decisions.decide(english, decision=Decision.TALK, message="See you there.", by=organizer)
    decisions.decide(french, decision=Decision.POSTER, message="Bienvenue !", by=organizer)

    with django_capture_on_commit_callbacks(execute=True):
        first = decisions.send_decisions(seeded)
    with django_capture_on_commit_callbacks(execute=True):
        second = decisions.send_decisions(seeded)

    assert (first, second) == (2, 0)
    [to_french] = decision_emails("sophie.germain@example.fr")
    [to_english] = decision_emails("ada.lovelace@example.org")
    assert to_french.subject == "LoRAINNe'24\u00a0: votre contribution est acceptée comme poster"
    assert "Bienvenue !" in to_french.body
    assert "Le comité l’a acceptée comme poster." in to_french.body
    # The link to the personal page, where the decision stays.
    assert f"{settings.SITE_URL}/submission/{french.token}/\n" in to_french.body
    assert f"{settings.SITE_URL}/submission/{english.token}/\n" in to_english.body
    assert to_english.subject == "LoRAINNe'24: your contribution is accepted as a talk"
    assert "See you there." in to_english.body
    assert Delivery.objects.filter(kind=DECISION, state=Delivery.State.SENT).count() == 2
    assert seeded.posters.count() == 4


def test_decisions_go_in_the_submitters_language_and_a_withdrawal_in_the_sites(
    seeded, organizer, django_capture_on_commit_callbacks
):
    english = make_submission(seeded, email="ada.lovelace@example.org", language="en-gb")
    french = make_submission(
        seeded,
        title="Compression de réseaux par tenseurs",
        email="sophie.germain@example.fr",
        language="fr",
        authors=(("Sophie Germain", "Université de Lorraine"),),
    )
    decisions.decide(english, decision=Decision.POSTER, message="", by=organizer)
    decisions.decide(french, decision=Decision.POSTER, message="", by=organizer)

    # Sent from an organizer's French admin, then withdrawn from a French personal page.
    with translation.override("fr"):
        with django_capture_on_commit_callbacks(execute=True):
            decisions.send_decisions(seeded)
        with django_capture_on_commit_callbacks(execute=True):
            submissions.withdraw(french)

    [to_english] = decision_emails("ada.lovelace@example.org")
    [to_french] = decision_emails("sophie.germain@example.fr")
    [to_organizers] = [m for m in mail.outbox if "withdrawn" in m.subject]
    assert to_english.subject == "LoRAINNe'24: your contribution is accepted as a poster"
    assert to_french.subject == "LoRAINNe'24\u00a0: votre contribution est acceptée comme poster"
    assert settings.LANGUAGE_CODE == "en-gb"
    assert to_organizers.subject == "LoRAINNe'24: an accepted contribution was withdrawn"
    assert "Compression de réseaux par tenseurs" in to_organizers.body
    assert "removed from the posters page" in to_organizers.body


def test_send_decisions_never_sends_one_twice_even_if_the_outbox_is_asked_again(
    seeded, organizer, django_capture_on_commit_callbacks
):
    submission = decide_and_send(
        make_submission(seeded),
        Decision.REJECTED,
        organizer,
        capture=django_capture_on_commit_callbacks,
    )
    from mail import outbox

    with django_capture_on_commit_callbacks(execute=True):
        outbox.queue_each(
            DECISION,
            [(submission.pk, submission.email)],
            recipient_model=Submission,
            about=submission,
        )

    assert len(decision_emails(submission.email)) == 1
    assert Delivery.objects.filter(kind=DECISION).count() == 1


def test_send_decisions_of_a_selection_leaves_the_others(
    seeded, organizer, django_capture_on_commit_callbacks
):
    chosen = make_submission(seeded, email="chosen@example.org")
    other = make_submission(seeded, email="other@example.org")
    undecided = make_submission(seeded, email="undecided@example.org")
    for submission in (chosen, other):
        decisions.decide(submission, decision=Decision.REJECTED, message="", by=organizer)

    with django_capture_on_commit_callbacks(execute=True):
        sent = decisions.send_decisions(seeded, [chosen, undecided])

    assert sent == 1
    assert [m.to for m in mail.outbox] == [["chosen@example.org"]]
    other.refresh_from_db()
    assert other.decision_sent_at is None


def test_rejected_gets_its_message_and_the_reviewers_comments(
    seeded, organizer, django_user_model, django_capture_on_commit_callbacks
):
    submission = make_submission(seeded)
    reviewer = django_user_model.objects.create_user("reviewer", "r@example.org", "pw")
    Review.objects.create(
        submission=submission,
        reviewer=reviewer,
        comment="Weak; not for the authors' eyes.",
        comment_to_authors="The experiments need a baseline.",
    )

    submission = decide_and_send(
        submission,
        Decision.REJECTED,
        organizer,
        "We had twice as many posters as boards.",
        capture=django_capture_on_commit_callbacks,
    )

    [email] = decision_emails("ada.lovelace@example.org")
    assert email.subject == "LoRAINNe'24: the decision on your contribution"
    assert "could not accept it this time" in email.body
    assert "We had twice as many posters as boards." in email.body
    assert "Reviewer 1:\nThe experiments need a baseline." in email.body
    assert "not for the authors' eyes" not in email.body
    assert "Dear Ada Lovelace," in email.body
    assert (submission.poster, submission.talk) == (None, None)
    assert seeded.posters.count() == 3


def test_send_decisions_leaves_out_withdrawn_submissions(
    seeded, organizer, django_capture_on_commit_callbacks
):
    submission = make_submission(seeded)
    decisions.decide(submission, decision=Decision.POSTER, message="", by=organizer)
    Submission.objects.filter(pk=submission.pk).update(withdrawn_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert decisions.send_decisions(seeded) == 0

    assert mail.outbox == []
    assert seeded.posters.count() == 3


# --- withdrawal after acceptance -----------------------------------------------------------------


def test_withdrawal_after_acceptance_removes_the_poster_and_tells_the_organizers(
    client, seeded, organizer, django_capture_on_commit_callbacks
):
    submission = decide_and_send(
        make_submission(seeded),
        Decision.POSTER,
        organizer,
        capture=django_capture_on_commit_callbacks,
    )
    assert "poster-4" in {
        a.attrs.get("id") for a in get_page(client, "/lorainne24/posters/").iter()
    }
    mail.outbox.clear()
    Submission.objects.filter(pk=submission.pk).update(withdrawn_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        removed = decisions.retract_from_program(submission)

    assert isinstance(removed, Poster)
    assert not Poster.objects.filter(title=MATH_TITLE).exists()
    submission.refresh_from_db()
    assert (submission.poster, submission.decision) == (None, Decision.POSTER)
    page = get_page(client, "/lorainne24/posters/")
    assert MATH_TITLE not in page.text
    assert [a.attrs["id"] for a in page.find_all("article")] == [
        "poster-1",
        "poster-2",
        "poster-3",
    ]
    document = client.get("/lorainne24/program.json").json()
    assert [p["number"] for p in document["posters"]] == [1, 2, 3]
    [email] = mail.outbox
    assert email.to == ["firstname.lastname@univ-lorraine.fr"]
    assert email.subject == "LoRAINNe'24: an accepted contribution was withdrawn"
    assert "Riemannian low-rank adapters on" in email.body
    assert "ada.lovelace@example.org" in email.body
    assert "removed from the posters page" in email.body
    assert Delivery.objects.get(kind=WITHDRAWAL).state == Delivery.State.SENT


def test_withdrawal_after_acceptance_removes_the_talk(
    client, seeded, organizer, django_capture_on_commit_callbacks
):
    submission = decide_and_send(
        make_submission(seeded),
        Decision.TALK,
        organizer,
        capture=django_capture_on_commit_callbacks,
    )
    slug = submission.talk.slug

    with django_capture_on_commit_callbacks(execute=True):
        decisions.retract_from_program(submission)

    get_page(client, f"/lorainne24/program/talks/{slug}/", status=404)
    assert "Ada Lovelace" not in get_page(client, "/lorainne24/speakers/").text
    assert not Speaker.objects.filter(name__in=["Ada Lovelace", "Charles Babbage"]).exists()


def test_withdrawal_after_acceptance_removes_the_speakers_it_added(
    seeded, organizer, django_capture_on_commit_callbacks
):
    speakers_before = set(Speaker.objects.values_list("pk", flat=True))
    submission = decide_and_send(
        make_submission(seeded),
        Decision.POSTER,
        organizer,
        capture=django_capture_on_commit_callbacks,
    )
    assert {s.name for s in submission.speakers_added.all()} == {"Ada Lovelace", "Charles Babbage"}
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert submissions.withdraw(submission)

    assert set(Speaker.objects.values_list("pk", flat=True)) == speakers_before
    [email] = mail.outbox
    assert "with the speakers its acceptance added who present nothing else" in email.body


def test_withdrawal_after_acceptance_keeps_speakers_who_present_something_else(
    client, seeded, organizer, django_capture_on_commit_callbacks
):
    # A keynote speaker the organizers entered before their talk was set: they present nothing
    # yet, and were not added by the acceptance.
    keynote = Speaker.objects.create(
        workshop=seeded, name="Grace Hopper", sort_name="Hopper", email="grace@example.org"
    )
    withdrawn = make_submission(
        seeded,
        kind=Kind.TALK,
        email="GRACE@example.org",
        authors=(("Grace Hopper", "Yale"), ("Ada Lovelace", "Université de Lorraine")),
    )
    kept = make_submission(
        seeded,
        title="Tensor trains for attention",
        kind=Kind.TALK,
        email="sophie.germain@example.fr",
        authors=(
            ("Sophie Germain", "Inria"),
            ("Ada Lovelace", "Université de Lorraine"),
            ("Charles Babbage", "LORIA"),
        ),
    )
    for submission in (withdrawn, kept):
        decisions.decide(submission, decision=Decision.TALK, message="", by=organizer)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.send_decisions(seeded)
    withdrawn.refresh_from_db()
    ada = Speaker.objects.get(workshop=seeded, name="Ada Lovelace")
    assert set(withdrawn.talk.speakers.all()) == {keynote, ada}

    with django_capture_on_commit_callbacks(execute=True):
        submissions.withdraw(withdrawn)

    assert Speaker.objects.filter(pk=keynote.pk).exists()  # entered by hand
    kept.refresh_from_db()
    assert {s.name for s in kept.talk.speakers.all()} == {
        "Sophie Germain",
        "Ada Lovelace",
        "Charles Babbage",
    }
    assert set(ada.talks.all()) == {kept.talk}
    page = get_page(client, "/lorainne24/speakers/")
    assert "Ada Lovelace" in page.text
    assert "Grace Hopper" not in page.text  # no talk left to list her with

    # Then the other one leaves too: Ada, added by the first acceptance, now presents nothing.
    with django_capture_on_commit_callbacks(execute=True):
        submissions.withdraw(kept)

    assert not Speaker.objects.filter(
        workshop=seeded, name__in=["Ada Lovelace", "Sophie Germain", "Charles Babbage"]
    ).exists()
    assert Speaker.objects.filter(pk=keynote.pk).exists()


def test_withdrawal_of_a_submission_never_accepted_tells_nobody(
    seeded, organizer, django_capture_on_commit_callbacks
):
    submission = decide_and_send(
        make_submission(seeded),
        Decision.REJECTED,
        organizer,
        capture=django_capture_on_commit_callbacks,
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert decisions.retract_from_program(submission) is None

    assert mail.outbox == []


# --- the admin's actions -------------------------------------------------------------------------

CHANGELIST = "/admin/contributions/submission/"
ACTIONS = ("accept_as_poster", "accept_as_talk", "reject", "send_decisions")


def act(client, action: str, submissions, **data):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [s.pk for s in submissions], **data},
        follow=True,
    )


def test_admin_accept_as_poster_asks_for_the_message_then_records_it(client, seeded, organizer):
    submission = make_submission(seeded)
    client.force_login(organizer)

    asked = act(client, "accept_as_poster", [submission])
    done = act(
        client, "accept_as_poster", [submission], apply_decision="1", message="Board 4 is yours."
    )

    page = parse(asked.content)
    assert page.find("textarea", name="message") is not None
    assert "Riemannian low-rank adapters" in page.text
    submission.refresh_from_db()
    assert (submission.decision, submission.decision_message, submission.decided_by) == (
        Decision.POSTER,
        "Board 4 is yours.",
        organizer,
    )
    assert "1 submission decided: Accepted as a poster." in parse(done.content).text
    assert mail.outbox == []


def test_admin_send_the_decisions_twice_sends_one_email(
    client, seeded, organizer, django_capture_on_commit_callbacks
):
    submission = make_submission(seeded)
    decisions.decide(submission, decision=Decision.REJECTED, message="Sorry.", by=organizer)
    client.force_login(organizer)

    with django_capture_on_commit_callbacks(execute=True):
        first = act(client, "send_decisions", [submission])
    with django_capture_on_commit_callbacks(execute=True):
        second = act(client, "send_decisions", [submission])

    assert "1 decision is on its way to its authors." in parse(first.content).text
    assert "1 submission was left out" in parse(second.content).text
    assert len(decision_emails(submission.email)) == 1


def test_admin_reject_after_sending_says_why_and_changes_nothing(
    client, seeded, organizer, django_capture_on_commit_callbacks
):
    submission = decide_and_send(
        make_submission(seeded),
        Decision.POSTER,
        organizer,
        capture=django_capture_on_commit_callbacks,
    )
    client.force_login(organizer)

    response = act(client, "reject", [submission], apply_decision="1", message="")

    assert "can no longer change" in parse(response.content).text
    submission.refresh_from_db()
    assert submission.decision == Decision.POSTER


def test_admin_decision_actions_need_the_change_permission(client, seeded, django_user_model):
    submission = make_submission(seeded)
    viewer = django_user_model.objects.create_user("viewer", "v@example.org", "pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_submission"))
    client.force_login(viewer)

    # The organizers' list names the authors: an account that may only view submissions (a
    # reviewer's right) is refused it, and its actions with it.
    listed = client.get(CHANGELIST)
    answers = [
        act(client, action, [submission], apply_decision="1", message="x") for action in ACTIONS
    ]

    assert listed.status_code == 403
    assert {answer.status_code for answer in answers} == {403}
    submission.refresh_from_db()
    assert (submission.decision, submission.decision_sent_at) == ("", None)


# --- PostgreSQL: organizers sending at once ------------------------------------------------------


def _in_parallel(count: int, work) -> list:
    """Run work() in `count` threads released at once, each with its own connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work()
        except Exception as error:  # kept, so that the test shows every failure
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL with parallel connections: DATABASE_URL=postgres://…",
)
@pytest.mark.django_db(transaction=True)
def test_send_decisions_at_once_numbers_posters_apart_and_sends_each_once(seeded, organizer):
    submissions = [make_submission(seeded, email=f"author-{n}@example.org") for n in range(4)]
    for submission in submissions:
        decisions.decide(submission, decision=Decision.POSTER, message="", by=organizer)

    results = _in_parallel(3, lambda: decisions.send_decisions(seeded))

    assert sorted(results) == [0, 0, 4]
    assert list(seeded.posters.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6, 7]
    assert Delivery.objects.filter(kind=DECISION, state=Delivery.State.SENT).count() == 4
    assert sorted(m.to[0] for m in mail.outbox if "contribution" in m.subject) == [
        f"author-{n}@example.org" for n in range(4)
    ]
