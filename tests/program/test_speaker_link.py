"""A speaker's own page (/speaker/<token>/): title, abstract, affiliation, homepage and slides;
the links organizers send, revoke and lock, and what the site shows after."""

import datetime as dt
import socket

import icalendar
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends import locmem
from django.urls import reverse

from jobs import schedule
from lorainne.logs import redact
from mail import outbox
from mail.models import Delivery
from program import services
from program.models import Material, Poster, Speaker, Talk
from program.speakers import speaker_by_token
from tests.pages import get_page, normalise, parse
from tests.registration.html_forms import form_data

pytestmark = pytest.mark.django_db

TUDISCO = "tudisco-talk"  # in the timetable, title to be announced
COHEN = "cohen-implicit-regularization"
MATH_TITLE = r"Low-rank training in $\mathbb{R}^{n\times n}$"
ABSTRACT = (
    "We train networks whose weights stay on the manifold of rank-$r$ matrices.\n\n"
    "Second paragraph: <b>not bold</b> & $x<y$."
)
# The smallest file readers take as a PDF: the header, and the end marker in the last kilobyte.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def tudisco(seeded) -> Speaker:
    speaker = Speaker.objects.get(name="Francesco Tudisco")
    speaker.email = "francesco.tudisco@example.org"
    speaker.save(update_fields=["email"])
    return speaker


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def page_url(speaker: Speaker) -> str:
    return reverse("program:speaker-page", kwargs={"token": speaker.token})


def submit(client, speaker: Speaker, changes: dict, files: dict | None = None):
    """POST the page's form as a browser would: every field as shown, with `changes`."""
    html = client.get(page_url(speaker)).content.decode()
    data = form_data(html, "speaker-form") | changes | (files or {})
    return client.post(page_url(speaker), data)


def talk_fields(talk: Talk, *, title: str, abstract: str) -> dict:
    return {f"talk-{talk.pk}-title": title, f"talk-{talk.pk}-abstract": abstract}


def talk_sequence(client, talk: Talk) -> int:
    response = client.get(f"/lorainne24/program/talks/{talk.slug}/calendar.ics")
    assert response.status_code == 200
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    return event.decoded("SEQUENCE")


# --- Setting the text ---------------------------------------------------------------------------


def test_title_and_abstract_set_on_the_page_show_on_the_site_and_in_calendars(client, tudisco):
    talk = Talk.objects.get(slug=TUDISCO)
    talk_url = talk.get_absolute_url()
    assert get_page(client, talk_url).find("h1").text == "Title to be announced"  # now cached
    sequence = talk_sequence(client, talk)

    response = submit(client, tudisco, talk_fields(talk, title=MATH_TITLE, abstract=ABSTRACT))

    assert response.status_code == 302
    assert response["Location"] == page_url(tudisco)
    page = parse(client.get(response["Location"]).content)
    assert page.find(class_="messages").text == (
        "Thank you, your changes are saved: the site shows them now."
    )
    # The talk page at once (the cached copy is not served), the TeX left for KaTeX, the
    # abstract in paragraphs with its markup shown as text.
    talk_page = get_page(client, talk_url)
    assert talk_page.find("h1").text == MATH_TITLE
    assert "tex" in talk_page.find("h1").attrs["class"]
    abstract = talk_page.find("div", class_="abstract")
    assert [p.text for p in abstract.find_all("p")] == [
        "We train networks whose weights stay on the manifold of rank-$r$ matrices.",
        "Second paragraph: <b>not bold</b> & $x<y$.",
    ]
    assert abstract.find_all("b") == []
    assert talk_sequence(client, talk) > sequence
    talks = {item["slug"]: item for item in client.get("/lorainne24/program.json").json()["talks"]}
    assert talks[TUDISCO]["title"] == MATH_TITLE
    assert talks[TUDISCO]["abstract"] == ABSTRACT
    tudisco.refresh_from_db()
    assert tudisco.answered_at is not None


def test_page_shows_the_saved_text_in_the_preview_typeset_after_loading(client, tudisco):
    talk = Talk.objects.get(slug=TUDISCO)
    submit(client, tudisco, talk_fields(talk, title=MATH_TITLE, abstract=ABSTRACT))

    page = get_page(client, page_url(tudisco))

    preview = page.find("div", class_="preview")
    assert preview.attrs["data-title"] == f"id_talk-{talk.pk}-title"
    assert preview.find(class_="preview__title").text == MATH_TITLE
    assert "tex" in preview.find(class_="preview__title").attrs["class"]
    assert [p.text for p in preview.find(class_="preview__abstract").find_all("p")] == [
        "We train networks whose weights stay on the manifold of rank-$r$ matrices.",
        "Second paragraph: <b>not bold</b> & $x<y$.",
    ]
    scripts = [script.attrs.get("src") for script in page.find_all("script")]
    assert "/static/js/speaker_preview.js" in scripts
    assert "/static/vendor/katex/contrib/auto-render.min.js" in scripts
    assert all(script.attrs.get("src") for script in page.find_all("script"))  # none inline
    assert page.find("form", id="speaker-form").attrs["enctype"] == "multipart/form-data"


def _formula_warnings(page) -> list[str]:
    """The warnings beside the talk's preview (includes/formula_warnings.html)."""
    region = page.find("div", class_="formula-warnings")
    assert region.attrs["aria-live"] == "polite"
    assert page.find("div", class_="preview").attrs["data-warnings"] == region.attrs["id"]
    return [p.text for p in region.find_all("p")]


def test_formulas_katex_cannot_typeset_are_saved_and_the_speaker_warned(client, tudisco):
    talk = Talk.objects.get(slug=TUDISCO)
    title = r"Rank of $\frac{a}$ matrices in $\mathbb{R}^{n}$"
    abstract = "A brace left open: $\\mathbb{R$.\n\nAgain: $\\frac{a}$."

    response = submit(client, tudisco, talk_fields(talk, title=title, abstract=abstract))

    assert response.status_code == 302  # a warning, not a refusal
    talk.refresh_from_db()
    assert (talk.title, talk.abstract) == (title, abstract)
    page = get_page(client, response["Location"])
    assert [p.text for p in page.find(class_="messages").find_all("p")] == [
        "Thank you, your changes are saved: the site shows them now.",
        r"This formula will show as TeX: $\frac{a}$",
        r"This formula will show as TeX: $\mathbb{R$",
    ]
    assert _formula_warnings(page) == [
        r"This formula will show as TeX: $\frac{a}$",
        r"This formula will show as TeX: $\mathbb{R$",
    ]
    # Off the page too, the formula shows as written; the rest reads as text.
    assert talk.plain_title == r"Rank of $\frac{a}$ matrices in ℝ^n"


def test_formulas_katex_typesets_bring_no_warning_and_the_words_come_in_french(client, tudisco):
    talk = Talk.objects.get(slug=TUDISCO)
    submit(client, tudisco, talk_fields(talk, title=MATH_TITLE, abstract=ABSTRACT))
    # The speaker's page speaks the speaker's language (program/languages.py).
    Speaker.objects.filter(pk=tudisco.pk).update(language="fr")

    page = get_page(client, page_url(tudisco))

    assert _formula_warnings(page) == []
    region = page.find("div", class_="formula-warnings")
    # The words speaker_preview.js writes as the speaker types, in the page's language.
    assert region.attrs["data-message"] == "Cette formule s’affichera en TeX\u00a0: %(formula)s"


def test_affiliation_and_homepage_are_saved_and_shown(client, tudisco):
    response = submit(
        client,
        tudisco,
        {"speaker-affiliation": "Gran Sasso Science Institute", "speaker-homepage": "gssi.it/ft"},
    )

    assert response.status_code == 302
    tudisco.refresh_from_db()
    assert tudisco.affiliation == "Gran Sasso Science Institute"
    assert tudisco.answered_at is not None
    assert tudisco.homepage == "https://gssi.it/ft"
    speakers = get_page(client, "/lorainne24/speakers/")
    assert "https://gssi.it/ft" in speakers.links()
    assert "Gran Sasso Science Institute" in speakers.text


@pytest.mark.parametrize(
    "homepage", ["javascript:alert(document.cookie)", "ftp://example.org/me", "data:text/html,x"]
)
def test_homepage_other_than_a_web_page_is_refused_and_nothing_is_saved(client, tudisco, homepage):
    talk = Talk.objects.get(slug=TUDISCO)
    before = tudisco.homepage

    response = submit(
        client,
        tudisco,
        {"speaker-homepage": homepage} | talk_fields(talk, title="Kept", abstract="Typed"),
    )

    assert response.status_code == 200
    page = parse(response.content)
    assert page.find(role="alert").text.startswith("Nothing was saved")
    assert (
        "Enter a web address that starts with https:// (or http://)."
        in page.find("div", class_="field--error").text
    )
    # What was typed is on the page again; nothing reached the database.
    assert page.find("input", id=f"id_talk-{talk.pk}-title").attrs["value"] == "Kept"
    assert page.find("input", id="id_speaker-homepage").attrs["value"] == homepage
    tudisco.refresh_from_db()
    talk.refresh_from_db()
    assert (tudisco.homepage, talk.title, tudisco.answered_at) == (before, "", None)


def test_a_title_too_long_is_refused_with_the_text_kept(client, tudisco):
    talk = Talk.objects.get(slug=TUDISCO)

    response = submit(client, tudisco, talk_fields(talk, title="x" * 301, abstract=ABSTRACT))

    page = parse(response.content)
    assert "Ensure this value has at most 300 characters (it has 301)." in page.text
    assert page.find("textarea", id=f"id_talk-{talk.pk}-abstract").text == normalise(ABSTRACT)
    talk.refresh_from_db()
    assert talk.title == ""


def test_nul_characters_in_the_text_are_refused_not_a_500(client, tudisco):
    talk = Talk.objects.get(slug=TUDISCO)

    response = submit(client, tudisco, talk_fields(talk, title="Low\x00rank", abstract="a\x00b"))

    assert response.status_code == 200
    fields = parse(response.content).find_all("div", class_="field--error")
    assert ["Null characters are not allowed." in field.text for field in fields] == [True, True]
    talk.refresh_from_db()
    assert talk.title == ""


def test_poster_presenter_sets_the_poster_title(client, seeded):
    poster = Poster.objects.get(number=2)
    khouja = poster.presenters.get()

    response = submit(
        client,
        khouja,
        {
            f"poster-{poster.pk}-title": "Rank of $3\\times 3$ tensors",
            f"poster-{poster.pk}-abstract": "",
        },
    )

    assert response.status_code == 302
    poster.refresh_from_db()
    assert poster.title == "Rank of $3\\times 3$ tensors"
    assert "Rank of $3\\times 3$ tensors" in get_page(client, "/lorainne24/posters/").text


def test_titles_sent_with_line_breaks_are_saved_on_one_line(client, tudisco, seeded):
    """A crafted POST (the title field is an <input>, which sends no line break): the title goes
    into page titles, calendars and program.json, so it is folded to one line."""
    talk = Talk.objects.get(slug=TUDISCO)
    poster = Poster.objects.get(number=2)

    submit(
        client, tudisco, talk_fields(talk, title="Low-rank\r\ntraining\n\n  of nets", abstract="")
    )
    submit(
        client,
        poster.presenters.get(),
        {
            f"poster-{poster.pk}-title": "Rank of\ntensors\u202f?",
            f"poster-{poster.pk}-abstract": "",
        },
    )

    talk.refresh_from_db()
    poster.refresh_from_db()
    assert talk.title == "Low-rank training of nets"
    assert poster.title == "Rank of tensors\u202f?"  # the French no-break space stays
    program = client.get("/lorainne24/program.json").json()
    assert "Low-rank training of nets" in [item["title"] for item in program["talks"]]


def test_title_with_a_line_break_is_no_change_to_a_locked_talk(client, tudisco):
    talk = Talk.objects.get(slug=TUDISCO)
    Talk.objects.filter(pk=talk.pk).update(title="Low-rank training", text_locked=True)

    response = submit(
        client, tudisco, talk_fields(talk, title="Low-rank\ntraining", abstract=talk.abstract)
    )

    assert response.status_code == 302


@pytest.mark.parametrize("model", ["talk", "poster"])
def test_titles_typed_with_line_breaks_in_the_admin_are_saved_on_one_line(
    admin_client, seeded, model
):
    item = Talk.objects.get(slug=TUDISCO) if model == "talk" else Poster.objects.get(number=2)
    address = f"/admin/program/{model}/{item.pk}/change/"
    data = form_data(admin_client.get(address).content.decode(), f"{model}_form")

    response = admin_client.post(address, data | {"title": " Tensor\r\n\ttrains \n"})

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Tensor trains"


# --- Whose talk ---------------------------------------------------------------------------------


def test_form_ids_of_another_talk_are_ignored(client, tudisco):
    cohen = Talk.objects.get(slug=COHEN)
    title, abstract = cohen.title, cohen.abstract
    own = Talk.objects.get(slug=TUDISCO)

    response = submit(
        client,
        tudisco,
        talk_fields(cohen, title="Hijacked", abstract="Hijacked")
        | talk_fields(own, title="Mine", abstract=""),
    )

    assert response.status_code == 302
    cohen.refresh_from_db()
    own.refresh_from_db()
    assert (cohen.title, cohen.abstract) == (title, abstract)
    assert own.title == "Mine"


@pytest.mark.parametrize("action", ["remove", "replace"])
def test_a_material_of_another_talk_cannot_be_removed_or_replaced(client, tudisco, media, action):
    cohen = Talk.objects.get(slug=COHEN)
    slides = Material.objects.create(talk=cohen, kind=Material.Kind.SLIDES, file="materials/c.pdf")
    video = Material.objects.create(
        talk=cohen, kind=Material.Kind.VIDEO, url="https://videos.example.org/cohen"
    )
    pdf = SimpleUploadedFile("mine.pdf", PDF, content_type="application/pdf")

    for pk in (slides.pk, video.pk, 99999999999999999999):
        address = f"{page_url(tudisco)}materials/{pk}/{action}/"
        for response in (
            client.get(address, follow=True),
            client.post(address, {"file": pdf} if action == "replace" else {}, follow=True),
        ):
            assert response.redirect_chain == [(page_url(tudisco), 302)], pk
            assert parse(response.content).find(class_="messages").text == (
                "That file or link is not one of your talk's or poster's: nothing was changed."
            )
    assert list(cohen.materials.values_list("pk", "file")) == [
        (slides.pk, "materials/c.pdf"),
        (video.pk, ""),
    ]


def upload_slides(client, speaker: Speaker, talk: Talk, name: str, content: bytes) -> Material:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    assert submit(client, speaker, {}, {f"talk-{talk.pk}-material-file": upload}).status_code == 302
    return talk.materials.get()


def test_speaker_replaces_their_slides_at_the_same_address(
    client, tudisco, media, django_capture_on_commit_callbacks
):
    talk = Talk.objects.get(slug=TUDISCO)
    old = upload_slides(client, tudisco, talk, "slides.pdf", PDF)
    old_address, old_file = old.get_absolute_url(), media / old.file.name
    Speaker.objects.filter(pk=tudisco.pk).update(answered_at=None)
    page = get_page(client, page_url(tudisco))
    [replace] = page.find("ul", class_="materials").find_all("a", class_="button")[:1]
    assert normalise(replace.text) == "Replace slides.pdf"
    new_pdf = PDF.replace(b"%PDF-1.4", b"%PDF-1.7")

    form = get_page(client, replace.attrs["href"])
    assert normalise(form.find("h1").text) == "Replace “slides.pdf”"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            replace.attrs["href"],
            {"file": SimpleUploadedFile("slides v2.pdf", new_pdf, content_type="application/pdf")},
            follow=True,
        )

    assert parse(response.content).find(class_="messages").text == (
        "“slides v2.pdf” replaces “slides.pdf”: its address on the site stays the same."
    )
    (material,) = talk.materials.all()
    assert (material.pk, material.download_name) == (old.pk, "slides v2.pdf")
    assert material.get_absolute_url() in get_page(client, talk.get_absolute_url()).links()
    moved = client.get(old_address)  # the link given out before
    assert (moved.status_code, moved["Location"]) == (302, material.get_absolute_url())
    assert b"".join(client.get(moved["Location"]).streaming_content) == new_pdf
    assert not old_file.exists()  # the old file left the storage
    assert [path.name for path in media.rglob("*.pdf")] == [material.file.name.split("/")[-1]]
    tudisco.refresh_from_db()
    assert tudisco.answered_at is not None


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "Choose the new PDF."),
        ({"file": SimpleUploadedFile("v2.pdf", b"PK\x03\x04 a zip")}, "This file is not a PDF"),
    ],
)
def test_replacement_that_is_no_pdf_is_refused_and_the_old_one_kept(
    client, tudisco, media, files, message
):
    talk = Talk.objects.get(slug=TUDISCO)
    old = upload_slides(client, tudisco, talk, "slides.pdf", PDF)

    response = client.post(f"{page_url(tudisco)}materials/{old.pk}/replace/", files)

    assert response.status_code == 200
    assert message in parse(response.content).find(class_="errorlist").text
    (material,) = talk.materials.all()
    assert (material.file.name, material.download_name) == (old.file.name, "slides.pdf")
    assert (media / old.file.name).read_bytes() == PDF


def test_a_link_has_no_replace_page(client, tudisco):
    talk = Talk.objects.get(slug=TUDISCO)
    video = Material.objects.create(
        talk=talk, kind=Material.Kind.VIDEO, url="https://videos.example.org/tudisco"
    )

    links = get_page(client, page_url(tudisco)).find("ul", class_="materials").find_all("a")
    response = client.get(f"{page_url(tudisco)}materials/{video.pk}/replace/")

    assert [normalise(link.text) for link in links] == [
        "https://videos.example.org/tudisco",
        "Remove https://videos.example.org/tudisco",
    ]
    assert response.status_code == 302
    assert Material.objects.filter(pk=video.pk, url="https://videos.example.org/tudisco").exists()


# --- Tokens -------------------------------------------------------------------------------------


def test_page_is_private(client, tudisco):
    response = client.get(page_url(tudisco))

    assert response.status_code == 200
    assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {"private", "no-store"}
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Robots-Tag"] == "noindex"
    assert parse(response.content).find("h1").text == "Your page as a speaker at LoRAINNe'24"


@pytest.mark.parametrize(
    "path",
    [
        "/speaker/Jk3v9_x-Q2mWf8LrT0aB7cYdE5gH1iN4oP6sUxyzabc/",  # well formed, unknown
        "/speaker/%C3%A9%F0%9F%98%80%E2%80%AE' OR 1=1 --/",
        "/speaker/" + "a" * 5000 + "/",
        "/speaker/%FF%FE/",
    ],
)
def test_unknown_or_garbled_token_gets_the_friendly_404(client, seeded, path):
    response = client.get(path)

    assert response.status_code == 404
    page = parse(response.content)
    assert page.find("h1").text == "This speaker link does not work"
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize("path", ["/speaker/%00/", "/speaker/abc%00def%00ghijklmnopqrstuvw/"])
def test_nul_in_the_token_is_a_bad_request_not_a_500(client, seeded, path):
    """The site refuses a NUL in any address (lorainne/bad_requests.py)."""
    response = client.get(path)

    assert response.status_code == 400


@pytest.mark.parametrize(
    "token", ["abc\x00def\x00ghijklmnopqrstuvw", "a" * 65, "short", "with/slash", ""]
)
def test_what_is_no_token_is_not_looked_up(django_assert_num_queries, token):
    """The page's own guard, behind the site's: a NUL never reaches PostgreSQL (which refuses it
    in a query), nor a token of a shape new_token() never makes."""
    with django_assert_num_queries(0):
        assert speaker_by_token(token) is None


def test_revoked_link_stops_working_and_the_new_one_works(
    admin_client, client, tudisco, django_capture_on_commit_callbacks
):
    old = page_url(tudisco)

    with django_capture_on_commit_callbacks(execute=True):
        with_links = admin_client.post(
            reverse("admin:program_speaker_changelist"),
            {"action": "revoke_and_send_link", "_selected_action": [tudisco.pk]},
        )

    assert with_links.status_code == 302
    tudisco.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.post(old, {"speaker-affiliation": "x"}).status_code == 404
    (message,) = mail.outbox
    assert f"http://127.0.0.1:8000{page_url(tudisco)}" in message.body
    assert old not in message.body
    assert client.get(page_url(tudisco)).status_code == 200


def test_tokens_in_speaker_links_are_redacted_from_logs(tudisco):
    token = tudisco.token
    assert redact(f'"GET /speaker/{token}/ HTTP/1.1"') == '"GET /speaker/[token]/ HTTP/1.1"'
    assert redact(f"https://x.example/speaker/{token}/remove/") == (
        "https://x.example/speaker/[token]/remove/"
    )
    assert redact("/lorainne24/speakers/") == "/lorainne24/speakers/"


# --- Locked text --------------------------------------------------------------------------------


def test_locked_talk_is_shown_read_only(client, tudisco):
    talk = Talk.objects.get(slug=TUDISCO)
    Talk.objects.filter(pk=talk.pk).update(title=MATH_TITLE, text_locked=True)

    page = get_page(client, page_url(tudisco))

    assert page.find_all("input", id=f"id_talk-{talk.pk}-title") == []
    assert page.find_all("textarea", id=f"id_talk-{talk.pk}-abstract") == []
    assert "The organizers have locked the title and abstract of this talk" in page.text
    assert MATH_TITLE in page.text
    # The rest of the page is still a form: slides and the speaker's own details.
    assert page.find("input", id=f"id_talk-{talk.pk}-material-url")
    assert page.find("input", id="id_speaker-affiliation")


def test_change_to_a_locked_talk_is_refused_with_a_message(client, tudisco):
    talk = Talk.objects.get(slug=TUDISCO)
    html = client.get(page_url(tudisco)).content.decode()  # loaded before the lock
    Talk.objects.filter(pk=talk.pk).update(title="As printed", text_locked=True)
    data = form_data(html, "speaker-form") | talk_fields(talk, title="Changed", abstract="New")
    data["speaker-affiliation"] = "Changed too"

    response = client.post(page_url(tudisco), data)

    assert response.status_code == 200
    page = parse(response.content)
    assert page.find(role="alert").text.startswith("Nothing was saved")
    assert (
        "The organizers have locked the title and abstract of “As printed”, so your change to "
        "them was not saved, nor anything else on this page." in page.text
    )
    # What they typed is on the page, to copy into an email to the organizers.
    sent_back = page.find("div", class_="notice--error", role=None).text
    assert "What you sent, not saved" in sent_back
    assert "Changed New" in sent_back
    talk.refresh_from_db()
    tudisco.refresh_from_db()
    assert (talk.title, talk.abstract) == ("As printed", "")
    assert tudisco.affiliation != "Changed too"


def test_locked_talk_still_takes_the_rest_of_the_page(client, tudisco):
    talk = Talk.objects.get(slug=TUDISCO)
    Talk.objects.filter(pk=talk.pk).update(title="As printed", text_locked=True)

    response = submit(client, tudisco, {"speaker-affiliation": "GSSI, L'Aquila"})

    assert response.status_code == 302
    tudisco.refresh_from_db()
    assert tudisco.affiliation == "GSSI, L'Aquila"
    talk.refresh_from_db()
    assert talk.title == "As printed"


def test_lock_and_unlock_actions(admin_client, seeded):
    talks = Talk.objects.filter(slug__in=[TUDISCO, COHEN])
    url = reverse("admin:program_talk_changelist")
    selected = [talk.pk for talk in talks]

    admin_client.post(url, {"action": "lock_text", "_selected_action": selected})
    assert sorted(Talk.objects.filter(text_locked=True).values_list("slug", flat=True)) == [
        COHEN,
        TUDISCO,
    ]

    admin_client.post(url, {"action": "unlock_text", "_selected_action": selected[:1]})
    assert Talk.objects.filter(text_locked=True).count() == 1
    change = admin_client.get(reverse("admin:program_talk_change", args=[selected[0]]))
    assert "text_locked" in change.context["adminform"].form.fields


# --- Slides -------------------------------------------------------------------------------------


def test_pdf_uploaded_on_the_page_is_listed_on_the_talk_page(client, tudisco, media):
    talk = Talk.objects.get(slug=TUDISCO)
    get_page(client, talk.get_absolute_url())  # cached before the upload
    upload = SimpleUploadedFile("Tudisco slides.pdf", PDF, content_type="application/pdf")

    response = submit(client, tudisco, {}, {f"talk-{talk.pk}-material-file": upload})

    assert response.status_code == 302
    (material,) = talk.materials.all()
    assert (material.kind, material.download_name) == (Material.Kind.SLIDES, "Tudisco slides.pdf")
    talk_page = get_page(client, talk.get_absolute_url())
    assert material.get_absolute_url() in talk_page.links()
    pdf = client.get(material.get_absolute_url())
    assert b"".join(pdf.streaming_content) == PDF
    own_page = get_page(client, page_url(tudisco))
    assert "Tudisco slides.pdf" in own_page.find("ul", class_="materials").text
    tudisco.refresh_from_db()
    assert tudisco.answered_at is not None  # slides alone are an answer


def test_file_that_is_not_a_pdf_is_refused_and_the_text_kept(client, tudisco, media):
    talk = Talk.objects.get(slug=TUDISCO)
    upload = SimpleUploadedFile(
        "slides.pdf", b"PK\x03\x04 a zip file", content_type="application/pdf"
    )

    response = submit(
        client,
        tudisco,
        talk_fields(talk, title=MATH_TITLE, abstract=""),
        {f"talk-{talk.pk}-material-file": upload},
    )

    assert response.status_code == 200
    page = parse(response.content)
    assert "This file is not a PDF (whatever its name says)" in page.text
    assert page.find("input", id=f"id_talk-{talk.pk}-title").attrs["value"] == MATH_TITLE
    talk.refresh_from_db()
    assert talk.title == ""
    assert not talk.materials.exists()
    assert list(media.rglob("*.pdf")) == []


def test_speaker_removes_a_material_of_their_talk_once_they_confirm(
    client, tudisco, media, django_capture_on_commit_callbacks
):
    talk = Talk.objects.get(slug=TUDISCO)
    material = upload_slides(client, tudisco, talk, "slides.pdf", PDF)
    stored = media / material.file.name
    assert stored.read_bytes() == PDF
    Speaker.objects.filter(pk=tudisco.pk).update(answered_at=None)

    page = get_page(client, page_url(tudisco))
    remove = page.find("ul", class_="materials").find_all("a", class_="button")[-1]
    assert normalise(remove.text) == "Remove slides.pdf"
    confirmation = get_page(client, remove.attrs["href"])  # asking, nothing removed yet

    assert normalise(confirmation.find("h1").text) == "Remove “slides.pdf”?"
    assert talk.materials.get() == material
    assert stored.exists()
    form = confirmation.find("form", action=remove.attrs["href"])
    assert normalise(form.find("button").text) == "Yes, remove it"
    assert [normalise(link.text) for link in form.find_all("a")] == [
        "Replace it instead",
        "No, keep it",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form.attrs["action"], {}, follow=True)

    assert (
        parse(response.content).find(class_="messages").text
        == "“slides.pdf” is removed from the site."
    )
    assert not talk.materials.exists()
    assert not stored.exists()
    tudisco.refresh_from_db()
    assert tudisco.answered_at is not None  # so is a removal
    assert material.get_absolute_url() not in get_page(client, talk.get_absolute_url()).links()


def test_speaker_of_a_draft_edition_opens_their_own_pdf(client, tudisco, seeded):
    """Speakers upload while the edition is still a draft, whose public pages answer organizers
    only: their own page links each PDF under its own address, which opens for them."""
    seeded.published = False
    seeded.save(update_fields=["published"])
    talk = Talk.objects.get(slug=TUDISCO)
    upload = SimpleUploadedFile("Tudisco slides.pdf", PDF, content_type="application/pdf")
    submit(client, tudisco, {}, {f"talk-{talk.pk}-material-file": upload})
    material = talk.materials.get()

    [link, _replace, _remove] = (
        get_page(client, page_url(tudisco)).find("ul", class_="materials").find_all("a")
    )
    response = client.get(link.attrs["href"])

    assert link.attrs["href"] == f"{page_url(tudisco)}materials/{material.pk}/Tudisco%20slides.pdf"
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "no-store" in response["Cache-Control"]
    assert client.get(material.get_absolute_url()).status_code == 404  # the public address
    wrong_name = client.get(f"{page_url(tudisco)}materials/{material.pk}/x.exe")
    assert (wrong_name.status_code, wrong_name["Location"]) == (302, link.attrs["href"])
    cohen = Talk.objects.get(slug=COHEN).speakers.get()
    assert (
        client.get(f"{page_url(cohen)}materials/{material.pk}/Tudisco%20slides.pdf").status_code
        == 404
    )


def test_link_given_as_slides_is_refused_with_a_message(client, tudisco):
    talk = Talk.objects.get(slug=TUDISCO)

    response = submit(
        client,
        tudisco,
        talk_fields(talk, title=MATH_TITLE, abstract="")
        | {
            f"talk-{talk.pk}-material-kind": "slides",
            f"talk-{talk.pk}-material-url": "https://youtu.be/x",
        },
    )

    assert response.status_code == 200
    page = parse(response.content)
    assert (
        "A link is a video, a paper or other: choose one of those (slides and posters are "
        "uploaded as PDF)."
    ) in page.text
    assert page.find("input", id=f"id_talk-{talk.pk}-title").attrs["value"] == MATH_TITLE
    assert not talk.materials.exists()


# --- Sending links ------------------------------------------------------------------------------


def test_send_action_emails_each_speaker_their_own_link(
    admin_client, seeded, django_capture_on_commit_callbacks
):
    # In the order the admin lists them: by the name they are sorted by.
    speakers = list(Speaker.objects.filter(talks__slug__in=[TUDISCO, COHEN]).order_by("sort_name"))
    for number, speaker in enumerate(speakers):
        speaker.email = f"speaker{number}@example.org"
        speaker.save(update_fields=["email"])
    no_address = Speaker.objects.get(name="Julia Gusak")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:program_speaker_changelist"),
            {
                "action": "send_link",
                "_selected_action": [speaker.pk for speaker in speakers] + [no_address.pk],
            },
            follow=True,
        )

    assert response.status_code == 200
    sent = {message.to[0]: message for message in mail.outbox}
    assert sorted(sent) == ["speaker0@example.org", "speaker1@example.org"]
    for speaker in speakers:
        speaker.refresh_from_db()
        message = sent[speaker.email]
        assert f"http://127.0.0.1:8000/speaker/{speaker.token}/" in message.body
        assert message.subject == "LoRAINNe'24: your own page for your title, abstract and slides"
        assert message.from_email == "LoRAINNe'24 <noreply@localhost>"
        [delivery] = speaker.deliveries.all()
        assert (delivery.kind, delivery.state, delivery.to) == (
            "speaker_link",
            "sent",
            speaker.email,
        )
        assert message.extra_headers["Message-ID"] == outbox.message_id(delivery)
    other_tokens = {speaker.token for speaker in speakers} - {speakers[0].token}
    assert not any(token in sent[speakers[0].email].body for token in other_tokens)
    shown = [message.message for message in response.context["messages"]]
    assert shown == [
        f"The personal link is on its way to 2 speakers: {speakers[0].name}, {speakers[1].name}.",
        "No email address, so no link sent, for: Julia Gusak. Add their address on their page, "
        "then send again.",
    ]
    assert not no_address.deliveries.exists()


def test_filter_shows_who_has_not_answered(
    admin_client, client, tudisco, django_capture_on_commit_callbacks
):
    cohen = Speaker.objects.get(name="Jérémy Cohen")
    cohen.email = "jeremy.cohen@example.org"
    cohen.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:program_speaker_changelist"),
            {"action": "send_link", "_selected_action": [tudisco.pk, cohen.pk]},
        )
    submit(client, tudisco, {"speaker-affiliation": "GSSI"})
    url = reverse("admin:program_speaker_changelist")

    def listed(link: str) -> set[str]:
        response = admin_client.get(url, {"link": link})
        return {speaker.name for speaker in response.context["cl"].result_list}

    assert listed("waiting") == {"Jérémy Cohen"}
    assert listed("answered") == {"Francesco Tudisco"}
    assert "Julia Gusak" in listed("not_sent")
    assert not listed("not_sent") & {"Jérémy Cohen", "Francesco Tudisco"}


def test_speaker_who_answered_through_a_link_copied_by_hand_is_shown_as_answered(
    admin_client, client, tudisco
):
    """The admin offers the link to copy into an email of one's own: no email of the site's."""
    submit(client, tudisco, {"speaker-affiliation": "GSSI"})

    assert link_state(admin_client, tudisco).startswith("answered ")
    assert listed(admin_client, "answered") == ["Francesco Tudisco"]
    assert "Francesco Tudisco" not in listed(admin_client, "not_sent")


def test_change_page_shows_the_link_to_copy(admin_client, tudisco):
    response = admin_client.get(reverse("admin:program_speaker_change", args=[tudisco.pk]))

    assert f"http://127.0.0.1:8000/speaker/{tudisco.token}/" in response.content.decode()
    assert "token" not in response.context["adminform"].form.fields


def test_a_form_sent_again_unchanged_is_no_answer(client, tudisco):
    assert submit(client, tudisco, {}).status_code == 302
    tudisco.refresh_from_db()
    assert tudisco.answered_at is None

    submit(client, tudisco, {"speaker-affiliation": "GSSI"})
    tudisco.refresh_from_db()
    answered = tudisco.answered_at
    assert answered is not None
    submit(client, tudisco, {})  # the page as saved, sent again
    tudisco.refresh_from_db()
    assert tudisco.answered_at == answered
    assert tudisco.affiliation == "GSSI"


# --- Links that fail or are stuck -----------------------------------------------------------


LOCMEM_MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


class RefusingBackend(locmem.EmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


class WorkerKilledBackend(locmem.EmailBackend):
    """The worker's process dies in the middle of the send (SystemExit, which no `except
    Exception` catches)."""

    def send_messages(self, messages):
        raise SystemExit("worker killed")


def send_link_action(admin_client, *speakers: Speaker):
    return admin_client.post(
        reverse("admin:program_speaker_changelist"),
        {"action": "send_link", "_selected_action": [speaker.pk for speaker in speakers]},
    )


def listed(admin_client, link: str) -> list[str]:
    response = admin_client.get(reverse("admin:program_speaker_changelist"), {"link": link})
    return [speaker.name for speaker in response.context["cl"].result_list]


def link_state(admin_client, speaker: Speaker) -> str:
    """The “personal link” column of the speaker's row in the admin's list."""
    page = parse(admin_client.get(reverse("admin:program_speaker_changelist")).content)
    (row,) = [row for row in page.find_all("tr") if speaker.name in row.text]
    return row.find(class_="field-link_state").text


def test_failed_link_is_shown_with_its_error_and_can_be_sent_again(
    admin_client, tudisco, settings, django_capture_on_commit_callbacks
):
    with socket.socket() as probe:  # a local port nothing listens on: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }

    with django_capture_on_commit_callbacks(execute=True):
        send_link_action(admin_client, tudisco)

    [failed] = tudisco.deliveries.all()
    assert (failed.state, failed.attempts) == ("failed", 1)
    assert "ConnectionRefusedError" in failed.error
    assert link_state(admin_client, tudisco).startswith("failed (1 tries), send again: ")
    assert "ConnectionRefusedError" in link_state(admin_client, tudisco)
    assert listed(admin_client, "failed") == ["Francesco Tudisco"]
    assert "Francesco Tudisco" not in listed(admin_client, "not_sent")

    settings.MAILERS = LOCMEM_MAILERS  # the mail server is back: the organizer sends again
    with django_capture_on_commit_callbacks(execute=True):
        send_link_action(admin_client, tudisco)

    (message,) = mail.outbox
    assert f"/speaker/{tudisco.token}/" in message.body
    # The new email replaced the failed one: no retry of it will send a second link.
    [sent] = tudisco.deliveries.all()
    assert (sent.state, sent.error) == ("sent", "")
    assert link_state(admin_client, tudisco).startswith("sent ")
    assert listed(admin_client, "failed") == []


def test_link_whose_task_never_ran_or_whose_worker_died_is_sent_by_the_sweep(
    admin_client, tudisco, settings, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(dt.datetime(2024, 10, 15, 8, 0, tzinfo=dt.UTC), tick=False)
    settings.MAILERS = LOCMEM_MAILERS
    with django_capture_on_commit_callbacks():  # the process dies before its task is queued
        send_link_action(admin_client, tudisco)

    assert link_state(admin_client, tudisco) == "queued"
    [delivery] = tudisco.deliveries.all()
    assert listed(admin_client, "queued") == ["Francesco Tudisco"]
    schedule.sweep.call()  # queued moments ago: its task may still come
    assert mail.outbox == []

    time_machine.shift(dt.timedelta(seconds=settings.EMAIL_SWEEP_SECONDS + 1))
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.WorkerKilledBackend"}}
    with pytest.raises(SystemExit):
        schedule.sweep.call()  # its worker dies while sending
    settings.MAILERS = LOCMEM_MAILERS
    schedule.sweep.call()  # within the lease: nobody takes it
    assert outbox.send_deliveries.call([delivery.pk]) == 0  # nor the task that comes late
    assert mail.outbox == []
    assert link_state(admin_client, tudisco) == "sending"

    time_machine.shift(dt.timedelta(seconds=settings.EMAIL_LEASE_SECONDS + 1))
    assert (
        link_state(admin_client, tudisco) == "stuck: its worker stopped while sending, send again"
    )
    assert listed(admin_client, "failed") == ["Francesco Tudisco"]
    schedule.sweep.call()  # past the lease: the sweep sends it, once
    schedule.sweep.call()
    assert outbox.send_deliveries.call([delivery.pk]) == 0

    (message,) = mail.outbox
    assert f"/speaker/{tudisco.token}/" in message.body
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.error) == ("sent", 2, "")
    assert message.extra_headers["Message-ID"] == outbox.message_id(delivery)
    assert listed(admin_client, "queued") == []


def test_failed_link_is_retried_by_the_sweep_after_the_delay_like_any_email(
    admin_client, tudisco, settings, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(dt.datetime(2024, 10, 15, 8, 0, tzinfo=dt.UTC), tick=False)
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        send_link_action(admin_client, tudisco)
    [delivery] = tudisco.deliveries.all()
    assert (delivery.state, delivery.attempts) == ("failed", 1)

    settings.MAILERS = LOCMEM_MAILERS  # the mail server is back
    schedule.sweep.call()  # too early for the first retry
    assert mail.outbox == []
    time_machine.shift(dt.timedelta(seconds=settings.EMAIL_RETRY_DELAYS[0] + 1))
    schedule.sweep.call()

    (message,) = mail.outbox
    assert f"/speaker/{tudisco.token}/" in message.body
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)
    assert message.extra_headers["Message-ID"] == outbox.message_id(delivery)


def test_link_email_is_in_the_speakers_language_with_an_html_part(
    admin_client, tudisco, settings, django_capture_on_commit_callbacks
):
    """The organizer's admin is in English; the speaker reads French."""
    tudisco.language = "fr"
    tudisco.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        send_link_action(admin_client, tudisco)

    (message,) = mail.outbox
    assert message.subject == (
        "LoRAINNe'24\u00a0: votre page pour votre titre, votre résumé et vos transparents"
    )
    assert message.body.startswith("Bonjour Francesco Tudisco,\n\nMerci de présenter vos travaux")
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="fr">' in html
    assert f'href="http://127.0.0.1:8000/speaker/{tudisco.token}/"' in html


def test_sending_the_link_again_replaces_an_unsent_one_and_leaves_one_being_sent(
    tudisco, settings, time_machine
):
    time_machine.move_to(dt.datetime(2024, 10, 15, 8, 0, tzinfo=dt.UTC), tick=False)
    settings.MAILERS = LOCMEM_MAILERS
    failed = outbox.queue("speaker_link", tudisco, to=tudisco.email)
    Delivery.objects.filter(pk=failed.pk).update(state="failed", attempts=1)
    services.send_speaker_links([tudisco])
    [replacing] = tudisco.deliveries.all()
    assert replacing.pk != failed.pk  # the failed one would have been retried: a second link

    Delivery.objects.filter(pk=replacing.pk).update(
        state="sending", lease_expires_at=dt.datetime(2024, 10, 15, 8, 5, tzinfo=dt.UTC)
    )
    services.send_speaker_links([tudisco])

    states = list(tudisco.deliveries.order_by("pk").values_list("pk", "state"))
    assert states[0] == (replacing.pk, "sending")  # a worker is sending it: left to finish
    assert [state for _, state in states] == ["sending", "queued"]
