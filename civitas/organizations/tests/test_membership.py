import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from civitas.core.errors import Conflict
from civitas.organizations import services
from civitas.organizations.models import Membership, MembershipStatus


def test_volunteer_applies_and_organizer_approves(cast):
    membership = services.membership_apply(user=cast.volunteer, organization=cast.org_a, note="我想加入")
    assert membership.status == MembershipStatus.APPLIED
    services.membership_decide(membership=membership, approve=True, actor=cast.organizer_a)
    membership.refresh_from_db()
    cast.org_a.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED
    assert cast.org_a.member_count == 2


def test_applying_twice_conflicts(cast):
    services.membership_apply(user=cast.volunteer, organization=cast.org_a)
    with pytest.raises(Conflict):
        services.membership_apply(user=cast.volunteer, organization=cast.org_a)
    assert Membership.objects.filter(user=cast.volunteer).count() == 1


def test_organizer_of_another_organization_cannot_decide(cast):
    membership = services.membership_apply(user=cast.volunteer, organization=cast.org_a)
    with pytest.raises(PermissionDenied):
        services.membership_decide(membership=membership, approve=True, actor=cast.organizer_b)


def test_apply_and_approve_through_the_pages(cast):
    volunteer = cast.client_for(cast.volunteer)
    response = volunteer.post(reverse("organizations:join", args=[cast.org_a.pk]), {"note": "周末有空"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=cast.volunteer, organization=cast.org_a)
    organizer = cast.client_for(cast.organizer_a)
    members = organizer.get(reverse("organizations:members", args=[cast.org_a.pk]))
    assert "周末有空" in members.content.decode()
    organizer.post(reverse("organizations:membership_decide", args=[membership.pk]), {"approve": "1"})
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED
    assert "阳光志愿服务队" in volunteer.get(reverse("accounts:me")).content.decode()


def test_members_page_is_closed_to_other_volunteers(cast):
    url = reverse("organizations:members", args=[cast.org_a.pk])
    assert cast.client_for(cast.volunteer2).get(url).status_code == 403
    assert cast.client_for(cast.other_district_staff).get(url).status_code == 403
    assert cast.client_for(cast.district_staff).get(url).status_code == 200


def test_apply_and_decide_through_the_api(cast, client, api_token):
    response = client.post(f"/api/v1/organizations/{cast.org_a.pk}/memberships", {"note": ""},
                           content_type="application/json", **api_token(cast.volunteer))
    assert response.status_code == 201
    membership_id = response.json()["id"]
    again = client.post(f"/api/v1/organizations/{cast.org_a.pk}/memberships", {},
                        content_type="application/json", **api_token(cast.volunteer))
    assert again.status_code == 409
    outsider = client.post(f"/api/v1/memberships/{membership_id}/decision", {"approve": True},
                           content_type="application/json", **api_token(cast.volunteer2))
    assert outsider.status_code == 404
    decided = client.post(f"/api/v1/memberships/{membership_id}/decision", {"approve": True},
                          content_type="application/json", **api_token(cast.organizer_a))
    assert decided.status_code == 200
    assert decided.json()["status"] == "approved"


def test_the_last_administrator_cannot_leave(cast):
    membership = Membership.objects.get(user=cast.organizer_a, organization=cast.org_a)
    with pytest.raises(Conflict):
        services.membership_leave(membership=membership, actor=cast.organizer_a)
