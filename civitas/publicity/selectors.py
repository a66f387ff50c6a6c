"""Reads for the public site. Figures come from rollups (VolunteerTotals, counts of rows),
never from a scan of the ledger on a page view, and are cached."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from civitas.accounts.models import VolunteerProfile
from civitas.ledger.models import RecordStatus, ServiceRecord, VolunteerTotals
from civitas.organizations.models import Organization, OrganizationStatus, Region, RegionLevel
from civitas.projects.models import Project, SignUp, SignUpStatus
from civitas.publicity import permissions
from civitas.publicity.cache import COUNTERS_KEY
from civitas.publicity.conf import publicity_setting
from civitas.publicity.models import (
    Article,
    ArticleStatus,
    Campaign,
    Comment,
    CommentStatus,
    Honor,
    HonorCategory,
    HonorStatus,
)
from civitas.publicity.services import PUBLIC_PROJECT_STATUSES


def impact_counters() -> dict[str, Any]:
    """Registered volunteers, verified hours, projects, organizations and people served.
    Five aggregate queries on a cache miss; the cache is cleared by the figures' events."""
    figures = cache.get(COUNTERS_KEY)
    if figures is None:
        projects = Project.objects.filter(status__in=PUBLIC_PROJECT_STATUSES).aggregate(
            count=Count("id"), served=Sum("people_served")
        )
        figures = {
            "volunteers": VolunteerProfile.objects.count(),
            "hours": VolunteerTotals.objects.aggregate(total=Sum("total_hours"))["total"] or Decimal("0"),
            "projects": projects["count"],
            "organizations": Organization.objects.filter(status=OrganizationStatus.APPROVED).count(),
            "people_served": projects["served"] or 0,
        }
        cache.set(COUNTERS_KEY, figures, publicity_setting("COUNTERS_TTL_SECONDS"))
    return figures


# --- Articles ---------------------------------------------------------------------------


def published_articles(
    *, kind: str = "", tag: str = "", organization: Organization | None = None, now: dt.datetime | None = None
) -> QuerySet[Article]:
    queryset = (
        Article.objects.filter(status=ArticleStatus.PUBLISHED, publish_at__lte=now or timezone.now())
        .select_related("organization", "region")
        .prefetch_related("tags")
        .order_by("-publish_at", "-id")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if tag:
        queryset = queryset.filter(tags__slug=tag)
    if organization is not None:
        queryset = queryset.filter(organization=organization)
    return queryset


def get_article_for_user(user: Any, slug: str) -> Article:
    """A published article for anyone; a draft or a waiting story only for who may edit or
    review it (the preview); 404 for the rest."""
    article = (
        Article.objects.select_related("organization__region", "region", "project", "author")
        .prefetch_related("tags")
        .filter(slug=slug)
        .first()
    )
    if article is None or not permissions.can_view_article(user, article):
        raise Http404
    return article


def articles_for_editor(user: Any) -> QuerySet[Article]:
    """What a writer or reviewer sees on the editing desk."""
    from civitas.organizations.permissions import staff_roles_by_organization, watched_region

    condition = Q(author=user)
    organizations = list(staff_roles_by_organization(user).keys())
    if organizations:
        condition |= Q(organization_id__in=organizations)
    region = watched_region(user)
    if region is not None and permissions.can_publish_directly(user):
        condition |= Q(organization__region__path__startswith=region.path) | Q(region__path__startswith=region.path)
        if region.level == RegionLevel.CITY:
            condition |= Q(region__isnull=True, organization__isnull=True)
    return (
        Article.objects.filter(condition)
        .select_related("organization", "region", "author")
        .order_by("-updated_at", "-id")
        .distinct()
    )


# --- Comments ---------------------------------------------------------------------------


def visible_comments(*, article: Article | None = None, project: Any = None) -> list[Comment]:
    """Top-level comments, each with ``thread`` holding its visible replies in order (one
    query). A reply whose parent is not shown is not shown either."""
    queryset = Comment.objects.filter(status=CommentStatus.APPROVED, is_hidden=False).only(
        "id", "parent_id", "name", "text", "created_at", "article_id", "project_id"
    )
    queryset = queryset.filter(article=article) if article is not None else queryset.filter(project=project)
    rows = list(queryset.order_by("created_at", "id"))
    by_id = {row.pk: row for row in rows}
    top: list[Comment] = []
    for row in rows:
        row.thread = []  # type: ignore[attr-defined]
        row.depth = 0  # type: ignore[attr-defined]
    for row in rows:
        if row.parent_id is None:
            top.append(row)
        elif row.parent_id in by_id:
            parent = by_id[row.parent_id]
            row.depth = min(parent.depth + 1, 3)  # type: ignore[attr-defined]
            parent.thread.append(row)  # type: ignore[attr-defined]
    return top


def flatten_thread(top: list[Comment]) -> list[Comment]:
    out: list[Comment] = []

    def walk(items: list[Comment]) -> None:
        for item in items:
            out.append(item)
            walk(item.thread)  # type: ignore[attr-defined]

    walk(top)
    return out


def moderation_queue(*, user: Any, kind: str = "pending") -> QuerySet[Comment]:
    """Comments on articles and projects in the region the staff member governs."""
    from civitas.organizations.permissions import watched_region

    region = watched_region(user)
    if region is None or not permissions.can_moderate_comments(user):
        return Comment.objects.none()
    path = region.path
    scope = (
        Q(article__organization__region__path__startswith=path)
        | Q(article__organization__isnull=True, article__region__path__startswith=path)
        | Q(project__region__path__startswith=path)
    )
    if region.level == RegionLevel.CITY:
        scope |= Q(article__organization__isnull=True, article__region__isnull=True)
    queryset = Comment.objects.filter(scope).select_related("article", "project", "parent")
    if kind == "reported":
        queryset = queryset.filter(is_hidden=True)
    elif kind == "all":
        pass
    else:
        queryset = queryset.filter(status=CommentStatus.PENDING)
    return queryset.order_by("-created_at", "-id")


# --- Home -------------------------------------------------------------------------------


def featured_projects(limit: int = 6) -> list[Project]:
    return list(
        Project.objects.filter(status="recruiting")
        .select_related("organization", "region")
        .order_by("starts_on", "-created_at")[:limit]
    )


def model_volunteers(limit: int = 4) -> list[dict[str, Any]]:
    """Published outstanding-volunteer honors first, then the public profiles with the
    most hours."""
    people: list[dict[str, Any]] = []
    seen: set[int] = set()
    honors = (
        Honor.objects.filter(status=HonorStatus.PUBLISHED, category=HonorCategory.VOLUNTEER)
        .select_related("volunteer__volunteer", "volunteer__hours_totals")
        .order_by("-year", "-published_at")[:limit]
    )
    for honor in honors:
        profile = getattr(honor.volunteer, "volunteer", None)
        if profile is None:
            continue
        seen.add(honor.volunteer_id)
        # A published honor is public; the hours are shown only for those who opted in.
        public = profile.is_profile_public
        people.append({"profile": profile if public else None, "name": profile.public_name, "honor": honor,
                       "totals": getattr(honor.volunteer, "hours_totals", None) if public else None})
    if len(people) < limit:
        top = (
            VolunteerTotals.objects.filter(volunteer__volunteer__is_profile_public=True, total_hours__gt=0)
            .exclude(volunteer_id__in=seen)
            .select_related("volunteer__volunteer")
            .order_by("-total_hours")[: limit - len(people)]
        )
        for totals in top:
            profile = totals.volunteer.volunteer
            people.append({"profile": profile, "name": profile.public_name, "honor": None, "totals": totals})
    return people


def current_campaign(today: dt.date | None = None) -> Campaign | None:
    today = today or timezone.localdate()
    running = Campaign.objects.filter(starts_on__lte=today, ends_on__gte=today).order_by("ends_on").first()
    return running or Campaign.objects.filter(starts_on__gt=today).order_by("starts_on").first()


# --- Campaigns --------------------------------------------------------------------------


def _campaign_window(campaign: Campaign) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(campaign.starts_on, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(campaign.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _figures_key(campaign_id: int) -> str:
    return f"publicity:campaign-figures:{campaign_id}"


def campaign_figures_forget(campaign_id: int) -> None:
    cache.delete(_figures_key(campaign_id))


def campaign_figures(campaign: Campaign) -> dict[str, Any]:
    """Participation in the campaign's projects during its days, with leaderboards of
    organizations and districts by approved hours. Four grouped queries, cached."""
    key = _figures_key(campaign.pk)
    figures = cache.get(key)
    if figures is not None:
        return figures
    start, end = _campaign_window(campaign)
    project_ids = list(campaign.projects.values_list("id", flat=True))
    signups = SignUp.objects.filter(
        shift__project_id__in=project_ids, shift__starts_at__gte=start, shift__starts_at__lt=end
    )
    signed_up = signups.filter(
        status__in=[SignUpStatus.PENDING, SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED, SignUpStatus.OFFERED,
                    SignUpStatus.ATTENDED, SignUpStatus.NO_SHOW]
    ).aggregate(people=Count("volunteer", distinct=True), rows=Count("id"))
    attended = signups.filter(status=SignUpStatus.ATTENDED).aggregate(people=Count("volunteer", distinct=True))
    records = ServiceRecord.objects.filter(
        project_id__in=project_ids, status=RecordStatus.APPROVED, started_at__gte=start, started_at__lt=end
    )
    total = records.aggregate(hours=Sum("hours"), people=Count("volunteer", distinct=True))
    by_organization = list(
        records.values("organization_id", "organization__name", "organization__name_en")
        .annotate(hours=Sum("hours"), people=Count("volunteer", distinct=True))
        .order_by("-hours", "organization_id")[:10]
    )
    by_region = list(records.values("region_id", "region__path").annotate(hours=Sum("hours")).order_by())
    district_hours: dict[int, Decimal] = {}
    for row in by_region:
        parts = [p for p in (row["region__path"] or "").split("/") if p]
        if len(parts) >= 2:
            district_id = int(parts[1])
            district_hours[district_id] = district_hours.get(district_id, Decimal("0")) + (row["hours"] or 0)
    districts = {r.pk: r for r in Region.objects.filter(pk__in=district_hours.keys())}
    by_district = sorted(
        ({"region_id": pk, "name": districts[pk].name, "name_en": districts[pk].name_en, "hours": hours}
         for pk, hours in district_hours.items() if pk in districts),
        key=lambda row: (-row["hours"], row["region_id"]),
    )[:10]
    figures = {
        "projects": len(project_ids),
        "signed_up": signed_up["people"] or 0,
        "signups": signed_up["rows"] or 0,
        "attended": attended["people"] or 0,
        "hours": total["hours"] or Decimal("0"),
        "volunteers_credited": total["people"] or 0,
        "organizations": [
            {"organization_id": row["organization_id"], "name": row["organization__name"],
             "name_en": row["organization__name_en"], "hours": row["hours"], "people": row["people"]}
            for row in by_organization
        ],
        "districts": by_district,
    }
    cache.set(key, figures, publicity_setting("CAMPAIGN_FIGURES_TTL_SECONDS"))
    return figures


def campaign_projects(campaign: Campaign) -> QuerySet[Project]:
    return campaign.projects.filter(status__in=PUBLIC_PROJECT_STATUSES).select_related("organization", "region")


# --- Honors and profiles ----------------------------------------------------------------


def published_honors(*, year: int | None = None, category: str = "") -> QuerySet[Honor]:
    queryset = Honor.objects.filter(status=HonorStatus.PUBLISHED).select_related(
        "volunteer__volunteer", "organization", "project", "community"
    )
    if year:
        queryset = queryset.filter(year=year)
    if category:
        queryset = queryset.filter(category=category)
    return queryset


def honors_for(target: Any) -> list[Honor]:
    """Published honors of a volunteer (User or VolunteerProfile), organization, project
    or community."""
    queryset = Honor.objects.filter(status=HonorStatus.PUBLISHED).order_by("-year", "category")
    if isinstance(target, VolunteerProfile):
        return list(queryset.filter(volunteer_id=target.user_id))
    if isinstance(target, Organization):
        return list(queryset.filter(organization=target))
    if isinstance(target, Project):
        return list(queryset.filter(project=target))
    if isinstance(target, Region):
        return list(queryset.filter(community=target))
    if getattr(target, "pk", None) and hasattr(target, "is_authenticated"):
        return list(queryset.filter(volunteer=target))
    return []


def honors_to_review(user: Any) -> QuerySet[Honor]:
    from civitas.organizations.permissions import watched_region

    region = watched_region(user)
    if region is None or not permissions.can_publish_directly(user):
        return Honor.objects.none()
    return (
        Honor.objects.filter(region__path__startswith=region.path, status__in=[HonorStatus.NOMINATED, HonorStatus.APPROVED])
        .select_related("volunteer__volunteer", "organization", "project", "community", "nominating_organization")
        .order_by("created_at")
    )


def get_public_volunteer(volunteer_number: str) -> VolunteerProfile:
    profile = (
        VolunteerProfile.objects.select_related("user", "user__hours_totals", "home_community")
        .filter(volunteer_number=volunteer_number, is_profile_public=True)
        .first()
    )
    if profile is None:
        raise Http404
    return profile


def get_public_project(pk: int) -> Project:
    project = (
        Project.objects.select_related("organization", "region").filter(pk=pk, status__in=PUBLIC_PROJECT_STATUSES).first()
    )
    if project is None:
        raise Http404
    return project


def comment_counts_prefetch() -> Prefetch:
    return Prefetch("comments", queryset=Comment.objects.filter(status=CommentStatus.APPROVED, is_hidden=False))
