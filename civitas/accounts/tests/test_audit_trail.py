import pytest
from django.urls import reverse

from civitas.accounts import services as accounts
from civitas.accounts.audit import audit
from civitas.accounts.models import AuditEntry
from civitas.conftest import make_volunteer
from civitas.organizations import services as organizations
from civitas.organizations.models import MembershipRole


def test_organization_decision_is_audited_with_its_region(cast):
    entry = AuditEntry.objects.filter(action="organization.approve", target_id=str(cast.org_a.pk)).get()
    assert entry.actor == cast.city_staff
    assert entry.region_path == cast.org_a.region.path
    assert entry.details["to"] == "approved"


def test_membership_decision_and_role_change_are_audited(cast):
    membership = organizations.membership_apply(user=cast.volunteer, organization=cast.org_a)
    organizations.membership_decide(membership=membership, approve=True, actor=cast.organizer_a)
    organizations.membership_set_role(membership=membership, role=MembershipRole.COORDINATOR, actor=cast.organizer_a)
    actions = list(AuditEntry.objects.filter(target_type="organizations.Membership").values_list("action", flat=True))
    assert sorted(actions) == ["membership.approve", "membership.role"]
    role = AuditEntry.objects.get(action="membership.role")
    assert role.details["from"] == "member" and role.details["to"] == "coordinator"
    assert role.region_path == cast.org_a.region.path


def test_committee_assignment_is_audited(cast):
    assert AuditEntry.objects.filter(action="committee.assign", details__user_id=cast.auditor.pk).exists()


def test_merge_is_audited_and_does_not_move_audit_rows(cast):
    twin = make_volunteer("李小红", "13900000099", cast.city.community_a)
    audit(actor=twin, action="test.action", target=twin)
    accounts.volunteer_merge(keep=cast.volunteer, remove=twin, actor=cast.city_staff)
    assert AuditEntry.objects.filter(action="volunteer.merge", target_id=str(cast.volunteer.pk)).exists()
    assert AuditEntry.objects.get(action="test.action").actor_id == twin.pk


def test_audit_entries_cannot_be_changed_or_deleted(cast):
    entry = AuditEntry.objects.first()
    entry.action = "forged"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_failed_service_leaves_no_audit_entry(cast):
    before = AuditEntry.objects.count()
    with pytest.raises(Exception):  # noqa: B017 — the rule under test is "nothing written"
        organizations.organization_decide(organization=cast.org_a, action="approve", actor=cast.city_staff)
    assert AuditEntry.objects.count() == before


def test_audit_admin_is_read_only(cast, admin_client):
    entry = AuditEntry.objects.first()
    assert admin_client.get(reverse("admin:accounts_auditentry_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:accounts_auditentry_add")).status_code == 403
    response = admin_client.post(reverse("admin:accounts_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_auditor_reads_the_trail_of_their_region_only(cast):
    organizations.committee_assign(user=cast.other_district_staff, region=cast.city.district_b, role="auditor")
    client = cast.client_for(cast.other_district_staff)
    response = client.get(reverse("accounts:audit_log"))
    assert response.status_code == 200
    entries = list(response.context["page"])
    assert entries and all(e.region_path.startswith(cast.city.district_b.path) for e in entries)
    assert str(cast.org_b.pk) in {e.target_id for e in entries}
    assert str(cast.org_a.pk) not in {e.target_id for e in entries if e.target_type == "organizations.Organization"}


def test_audit_page_filters_by_action(cast):
    response = cast.client_for(cast.auditor).get(reverse("accounts:audit_log"), {"action": "organization."})
    actions = {e.action for e in response.context["page"]}
    assert actions == {"organization.approve"}


def test_audit_page_is_closed_to_staff_and_volunteers(cast):
    for user in (cast.city_staff, cast.volunteer, cast.organizer_a):
        assert cast.client_for(user).get(reverse("accounts:audit_log")).status_code == 403


def test_audit_page_has_a_query_budget(cast):
    from civitas.core.testing import query_budget

    client = cast.client_for(cast.auditor)
    for _ in range(30):
        audit(actor=cast.city_staff, action="export.test", target=cast.org_a)
    with query_budget(12):
        assert client.get(reverse("accounts:audit_log")).status_code == 200


def test_show_full_number_reveals_and_audits_for_the_organizer(cast):
    organizations.membership_apply(user=cast.volunteer, organization=cast.org_a)
    client = cast.client_for(cast.organizer_a)
    response = client.post(reverse("accounts:personal_data", args=[cast.volunteer.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "110101199003074514" in response.content.decode()
    assert "13900000001" in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="personal_data.view")
    assert entry.actor == cast.organizer_a and entry.target_id == str(cast.volunteer.pk)
    assert entry.ip == "127.0.0.1"


def test_show_full_number_is_hidden_from_outsiders(cast):
    for user in (cast.volunteer2, cast.organizer_b, cast.other_district_staff):
        response = cast.client_for(user).post(reverse("accounts:personal_data", args=[cast.volunteer.pk]))
        assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="personal_data.view").exists()


def test_members_page_offers_show_full_number_to_staff(cast):
    organizations.membership_apply(user=cast.volunteer, organization=cast.org_a)
    response = cast.client_for(cast.organizer_a).get(reverse("organizations:members", args=[cast.org_a.pk]))
    assert reverse("accounts:personal_data", args=[cast.volunteer.pk]) in response.content.decode()
    assert "110101199003074514" not in response.content.decode()


def test_the_database_refuses_to_change_an_entry(cast):
    from django.db import DatabaseError, connection, transaction

    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET action = 'forged' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == entry.action
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [entry.pk])
        assert AuditEntry.objects.filter(pk=entry.pk).exists()
