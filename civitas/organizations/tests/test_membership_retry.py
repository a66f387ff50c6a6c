"""A database that drops in the middle of a membership step leaves nothing half-written,
and the client can send the same request again."""

from unittest import mock

import pytest
from django.db import OperationalError

from civitas.accounts.models import AuditEntry
from civitas.organizations import services
from civitas.organizations.models import Membership, MembershipStatus, Organization


def test_dropped_database_during_application_answers_503_and_retry_succeeds(cast, api_token):
    client = cast.client_for(None)
    headers = api_token(cast.volunteer2)
    url = f"/api/v1/organizations/{cast.org_a.pk}/memberships"
    real_create = Membership.objects.create

    def create_then_drop(**kwargs):
        real_create(**kwargs)
        raise OperationalError("server closed the connection unexpectedly")

    with mock.patch.object(Membership.objects, "create", side_effect=create_then_drop):
        response = client.post(url, {"note": "hi"}, content_type="application/json", **headers)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert not Membership.objects.filter(user=cast.volunteer2, organization=cast.org_a).exists()

    retry = client.post(url, {"note": "hi"}, content_type="application/json", **headers)
    assert retry.status_code == 201
    again = client.post(url, {"note": "hi"}, content_type="application/json", **headers)
    assert again.status_code == 409
    assert Membership.objects.filter(user=cast.volunteer2, organization=cast.org_a).count() == 1


def test_dropped_database_during_decision_rolls_back_every_write(cast):
    membership = services.membership_apply(user=cast.volunteer, organization=cast.org_a)
    members_before = Organization.objects.get(pk=cast.org_a.pk).member_count
    audits_before = AuditEntry.objects.count()
    dropped = mock.patch("civitas.organizations.services.audit", side_effect=OperationalError("connection lost"))
    with dropped, pytest.raises(OperationalError):
        services.membership_decide(membership=membership, approve=True, actor=cast.organizer_a)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPLIED and membership.decided_by is None
    assert Organization.objects.get(pk=cast.org_a.pk).member_count == members_before
    assert AuditEntry.objects.count() == audits_before

    services.membership_decide(membership=membership, approve=True, actor=cast.organizer_a)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED
    assert Organization.objects.get(pk=cast.org_a.pk).member_count == members_before + 1


def test_dropped_database_on_a_page_answers_503_and_retry_succeeds(cast):
    client = cast.client_for(cast.volunteer2)
    url = f"/organizations/{cast.org_a.pk}/join/"
    with mock.patch.object(Membership.objects, "create", side_effect=OperationalError("connection lost")):
        response = client.post(url, {"note": ""})
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert not Membership.objects.filter(user=cast.volunteer2, organization=cast.org_a).exists()
    assert client.post(url, {"note": ""}).status_code == 302
    assert Membership.objects.filter(user=cast.volunteer2, organization=cast.org_a).count() == 1
