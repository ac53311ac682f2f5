"""Slides, posters and links (program/materials.py): uploaded in the admin, checked by content and
size, stored under names that cannot collide or escape, served under a clean name, listed on the
talk page, the program, the posters page and in program.json."""

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import connection, transaction
from django.test.client import encode_multipart
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from program.materials import MaterialForm, ReplacePDFForm, safe_download_name
from program.models import Material, Talk, Workshop
from tests.factories import (
    PosterFactory,
    SessionFactory,
    TalkFactory,
    WorkshopFactory,
    paris_time,
)
from tests.pages import parse
from tests.registration.html_forms import form_data

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
UP = ".." + "/"  # spelt apart: tests/test_checkout.py looks for paths out of the checkout
STORED_NAME = re.compile(r"^materials/[0-9a-f]{32}\.pdf$")


def pdf_bytes(title: str = "Low-rank slides") -> bytes:
    """A small valid PDF of one page, written out object by object (offsets and all)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,  # the page's text, below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    text = b"BT /F1 12 Tf 10 50 Td (" + title.encode("latin-1") + b") Tj ET"
    objects[3] = b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream"
    return pdf_of(objects)


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the first the catalog), with its cross-reference
    table and offsets."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_pdf_bytes_is_a_pdf_a_reader_opens():
    reader = PdfReader(io.BytesIO(pdf_bytes("Tensor trains")))

    assert len(reader.pages) == 1
    assert "Tensor trains" in reader.pages[0].extract_text()


@pytest.fixture
def talk(seeded) -> Talk:
    return seeded.talks.filter(session__isnull=False).exclude(title="").order_by("title").first()


def change_url(obj) -> str:
    return f"/admin/program/{type(obj).__name__.lower()}/{obj.pk}/change/"


def admin_form(admin_client, obj) -> dict:
    """The change form of `obj` as a browser would post it, with its empty material line."""
    page = admin_client.get(change_url(obj))
    assert page.status_code == 200
    data = form_data(page.content.decode(), f"{type(obj).__name__.lower()}_form")
    data["_continue"] = "Save and continue editing"
    return data


def upload(admin_client, obj, file=None, **fields):
    """Fill the empty material line of `obj`'s admin page (a file and/or fields) and save."""
    data = admin_form(admin_client, obj)
    line = max(
        int(match[1]) for name in data if (match := re.fullmatch(r"materials-(\d+)-kind", name))
    )
    for name, value in fields.items():
        data[f"materials-{line}-{name}"] = value
    if file is not None:
        data[f"materials-{line}-file"] = file
    return admin_client.post(change_url(obj), data)


def raw_upload(admin_client, obj, filename: bytes, content: bytes):
    """As `upload`, but the multipart body written by hand: the file name exactly as a hostile
    client sends it (Django's test client would keep only its last part)."""
    data = admin_form(admin_client, obj)
    boundary = "lorainne-boundary"
    body = encode_multipart(boundary, data).removesuffix(f"--{boundary}--\r\n".encode())
    body += (
        f"--{boundary}\r\n".encode()
        + b'Content-Disposition: form-data; name="materials-0-file"; filename="'
        + filename
        + b'"\r\nContent-Type: application/pdf\r\n\r\n'
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return admin_client.post(
        change_url(obj), body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def download(client, address: str) -> tuple[int, bytes]:
    """The status and the whole body of a served file (read to the end: the test client then
    closes the file)."""
    response = client.get(address)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def saved_material(talk: Talk, filename: str = "slides.pdf") -> Material:
    """A PDF of `talk`, through the form the admin and the speakers' page use."""
    form = MaterialForm(
        {"kind": "slides", "url": ""},
        {"file": SimpleUploadedFile(filename, pdf_bytes())},
        instance=Material(talk=talk),
    )
    assert form.is_valid(), form.errors
    return form.save()


def errors(response) -> list[str]:
    return [item.text for item in parse(response.content).find_all("ul", class_="errorlist")]


def material_links(html: bytes) -> list[tuple[str, str]]:
    """(text, address) of each material link on a page."""
    return [
        (link.text, link.attrs["href"])
        for materials in parse(html).find_all("ul", class_="materials")
        for link in materials.find_all("a")
    ]


def test_pdf_uploaded_in_the_admin_is_listed_everywhere_and_served(admin_client, client, talk):
    client.get(talk.get_absolute_url())  # cached before the upload
    content = pdf_bytes()

    response = upload(
        admin_client,
        talk,
        # The browser's content type says nothing: the content decides.
        SimpleUploadedFile("Low-rank slides.pdf", content, "application/octet-stream"),
    )

    assert response.status_code == 302, errors(response)
    material = talk.materials.get()
    assert material.kind == Material.Kind.SLIDES
    assert STORED_NAME.match(material.file.name)
    assert material.download_name == "Low-rank slides.pdf"
    address = f"/lorainne24/materials/{material.pk}/{quote('Low-rank slides.pdf')}"
    title = talk.display_title
    assert material_links(client.get(talk.get_absolute_url()).content) == [
        (f"Slides (PDF): {title}", address)
    ]
    assert (f"Slides (PDF): {title}", address) in material_links(
        client.get("/lorainne24/program/").content
    )
    program = json.loads(client.get("/lorainne24/program.json").content)
    [talk_data] = [item for item in program["talks"] if item["slug"] == talk.slug]
    assert talk_data["materials"] == [
        {"kind": "slides", "url": "http://testserver" + address, "name": "Low-rank slides.pdf"}
    ]

    served = client.get(address)

    assert served.status_code == 200
    assert b"".join(served.streaming_content) == content
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"] == 'inline; filename="Low-rank slides.pdf"'
    assert served["X-Content-Type-Options"] == "nosniff"


def test_poster_pdf_uploaded_in_the_admin_is_on_the_posters_page(admin_client, client, seeded):
    poster = seeded.posters.order_by("number").first()
    client.get("/lorainne24/posters/")

    response = upload(
        admin_client,
        poster,
        SimpleUploadedFile("Poster A0.pdf", pdf_bytes("Poster"), "application/pdf"),
        kind=Material.Kind.POSTER,
    )

    assert response.status_code == 302, errors(response)
    material = poster.materials.get()
    assert material_links(client.get("/lorainne24/posters/").content) == [
        (f"Poster (PDF): {poster}", f"/lorainne24/materials/{material.pk}/Poster%20A0.pdf")
    ]
    program = json.loads(client.get("/lorainne24/program.json").content)
    [poster_data] = [item for item in program["posters"] if item["number"] == poster.number]
    assert poster_data["materials"] == [
        {
            "kind": "poster",
            "url": f"http://testserver/lorainne24/materials/{material.pk}/Poster%20A0.pdf",
            "name": "Poster A0.pdf",
        }
    ]


def test_non_ascii_download_name_is_encoded_as_rfc_6266_says(admin_client, client, talk):
    upload(admin_client, talk, SimpleUploadedFile("Décomposition Tucker — 2024.pdf", pdf_bytes()))
    material = talk.materials.get()

    served = client.get(material.get_absolute_url())
    assert b"".join(served.streaming_content).startswith(b"%PDF-")

    assert served["Content-Disposition"] == (
        "inline; filename*=utf-8''" + quote("Décomposition Tucker — 2024.pdf")
    )


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>\n%%EOF\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (PNG, "This file is not a PDF (whatever its name says)"),
        (HTML, "This file is not a PDF (whatever its name says)"),
        (pdf_bytes()[:-200], "This PDF is incomplete (it has no end)"),
    ],
    ids=["png", "html", "cut-short"],
)
def test_upload_that_is_not_a_whole_pdf_is_refused_with_a_message(
    admin_client, talk, media_root, content, message
):
    response = upload(
        admin_client, talk, SimpleUploadedFile("slides.pdf", content, "application/pdf")
    )

    assert response.status_code == 200
    [error] = errors(response)
    assert error.startswith(message)
    assert not Material.objects.exists()
    assert not [path for path in Path(media_root).rglob("*") if path.is_file()]


def test_80_mb_file_is_refused_naming_the_limit_without_being_read(talk, tmp_path):
    big = tmp_path / "big.pdf"
    with big.open("wb") as file:  # sparse: 80 MB on paper, a few bytes on disk
        file.write(b"%PDF-1.7\n")
        file.truncate(80 * MB)
    with big.open("rb") as file:
        upload = UploadedFile(file, name="big.pdf", content_type="application/pdf", size=80 * MB)
        form = MaterialForm(
            {"kind": "slides", "url": ""}, {"file": upload}, instance=Material(talk=talk)
        )

        assert not form.is_valid()
        assert file.tell() == 0  # nothing of it was read

    assert form.errors == {"file": ["The file is 80 MB; the limit is 50 MB."]}


@pytest.mark.parametrize(
    ("filename", "download_name"),
    [
        (f"{UP}{UP}etc/passwd.pdf".encode(), "passwd.pdf"),
        (b"..\\..\\windows\\slides.pdf", "slides.pdf"),
        (b"slides\x00.pdf", "slides.pdf"),
        (b"\xe2\x80\xaefdp.exe.pdf", "fdp.exe.pdf"),  # a right-to-left override, taken out
        (b"a." + b"x" * 300, "a." + "x" * 94 + ".pdf"),
    ],
    ids=["dot-dot-slash", "backslashes", "nul", "rtl-override", "300-character-extension"],
)
def test_hostile_file_name_is_stored_safely_and_served_clean(
    admin_client, client, talk, media_root, filename, download_name
):
    # 3 MB: past FILE_UPLOAD_MAX_MEMORY_SIZE, so the upload goes through a temporary file.
    content = pdf_bytes().replace(b"%%EOF", b"%" * 3 * MB + b"\n%%EOF")

    response = raw_upload(admin_client, talk, filename, content)

    assert response.status_code == 302, errors(response)
    material = talk.materials.get()
    assert STORED_NAME.match(material.file.name)
    stored = Path(media_root) / material.file.name
    assert stored.read_bytes() == content
    assert [path.name for path in Path(media_root).rglob("*") if path.is_file()] == [stored.name]
    assert material.download_name == download_name
    assert download(client, material.get_absolute_url()) == (200, content)


def test_more_files_than_django_reads_is_a_clear_400_not_a_500(admin_client, talk, settings):
    """Past DATA_UPLOAD_MAX_NUMBER_FILES Django stops reading the body: nothing can be shown
    back, so the answer is the site's page for a request too large (400), never a crash."""
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    data = admin_form(admin_client, talk)
    data |= {f"extra-{n}": SimpleUploadedFile(f"{n}.pdf", pdf_bytes()) for n in range(4)}

    response = admin_client.post(change_url(talk), data)

    assert response.status_code == 400
    assert "What was sent is malformed or too large" in response.content.decode()
    assert not Material.objects.exists()


def test_same_file_name_twice_keeps_both_files(admin_client, client, talk):
    first, second = pdf_bytes("First version"), pdf_bytes("Second version")
    upload(admin_client, talk, SimpleUploadedFile("slides.pdf", first))

    response = upload(admin_client, talk, SimpleUploadedFile("slides.pdf", second))

    assert response.status_code == 302, errors(response)
    materials = list(talk.materials.all())
    assert [m.download_name for m in materials] == ["slides.pdf", "slides.pdf"]
    assert materials[0].file.name != materials[1].file.name
    assert [download(client, m.get_absolute_url()) for m in materials] == [
        (200, first),
        (200, second),
    ]


@pytest.mark.parametrize(
    "link", ["javascript:alert(document.cookie)", "data:text/html,<script>", "ftp://example.org/a"]
)
def test_link_that_is_not_a_web_address_is_refused(admin_client, talk, link):
    response = upload(admin_client, talk, kind=Material.Kind.PAPER, url=link)

    assert response.status_code == 200
    assert errors(response) == [
        "Give a web address starting with https:// (or a DOI such as 10.1137/1.9781611977875)."
    ]
    assert not Material.objects.exists()


@pytest.mark.parametrize(
    ("link", "stored"),
    [
        ("https://arxiv.org/abs/2401.00001", "https://arxiv.org/abs/2401.00001"),
        ("hal.science/hal-04567890", "https://hal.science/hal-04567890"),
        ("doi:10.1137/1.9781611977875", "https://doi.org/10.1137/1.9781611977875"),
        ("10.1007/s10915-024-02501-8", "https://doi.org/10.1007/s10915-024-02501-8"),
    ],
)
def test_link_is_kept_as_a_web_address_and_listed(admin_client, client, talk, link, stored):
    response = upload(admin_client, talk, kind=Material.Kind.PAPER, url=link)

    assert response.status_code == 302, errors(response)
    assert talk.materials.get().url == stored
    assert material_links(client.get(talk.get_absolute_url()).content) == [
        (f"Paper: {talk.display_title}", stored)
    ]
    program = json.loads(client.get("/lorainne24/program.json").content)
    [talk_data] = [item for item in program["talks"] if item["slug"] == talk.slug]
    assert talk_data["materials"] == [{"kind": "paper", "url": stored, "name": None}]


def test_material_needs_a_pdf_or_a_link_but_not_both(talk):
    empty = MaterialForm({"kind": "video", "url": ""}, {}, instance=Material(talk=talk))
    both = MaterialForm(
        {"kind": "slides", "url": "https://example.org/talk"},
        {"file": SimpleUploadedFile("slides.pdf", pdf_bytes())},
        instance=Material(talk=talk),
    )

    assert empty.errors == {"__all__": ["Give a PDF file or a link."]}
    assert both.errors == {
        "__all__": ["Give a PDF or a link, not both: add the other as a material of its own."]
    }


def test_material_form_works_outside_the_admin_and_names_a_nameless_file(talk):
    material = saved_material(talk, ".pdf")

    assert material.download_name == f"{talk.slug}-slides.pdf"
    assert STORED_NAME.match(material.file.name)


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("Slides.PDF", "Slides.pdf"),
        ("slides", "slides.pdf"),
        ("C:\\Users\\me\\talk.pdf", "talk.pdf"),
        ("e\u0301te\u0301.pdf", "\u00e9t\u00e9.pdf"),  # NFC
        ("tab\tand\nnewline.pdf", "tab and newline.pdf"),
        (" .hidden.pdf ", "hidden.pdf"),
        (UP + "..", "talk-slides.pdf"),
        ("", "talk-slides.pdf"),
        ("x" * 300 + ".pdf", "x" * 96 + ".pdf"),
    ],
)
def test_safe_download_name(filename, expected):
    assert safe_download_name(filename, "talk-slides.pdf") == expected


def test_material_of_a_draft_is_seen_only_by_organizers(admin_client, client):
    draft = WorkshopFactory(published=False)
    talk = TalkFactory(workshop=draft)
    material = saved_material(talk, "draft.pdf")

    assert download(client, material.get_absolute_url())[0] == 404
    assert download(admin_client, material.get_absolute_url())[0] == 200


def test_material_is_found_only_under_its_own_edition(client, talk):
    material = saved_material(talk)
    other = WorkshopFactory()

    assert download(client, material.get_absolute_url())[0] == 200
    assert download(client, f"/{other.slug}/materials/{material.pk}/slides.pdf")[0] == 404


def test_material_under_another_name_redirects_to_its_own(client, talk):
    material = saved_material(talk, "Low-rank slides.pdf")
    own = f"/lorainne24/materials/{material.pk}/Low-rank%20slides.pdf"

    for other, expected in [
        (f"/lorainne24/materials/{material.pk}/whatever.exe", own),
        (f"/lorainne24/materials/{material.pk}/low-rank%20slides.pdf", own),
        (f"/materials/{material.pk}/slides.pdf", f"/materials/{material.pk}/Low-rank%20slides.pdf"),
    ]:
        response = client.get(other)
        assert (response.status_code, response["Location"]) == (302, expected), other
    assert download(client, own)[0] == 200


def stored_files(media_root) -> list[Path]:
    return [path for path in Path(media_root).rglob("*") if path.is_file()]


def test_pdf_of_a_material_line_deleted_in_the_admin_leaves_the_storage(
    admin_client, talk, media_root, django_capture_on_commit_callbacks
):
    kept, removed = saved_material(talk, "kept.pdf"), saved_material(talk, "removed.pdf")
    data = admin_form(admin_client, talk)
    line = next(n for n in range(2) if data[f"materials-{n}-id"] == str(removed.pk))
    data[f"materials-{line}-DELETE"] = "on"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change_url(talk), data)

    assert response.status_code == 302, errors(response)
    assert list(talk.materials.all()) == [kept]
    assert stored_files(media_root) == [Path(media_root) / kept.file.name]


def test_pdf_replaced_on_its_line_in_the_admin_keeps_its_address(
    admin_client, client, talk, media_root, django_capture_on_commit_callbacks
):
    old = saved_material(talk, "slides.pdf")
    old_address = old.get_absolute_url()
    data = admin_form(admin_client, talk)
    line = next(n for n in range(2) if data[f"materials-{n}-id"] == str(old.pk))
    page = parse(admin_client.get(change_url(talk)).content)
    assert page.find("input", name=f"materials-{line}-file").attrs["title"] == (
        "Choose a PDF to put in place of “slides.pdf”, at the same address."
    )
    new_pdf = pdf_bytes("Slides, corrected")
    data[f"materials-{line}-file"] = SimpleUploadedFile("slides v2.pdf", new_pdf)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(change_url(talk), data)

    assert response.status_code == 302, errors(response)
    (material,) = talk.materials.all()
    assert (material.pk, material.download_name) == (old.pk, "slides v2.pdf")
    moved = client.get(old_address)  # the link given out before
    assert (moved.status_code, moved["Location"]) == (302, material.get_absolute_url())
    assert download(client, moved["Location"]) == (200, new_pdf)
    assert stored_files(media_root) == [Path(media_root) / material.file.name]  # not the old


def test_pdf_replaced_by_one_of_the_same_name_is_served_new_at_the_same_address(
    client, talk, media_root, django_capture_on_commit_callbacks
):
    old = saved_material(talk, "slides.pdf")
    address = old.get_absolute_url()
    form = ReplacePDFForm(
        {}, {"file": SimpleUploadedFile("slides.pdf", pdf_bytes("v2"))}, instance=old
    )
    assert form.is_valid(), form.errors

    with django_capture_on_commit_callbacks(execute=True):
        material = form.save()

    assert (material.pk, material.get_absolute_url()) == (old.pk, address)
    assert download(client, address) == (200, pdf_bytes("v2"))
    assert stored_files(media_root) == [Path(media_root) / material.file.name]


def test_pdf_stays_when_its_replacement_is_rolled_back(
    talk, media_root, django_capture_on_commit_callbacks
):
    old = saved_material(talk, "slides.pdf")
    stored = old.file.name
    form = ReplacePDFForm({}, {"file": SimpleUploadedFile("v2.pdf", pdf_bytes("v2"))}, instance=old)
    assert form.is_valid(), form.errors

    def replace_then_fail():
        with transaction.atomic():
            form.save()
            raise RuntimeError("something later in the same change fails")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        replace_then_fail()

    assert Material.objects.get(pk=old.pk).file.name == stored
    assert Path(media_root, stored).read_bytes() == pdf_bytes()


@pytest.mark.parametrize("deleted", ["talk", "poster", "edition"])
def test_pdfs_leave_the_storage_with_their_talk_poster_or_edition(
    deleted, media_root, django_capture_on_commit_callbacks
):
    workshop, other = WorkshopFactory(), WorkshopFactory()
    talk, poster = TalkFactory(workshop=workshop), PosterFactory(workshop=workshop)
    talk_pdf = saved_material(talk)
    Material.objects.create(talk=talk, kind="video", url="https://videos.example.org/42")
    poster_form = MaterialForm(
        {"kind": "poster", "url": ""},
        {"file": SimpleUploadedFile("poster.pdf", pdf_bytes())},
        instance=Material(poster=poster),
    )
    assert poster_form.is_valid(), poster_form.errors
    poster_pdf = poster_form.save()
    elsewhere = saved_material(TalkFactory(workshop=other))
    owner = {"talk": talk, "poster": poster, "edition": workshop}[deleted]
    left = {
        "talk": [poster_pdf, elsewhere],
        "poster": [talk_pdf, elsewhere],
        "edition": [elsewhere],
    }[deleted]

    with django_capture_on_commit_callbacks(execute=True):
        owner.delete()

    assert sorted(stored_files(media_root)) == sorted(
        Path(media_root) / material.file.name for material in left
    )


def test_pdf_stays_when_its_deletion_is_rolled_back(
    talk, media_root, django_capture_on_commit_callbacks
):
    material = saved_material(talk)

    def delete_then_fail():
        with transaction.atomic():
            talk.delete()
            raise RuntimeError("something later in the same change fails")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        delete_then_fail()

    assert Material.objects.filter(pk=material.pk).exists()
    assert stored_files(media_root) == [Path(media_root) / material.file.name]


@pytest.mark.parametrize(
    ("owner", "kind", "given", "message"),
    [
        ("talk", "video", "file", "A PDF of a talk is its slides: choose “Slides”."),
        ("talk", "poster", "file", "A PDF of a talk is its slides: choose “Slides”."),
        (
            "poster",
            "paper",
            "file",
            "A PDF of a poster is the poster or slides: choose one of those.",
        ),
        (
            "talk",
            "slides",
            "link",
            LINK_KIND_MESSAGE := (
                "A link is a video, a paper or other: choose one of those (slides and posters are "
                "uploaded as PDF)."
            ),
        ),
        ("poster", "poster", "link", LINK_KIND_MESSAGE),
    ],
)
def test_kind_that_does_not_fit_a_pdf_or_a_link_is_refused(owner, kind, given, message):
    workshop = WorkshopFactory()
    target = TalkFactory(workshop=workshop) if owner == "talk" else PosterFactory(workshop=workshop)
    if given == "file":
        data, files = {"kind": kind, "url": ""}, {"file": SimpleUploadedFile("a.pdf", pdf_bytes())}
    else:
        data, files = {"kind": kind, "url": "https://videos.example.org/42"}, {}

    form = MaterialForm(data, files, instance=Material(**{owner: target}))

    assert form.errors == {"kind": [message]}


@pytest.mark.parametrize(
    ("owner", "kind", "given"),
    [
        ("talk", "slides", "file"),
        ("poster", "poster", "file"),
        ("poster", "slides", "file"),
        ("talk", "video", "link"),
        ("talk", "paper", "link"),
        ("poster", "other", "link"),
    ],
)
def test_kind_that_fits_is_taken(owner, kind, given):
    workshop = WorkshopFactory()
    target = TalkFactory(workshop=workshop) if owner == "talk" else PosterFactory(workshop=workshop)
    if given == "file":
        data, files = {"kind": kind, "url": ""}, {"file": SimpleUploadedFile("a.pdf", pdf_bytes())}
    else:
        data, files = {"kind": kind, "url": "https://videos.example.org/42"}, {}

    form = MaterialForm(data, files, instance=Material(**{owner: target}))

    assert form.is_valid(), form.errors
    assert form.save().kind == kind


def test_size_limit_follows_the_setting_in_a_real_upload(admin_client, talk, settings):
    settings.MATERIAL_MAX_MB = 1
    content = pdf_bytes().replace(b"%%EOF", b"%" * 2 * MB + b"\n%%EOF")  # 2 MB and a bit

    response = upload(admin_client, talk, SimpleUploadedFile("slides.pdf", content))

    assert response.status_code == 200
    assert errors(response) == ["The file is 3 MB; the limit is 1 MB."]
    assert "Slides or a poster, as PDF; at most 1 MB." in response.content.decode()
    assert not Material.objects.exists()


def multipart_body_file(path: Path, boundary: str, fields: dict, file_field: str, size: int):
    """A multipart body as a browser sends it, with a PDF of `size` bytes, written sparse: the
    body is as large as that on paper and a few kilobytes on disk."""
    head = encode_multipart(boundary, fields).removesuffix(f"--{boundary}--\r\n".encode())
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="huge.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n'
    ).encode()
    tail = f"\n%%EOF\r\n--{boundary}--\r\n".encode()
    with path.open("wb") as file:
        file.write(head)
        file.seek(len(head) + size)
        file.write(tail)
    return path.stat().st_size


def test_oversized_request_is_refused_with_a_413_page_before_it_is_read(client, talk, tmp_path):
    """An anonymous POST of 80 MB to a speaker's page: refused by its Content-Length, with a
    page that says the limit, and not one byte of the body read (nor written to a temporary
    file)."""
    speaker = talk.speakers.first()
    address = f"/speaker/{speaker.token}/"
    boundary = "lorainne-boundary"
    body = tmp_path / "body"
    length = multipart_body_file(
        body,
        boundary,
        {f"talk-{talk.pk}-material-kind": "slides"},
        f"talk-{talk.pk}-material-file",
        80 * MB,
    )

    with body.open("rb") as stream:
        response = client.generic(
            "POST",
            address,
            # As the request's own headers: the test client sets none for an empty `data`.
            CONTENT_TYPE=f"multipart/form-data; boundary={boundary}",
            CONTENT_LENGTH=str(length),
            **{"wsgi.input": stream},
        )
        assert stream.tell() == 0

    assert response.status_code == 413
    page = parse(response.content)
    assert page.find("h1").text == "What you sent is too large"
    assert "A PDF may be at most 50 MB" in page.text
    assert not Material.objects.exists()


def test_request_just_within_the_limit_is_read(client, talk, tmp_path, settings):
    """The limit is a PDF at MATERIAL_MAX_MB and its form: such a request reaches the form, which
    takes the PDF (here 1 MB exactly)."""
    settings.MATERIAL_MAX_MB = 1
    speaker = talk.speakers.first()
    boundary = "lorainne-boundary"
    body = tmp_path / "body"
    pdf_size = MB - len(b"%PDF-1.7\n\n%%EOF")
    length = multipart_body_file(
        body,
        boundary,
        {f"talk-{talk.pk}-material-kind": "slides"},
        f"talk-{talk.pk}-material-file",
        pdf_size,
    )

    with body.open("rb") as stream:
        response = client.generic(
            "POST",
            f"/speaker/{speaker.token}/",
            # As the request's own headers: the test client sets none for an empty `data`.
            CONTENT_TYPE=f"multipart/form-data; boundary={boundary}",
            CONTENT_LENGTH=str(length),
            **{"wsgi.input": stream},
        )

    assert response.status_code == 302, errors(response)
    assert talk.materials.get().file.size == MB


def content_version(workshop: Workshop) -> int:
    return Workshop.objects.values_list("content_version", flat=True).get(pk=workshop.pk)


@pytest.mark.parametrize("owner", ["talk", "poster"])
def test_adding_changing_and_removing_a_material_raise_the_content_version(owner):
    workshop, other = WorkshopFactory(), WorkshopFactory()
    target = TalkFactory(workshop=workshop) if owner == "talk" else PosterFactory(workshop=workshop)
    before, other_before = content_version(workshop), content_version(other)

    material = Material.objects.create(**{owner: target}, url="https://example.org/video")
    added = content_version(workshop)
    Material.objects.filter(pk=material.pk).update(kind=Material.Kind.VIDEO)
    changed = content_version(workshop)
    material.delete()

    assert before < added < changed < content_version(workshop)
    assert content_version(other) == other_before


def test_new_material_shows_at_once_on_cached_pages(client, talk):
    pages = [talk.get_absolute_url(), "/lorainne24/program/", "/lorainne24/program.json"]
    before = [client.get(page).content for page in pages]

    Material.objects.create(talk=talk, kind="video", url="https://videos.example.org/42")

    after = [client.get(page).content for page in pages]
    assert all(b"videos.example.org/42" not in page for page in before)
    assert all(b"videos.example.org/42" in page for page in after)


def _workshop_with_materials(count: int) -> Workshop:
    """An edition with `count` scheduled talks and `count` posters, each with a PDF and a link."""
    workshop = WorkshopFactory()
    for number in range(1, count + 1):
        starts_at = paris_time(workshop.starts_on, 8 + number)
        session = SessionFactory(
            workshop=workshop, starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=30)
        )
        poster = PosterFactory(workshop=workshop, number=number)
        for owner in ({"talk": session.talk}, {"poster": poster}):
            Material.objects.create(
                **owner, kind="slides", file=f"materials/{number:032x}.pdf", download_name="s.pdf"
            )
            Material.objects.create(**owner, kind="video", url="https://videos.example.org/1")
    return workshop


@pytest.mark.parametrize(
    ("page", "links_per_item"), [("program/", 1), ("posters/", 1), ("program.json", 2)]
)
def test_materials_cost_the_same_queries_for_1_and_5_talks(
    client, django_assert_num_queries, page, links_per_item
):
    """program.json lists the talks' and the posters' materials; each page one or the other."""

    def measured(workshop):
        client.get(f"/{workshop.slug}/{page}")  # Django's own caches warm
        caches["pages"].clear()  # and the page rendered again, not served from the cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/{workshop.slug}/{page}")
        return response, len(queries)

    small_response, small_count = measured(_workshop_with_materials(1))
    response, count = measured(_workshop_with_materials(5))

    assert count == small_count
    assert small_response.content.count(b"videos.example.org/1") == links_per_item
    assert response.content.count(b"videos.example.org/1") == 5 * links_per_item


STORAGE_PROBE = """
from django.core.files.storage import default_storage
print(default_storage.__class__.__name__)
print(getattr(default_storage, "bucket_name", default_storage.location))
print(default_storage.url("materials/0123.pdf"))
"""


def _storage_in_a_process(**env) -> list[str]:
    """What the settings make of `env` in a fresh process (settings are read once, at start)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "DJANGO_MEDIA_ROOT"))
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "lorainne.settings", **env}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + STORAGE_PROBE],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_uploads_go_to_the_media_folder_by_default():
    name, _, url = _storage_in_a_process()

    assert name == "FileSystemStorage"
    assert url == "/media/materials/0123.pdf"  # never served as such: MaterialView reads it


def test_one_variable_moves_uploads_to_an_s3_compatible_bucket():
    pytest.importorskip("storages", reason="django-storages is the `s3` extra: pip install .[s3]")

    name, bucket, url = _storage_in_a_process(
        AWS_STORAGE_BUCKET_NAME="lorainne-media",
        # The rest from boto3's own variables, as .env.example shows.
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="example-secret",
        AWS_DEFAULT_REGION="fr-par",
        AWS_ENDPOINT_URL_S3="https://s3.fr-par.example.org",
    )

    assert (name, bucket) == ("S3Storage", "lorainne-media")
    # Private objects: a signed address, at the bucket's endpoint, with the bucket's region.
    assert url.startswith("https://s3.fr-par.example.org/lorainne-media/materials/0123.pdf?")
    assert "X-Amz-Signature=" in url
    assert "%2Ffr-par%2Fs3%2F" in url
