"""Certificates of attendance as PDF: the issued rows (services/certificates.py) with what
their edition says around them (its organizers, the signature uploaded in the admin), laid out
by documents.certificates_pdf. Reads only."""

from collections.abc import Sequence

from program.models import Organizer

from . import documents
from .images import image_type
from .models import Certificate, CertificateSignature


def _signature(signature: CertificateSignature | None) -> documents.Signature | None:
    """The signature's picture as bytes, or None when there is none or its file is gone (a
    certificate without a signature beats no certificate)."""
    if signature is None or not signature.image:
        return None
    try:
        with signature.image.open("rb") as file:
            data = file.read()
    except OSError:
        return None
    content_type = image_type(data)
    if content_type is None:
        return None
    return documents.Signature(image=data, content_type=content_type, signed_by=signature.signed_by)


def certificate_copies(certificates: Sequence[Certificate]) -> list[documents.CertificateCopy]:
    """What each certificate says. Two queries for any number of certificates and editions, and
    one file read per edition with a signature."""
    workshop_ids = {certificate.workshop_id for certificate in certificates}
    # The names alone: a certificate's corner holds a short list, and a role would need the
    # person's language's version (the home page shows them).
    organizers: dict[int, list[str]] = {}
    for workshop_id, name in Organizer.objects.filter(workshop_id__in=workshop_ids).values_list(
        "workshop_id", "name"
    ):
        organizers.setdefault(workshop_id, []).append(name)
    signatures = {
        signature.workshop_id: _signature(signature)
        for signature in CertificateSignature.objects.filter(workshop_id__in=workshop_ids)
    }
    return [
        documents.CertificateCopy(
            name=certificate.name,
            language=certificate.language,
            edition_name=certificate.workshop.name,
            edition_acronym=certificate.workshop.acronym,
            first_day=certificate.workshop.starts_on,
            last_day=certificate.workshop.ends_on,
            venue=certificate.workshop.venue_name,
            days=certificate.attended_days,
            organizers=organizers.get(certificate.workshop_id, []),
            code=certificate.code,
            verification_url=certificate.verification_url,
            signature=signatures.get(certificate.workshop_id),
        )
        for certificate in certificates
    ]


def certificates_pdf(certificates: Sequence[Certificate]) -> bytes:
    """One PDF, a page per certificate (select_related("workshop") for several)."""
    return documents.certificates_pdf(certificate_copies(certificates))
