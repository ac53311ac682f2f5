"""The signature image of the certificates of attendance: the rules of its upload, as
program/materials.py has those of slides. A picture is recognised by its content (Pillow reads
it), never by its name or the type the browser claims, and stored under a random name."""

import io
import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
SIGNATURE_MAX_BYTES = 2 * MB
SIGNATURE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
# A signature is a few hundred pixels wide: more is a photograph, or a bomb of pixels.
SIGNATURE_MAX_PIXELS = 4000 * 4000


def check_signature_image(upload) -> None:
    """Refuse, with a message for the organizer, anything but a PNG or JPEG picture within the
    size limit. The size comes first: an oversized file is never read."""
    from PIL import Image

    if upload.size > SIGNATURE_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={"size": math.ceil(upload.size / MB), "limit": SIGNATURE_MAX_BYTES // MB},
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, width, height = image.format, image.width, image.height
            image.verify()
    except Exception:  # Pillow raises many kinds for what is not a picture it can read
        kind, width, height = None, 0, 0
    if kind not in SIGNATURE_FORMATS:
        raise ValidationError(
            _(
                "This file is not a PNG or JPEG picture (whatever its name says): save the "
                "signature as PNG, then upload that."
            ),
            code="not_image",
        )
    if width * height > SIGNATURE_MAX_PIXELS:
        raise ValidationError(
            _("This picture is %(width)s × %(height)s pixels: a signature needs far fewer."),
            code="too_many_pixels",
            params={"width": width, "height": height},
        )


def image_type(data: bytes) -> str | None:
    """The MIME type of a PNG or JPEG picture, by its first bytes."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return SIGNATURE_FORMATS["PNG"]
    if data.startswith(b"\xff\xd8\xff"):
        return SIGNATURE_FORMATS["JPEG"]
    return None
