"""Slides, posters and links of talks and posters: the one place for the rules of uploads.

A PDF is recognised by its content, never by its name or the type the browser claims; it is
stored under a random name (Material.file's upload_to) and served under a cleaned copy of the
name it came with (`safe_download_name`). The organizers' admin and the speakers' own page both
use `MaterialForm`; replacing a PDF keeps its material, and so its address (`ReplacePDFForm`).
"""

import io
import math
import os
import re
import unicodedata

import pypdf
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.validators import URLValidator
from django.http import FileResponse, Http404
from django.utils.csp import CSP, build_policy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from .models import Material

MB = 1024 * 1024
# A request may carry one PDF at the limit and the rest of its form (at most
# DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB): anything larger is refused before it is read.
REQUEST_MARGIN_BYTES = 5 * MB
# What a PDF starts with, and what ends it (readers look for it in the last kilobyte).
PDF_HEADER = b"%PDF-"
PDF_END = b"%%EOF"
TAIL_BYTES = 1024
DOWNLOAD_NAME_MAX = 100  # characters, ".pdf" included


def max_material_bytes() -> int:
    """The largest PDF, from the setting MATERIAL_MAX_MB (read each time: tests change it)."""
    return settings.MATERIAL_MAX_MB * MB


def max_request_bytes() -> int:
    """The largest request body the site reads: one PDF at the limit and its form."""
    return max_material_bytes() + REQUEST_MARGIN_BYTES


def check_pdf(upload) -> None:
    """Refuse, with a message for the person who chose the file, anything but a PDF within the
    size limit. The size comes first, from `upload.size`: an oversized file is never read."""
    if upload.size > max_material_bytes():
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={"size": math.ceil(upload.size / MB), "limit": settings.MATERIAL_MAX_MB},
        )
    upload.seek(0)
    head = upload.read(len(PDF_HEADER))
    upload.seek(max(0, upload.size - TAIL_BYTES))
    tail = upload.read(TAIL_BYTES)
    upload.seek(0)
    if head != PDF_HEADER:
        raise ValidationError(
            _(
                "This file is not a PDF (whatever its name says): export or print it as PDF, "
                "then upload that."
            ),
            code="not_pdf",
        )
    if PDF_END not in tail:
        raise ValidationError(
            _(
                "This PDF is incomplete (it has no end): it may have been cut short while "
                "copying. Export it again, then upload that."
            ),
            code="truncated_pdf",
        )
    if scripts_in(upload):
        raise ValidationError(
            _(
                "This PDF contains JavaScript or an action that launches a program, which slides "
                "and posters do not need: export or print it as PDF again without them, then "
                "upload that."
            ),
            code="scripted_pdf",
        )


# What lets a PDF do more than show pages: a script (a /JS entry, a /JavaScript action or name
# tree) or a program to launch. /OpenAction alone is no harm: LaTeX's hyperref writes one to
# open the first page at its size; an /OpenAction that runs a script has a /JavaScript action.
SCRIPTING_NAMES = {"/JS", "/JavaScript", "/Launch"}
# The same names in the raw bytes (a name may spell a letter #xx), for a file pypdf cannot read.
RAW_SCRIPTING_NAME = re.compile(rb"/(?:JS|JavaScript|Launch)(?![A-Za-z0-9])")
NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _has_scripting_name(value) -> bool:
    if isinstance(value, DictionaryObject):  # streams too: their dictionary
        return any(
            key in SCRIPTING_NAMES or _has_scripting_name(item) for key, item in value.items()
        )
    if isinstance(value, ArrayObject):
        return any(_has_scripting_name(item) for item in value)
    if isinstance(value, NameObject):
        return value in SCRIPTING_NAMES
    return False  # numbers, strings; references are read as objects of their own


def scripts_in(upload) -> bool:
    """Whether the PDF holds a script or a launch action anywhere. Twice: in the raw bytes (what
    a viewer may find that pypdf does not, in a broken file), and in every object pypdf reads,
    those of compressed object streams included (where the bytes show nothing)."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if RAW_SCRIPTING_NAME.search(NAME_ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), data)):
        return True
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        numbers = {
            (number, generation)
            for generation, objects in reader.xref.items()
            for number in objects
        }
        numbers |= {(number, 0) for number in reader.xref_objStm}
        objects = [reader.trailer] + [
            reader.get_object(IndirectObject(number, generation, reader))
            for number, generation in sorted(numbers)
        ]
    except Exception:  # whatever pypdf cannot read (a broken file, a nesting too deep): the
        return False  # bytes were searched
    return any(_has_scripting_name(value) for value in objects)


def safe_download_name(filename: str, fallback: str) -> str:
    """The name a PDF is served under: the last part of `filename` (no folder, no `..`), in NFC,
    without control or invisible characters (a right-to-left override could fake the
    extension), at most DOWNLOAD_NAME_MAX characters, ending in .pdf; `fallback` when nothing
    is left of it."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = unicodedata.normalize("NFC", name)
    name = " ".join(name.split())  # tabs, new lines, runs of spaces
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    stem = re.sub(r"\.pdf$", "", name, flags=re.IGNORECASE).strip(" .")
    if not stem:
        return fallback
    return stem[: DOWNLOAD_NAME_MAX - len(".pdf")].rstrip(" .") + ".pdf"


def fallback_name(material: Material) -> str:
    """The name of a PDF whose own name says nothing: <talk-slug>-slides.pdf, poster-3-poster.pdf."""
    if material.talk_id:
        owner = material.talk.slug
    elif material.poster_id:
        owner = f"poster-{material.poster.number}"
    else:
        owner = "material"
    return f"{owner}-{material.kind}.pdf"


# What a link may be; a PDF is slides or a poster (MaterialForm.file_kinds).
LINK_KINDS = {Material.Kind.VIDEO, Material.Kind.PAPER, Material.Kind.OTHER}

DOI = re.compile(r"^(?:doi:\s*)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)


class LinkField(forms.URLField):
    """An http(s) address: an arXiv, HAL or video page, or a DOI (doi:10.… and a bare 10.…/…
    become https://doi.org/10.…). Nothing else: javascript:, data:, ftp: are refused."""

    default_error_messages = {
        "invalid": _(
            "Give a web address starting with https:// (or a DOI such as 10.1137/1.9781611977875)."
        )
    }
    default_validators = [URLValidator(schemes=["http", "https"])]

    def to_python(self, value):
        value = (value or "").strip()
        if doi := DOI.match(value):
            value = f"https://doi.org/{doi[1]}"
        return super().to_python(value)


class MaterialForm(forms.ModelForm):
    """One material: a PDF or a link. Give it the material it fills, already attached to its talk
    or poster: `MaterialForm(data, files, instance=Material(talk=talk))`."""

    file = forms.FileField(
        label="PDF",
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    url = LinkField(
        label=_("Link"),
        required=False,
        max_length=Material._meta.get_field("url").max_length,
        help_text=_("A video, or the paper on arXiv, HAL or by its DOI."),
    )

    class Meta:
        model = Material
        fields = ["kind", "file", "url"]
        labels = {"kind": _("Kind")}  # the model field's own name is not translated

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = format_lazy(
            _("Slides or a poster, as PDF; at most {megabytes} MB."),
            megabytes=settings.MATERIAL_MAX_MB,
        )
        if self.instance.file:  # the admin's line of a stored PDF: a file chosen replaces it
            replace = gettext("Choose a PDF to put in place of “%(name)s”, at the same address.")
            self.fields["file"].widget.attrs["title"] = replace % {"name": self.instance}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # not the file already stored
            check_pdf(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        # Neither a file nor a link: the model's constraint says so.
        has_file = bool(cleaned.get("file")) or "file" in self.errors
        has_link = bool(cleaned.get("url")) or "url" in self.errors
        if has_file and has_link:
            raise ValidationError(
                _("Give a PDF or a link, not both: add the other as a material of its own.")
            )
        kind = cleaned.get("kind")
        if kind and cleaned.get("file") and kind not in self.file_kinds():
            if self.instance.poster_id:
                message = _("A PDF of a poster is the poster or slides: choose one of those.")
            else:
                message = _("A PDF of a talk is its slides: choose “Slides”.")
            self.add_error("kind", message)
        elif kind and cleaned.get("url") and kind not in LINK_KINDS:
            self.add_error(
                "kind",
                _(
                    "A link is a video, a paper or other: choose one of those (slides and "
                    "posters are uploaded as PDF)."
                ),
            )
        return cleaned

    def file_kinds(self) -> set[str]:
        """What a PDF may be: a talk's slides; a poster, or its slides (a poster's short talk)."""
        if self.instance.poster_id:
            return {Material.Kind.POSTER, Material.Kind.SLIDES}
        return {Material.Kind.SLIDES}

    def save(self, commit=True):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            # Before the model saves it: the stored file then has its random name.
            self.instance.download_name = safe_download_name(
                upload.name, fallback_name(self.instance)
            )
        elif not upload:
            self.instance.download_name = ""
        return super().save(commit=commit)


class ReplacePDFForm(MaterialForm):
    """A new PDF for a material that has one, checked and named as any (MaterialForm). It stays
    the same material, so its address stays: under the old file's name it redirects to the new
    one (views.MaterialView), and the old file leaves the storage (models.Material)."""

    class Meta(MaterialForm.Meta):
        fields = ["file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["url"]  # declared on MaterialForm: not taken from Meta.fields
        self.fields["file"].label = _("New PDF")

    def clean_file(self):
        upload = super().clean_file()
        if not isinstance(upload, UploadedFile):  # nothing chosen: the stored file comes back
            raise ValidationError(_("Choose the new PDF."), code="required")
        return upload


class ShortNameTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django names the temporary file of a large upload after the upload's extension, before it
    shortens the name: a file name of 300 characters after its dot then fails the whole request
    (OSError, "File name too long"). Short enough here; the form cleans the name afterwards."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        stem, extension = os.path.splitext(file_name)
        if len(extension) > 16:
            stem, extension = file_name, ""
        super().new_file(field_name, stem[:DOWNLOAD_NAME_MAX] + extension, *args, **kwargs)


def pdf_response(material: Material) -> FileResponse:
    """A material's PDF from the storage (the media folder or a bucket, never public by itself),
    shown in the browser under its download name, in a sandbox; 404 when the file is missing."""
    return stored_pdf_response(material.file.name, filename=material.served_name)


def stored_pdf_response(name: str, *, filename: str, as_attachment: bool = False) -> FileResponse:
    """The PDF stored under `name` (checked as one on upload: check_pdf), served as `filename`
    (shown in the browser, or downloaded `as_attachment`) with the headers that keep whatever it
    holds from acting as the site; 404 when the file is missing."""
    try:
        pdf = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("This file is missing.") from None
    response = FileResponse(
        pdf, content_type="application/pdf", as_attachment=as_attachment, filename=filename
    )
    # The content was checked as a PDF on upload; no browser may take it for anything else.
    response["X-Content-Type-Options"] = "nosniff"
    # And whatever script it still holds (the upload refuses those we find: check_pdf) runs, if
    # a viewer runs it at all, in a sandbox: a unique origin, without the site's cookies or pages.
    response.headers[CSP.HEADER_ENFORCE.value] = build_policy(
        settings.SECURE_CSP | {"sandbox": True}
    )
    return response
