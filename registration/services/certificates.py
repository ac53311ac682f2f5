"""Certificates of attendance: from the edition's last day (in its time zone), everyone ticked in
at the desk gets one, listing the days they were ticked in (CheckIn rows; an organizer adds
those the desk missed in the admin). A person has one certificate per edition: issuing again
after more days are ticked updates its days and name and keeps its code, which the printed
copies and their QR codes carry."""

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.utils import dateformat, timezone
from django.utils.translation import gettext

from program.models import Workshop

from ..models import Certificate, CheckIn, Registration
from .locks import locked_workshop
from .state import RegistrationError


class NoCertificate(RegistrationError):
    """No certificate can be issued (yet): the edition's last day has not come, the person was
    never ticked in, or their certificate was revoked."""


def certificates_open(workshop: Workshop, *, now: dt.datetime | None = None) -> bool:
    """Whether certificates are issued at `now` (default: the current time): from the edition's
    last day on, in its time zone."""
    return timezone.localdate(now or timezone.now(), workshop.tzinfo) >= workshop.ends_on


def check_certificates_open(workshop: Workshop, *, now: dt.datetime | None = None) -> None:
    if not certificates_open(workshop, now=now):
        raise NoCertificate(
            gettext("Certificates of attendance of %(acronym)s are issued from %(last_day)s.")
            % {
                "acronym": workshop.acronym,
                "last_day": dateformat.format(workshop.ends_on, "l j F Y"),
            }
        )


def ticked_in(workshop: Workshop) -> models.QuerySet:
    """The registrations of `workshop` ticked in at least once: those owed a certificate."""
    return workshop.registrations.filter(
        models.Exists(CheckIn.objects.filter(registration=models.OuterRef("pk")))
    )


def issue_certificates(
    workshop: Workshop,
    *,
    registrations: Iterable[Registration] | None = None,
    now: dt.datetime | None = None,
) -> list[Certificate]:
    """Issue (or bring up to date) the certificate of each of `registrations` (default: every
    registration of `workshop`) ticked in at least once, in the order of their names; those
    never ticked in, and revoked certificates, are left out. Idempotent: one certificate per
    registration, whose code never changes.

    Locks the edition's row (services.locked_workshop; Busy past the bound), so that two
    downloads at once make one certificate. Raises NoCertificate before the edition's last day.
    Sends nothing.
    """
    now = now or timezone.now()
    check_certificates_open(workshop, now=now)
    with locked_workshop(workshop) as locked:
        people = ticked_in(locked)
        if registrations is not None:
            people = people.filter(pk__in=[r.pk for r in registrations])
        people = list(people.order_by("last_name", "first_name", "pk"))
        days: dict[int, list[str]] = {}
        for registration_id, day in (
            CheckIn.objects.filter(registration__in=people)
            .order_by("day")
            .values_list("registration_id", "day")
        ):
            days.setdefault(registration_id, []).append(day.isoformat())
        existing = {
            certificate.registration_id: certificate
            for certificate in Certificate.objects.filter(registration__in=people)
        }
        issued, created, changed = [], [], []
        for registration in people:
            certificate = existing.get(registration.pk)
            if certificate is None:
                certificate = Certificate(workshop=locked, registration=registration, issued_at=now)
                created.append(certificate)
            elif certificate.revoked_at is not None:
                continue
            else:
                changed.append(certificate)
            certificate.name = registration.full_name
            certificate.days = days[registration.pk]
            certificate.language = registration.language
            certificate.workshop = locked
            issued.append(certificate)
        for certificate in created:
            certificate.full_clean(exclude=["registration", "workshop"])
        Certificate.objects.bulk_create(created, batch_size=500)
        Certificate.objects.bulk_update(changed, ["name", "days", "language"], batch_size=500)
    return issued


def issue_certificate(registration: Registration, *, now: dt.datetime | None = None) -> Certificate:
    """The person's certificate, issued or brought up to date (issue_certificates: same lock).
    Raises NoCertificate, saying why, before the edition's last day, for someone never ticked in
    and for a revoked certificate."""
    workshop = registration.workshop
    issued = issue_certificates(workshop, registrations=[registration], now=now)
    if issued:
        return issued[0]
    if Certificate.objects.filter(registration=registration, revoked_at__isnull=False).exists():
        raise NoCertificate(
            gettext(
                "Your certificate of attendance was withdrawn by the organizers. Write to them "
                "at %(contact)s."
            )
            % {"contact": workshop.contact_email}
        )
    raise NoCertificate(not_ticked_in_message(workshop))


def not_ticked_in_message(workshop: Workshop) -> str:
    return gettext(
        "You were not ticked in at the desk of %(acronym)s, so no certificate of attendance can "
        "be issued to you. If you came, write to the organizers at %(contact)s: once they mark "
        "the days you attended, your certificate is here."
    ) % {"acronym": workshop.acronym, "contact": workshop.contact_email}
