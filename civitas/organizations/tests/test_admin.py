from civitas.organizations import services


def test_district_staff_see_only_their_district_in_the_admin(cast):
    client = cast.client_for(cast.district_staff)
    body = client.get("/admin/organizations/organization/").content.decode()
    assert "阳光志愿服务队" in body
    assert "春雨志愿服务队" not in body


def test_committee_staff_approve_in_the_admin_through_the_service(cast):
    pending = services.organization_register(
        name="新队伍", kind="team", region=cast.city.district_a, contact_name="x", contact_phone="1",
        created_by=cast.volunteer,
    )
    client = cast.client_for(cast.district_staff)
    client.post("/admin/organizations/organization/", {"action": "organizations_approve", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == "approved"
    assert pending.events.last().actor == cast.district_staff


def test_volunteers_and_auditors_cannot_change_organizations(cast):
    assert cast.client_for(cast.volunteer).get("/admin/organizations/organization/").status_code == 302
    auditor = cast.client_for(cast.auditor)
    assert auditor.get("/admin/organizations/organization/").status_code == 200
    assert auditor.get(f"/admin/organizations/organization/{cast.org_a.pk}/change/").status_code == 200
    response = auditor.post(f"/admin/organizations/organization/{cast.org_a.pk}/change/", {"name": "x"})
    assert response.status_code == 403


def test_admin_masks_personal_data(cast):
    body = cast.client_for(cast.city_staff).get("/admin/accounts/volunteerprofile/").content.decode()
    assert "110***********4514" in body
    assert "110101199003074514" not in body
