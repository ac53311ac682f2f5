"""Slides, posters and links of talks and posters: the one place for the rules of uploads.

A PDF is recognised by its content, never by its name or the type the browser claims; it is
stored under a random name (Material.file's upload_to) and served under a cleaned copy of the
name it came with (`safe_download_name`). The organizers' admin and the speakers' own page both
use `MaterialForm`.
"""

import math
import os
import re
import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.core.validators import URLValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import Material

MB = 1024 * 1024
MATERIAL_MAX_BYTES = settings.MATERIAL_MAX_MB * MB  # setting MATERIAL_MAX_MB, from the environment
# What a PDF starts with, and what ends it (readers look for it in the last kilobyte).
PDF_HEADER = b"%PDF-"
PDF_END = b"%%EOF"
TAIL_BYTES = 1024
DOWNLOAD_NAME_MAX = 100  # characters, ".pdf" included


def check_pdf(upload) -> None:
    """Refuse, with a message for the person who chose the file, anything but a PDF within the
    size limit. The size comes first, from `upload.size`: an oversized file is never read."""
    if upload.size > MATERIAL_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={"size": math.ceil(upload.size / MB), "limit": MATERIAL_MAX_BYTES // MB},
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
        help_text=format_lazy(
            _("Slides or a poster, as PDF; at most {megabytes} MB."),
            megabytes=MATERIAL_MAX_BYTES // MB,
        ),
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
        return cleaned

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


class ShortNameTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django names the temporary file of a large upload after the upload's extension, before it
    shortens the name: a file name of 300 characters after its dot then fails the whole request
    (OSError, "File name too long"). Short enough here; the form cleans the name afterwards."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        stem, extension = os.path.splitext(file_name)
        if len(extension) > 16:
            stem, extension = file_name, ""
        super().new_file(field_name, stem[:DOWNLOAD_NAME_MAX] + extension, *args, **kwargs)
