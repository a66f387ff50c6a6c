from django.urls import reverse

from civitas.core.testing import query_budget
from civitas.organizations import services


def test_organization_list_page_has_a_fixed_query_budget(cast, client):
    for index in range(15):
        organization = services.organization_register(
            name=f"队伍{index}", kind="team", region=cast.city.district_a, contact_name="x", contact_phone="1",
            created_by=cast.organizer_a,
        )
        services.organization_decide(organization=organization, action="approve", actor=cast.city_staff)
    with query_budget(6):
        response = client.get(reverse("organizations:list"))
    assert response.status_code == 200
    assert "队伍14" in response.content.decode()


def test_organizations_endpoint_lists_approved_ones_with_a_count(cast, client):
    services.organization_register(
        name="待批队伍", kind="team", region=cast.city.district_a, contact_name="x", contact_phone="1",
        created_by=cast.volunteer,
    )
    with query_budget(4):
        body = client.get("/api/v1/organizations").json()
    assert body["count"] == 2
    assert {item["name"] for item in body["items"]} == {"阳光志愿服务队", "春雨志愿服务队"}


def test_organizations_can_be_filtered_by_district(cast, client):
    body = client.get(f"/api/v1/organizations?region={cast.city.district_b.pk}").json()
    assert [item["name"] for item in body["items"]] == ["春雨志愿服务队"]


def test_regions_endpoint_filters_by_level(cast, client):
    with query_budget(3):
        body = client.get("/api/v1/regions?level=district").json()
    assert body["count"] == 2
    bad = client.get("/api/v1/regions?level=planet")
    assert bad.status_code == 422
