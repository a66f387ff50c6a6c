import base64
import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ValidationError
from django.urls import reverse

from civitas.ledger import certificates
from civitas.ledger.tests.factories import approved_record, at, make_project


@pytest.fixture
def certificate(cast):
    project = make_project(cast.org_a, cast.organizer_a)
    approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a, project=project)
    approved_record(cast.volunteer, cast.org_b, at(2, 9), "2", cast.organizer_b)
    with time_machine.travel(at(20, 9), tick=False):
        return certificates.certificate_issue(volunteer=cast.volunteer, period_start=dt.date(2026, 6, 1),
                                              period_end=dt.date(2026, 6, 10))


def test_one_certificate_covers_every_organization(certificate):
    assert certificate.hours == Decimal("5")
    assert [o["name"] for o in certificate.organizations] == ["春雨志愿服务队", "阳光志愿服务队"]
    assert [p["title"] for p in certificate.projects] == ["社区关爱行动"]


def test_the_signature_checks_with_the_published_key(certificate, client):
    pem = client.get(reverse("ledger:public_key")).content
    key = serialization.load_pem_public_key(pem)
    key.verify(base64.b64decode(certificate.signature), certificate.payload.encode())


def test_a_changed_payload_fails_the_check(certificate):
    certificate.payload = certificate.payload.replace('"hours":"5.00"', '"hours":"50.00"')
    assert not certificates.signature_is_valid(certificate)


def test_pdf_renders_with_chinese(certificate):
    pdf = certificates.certificate_pdf(certificate, verify_url="https://example.org/certificates/X/")
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf


def test_a_period_without_hours_gives_no_certificate(cast):
    with time_machine.travel(at(20, 9), tick=False), pytest.raises(ValidationError):
        certificates.certificate_issue(volunteer=cast.volunteer, period_start=dt.date(2026, 1, 1),
                                       period_end=dt.date(2026, 1, 31))


def test_only_its_volunteer_downloads_the_pdf(cast, certificate):
    url = reverse("ledger:certificate_pdf", args=[certificate.code])
    assert cast.client_for(cast.volunteer2).get(url).status_code == 404
    assert cast.client_for(cast.volunteer).get(url).content.startswith(b"%PDF")


def test_staff_revoke_and_the_verification_page_says_so(cast, certificate):
    url = reverse("ledger:certificate_revoke", args=[certificate.code])
    assert cast.client_for(cast.organizer_b).post(url, {"reason": "x"}).status_code == 403
    assert cast.client_for(cast.other_district_staff).post(url, {"reason": "x"}).status_code == 403
    cast.client_for(cast.district_staff).post(url, {"reason": "Hours were corrected"})
    certificate.refresh_from_db()
    assert certificate.is_revoked
    page = cast.client_for(None).get(reverse("ledger:certificate_verify", args=[certificate.code])).content.decode()
    assert "Hours were corrected" in page


def test_an_unknown_code_answers_not_found(db, client):
    assert client.get(reverse("ledger:certificate_verify", args=["NOTHING"])).status_code == 404


def test_issuing_a_certificate_notifies_its_volunteer_with_its_code_and_page(cast, django_capture_on_commit_callbacks):
    from django.apps import apps

    # Wired in the notifications app; looked up by name so the ledger imports nothing above it.
    Message = apps.get_model("notifications", "Message")
    approved_record(cast.volunteer, cast.org_a, at(1, 9), "3", cast.organizer_a)
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(at(20, 9), tick=False):
        issued = certificates.certificate_issue(volunteer=cast.volunteer, period_start=dt.date(2026, 6, 1),
                                                period_end=dt.date(2026, 6, 10))
    message = Message.objects.filter(recipient=cast.volunteer, kind="honors").get()
    assert issued.code in message.body
    assert message.url == reverse("ledger:certificate_verify", args=[issued.code])
    assert not Message.objects.exclude(recipient=cast.volunteer).filter(kind="honors").exists()


def test_a_damaged_payload_reads_as_an_invalid_certificate_not_an_error(certificate, client):
    type(certificate).objects.filter(pk=certificate.pk).update(payload="<script>alert(1)</script>")
    body = client.get(f"/api/v1/certificates/{certificate.code}").json()
    assert body["signature_valid"] is False and body["issuer"] == ""
    page = client.get(reverse("ledger:certificate_verify", args=[certificate.code]))
    assert page.status_code == 200 and "<script>alert" not in page.content.decode()


def test_a_certificate_whose_signature_fails_is_not_printed(certificate, cast):
    type(certificate).objects.filter(pk=certificate.pk).update(payload="{}")
    response = cast.client_for(cast.volunteer).get(reverse("ledger:certificate_pdf", args=[certificate.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:certificate_verify", args=[certificate.code])
