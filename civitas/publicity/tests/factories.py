"""Rows the publicity tests need, made with the ORM where another app owns the service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from civitas.ledger.models import RecordStatus, ServiceRecord, VolunteerTotals
from civitas.projects.models import Project, Shift, SignUp
from civitas.publicity import services
from civitas.publicity.models import Article


def make_project(cast: Any, *, title: str = "关爱空巢老人", status: str = "recruiting", organization: Any = None,
                 **extra: Any) -> Project:
    organization = organization or cast.org_a
    return Project.objects.create(
        organization=organization, region=organization.region, title=title, title_en=extra.pop("title_en", "Care for seniors"),
        summary=extra.pop("summary", "陪伴社区老人"), category="elderly_disabled", status=status,
        created_by=cast.organizer_a, starts_on=dt.date(2026, 3, 1), **extra,
    )


def make_article(cast: Any, *, title: str = "志愿者的一天", body: str = "<p>故事正文</p>", publish: bool = True,
                 author: Any = None, **extra: Any) -> Article:
    author = author or cast.city_staff
    article = services.article_create(author=author, title=title, body=body, **extra)
    if publish:
        article = services.article_publish(article=article, actor=cast.city_staff)
    return article


def make_shift(project: Project, starts_at: dt.datetime, capacity: int = 10) -> Shift:
    return Shift.objects.create(project=project, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3),
                                capacity=capacity, hours_credited=Decimal("3"))


def sign_up(shift: Shift, volunteer: Any, status: str = "attended") -> SignUp:
    return SignUp.objects.create(shift=shift, volunteer=volunteer, status=status)


def approved_record(volunteer: Any, project: Project, started_at: dt.datetime, hours: str = "3") -> ServiceRecord:
    return ServiceRecord.objects.create(
        volunteer=volunteer, organization=project.organization, region=project.organization.region, project=project,
        started_at=started_at, ended_at=started_at + dt.timedelta(hours=3), hours=Decimal(hours), source="manual",
        status=RecordStatus.APPROVED, decided_at=timezone.now(),
    )


def set_totals(volunteer: Any, hours: str, stars: int = 0) -> VolunteerTotals:
    totals, _created = VolunteerTotals.objects.update_or_create(
        volunteer=volunteer, defaults={"total_hours": Decimal(hours), "star_level": stars}
    )
    return totals


def make_volunteer_with_profile(cast: Any, index: int) -> Any:
    from civitas.conftest import make_volunteer

    return make_volunteer(f"志愿者{index}", f"1370000{index:04d}", cast.city.community_a)
