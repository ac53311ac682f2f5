"""Certificates of attendance: who gets one and when, what it lists (read back from the PDF),
the verification page and what it leaves out, the bulk PDF and emails, the purge."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from registration import desk, services
from registration.models import Certificate, CertificateSignature, CheckIn, Registration

from .conftest import PARIS
from .test_documents import pdf_requirements, renders_pdf  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db, renders_pdf]

FIRST_DAY, LAST_DAY = dt.date(2024, 11, 26), dt.date(2024, 11, 27)
ON_FIRST_DAY = dt.datetime(2024, 11, 26, 9, 0, tzinfo=PARIS)
ON_LAST_DAY = dt.datetime(2024, 11, 27, 9, 0, tzinfo=PARIS)


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _download(client, registration) -> bytes:
    response = client.get(f"/registration/{registration.token}/certificate/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


@pytest.fixture
def ticked_on_first_day(andre, clock):
    """André, registered for both days, ticked in at the desk on the first day only; the clock on
    the morning of the last day."""
    clock.move_to(ON_FIRST_DAY)
    desk.check_in(andre, day=FIRST_DAY)
    clock.move_to(ON_LAST_DAY)
    return andre


def test_certificate_lists_only_the_days_the_person_was_ticked_in(client, ticked_on_first_day):
    [text] = _pages(_download(client, ticked_on_first_day))

    assert "Certificate of attendance" in text
    assert "André Lefèvre" in text
    assert "Day attended: Tuesday 26 November 2024" in text
    assert "Wednesday" not in text
    assert "(LoRAINNe'24)" in text
    assert "26–27 November 2024" in text
    certificate = Certificate.objects.get(registration=ticked_on_first_day)
    assert f"http://127.0.0.1:8000/certificate/{certificate.code}/" in text
    assert certificate.attended_days == [FIRST_DAY]


def test_certificate_shows_the_organizers_and_the_signature(
    client, ticked_on_first_day, open_workshop
):
    open_workshop.organizers.create(name="Konstantin Usevich", position=1)
    open_workshop.organizers.create(name="Marianne Clausel", position=2)
    picture = io.BytesIO()
    Image.new("RGB", (300, 100), "white").save(picture, "PNG")
    CertificateSignature.objects.create(
        workshop=open_workshop,
        image=SimpleUploadedFile("signature.png", picture.getvalue()),
        signed_by="Marianne Clausel, for the organizers",
    )

    pdf = _download(client, ticked_on_first_day)

    [text] = _pages(pdf)
    assert "Konstantin Usevich, Marianne Clausel" in text
    assert "Marianne Clausel, for the organizers" in text
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert [image.image.size for image in page.images] == [(300, 100)]


def test_certificate_in_french_for_someone_who_registered_in_french(client, ticked_on_first_day):
    Registration.objects.filter(pk=ticked_on_first_day.pk).update(language="fr")

    [text] = _pages(_download(client, ticked_on_first_day))

    assert "Attestation de présence" in text
    assert "Jour de présence : mardi 26 novembre 2024" in text
    assert "26–27 novembre 2024" in text
    assert "Certificate" not in text


def test_certificate_issued_again_after_a_day_added_keeps_its_code(client, ticked_on_first_day):
    _download(client, ticked_on_first_day)
    code = Certificate.objects.get().code
    CheckIn.objects.create(registration=ticked_on_first_day, day=LAST_DAY)

    [text] = _pages(_download(client, ticked_on_first_day))

    assert "Days attended: Tuesday 26 November 2024, Wednesday 27 November 2024" in text
    assert Certificate.objects.get().code == code
    assert Certificate.objects.count() == 1


def test_personal_page_before_the_last_day_offers_no_certificate(client, andre, clock):
    clock.move_to(ON_FIRST_DAY)
    desk.check_in(andre, day=FIRST_DAY)

    page = client.get(andre.get_absolute_url()).content.decode()
    response = client.get(f"/registration/{andre.token}/certificate/", follow=True)

    assert "Certificate of attendance" not in page
    assert "certificate/" not in page
    assert (
        "Certificates of attendance of LoRAINNe&#x27;24 are issued from Wednesday 27 November 2024."
        in (response.content.decode())
    )
    assert not Certificate.objects.exists()


def test_personal_page_on_the_last_day_offers_the_download(client, ticked_on_first_day):
    page = client.get(ticked_on_first_day.get_absolute_url()).content.decode()

    assert "Download my certificate of attendance (PDF)" in page
    assert f"/registration/{ticked_on_first_day.token}/certificate/" in page


def test_someone_never_ticked_in_gets_none_and_the_page_says_why(client, andre, clock):
    clock.move_to(ON_LAST_DAY + dt.timedelta(days=3))

    page = client.get(andre.get_absolute_url()).content.decode()
    response = client.get(f"/registration/{andre.token}/certificate/")

    assert "You were not ticked in at the desk of LoRAINNe&#x27;24" in page
    assert "Download my certificate" not in page
    assert response.status_code == 302
    assert not Certificate.objects.exists()


def test_organizer_marks_a_day_in_the_admin_then_the_certificate_lists_it(
    client, admin_client, andre, clock
):
    clock.move_to(ON_LAST_DAY + dt.timedelta(days=3))
    url = f"/admin/registration/registration/{andre.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {
        "first_name": andre.first_name,
        "last_name": andre.last_name,
        "email": andre.email,
        "affiliation": andre.affiliation,
        "position": andre.position,
        "days": [day.isoformat() for day in andre.days],
        "dietary_requirements": andre.dietary_requirements,
        "check_ins-TOTAL_FORMS": "1",
        "check_ins-INITIAL_FORMS": "0",
        "check_ins-0-day": LAST_DAY.isoformat(),
    }
    assert "days" in form.fields

    response = admin_client.post(url, data)

    assert response.status_code == 302
    check_in = CheckIn.objects.get(registration=andre)
    assert check_in.day == LAST_DAY
    assert check_in.checked_in_by.username == "admin"
    [text] = _pages(_download(client, andre))
    assert "Day attended: Wednesday 27 November 2024" in text


def test_admin_refuses_a_day_outside_the_edition(admin_client, andre, clock):
    clock.move_to(ON_LAST_DAY + dt.timedelta(days=3))
    data = {
        "first_name": andre.first_name,
        "last_name": andre.last_name,
        "email": andre.email,
        "affiliation": andre.affiliation,
        "position": andre.position,
        "days": [day.isoformat() for day in andre.days],
        "check_ins-TOTAL_FORMS": "1",
        "check_ins-INITIAL_FORMS": "0",
        "check_ins-0-day": "2024-11-30",
    }

    response = admin_client.post(f"/admin/registration/registration/{andre.pk}/change/", data)

    assert response.status_code == 200
    assert "Select a valid choice. 2024-11-30 is not one of the available choices." in (
        response.content.decode()
    )
    assert not CheckIn.objects.exists()


# The verification page.


def test_verification_page_shows_name_edition_and_days_and_nothing_more(
    client, ticked_on_first_day
):
    certificate = services.issue_certificate(ticked_on_first_day)

    response = client.get(f"/certificate/{certificate.code}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f"The certificate {certificate.code} is valid." in html
    assert "André Lefèvre" in html
    assert "LoRAINNe&#x27;24" in html
    assert "Tuesday 26 November 2024" in html
    assert "Wednesday 27 November" not in html
    for private in ("andre@example.org", "andre", "Université de Lorraine", "LORIA", "Vegetarian"):
        assert private not in html.replace("André", "")
    assert ticked_on_first_day.token not in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex">' in html


def test_verification_of_a_code_typed_in_lower_case(client, ticked_on_first_day):
    certificate = services.issue_certificate(ticked_on_first_day)

    response = client.get(f"/certificate/{certificate.code.lower()}/")

    assert response.status_code == 200
    assert "André Lefèvre" in response.content.decode()


@pytest.mark.parametrize("code", ["ABCDEFGHJK", "0" * 500, "%C3%A9t%C3%A9", "%3Cb%3Ex"])
def test_verification_of_an_unknown_code_shows_nothing(client, ticked_on_first_day, code):
    services.issue_certificate(ticked_on_first_day)

    response = client.get(f"/certificate/{code}/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "No certificate of attendance has the code" in html
    assert "André" not in html
    assert "<b>x" not in html


def test_verification_of_a_revoked_certificate_says_so(client, admin_client, ticked_on_first_day):
    certificate = services.issue_certificate(ticked_on_first_day)
    admin_client.post(
        "/admin/registration/certificate/",
        {"action": "revoke", "_selected_action": [certificate.pk]},
    )

    response = client.get(f"/certificate/{certificate.code}/")
    page = client.get(ticked_on_first_day.get_absolute_url()).content.decode()
    download = client.get(f"/registration/{ticked_on_first_day.token}/certificate/")

    assert response.status_code == 410
    assert f"The certificate {certificate.code} was revoked by the organizers." in (
        response.content.decode()
    )
    assert "André" not in response.content.decode()
    assert "Your certificate of attendance was withdrawn by the organizers." in page
    assert download.status_code == 302


def test_verification_lookups_are_limited_per_client_address(client, settings, ticked_on_first_day):
    settings.REGISTRATION_RATE_LIMIT = 3
    certificate = services.issue_certificate(ticked_on_first_day)
    for guess in ("AAAAAAAAAA", "BBBBBBBBBB", "CCCCCCCCCC"):
        assert client.get(f"/certificate/{guess}/").status_code == 404

    response = client.get(f"/certificate/{certificate.code}/")
    other = client.get(f"/certificate/{certificate.code}/", REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many certificates looked up from your network in the last hour." in html
    assert "André" not in html
    assert other.status_code == 200


def test_certificates_survive_the_purge_of_registrations(client, ticked_on_first_day):
    certificate = services.issue_certificate(ticked_on_first_day)

    deleted = services.purge_personal_data(ended_before=ON_LAST_DAY + dt.timedelta(days=400))

    assert deleted == 1
    assert not Registration.objects.exists()
    certificate.refresh_from_db()
    assert certificate.registration is None
    assert (certificate.name, certificate.days) == ("André Lefèvre", ["2024-11-26"])
    response = client.get(f"/certificate/{certificate.code}/")
    assert response.status_code == 200
    assert "André Lefèvre" in response.content.decode()


# In bulk, from the admin.


@pytest.fixture
def three_ticked_in(open_workshop, sign_up, clock):
    """Three people ticked in at the desk (Person 1 and 3 on the first day, Person 2 on both), a
    fourth never; the clock after the workshop."""
    people = [sign_up(open_workshop) for _ in range(3)]
    Registration.objects.filter(pk=people[2].pk).update(language="fr")
    Registration.objects.filter(pk__in=[p.pk for p in people]).update(
        status=Registration.Status.CONFIRMED
    )
    absent = sign_up(open_workshop, first_name="Absent")
    clock.move_to(ON_FIRST_DAY)
    for person in people:
        desk.check_in(person, day=FIRST_DAY)
    clock.move_to(ON_LAST_DAY)
    desk.check_in(people[1], day=LAST_DAY)
    clock.move_to(ON_LAST_DAY + dt.timedelta(days=2))
    return [*people, absent]


def test_bulk_pdf_has_one_page_per_person_ticked_in(admin_client, three_ticked_in):
    response = admin_client.post(
        "/admin/registration/registration/",
        {
            "action": "certificates_pdf",
            "_selected_action": [person.pk for person in three_ticked_in],
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages = _pages(response.content)
    assert len(pages) == 3
    assert ["Person 1 Test" in pages[0], "Person 2 Test" in pages[1]] == [True, True]
    assert "Days attended: Tuesday 26 November 2024, Wednesday 27 November 2024" in pages[1]
    assert "Attestation de présence" in pages[2]
    assert not any("Absent" in page for page in pages)


def test_bulk_email_sends_each_person_one_certificate_even_when_sent_twice(
    admin_client, three_ticked_in, django_capture_on_commit_callbacks
):
    data = {
        "action": "email_certificates",
        "_selected_action": [person.pk for person in three_ticked_in],
    }
    mail.outbox.clear()

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post("/admin/registration/registration/", data)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "person-1@example.org",
        "person-2@example.org",
        "person-3@example.org",
    ]
    english, _, french = sorted(mail.outbox, key=lambda message: message.to[0])
    assert english.subject == "LoRAINNe'24: your certificate of attendance"
    assert french.subject == "LoRAINNe'24\u00a0: votre attestation de présence"
    [(filename, pdf, content_type)] = english.attachments
    assert content_type == "application/pdf"
    assert filename.startswith("lorainne24-certificate-")
    [text] = _pages(pdf)
    assert "Person 1 Test" in text
    certificate = Certificate.objects.get(registration=three_ticked_in[0])
    assert certificate.verification_url in english.body


def test_bulk_actions_before_the_last_day_issue_nothing(admin_client, andre, clock):
    clock.move_to(ON_FIRST_DAY)
    desk.check_in(andre, day=FIRST_DAY)

    response = admin_client.post(
        "/admin/registration/registration/",
        {"action": "certificates_pdf", "_selected_action": [andre.pk]},
        follow=True,
    )

    assert response["Content-Type"].startswith("text/html")
    assert "are issued from Wednesday 27 November 2024" in response.content.decode()
    assert not Certificate.objects.exists()


# The signature's upload.


def test_signature_upload_refuses_what_is_not_a_picture(open_workshop):
    signature = CertificateSignature(
        workshop=open_workshop,
        image=SimpleUploadedFile("signature.png", b"%PDF-1.4 not a picture"),
    )

    with pytest.raises(ValidationError) as refused:
        signature.full_clean()

    assert refused.value.message_dict["image"] == [
        "This file is not a PNG or JPEG picture (whatever its name says): save the signature as "
        "PNG, then upload that."
    ]


def test_signature_upload_refuses_a_file_over_the_limit_without_reading_it(open_workshop):
    picture = io.BytesIO()
    Image.new("RGB", (10, 10), "white").save(picture, "PNG")
    upload = SimpleUploadedFile("signature.png", picture.getvalue() + b"\0" * (2 * 1024 * 1024))
    signature = CertificateSignature(workshop=open_workshop, image=upload)

    with pytest.raises(ValidationError) as refused:
        signature.full_clean()

    assert refused.value.message_dict["image"] == ["The file is 3 MB; the limit is 2 MB."]
