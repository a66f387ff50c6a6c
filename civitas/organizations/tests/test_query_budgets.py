"""Every list page and list endpoint of organizations: a fixed query budget, and the same
number of queries when the list grows (no query per row)."""

from itertools import count

import pytest
from django.urls import reverse

from civitas.conftest import make_volunteer
from civitas.core.testing import assert_queries_do_not_grow
from civitas.organizations import services
from civitas.organizations.models import Organization, RegionLevel

serial = count()


def _approved_teams(cast, how_many: int) -> None:
    for _ in range(how_many):
        organization = services.organization_register(
            name=f"预算队伍{next(serial)}", kind="team", region=cast.city.district_a, contact_name="x",
            contact_phone="1", created_by=cast.organizer_a,
        )
        services.organization_decide(organization=organization, action="approve", actor=cast.city_staff)


def test_organization_list_page_costs_the_same_for_three_or_fifteen_organizations(cast, client):
    _approved_teams(cast, 3)
    assert_queries_do_not_grow(
        lambda: client.get(reverse("organizations:list")), lambda: _approved_teams(cast, 12), limit=4
    )


def test_organization_list_page_for_a_signed_in_staff_member_keeps_its_budget(cast):
    client = cast.client_for(cast.city_staff)
    _approved_teams(cast, 3)
    assert_queries_do_not_grow(
        lambda: client.get(reverse("organizations:list")), lambda: _approved_teams(cast, 12), limit=8
    )


def test_organizations_endpoint_costs_the_same_for_more_organizations(cast, client):
    assert_queries_do_not_grow(
        lambda: client.get("/api/v1/organizations"), lambda: _approved_teams(cast, 10), limit=3
    )


def test_regions_endpoint_costs_the_same_for_more_regions(cast, client):
    def more_communities() -> None:
        for n in range(10):
            services.region_create(
                name=f"预算社区{n}", name_en=f"Budget {n}", level=RegionLevel.COMMUNITY, code=f"9{n:05d}",
                parent=cast.city.street_a,
            )

    assert_queries_do_not_grow(lambda: client.get("/api/v1/regions"), more_communities, limit=3)


def test_members_page_costs_the_same_for_more_members(cast):
    client = cast.client_for(cast.organizer_a)
    url = reverse("organizations:members", args=[cast.org_a.pk])

    def more_members() -> None:
        for n in range(10):
            person = make_volunteer(f"成员{n}", f"1371111{n:04d}")
            services.membership_apply(user=person, organization=cast.org_a)

    assert_queries_do_not_grow(lambda: client.get(url), more_members, limit=8)


def test_the_check_catches_a_query_per_row(cast):
    def one_query_per_organization() -> list[str]:
        return [organization.region.name for organization in Organization.objects.all()]

    with pytest.raises(AssertionError, match="one per row"):
        assert_queries_do_not_grow(one_query_per_organization, lambda: _approved_teams(cast, 3), limit=50)
