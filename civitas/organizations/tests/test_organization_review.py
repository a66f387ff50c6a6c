import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from civitas.core.errors import Conflict
from civitas.organizations import services
from civitas.organizations.models import Membership, MembershipRole, OrganizationStatus


def propose(cast, region=None):
    return services.organization_register(
        name="友谊社区服务站", kind="station", region=region or cast.city.community_a,
        contact_name="赵", contact_phone="027-3", created_by=cast.volunteer,
    )


def test_a_proposed_organization_waits_and_its_proposer_administers_it(cast):
    organization = propose(cast)
    assert organization.status == OrganizationStatus.PENDING
    assert Membership.objects.get(organization=organization).role == MembershipRole.ADMIN


def test_district_staff_approve_an_organization_in_their_district(cast):
    organization = propose(cast)
    services.organization_decide(organization=organization, action="approve", actor=cast.district_staff)
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.APPROVED
    assert [e.to_status for e in organization.events.all()] == ["pending", "approved"]


@pytest.mark.parametrize("outsider", ["other_district_staff", "auditor", "organizer_a", "volunteer2"])
def test_outsiders_cannot_approve(cast, outsider):
    organization = propose(cast)
    with pytest.raises(PermissionDenied):
        services.organization_decide(organization=organization, action="approve", actor=getattr(cast, outsider))
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.PENDING


def test_rejection_needs_a_reason_and_a_second_decision_conflicts(cast):
    organization = propose(cast)
    with pytest.raises(ValidationError):
        services.organization_decide(organization=organization, action="reject", actor=cast.district_staff)
    services.organization_decide(organization=organization, action="reject", actor=cast.district_staff, reason="材料不全")
    with pytest.raises(Conflict):
        services.organization_decide(organization=organization, action="reject", actor=cast.district_staff, reason="x")


def test_committee_staff_approve_through_the_review_page(cast):
    organization = propose(cast)
    client = cast.client_for(cast.district_staff)
    queue = client.get(reverse("organizations:review_queue"))
    assert organization.name in queue.content.decode()
    response = client.post(reverse("organizations:decide", args=[organization.pk]), {"action": "approve", "from": "queue"})
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.APPROVED


def test_review_page_is_for_committee_staff_only(cast):
    assert cast.client_for(cast.volunteer).get(reverse("organizations:review_queue")).status_code == 403


def test_register_an_organization_through_the_page(cast):
    client = cast.client_for(cast.volunteer)
    response = client.post(reverse("organizations:register"), {
        "name": "书香读书会", "kind": "team", "unit_type": "social", "region": cast.city.district_a.pk,
        "contact_name": "李", "contact_phone": "027-8888",
    })
    assert response.status_code == 302


def test_a_pending_organization_is_hidden_from_strangers(cast):
    organization = propose(cast)
    url = reverse("organizations:detail", args=[organization.pk])
    assert cast.client_for(None).get(url).status_code == 404
    assert cast.client_for(cast.volunteer2).get(url).status_code == 404
    assert cast.client_for(cast.volunteer).get(url).status_code == 200
    assert cast.client_for(cast.district_staff).get(url).status_code == 200


def test_api_decision_by_staff(cast, client, api_token):
    organization = propose(cast)
    url = f"/api/v1/organizations/{organization.pk}/decisions"
    denied = client.post(url, {"action": "approve"}, content_type="application/json", **api_token(cast.other_district_staff))
    assert denied.status_code == 404
    response = client.post(url, {"action": "approve"}, content_type="application/json", **api_token(cast.district_staff))
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    again = client.post(url, {"action": "approve"}, content_type="application/json", **api_token(cast.district_staff))
    assert again.status_code == 409
