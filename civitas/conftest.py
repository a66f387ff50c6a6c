"""The fixed cast every test reads the same way (STYLE.md: Tests).

A small city: one city, two districts (A and B), each with a street and a community.
Organization A sits in district A, organization B in district B; both approved.
Personas: a volunteer, a second volunteer, an organizer of each organization, staff of
each district, city staff and an auditor. All are built through the services.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from civitas.accounts import services as accounts
from civitas.accounts.models import User
from civitas.organizations import services as organizations
from civitas.organizations.models import CommitteeRole, Organization, Region

PASSWORD = "correct-horse-battery"


@dataclass
class City:
    city: Region
    district_a: Region
    street_a: Region
    community_a: Region
    district_b: Region
    street_b: Region
    community_b: Region


@dataclass
class Cast:
    city: City
    org_a: Organization
    org_b: Organization
    volunteer: User
    volunteer2: User
    organizer_a: User
    organizer_b: User
    district_staff: User
    other_district_staff: User
    city_staff: User
    auditor: User

    def client_for(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="civitas.accounts.backends.IdentifierBackend")
        return client


def make_volunteer(name: str, mobile: str, community: Region | None = None, **extra: Any) -> User:
    extra.setdefault("birth_date", dt.date(1990, 1, 1))
    return accounts.volunteer_register(
        real_name=name, password=PASSWORD, mobile=mobile, home_community=community, **extra
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):  # type: ignore[no-untyped-def]
    """A transactional test ends with a flush that also removes the rows data migrations
    made (the default skills); put them back so later tests, and later runs on a reused
    database, still find them."""
    result = yield
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        import importlib

        from django.apps import apps
        from pytest_django.plugin import blocking_manager_key

        migration = importlib.import_module("civitas.accounts.migrations.0003_default_skills")
        with item.config.stash[blocking_manager_key].unblock():
            migration.add_skills(apps, None)
    return result


@pytest.fixture(autouse=True)
def site_language() -> Any:
    """Every test starts in the site's default language (Chinese), whatever a previous
    request in the same worker switched to."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def city(db: Any) -> City:
    city = organizations.region_create(name="江城市", name_en="Jiangcheng", level="city", code="C", population=0)
    district_a = organizations.region_create(name="东湖区", name_en="Donghu", level="district", code="DA", parent=city, population=1000)
    street_a = organizations.region_create(name="和平街道", level="street", code="SA", parent=district_a, population=1000)
    community_a = organizations.region_create(name="和平社区", level="community", code="CA", parent=street_a, population=1000)
    district_b = organizations.region_create(name="西山区", name_en="Xishan", level="district", code="DB", parent=city, population=500)
    street_b = organizations.region_create(name="光明街道", level="street", code="SB", parent=district_b, population=500)
    community_b = organizations.region_create(name="光明社区", level="community", code="CB", parent=street_b, population=500)
    return City(city, district_a, street_a, community_a, district_b, street_b, community_b)


@pytest.fixture
def cast(city: City) -> Cast:
    def staff(username: str, region: Region, role: str = CommitteeRole.STAFF) -> User:
        user = accounts.user_create_staff(username=username, password=PASSWORD, real_name=username)
        organizations.committee_assign(user=user, region=region, role=role)
        return user

    city_staff = staff("city-staff", city.city)
    organizer_a = make_volunteer("组织者甲", "13900000011", city.community_a)
    organizer_b = make_volunteer("组织者乙", "13900000012", city.community_b)
    org_a = organizations.organization_register(
        name="阳光志愿服务队", name_en="Sunshine Team", kind="team", region=city.district_a,
        contact_name="甲", contact_phone="027-1", created_by=organizer_a,
    )
    org_b = organizations.organization_register(
        name="春雨志愿服务队", name_en="Spring Rain Team", kind="team", region=city.district_b,
        contact_name="乙", contact_phone="027-2", created_by=organizer_b,
    )
    organizations.organization_decide(organization=org_a, action="approve", actor=city_staff)
    organizations.organization_decide(organization=org_b, action="approve", actor=city_staff)
    org_a.refresh_from_db()
    org_b.refresh_from_db()
    return Cast(
        city=city,
        org_a=org_a,
        org_b=org_b,
        volunteer=make_volunteer("李小红", "13900000001", city.community_a, id_type="resident_id", id_number="110101199003074514", birth_date=None),
        volunteer2=make_volunteer("王小明", "13900000002", city.community_b),
        organizer_a=organizer_a,
        organizer_b=organizer_b,
        district_staff=staff("district-staff", city.district_a),
        other_district_staff=staff("other-district-staff", city.district_b),
        city_staff=city_staff,
        auditor=staff("auditor", city.city, CommitteeRole.AUDITOR),
    )


@pytest.fixture
def api_token():  # type: ignore[no-untyped-def]
    def issue(user: User) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {accounts.api_token_issue(user=user)}"}

    return issue


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    """Rate-limit counters and cached figures live in the cache: start every test empty."""
    from django.core.cache import cache

    cache.clear()
    yield
