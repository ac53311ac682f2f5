"""PDFs that cannot script the site: a PDF with JavaScript or a launch action is refused at
upload, wherever it hides it (a name spelt with #xx escapes, a compressed object stream), and
every PDF is served in a sandbox where no script of it runs in the site's origin."""

import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from program.materials import MaterialForm
from program.models import Material, Talk

from .test_materials import errors, pdf_bytes, pdf_of, saved_material, upload

pytestmark = pytest.mark.django_db

PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
ALERT = b"<< /S /JavaScript /JS (app.alert\\('from the PDF'\\)) >>"
REFUSED = "This PDF contains JavaScript or an action that launches a program"


def classic_pdf(catalog: bytes, *more: bytes) -> bytes:
    """A one-page PDF, object by object, with a cross-reference table: objects 1 (`catalog`),
    2 (pages), 3 (the page), then `more` from 4 on."""
    return pdf_of([catalog, PAGES, PAGE, *more])


def compressed_pdf(catalog: bytes, *more: bytes) -> bytes:
    """The same, but every object inside one Flate-compressed object stream (PDF 1.5), found
    through a cross-reference stream: no name of them shows in the file's bytes."""
    objects = [catalog, PAGES, PAGE, *more]
    header, body = b"", b""
    for number, content in enumerate(objects, start=1):
        header += b"%d %d " % (number, len(body))
        body += content + b"\n"
    packed = zlib.compress(header + body)
    stream_number, xref_number = len(objects) + 1, len(objects) + 2
    out = b"%PDF-1.5\n"
    stream_offset = len(out)
    out += (
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (stream_number, len(objects), len(header), len(packed))
        + packed
        + b"\nendstream\nendobj\n"
    )
    xref_offset = len(out)
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]  # object 0: free
    rows += [
        b"\x02" + stream_number.to_bytes(4) + index.to_bytes(2) for index in range(len(objects))
    ]
    rows += [b"\x01" + stream_offset.to_bytes(4) + b"\x00\x00"]
    rows += [b"\x01" + xref_offset.to_bytes(4) + b"\x00\x00"]
    table = b"".join(rows)
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, len(table))
        + table
        + b"\nendstream\nendobj\n"
    )
    return out + b"startxref\n%d\n%%%%EOF\n" % xref_offset


SCRIPTED = {
    "open-action": classic_pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", ALERT),
    "names-tree": classic_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>",
        b"<< /Names [(hello) 5 0 R] >>",
        ALERT,
    ),
    "escaped-names": classic_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
    ),
    "launch": classic_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (calc.exe) >> >>"
    ),
    "compressed": compressed_pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", ALERT),
}


@pytest.fixture
def talk(seeded) -> Talk:
    return seeded.talks.filter(session__isnull=False).exclude(title="").order_by("title").first()


def test_the_compressed_pdf_hides_its_script_from_a_byte_search():
    pdf = SCRIPTED["compressed"]

    assert b"/JS" not in pdf
    assert b"JavaScript" not in pdf


@pytest.mark.parametrize("content", SCRIPTED.values(), ids=SCRIPTED.keys())
def test_pdf_with_a_script_or_a_launch_action_is_refused_with_a_message(
    admin_client, talk, content
):
    response = upload(
        admin_client, talk, SimpleUploadedFile("slides.pdf", content, "application/pdf")
    )

    assert response.status_code == 200
    [error] = errors(response)
    assert error.startswith(REFUSED)
    assert not Material.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        pdf_bytes(),
        # LaTeX's hyperref opens the first page at its size: an /OpenAction, and no script.
        classic_pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>"),
        compressed_pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>"),
    ],
    ids=["plain", "open-at-fit", "compressed"],
)
def test_pdf_without_scripts_is_taken(talk, content):
    form = MaterialForm(
        {"kind": "slides", "url": ""},
        {"file": SimpleUploadedFile("slides.pdf", content)},
        instance=Material(talk=talk),
    )

    assert form.is_valid(), form.errors


def test_pdf_is_served_in_a_sandbox(client, talk):
    material = saved_material(talk)

    response = client.get(material.get_absolute_url())
    b"".join(response.streaming_content)

    assert response["Content-Security-Policy"].endswith("; sandbox")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "application/pdf"
