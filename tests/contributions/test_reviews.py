"""The committee's review (issue 23, item 3): reviewers score the submissions of LoRAINNe'24's
call on their own pages, never see one that names them as an author, nor the authors when the
call hides them; organizers see every submission's mean score and number of reviews in the
admin, filter them and export the scores as CSV."""

import csv
import datetime as dt
import io
import itertools

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contributions.models import Author, Call, Criterion, Kind, Review, Submission
from contributions.services.reviews import (
    InvalidScores,
    NotYoursToReview,
    save_review,
    submissions_to_review,
)
from tests.pages import parse
from tests.program.test_materials import pdf_bytes

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


@pytest.fixture
def call(seeded):
    """LoRAINNe'24's call (open in autumn 2024), scored on relevance and quality, 1–5."""
    call = Call.objects.create(
        workshop=seeded,
        opens_at=dt.datetime(2024, 9, 1, tzinfo=dt.UTC),
        closes_at=dt.datetime(2024, 10, 15, tzinfo=dt.UTC),
    )
    for position, name in enumerate(["Relevance", "Quality"]):
        Criterion.objects.create(workshop=seeded, name=name, position=position)
    return call


@pytest.fixture
def criteria(call):
    return list(Criterion.objects.filter(workshop=call.workshop))


@pytest.fixture
def submit(call):
    """make a confirmed submission of the call: submit(title, email=…, authors=[(name, affiliation)])"""

    def make(
        title: str = "",
        *,
        email: str = "",
        authors=(("Yassine Zniyed", "Université de Toulon"),),
        kind: str = Kind.POSTER,
        confirmed: bool = True,
        decision: str = "",
    ) -> Submission:
        n = next(_numbers)
        submission = Submission.objects.create(
            workshop=call.workshop,
            kind=kind,
            title=title or f"Tensor trains for $\\mathbb{{R}}^{{n}}$, part {n}",
            abstract="We compress the layers of a network with low-rank tensor trains.",
            email=email or f"author{n}@example.org",
            address_confirmed_at=dt.datetime(2024, 9, 2, tzinfo=dt.UTC) if confirmed else None,
            decision=decision,
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

    return make


@pytest.fixture
def make_reviewer(django_user_model):
    """make_reviewer(username, first, last): a staff account in the reviewer group."""

    def make(username: str, first_name: str = "Anne", last_name: str = "Reviewer", **fields):
        user = django_user_model.objects.create_user(
            username,
            email=fields.pop("email", f"{username}@univ-lorraine.fr"),
            first_name=first_name,
            last_name=last_name,
            is_staff=True,
            **fields,
        )
        user.groups.add(Group.objects.get(name="reviewer"))
        return user

    return make


@pytest.fixture
def reviewer(make_reviewer):
    return make_reviewer("lucie", "Lucie", "Martin")


@pytest.fixture
def organizer(django_user_model):
    user = django_user_model.objects.create_user("orga", is_staff=True)
    user.groups.add(Group.objects.get(name="organizer"))
    return user


def _scores(criteria, *values):
    return dict(zip(criteria, values, strict=True))


def _list_url(**kwargs):
    return reverse("contributions:review-list", kwargs=kwargs)


def _page_url(submission, **kwargs):
    return reverse("contributions:review", kwargs={"pk": submission.pk, **kwargs})


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# The roles.


def test_reviewer_group_may_view_submissions_and_write_reviews_and_scores():
    permissions = Group.objects.get(name="reviewer").permissions.values_list(
        "content_type__app_label", "codename"
    )

    assert sorted(f"{app}.{codename}" for app, codename in permissions) == [
        "contributions.add_review",
        "contributions.add_score",
        "contributions.change_review",
        "contributions.change_score",
        "contributions.view_review",
        "contributions.view_score",
        "contributions.view_submission",
    ]


# Two reviewers score.


def test_review_page_two_reviewers_score_and_comment(
    client, call, submit, criteria, reviewer, make_reviewer
):
    submission = submit("Low-rank adapters, $W + AB^\\top$")
    other = make_reviewer("marc", "Marc", "Durand")

    for user, relevance, quality in [(reviewer, 5, 4), (other, 3, 2)]:
        client.force_login(user)
        page = client.get(_page_url(submission))
        assert page.status_code == 200
        assert "Low-rank adapters, $W + AB^\\top$" in page.content.decode()
        response = client.post(
            _page_url(submission),
            {
                f"score_{criteria[0].pk}": relevance,
                f"score_{criteria[1].pk}": quality,
                "comment": f"Sound work ({user.username}).",
                "comment_to_authors": "Please give the ranks." if user == reviewer else "",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == _list_url()

    reviews = Review.objects.filter(submission=submission).order_by("reviewer__username")
    assert [
        (
            r.reviewer.username,
            r.comment,
            r.comment_to_authors,
            sorted(r.scores.values_list("criterion__name", "value")),
        )
        for r in reviews
    ] == [
        (
            "lucie",
            "Sound work (lucie).",
            "Please give the ranks.",
            [("Quality", 4), ("Relevance", 5)],
        ),
        ("marc", "Sound work (marc).", "", [("Quality", 2), ("Relevance", 3)]),
    ]
    listed = client.get(_list_url()).content.decode()
    assert "Reviewed" in listed
    assert "You reviewed 1 of 1 submission." in listed


def test_review_page_shows_the_saved_review_and_saving_again_replaces_it(
    client, submit, criteria, reviewer
):
    submission = submit()
    save_review(submission, reviewer=reviewer, scores=_scores(criteria, 2, 3), comment="First")
    client.force_login(reviewer)

    page = client.get(_page_url(submission)).content.decode()
    client.post(
        _page_url(submission),
        {f"score_{criteria[0].pk}": 4, f"score_{criteria[1].pk}": 5, "comment": "Second"},
    )

    assert (
        f'name="score_{criteria[0].pk}" value="2" class="score-choices" required id="id_score_{criteria[0].pk}_1" checked'
        in page
    )
    review = Review.objects.get()
    assert review.comment == "Second"
    assert sorted(review.scores.values_list("value", flat=True)) == [4, 5]


def test_review_page_score_out_of_range_keeps_the_answers_with_a_message(
    client, submit, criteria, reviewer
):
    submission = submit()
    client.force_login(reviewer)

    response = client.post(
        _page_url(submission),
        {f"score_{criteria[0].pk}": 9, "comment": "Kept when refused."},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Select a valid choice. 9 is not one of the available choices." in content
    assert "This field is required." in content
    assert "Kept when refused." in content
    assert not Review.objects.exists()


def test_save_review_refuses_missing_and_out_of_range_scores(submit, criteria, reviewer):
    submission = submit()

    with pytest.raises(InvalidScores, match="Give a score on “Quality”"):
        save_review(submission, reviewer=reviewer, scores={criteria[0]: 3})
    with pytest.raises(InvalidScores, match="“Relevance” goes from 1 to 5"):
        save_review(submission, reviewer=reviewer, scores=_scores(criteria, 6, 3))
    with pytest.raises(InvalidScores, match="“Relevance” goes from 1 to 5"):
        save_review(submission, reviewer=reviewer, scores=_scores(criteria, "five", 3))
    with pytest.raises(InvalidScores, match="no such name"):
        save_review(submission, reviewer=reviewer, scores=_scores(criteria, 3, 3) | {999: 3})
    assert not Review.objects.exists()


# Who sees what.


@pytest.mark.parametrize(
    ("email", "authors"),
    [
        ("LUCIE.MARTIN@univ-lorraine.fr", [("Someone Else", "")]),  # her address, in capitals
        ("coauthor@example.org", [("Jean Dupont", ""), ("  lucie  MARTÍN ", "LORIA")]),  # her name
    ],
    ids=["address", "name"],
)
def test_author_reviewer_cannot_see_or_score_the_submission(
    client, submit, criteria, make_reviewer, email, authors
):
    author = make_reviewer("lucie", "Lucie", "Martin", email="lucie.martin@univ-lorraine.fr")
    theirs = submit("Her own poster", email=email, authors=authors)
    other = submit("Someone else's poster")
    client.force_login(author)

    listed = client.get(_list_url()).content.decode()
    page = client.get(_page_url(theirs))
    posted = client.post(
        _page_url(theirs), {f"score_{criteria[0].pk}": 5, f"score_{criteria[1].pk}": 5}
    )

    assert "Someone else&#x27;s poster" in listed
    assert "Her own poster" not in listed
    assert [s.title for s in submissions_to_review(theirs.workshop, author)] == [other.title]
    assert page.status_code == posted.status_code == 404
    with pytest.raises(NotYoursToReview):
        save_review(theirs, reviewer=author, scores=_scores(criteria, 5, 5))
    assert not Review.objects.exists()


def test_double_blind_hides_the_authors_on_the_list_and_the_page(client, call, submit, reviewer):
    submission = submit(email="y.zniyed@univ-tln.fr")
    client.force_login(reviewer)
    shown = [client.get(url).content.decode() for url in (_list_url(), _page_url(submission))]
    call.double_blind = True
    call.save()

    hidden = [client.get(url).content.decode() for url in (_list_url(), _page_url(submission))]

    for content in shown:
        assert "Yassine Zniyed" in content
        assert "Université de Toulon" in content
    assert "y.zniyed@univ-tln.fr" in shown[1]
    for content in hidden:
        assert "Zniyed" not in content
        assert "Toulon" not in content
        assert "The authors are hidden from reviewers." in content


def test_assigned_only_call_lists_the_reviewers_submissions(
    client, call, submit, criteria, reviewer, make_reviewer
):
    call.reviewers_see_all = False
    call.save()
    assigned = submit("Assigned to Lucie")
    not_assigned = submit("Assigned to Marc")
    assigned.assigned_reviewers.add(reviewer)
    not_assigned.assigned_reviewers.add(make_reviewer("marc"))
    client.force_login(reviewer)

    listed = client.get(_list_url()).content.decode()

    assert "Assigned to Lucie" in listed
    assert "Assigned to Marc" not in listed
    assert client.get(_page_url(not_assigned)).status_code == 404
    with pytest.raises(NotYoursToReview):
        save_review(not_assigned, reviewer=reviewer, scores=_scores(criteria, 3, 3))


def test_review_list_leaves_out_unconfirmed_and_withdrawn_submissions(client, submit, reviewer):
    submit("Confirmed")
    submit("Never confirmed", confirmed=False)
    withdrawn = submit("Withdrawn")
    Submission.objects.filter(pk=withdrawn.pk).update(
        withdrawn_at=dt.datetime(2024, 9, 3, tzinfo=dt.UTC)
    )
    client.force_login(reviewer)

    listed = client.get(_list_url()).content.decode()

    assert "Confirmed" in listed
    assert "Never confirmed" not in listed
    assert "Withdrawn" not in listed


def test_review_list_at_the_editions_address_links_to_its_pages(client, submit, reviewer):
    submission = submit()
    client.force_login(reviewer)

    listed = client.get(_list_url(edition="lorainne24")).content.decode()

    assert f'href="/lorainne24/review/{submission.pk}/"' in listed


def test_review_pages_name_the_submission_by_its_plain_title_where_no_math_is_typeset(
    client, submit, reviewer
):
    submission = submit()
    client.force_login(reviewer)

    listed = parse(client.get(_list_url()).content)
    page = parse(client.get(_page_url(submission)).content)

    plain = f"Tensor trains for ℝ^n, part {submission.title.rsplit(' ', 1)[1]}"
    (link,) = listed.find("table", class_="review-list").find_all("a")
    seen, read = link.find("span", class_="tex"), link.find("span", class_="visually-hidden")
    assert read.text == plain  # what a screen reader says
    assert seen.text == submission.title  # typeset by KaTeX, hidden from screen readers
    assert seen.attrs["aria-hidden"] == "true"
    assert page.find("title").text == f"Review of “{plain}” · LoRAINNe'24"
    assert page.find("h1").text == submission.title


def test_review_pages_send_anonymous_visitors_to_the_admin_login(client, submit):
    submission = submit()

    responses = [client.get(_list_url()), client.get(_page_url(submission))]

    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"].startswith(reverse("admin:login"))


def test_review_pages_refuse_staff_without_the_reviewers_rights(
    client, django_user_model, submit, criteria
):
    submission = submit()
    desk = django_user_model.objects.create_user("desk", is_staff=True)
    desk.groups.add(Group.objects.get(name="registration desk"))
    client.force_login(desk)

    responses = [
        client.get(_list_url()),
        client.get(_page_url(submission)),
        client.post(_page_url(submission), {f"score_{c.pk}": 5 for c in criteria}),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    with pytest.raises(NotYoursToReview):
        save_review(submission, reviewer=desk, scores=_scores(criteria, 5, 5))
    assert not Review.objects.exists()


def test_review_list_queries_do_not_grow_with_submissions(
    client, django_assert_num_queries, submit, criteria, reviewer, make_reviewer
):
    client.force_login(reviewer)
    save_review(submit(), reviewer=reviewer, scores=_scores(criteria, 3, 4))
    client.get(_list_url())  # warm up the session and Django's own caches
    with CaptureQueriesContext(connection) as one:
        client.get(_list_url())
    for _ in range(20):
        save_review(
            submit(), reviewer=make_reviewer(f"r{next(_numbers)}"), scores=_scores(criteria, 1, 2)
        )

    with django_assert_num_queries(len(one)):
        response = client.get(_list_url())

    assert "You reviewed 1 of 21 submissions." in response.content.decode()


# The organizers' list in the admin.


@pytest.fixture
def scored(submit, criteria, reviewer, make_reviewer):
    """Three submissions: one scored by two reviewers, one by one, one by nobody yet (decided)."""
    marc = make_reviewer("marc", "Marc", "Durand")
    twice = submit("Scored twice", kind=Kind.TALK)
    once = submit("Scored once")
    never = submit("Never scored", decision=Submission.Decision.REJECTED)
    save_review(twice, reviewer=reviewer, scores=_scores(criteria, 5, 4), comment="=SUM(A1)")
    save_review(twice, reviewer=marc, scores=_scores(criteria, 3, 2), comment_to_authors="Nice.")
    save_review(once, reviewer=marc, scores=_scores(criteria, 1, 2))
    return twice, once, never


def _listed(response) -> dict[str, tuple[int, str]]:
    """{title: (reviews, mean score)} of the admin's list."""
    return {
        s.title: (s.review_count, "-" if s.mean_score is None else f"{s.mean_score:.2f}")
        for s in response.context["cl"].result_list
    }


def test_admin_list_shows_each_submissions_mean_score_and_reviews(client, organizer, scored):
    client.force_login(organizer)

    response = client.get(reverse("admin:contributions_submission_changelist"))

    assert _listed(response) == {
        "Scored twice": (2, "3.50"),
        "Scored once": (1, "1.50"),
        "Never scored": (0, "-"),
    }
    content = response.content.decode()
    assert "3.50" in content
    assert "Yassine Zniyed" in content


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"kind__exact": "talk"}, {"Scored twice"}),
        ({"decided": "yes"}, {"Never scored"}),
        ({"decided": "no"}, {"Scored twice", "Scored once"}),
        ({"reviews": "under"}, {"Scored twice", "Scored once", "Never scored"}),
    ],
)
def test_admin_list_filters(client, organizer, scored, query, titles):
    client.force_login(organizer)

    response = client.get(reverse("admin:contributions_submission_changelist"), query)

    assert set(_listed(response)) == titles


def test_admin_under_reviewed_filter_leaves_out_those_with_enough_reviews(
    client, organizer, submit, criteria, make_reviewer
):
    enough = submit("Three reviews")
    for name in ("a", "b", "c"):
        save_review(enough, reviewer=make_reviewer(name), scores=_scores(criteria, 4, 4))
    submit("No review")
    client.force_login(organizer)

    response = client.get(
        reverse("admin:contributions_submission_changelist"), {"reviews": "under"}
    )

    assert set(_listed(response)) == {"No review"}


def test_admin_list_queries_do_not_grow_with_submissions(
    client, django_assert_num_queries, organizer, submit, criteria, make_reviewer
):
    url = reverse("admin:contributions_submission_changelist")
    client.force_login(organizer)
    save_review(submit(), reviewer=make_reviewer("first"), scores=_scores(criteria, 3, 4))
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(30):
        save_review(
            submit(), reviewer=make_reviewer(f"r{next(_numbers)}"), scores=_scores(criteria, 1, 2)
        )

    with django_assert_num_queries(len(one)):
        response = client.get(url)

    assert len(response.context["cl"].result_list) == 31


def test_admin_submission_page_shows_the_reviews_read_only(client, organizer, scored):
    twice, _, _ = scored
    client.force_login(organizer)

    response = client.get(reverse("admin:contributions_submission_change", args=[twice.pk]))

    content = response.content.decode()
    assert "Relevance: 5, Quality: 4" in content
    assert "Relevance: 3, Quality: 2" in content
    assert 'name="reviews-0-comment"' not in content  # read only
    assert 'name="assigned_reviewers"' in content


def test_admin_assigned_reviewers_are_the_accounts_that_may_review(
    client, organizer, scored, django_user_model
):
    django_user_model.objects.create_user("visitor", is_staff=True)
    client.force_login(organizer)

    response = client.get(reverse("admin:contributions_submission_change", args=[scored[0].pk]))

    choices = response.context["adminform"].form.fields["assigned_reviewers"].queryset
    assert sorted(user.username for user in choices) == ["lucie", "marc", "orga"]


def test_admin_submissions_refused_to_reviewers(client, reviewer, scored):
    client.force_login(reviewer)

    responses = [
        client.get(reverse("admin:contributions_submission_changelist")),
        client.get(reverse("admin:contributions_submission_change", args=[scored[0].pk])),
        client.post(
            reverse("admin:contributions_submission_changelist"),
            {"action": "export_scores", "_selected_action": [s.pk for s in scored]},
        ),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert "Content-Disposition" not in responses[2]


# The scores as CSV.


def _export(client, submissions):
    return client.post(
        reverse("admin:contributions_submission_changelist"),
        {"action": "export_scores", "_selected_action": [s.pk for s in submissions]},
    )


def test_csv_export_has_a_row_per_review_with_each_criterion(client, organizer, scored):
    client.force_login(organizer)

    response = _export(client, scored)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert _csv_rows(response) == [
        [
            "Title",
            "Kind",
            "Authors",
            "Reviewer",
            "Relevance",
            "Quality",
            "Comment for the committee",
            "Comment for the authors",
        ],
        [
            "Scored twice",
            "Contributed talk",
            "Yassine Zniyed (Université de Toulon)",
            "Lucie Martin",
            "5",
            "4",
            "'=SUM(A1)",
            "",
        ],
        [
            "Scored twice",
            "Contributed talk",
            "Yassine Zniyed (Université de Toulon)",
            "Marc Durand",
            "3",
            "2",
            "",
            "Nice.",
        ],
        [
            "Scored once",
            "Poster",
            "Yassine Zniyed (Université de Toulon)",
            "Marc Durand",
            "1",
            "2",
            "",
            "",
        ],
    ]


def test_csv_export_leaves_the_authors_out_when_double_blind(client, call, organizer, scored):
    call.double_blind = True
    call.save()
    client.force_login(organizer)

    rows = _csv_rows(_export(client, scored))

    assert [row[2] for row in rows[1:]] == ["", "", ""]
    assert "Zniyed" not in str(rows)
    assert "Toulon" not in str(rows)


def test_review_pages_in_french(client, submit, criteria, reviewer):
    submission = submit()
    client.force_login(reviewer)

    listed = client.get(_list_url(), headers={"accept-language": "fr"}).content.decode()
    page = client.get(_page_url(submission), headers={"accept-language": "fr"}).content.decode()

    assert "Vous avez évalué 0 proposition sur 1." in listed
    assert "Pas encore évaluée" in listed
    assert "De 1 (la plus basse) à 5 (la plus haute)." in page
    assert "Enregistrer l’évaluation" in page


# The extended abstract (PDF), for the reviewers who may see the submission and the organizers.


def _with_pdf(submission: Submission) -> bytes:
    content = pdf_bytes("Tensor trains, the long version")
    submission.extended_abstract.save("lovelace-babbage.pdf", ContentFile(content))
    return content


def _pdf_url(submission, **kwargs):
    return reverse("contributions:review-extended-abstract", kwargs={"pk": submission.pk, **kwargs})


def test_extended_abstract_is_downloaded_from_the_review_page_privately(client, submit, reviewer):
    submission = submit()
    content = _with_pdf(submission)
    client.force_login(reviewer)

    page = parse(client.get(_page_url(submission)).content)
    [link] = [a for a in page.find_all("a") if "extended abstract" in a.text]
    served = client.get(link.attrs["href"])

    assert (link.text, link.attrs["href"]) == (
        "Download the extended abstract (PDF)",
        _pdf_url(submission),
    )
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == content
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"] == (
        f'attachment; filename="submission-{submission.pk}-extended-abstract.pdf"'
    )
    assert set(served["Cache-Control"].split(", ")) == {"private", "no-store"}
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served["Content-Security-Policy"]


def test_extended_abstract_for_organizers_on_the_admin_page_and_at_the_editions_address(
    client, submit, organizer
):
    # Not confirmed yet: no reviewer sees it, the organizers do.
    submission = submit(confirmed=False)
    content = _with_pdf(submission)
    client.force_login(organizer)

    page = parse(
        client.get(reverse("admin:contributions_submission_change", args=[submission.pk])).content
    )
    [link] = [a for a in page.find_all("a") if a.text == "Download"]
    served = client.get(link.attrs["href"])

    assert link.attrs["href"] == _pdf_url(submission, edition="lorainne24")
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == content


def test_extended_abstract_is_a_404_for_anyone_else(
    client, call, submit, make_reviewer, django_user_model
):
    call.reviewers_see_all = False
    call.save()
    lucie = make_reviewer("lucie", "Lucie", "Martin")
    theirs = submit(authors=[("Lucie Martin", "LORIA")])
    unassigned = submit()
    withdrawn = submit()
    without_pdf = submit()
    assigned = submit()
    for submission in (theirs, unassigned, withdrawn, assigned):
        _with_pdf(submission)
    for submission in (theirs, withdrawn, without_pdf, assigned):
        submission.assigned_reviewers.add(lucie)
    Submission.objects.filter(pk=withdrawn.pk).update(withdrawn_at=dt.datetime.now(dt.UTC))
    desk = django_user_model.objects.create_user("desk", is_staff=True)
    desk.groups.add(Group.objects.get(name="registration desk"))
    urls = [_pdf_url(s) for s in (theirs, unassigned, withdrawn, without_pdf, assigned)]

    anonymous = [client.get(url).status_code for url in urls]
    client.force_login(lucie)
    as_reviewer = []
    for url in urls:
        response = client.get(url)
        if response.streaming:  # the one PDF served, read to the end (which closes it)
            assert b"".join(response.streaming_content).startswith(b"%PDF-")
        as_reviewer.append(response.status_code)
    client.force_login(desk)
    as_desk = [client.get(url).status_code for url in urls]

    assert anonymous == as_desk == [404, 404, 404, 404, 404]
    assert as_reviewer == [404, 404, 404, 404, 200]


def test_extended_abstract_link_in_double_blind_names_nobody(client, call, submit, reviewer):
    call.double_blind = True
    call.save()
    submission = submit(authors=[("Yassine Zniyed", "Université de Toulon")])
    _with_pdf(submission)
    client.force_login(reviewer)

    content = client.get(_page_url(submission)).content.decode()
    served = client.get(_pdf_url(submission))
    assert b"".join(served.streaming_content).startswith(b"%PDF-")  # read to the end: closed

    assert "Download the extended abstract (PDF)" in content
    assert "Zniyed" not in content
    assert "lovelace" not in content  # the stored file's name
    assert "Zniyed" not in served["Content-Disposition"]
    assert served["Content-Disposition"].endswith(
        f'filename="submission-{submission.pk}-extended-abstract.pdf"'
    )
