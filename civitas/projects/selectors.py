"""Reads for projects, shifts and sign-ups: search, the map, recommendations, rosters."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.cache import cache
from django.db import connections
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.accounts.models import ServiceCategory, Weekday
from civitas.core.text import localized, search_bigrams
from civitas.organizations import permissions as org_permissions
from civitas.organizations.models import Region
from civitas.projects import permissions
from civitas.projects.models import (
    ACTIVE_SIGNUP_STATUSES,
    CalendarToken,
    Project,
    ProjectStatus,
    Shift,
    ShiftStatus,
    SignUp,
    SignUpStatus,
)
from civitas.projects.services import SIGNUP_OPEN_STATUSES, VolunteerFacts, signup_refusal

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.195
SORTS = ("relevance", "date", "distance")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def parse_near(value: str) -> tuple[float, float] | None:
    """``"30.59,114.30"`` → (lat, lon), or None when it is not a valid point."""
    try:
        lat_text, lon_text = (value or "").split(",")
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
        return None
    return lat, lon


# Written as the statuses a project is hidden in, which the constraint project_status_known
# makes the same set: a word search's capped count then reads the word's index alone. Given
# an indexable IN on four in five projects, PostgreSQL joins the status index's 160,000
# rows to the word's (at 200,000 projects) or reads the table in order, 50-100 ms against
# 10-30 for the word's index.
HIDDEN_STATUSES = tuple(status for status in ProjectStatus if status not in permissions.PUBLIC_STATUSES)


def visible_projects(user: Any) -> QuerySet[Project]:
    visible = ~Q(status__in=HIDDEN_STATUSES)
    watched = org_permissions.watched_region(user)
    if watched is not None:
        visible |= Q(region__path__startswith=watched.path) & ~Q(status=ProjectStatus.DRAFT)
    staff_of = org_permissions.staff_roles_by_organization(user)
    if staff_of:
        visible |= Q(organization_id__in=staff_of.keys())
    return Project.objects.filter(visible)


def open_shifts(now: dt.datetime) -> QuerySet[Shift]:
    return Shift.objects.filter(status=ShiftStatus.OPEN, starts_at__gt=now).filter(
        Q(signup_deadline__isnull=True) | Q(signup_deadline__gt=now)
    )


class SearchPairs(Func):
    """PostgreSQL: ``Project.search_bigrams`` as an array, the expression the GIN index
    ``projects_project_search_bigrams`` is built on (migration 0004)."""

    template = "string_to_array(%(expressions)s, ' ')"
    output_field = ArrayField(TextField())


class TitleWords(Func):
    """A project's title and English title with a space between, as the trigram index
    ``projects_project_title_trgm`` holds them (migration 0005). A search word holds no
    white space, so it is in this text exactly when it is in one of the two titles."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()


class TextPairs(Func):
    """PostgreSQL: the pairs of adjacent characters of a text (``projects_text_pairs``,
    migration 0005), which the title's and the summary's pairs indexes hold; a word of two
    Chinese characters is in a text exactly when it is one of them."""

    function = "projects_text_pairs"
    output_field = ArrayField(TextField())


class ProjectRanking:
    """A word search's matches in relevance order: the projects whose title holds the
    first word, then those whose summary does, then the rest, newest first within each.

    Each tier is read in ``(created_at, id)`` order (index ``project_created_idx``) and the
    read stops once the slice asked for is filled, so page 1 of a word most projects hold
    costs its 20 rows, not a sort of every match; page N reads the rows before it in its
    tiers. A tier the word is rare in is looked up in the title's or the summary's word
    index instead (migration 0005). Sliced by a Paginator or the API; ``queryset`` is
    every match, unordered, for the counts."""

    def __init__(self, queryset: QuerySet[Project], tiers: list[QuerySet[Project]]) -> None:
        self.queryset = queryset
        self.tiers = tiers

    def count(self) -> int:
        return self.queryset.order_by().count()

    def __iter__(self) -> Iterator[Project]:
        for tier in self.tiers:
            yield from tier.all()  # a copy: the tier itself is sliced again, not cached

    def __getitem__(self, index: slice) -> list[Project]:
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            raise TypeError("ProjectRanking takes slices with a stop, as a page is")
        start, stop = index.start or 0, index.stop
        rows: list[Project] = []
        before = 0  # rows in the tiers already passed
        for tier in self.tiers:
            if stop <= before:
                break
            offset = max(start - before, 0)
            found = list(tier[offset : stop - before])
            rows += found
            if len(found) == stop - before - offset:
                break
            # The tier ended inside the slice; where, decides where the next one starts.
            before += offset + len(found) if found or not offset else tier[:offset].count()
        return rows


@dataclass
class ProjectSearch:
    q: str = ""
    category: str = ""
    region: Region | None = None
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    skill: int | None = None
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    open_only: bool = False
    sort: str = ""
    organization: int | None = None
    located: bool = False  # only projects with a place on the map
    words: list[str] = field(default_factory=list)


def project_search(*, user: Any, search: ProjectSearch) -> QuerySet[Project] | ProjectRanking:
    """Projects this user may see that match; a few indexed filters and at most one
    EXISTS per shift condition. Sorted by relevance (the default with words), a
    ``ProjectRanking`` to slice; otherwise a QuerySet. With ``near`` each row carries
    ``distance_sq`` (degrees², scaled for latitude) for sorting; the page computes the
    haversine distance for the rows it shows. Organizations and regions are not joined: a
    join here would be made for every match before the sort picks a page, so the pages
    that show them prefetch them."""
    now = timezone.now()
    projects = visible_projects(user)
    words = [w.lower() for w in (search.q or "").split() if w][:6]
    on_postgres = connections[projects.db].vendor == "postgresql"
    for word in words[1:]:
        projects = holding(projects, word, on_postgres=on_postgres)
    if search.category:
        projects = projects.filter(category=search.category)
    if search.status:
        projects = projects.filter(status=search.status)
    if search.organization:
        projects = projects.filter(organization_id=search.organization)
    if search.region is not None:
        projects = projects.filter(region__path__startswith=search.region.path)
    if search.located:
        projects = projects.filter(latitude__isnull=False, longitude__isnull=False)
    shift_filter = Q()
    if search.date_from or search.date_to:
        if search.date_from:
            start = timezone.make_aware(dt.datetime.combine(search.date_from, dt.time.min))
            shift_filter &= Q(starts_at__gte=start)
        if search.date_to:
            end = timezone.make_aware(dt.datetime.combine(search.date_to + dt.timedelta(days=1), dt.time.min))
            shift_filter &= Q(starts_at__lt=end)
        shift_filter &= Q(status=ShiftStatus.OPEN)
    if search.skill:
        shift_filter &= Q(skills=search.skill)
    if search.open_only:
        projects = projects.filter(status__in=SIGNUP_OPEN_STATUSES)
        shift_filter &= Q(status=ShiftStatus.OPEN, starts_at__gt=now, confirmed_count__lt=F("capacity")) & (
            Q(signup_deadline__isnull=True) | Q(signup_deadline__gt=now)
        )
    if shift_filter:
        projects = projects.filter(Exists(Shift.objects.filter(shift_filter, project=OuterRef("pk"))))
    if search.near is not None:
        lat, lon = search.near
        radius = search.radius_km if search.radius_km and search.radius_km > 0 else 10.0
        radius = min(radius, 500.0)
        lat_span = radius / KM_PER_DEGREE
        scale = max(math.cos(math.radians(lat)), 0.01)
        lon_span = radius / (KM_PER_DEGREE * scale)
        # The bounding box uses the (latitude, longitude) index; the equirectangular
        # distance is exact to well under a percent inside a city.
        projects = projects.filter(
            latitude__gte=lat - lat_span, latitude__lte=lat + lat_span,
            longitude__gte=lon - lon_span, longitude__lte=lon + lon_span,
        )
        dlat = Cast(F("latitude"), FloatField()) - Value(lat)
        dlon = (Cast(F("longitude"), FloatField()) - Value(lon)) * Value(scale)
        projects = projects.annotate(distance_sq=dlat * dlat + dlon * dlon).filter(
            distance_sq__lte=(radius / KM_PER_DEGREE) ** 2
        )
    # every filter but the first word, which decides the relevance tiers
    unranked = projects
    if words:
        projects = holding(projects, words[0], on_postgres=on_postgres)
    sort = search.sort if search.sort in SORTS else ("relevance" if words else "date")
    if sort == "distance" and search.near is not None:
        return projects.order_by("distance_sq", "-pk")
    if sort == "relevance" and words:
        return ProjectRanking(projects, relevance_tiers(unranked, projects, words[0], on_postgres=on_postgres))
    if sort == "date":
        return projects.order_by(F("starts_on").desc(nulls_last=True), "-created_at", "-pk")
    return projects.order_by("-created_at", "-pk")


def holding(projects: QuerySet[Project], word: str, *, on_postgres: bool) -> QuerySet[Project]:
    """The projects whose search text holds ``word`` (lower case)."""
    if on_postgres and search_bigrams(word) == [word]:
        # Two Chinese characters hold no trigram for the trigram index to look up. The
        # search text holds the word exactly when the word is one of its pairs, so the
        # bigram index answers alone: an icontains beside it would only double the cost
        # of a word most projects hold (社区), read row by row. Longer words, pinyin and
        # Latin use the trigram index.
        return projects.alias(search_pairs=SearchPairs("search_bigrams")).filter(search_pairs__contains=[word])
    return projects.filter(search_text__icontains=word)


def relevance_tiers(
    unranked: QuerySet[Project], matches: QuerySet[Project], word: str, *, on_postgres: bool
) -> list[QuerySet[Project]]:
    """The projects whose title holds ``word``, those whose summary does (and not their
    title), and the other ``matches``, each newest first. ``unranked`` is ``matches``
    before the filter on ``word``: the search text is the titles and the summary (and
    more) in lower case, so a project whose title or summary holds the word is a match
    without that filter. Left out, the planner does not take the two conditions for
    independent and so knows how many such projects there are: enough, and it reads them
    newest first and stops at a page (library's titles at medium: 0.8 against 41 ms)."""
    unranked = unranked.alias(title_words=TitleWords("title", "title_en"))
    matches = matches.alias(title_words=TitleWords("title", "title_en"))
    in_title, in_summary = Q(title_words__icontains=word), Q(summary__icontains=word)
    look_up_title, look_up_summary = in_title, in_summary
    if on_postgres and search_bigrams(word) == [word]:
        # Two Chinese characters hold no trigram: the pairs indexes answer. Only where the
        # tier is chosen by them; checked row by row, LIKE costs less than making pairs.
        unranked = unranked.alias(title_pairs=TextPairs("title_words"), summary_pairs=TextPairs("summary"))
        look_up_title, look_up_summary = Q(title_pairs__contains=[word]), Q(summary_pairs__contains=[word])
    newest = ("-created_at", "-pk")
    return [
        unranked.filter(look_up_title).order_by(*newest),
        unranked.filter(~in_title, look_up_summary).order_by(*newest),
        matches.filter(~in_title, ~in_summary).order_by(*newest),
    ]


def search_count(*, user: Any, search: ProjectSearch, projects: QuerySet[Project] | ProjectRanking) -> int:
    """How many projects ``projects`` (``project_search``'s answer for ``search``) holds.

    Counting every match reads every matching row: 164,000 of the large city's 200,000
    projects hold 社区, 250-430 ms, where the page of 20 itself takes 10-20 ms. So for a
    search that sees what the public sees (visitors, and volunteers who run no
    organization and oversee no region) the count is kept in the cache for
    ``SEARCH_COUNT_CACHE_SECONDS``: a count may lag a new or withdrawn project by that
    long, the matches never do. Staff, who also see unpublished projects, get it afresh."""
    if org_permissions.watched_region(user) is not None or org_permissions.staff_roles_by_organization(user):
        return projects.count()
    words = " ".join(w.lower() for w in (search.q or "").split())
    region = search.region.pk if search.region is not None else None
    filters = (words, search.category, region, search.status, search.date_from, search.date_to, search.skill,
               search.near, search.radius_km, search.open_only, search.organization, search.located)
    key = "projects:search-count:" + hashlib.sha256(repr(filters).encode()).hexdigest()
    count = cache.get(key)
    if count is None:
        count = projects.count()
        cache.set(key, count, settings.CIVITAS["SEARCH_COUNT_CACHE_SECONDS"])
    return count


def with_distances(projects: list[Project], near: tuple[float, float] | None) -> list[Project]:
    for project in projects:
        project.distance_km = None  # type: ignore[attr-defined]
        if near is not None and project.latitude is not None and project.longitude is not None:
            project.distance_km = round(  # type: ignore[attr-defined]
                haversine_km(near[0], near[1], float(project.latitude), float(project.longitude)), 1
            )
    return projects


def get_project_for_user(user: Any, pk: int) -> Project:
    project = Project.objects.select_related("organization", "region", "created_by").filter(pk=pk).first()
    if project is None or not permissions.can_view_project(user, project):
        raise Http404
    return project


def get_shift_for_user(user: Any, pk: int) -> Shift:
    shift = Shift.objects.select_related("project__organization", "project__region").filter(pk=pk).first()
    if shift is None or not permissions.can_view_project(user, shift.project):
        raise Http404
    return shift


def get_signup_for_user(user: Any, pk: int) -> SignUp:
    """The volunteer's own sign-up, or any sign-up on a roster this user manages."""
    signup = SignUp.objects.select_related("shift__project__organization", "shift__project__region").filter(pk=pk).first()
    if signup is None or not user.is_authenticated:
        raise Http404
    if signup.volunteer_id != user.pk and not permissions.can_view_project_internals(user, signup.shift.project):
        raise Http404
    return signup


def project_shifts(*, project: Project, upcoming_only: bool = False) -> QuerySet[Shift]:
    shifts = project.shifts.prefetch_related("skills", "qualifications").order_by("starts_at", "pk")
    if upcoming_only:
        shifts = shifts.filter(ends_at__gt=timezone.now())
    return shifts


@dataclass
class ShiftView:
    shift: Shift
    refusal: Any
    signup: SignUp | None


def shifts_with_eligibility(*, project: Project, user: Any, shifts: list[Shift]) -> list[ShiftView]:
    """Each shift with the reason this user may not sign up (or None) and their sign-up;
    five queries for the volunteer however many shifts there are."""
    facts = VolunteerFacts(user) if user.is_authenticated else None
    mine: dict[int, SignUp] = {}
    if facts is not None and facts.profile is not None:
        mine = {
            s.shift_id: s for s in SignUp.objects.filter(
                volunteer=user, shift__in=[s.pk for s in shifts], status__in=[*ACTIVE_SIGNUP_STATUSES]
            )
        }
    now = timezone.now()
    views = []
    for shift in shifts:
        refusal = None
        if facts is not None:
            refusal = signup_refusal(
                shift=shift, project=project, facts=facts, now=now,
                skills=list(shift.skills.all()), qualifications=list(shift.qualifications.all()),
            )
        views.append(ShiftView(shift, refusal, mine.get(shift.pk)))
    return views


def projects_to_review(*, user: Any) -> QuerySet[Project]:
    assignment = org_permissions.committee_assignment(user)
    if assignment is None or not org_permissions.is_committee_staff(user):
        return Project.objects.none()
    return (
        Project.objects.filter(status=ProjectStatus.SUBMITTED, region__path__startswith=assignment.region.path)
        .select_related("organization", "region")
        .order_by("updated_at", "pk")
    )


def signups_of(*, user: Any, include_past: bool = False) -> QuerySet[SignUp]:
    signups = SignUp.objects.filter(volunteer=user).select_related("shift__project__organization")
    if not include_past:
        signups = signups.filter(shift__ends_at__gt=timezone.now(), status__in=ACTIVE_SIGNUP_STATUSES)
    return signups.order_by("shift__starts_at", "pk")


def roster(*, shift: Shift) -> QuerySet[SignUp]:
    order = Case(
        When(status=SignUpStatus.CONFIRMED, then=Value(0)),
        When(status=SignUpStatus.OFFERED, then=Value(1)),
        When(status=SignUpStatus.PENDING, then=Value(2)),
        When(status=SignUpStatus.WAITLISTED, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    return (
        SignUp.objects.filter(shift=shift)
        .select_related("volunteer__volunteer")
        .annotate(rank=order)
        .order_by("rank", "waitlist_position", "created_at", "pk")
    )


def phone_visible_ids(*, user: Any, shift: Shift, volunteer_ids: list[int]) -> set[int]:
    """Whose mobile this user may see unmasked on the roster: the organization's staff see
    those who belong to (or applied to) the organization, as accounts' privacy rule says;
    everyone else sees masked numbers. One query."""
    from civitas.organizations.models import Membership, MembershipStatus

    if not permissions.can_manage_project(user, shift.project):
        return set()
    return set(
        Membership.objects.filter(
            organization_id=shift.project.organization_id, user_id__in=volunteer_ids,
            status__in=[MembershipStatus.APPROVED, MembershipStatus.APPLIED],
        ).values_list("user_id", flat=True)
    )


def calendar_token_of(user: Any) -> CalendarToken | None:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at").first()


def calendar_user(token: str) -> Any:
    row = CalendarToken.objects.select_related("user").filter(token=token, revoked_at__isnull=True).first()
    if row is None or not row.user.is_active:
        raise Http404
    return row.user


def calendar_signups(*, user: Any) -> QuerySet[SignUp]:
    since = timezone.now() - dt.timedelta(days=90)
    return (
        SignUp.objects.filter(volunteer=user, status__in=[SignUpStatus.CONFIRMED, SignUpStatus.ATTENDED], shift__ends_at__gte=since)
        .exclude(shift__status=ShiftStatus.CANCELLED)
        .select_related("shift__project")
        .order_by("shift__starts_at")
    )


# --- recommendations ---------------------------------------------------------------------


@dataclass
class Recommendation:
    shift: Shift
    score: int
    reasons: list[str]


DAY_PARTS = (("morning", 5, 12), ("afternoon", 12, 18), ("evening", 18, 24))


def _day_part(hour: int) -> str:
    for name, start, end in DAY_PARTS:
        if start <= hour < end:
            return name
    return "evening"


def recommendations(*, user: Any, limit: int = 6, candidates: int = 300) -> list[Recommendation]:
    """Upcoming open shifts with free places, scored against the volunteer's skills,
    interests, home district and weekly availability; each with the reasons shown.
    Reads at most ``candidates`` shifts, soonest first."""
    profile = getattr(user, "volunteer", None) if user.is_authenticated else None
    if profile is None:
        return []
    now = timezone.now()
    facts = VolunteerFacts(user)
    interests = set(profile.interests or [])
    home_district_path = ""
    if profile.home_community_id:
        parts = profile.home_community.path.strip("/").split("/")
        home_district_path = "/" + "/".join(parts[:2]) + "/" if len(parts) >= 2 else profile.home_community.path
    availability = {day: set(parts) for day, parts in (profile.availability or {}).items()}
    relevant = Q(skills__in=facts.skill_ids) | Q(project__category__in=interests)
    if home_district_path:
        relevant |= Q(project__region__path__startswith=home_district_path)
    shifts = list(
        open_shifts(now)
        .filter(project__status__in=SIGNUP_OPEN_STATUSES, confirmed_count__lt=F("capacity"))
        .filter(pk__in=Shift.objects.filter(relevant).values("pk"))
        .exclude(pk__in=list(facts.active_shift_ids))
        .select_related("project__region", "project__organization")
        .prefetch_related("skills", "qualifications")
        .order_by("starts_at")[:candidates]
    )
    weekday_codes = [w.value for w in Weekday]
    weekday_labels = dict(Weekday.choices)
    part_labels = {"morning": _("morning"), "afternoon": _("afternoon"), "evening": _("evening")}
    results = []
    for shift in shifts:
        project = shift.project
        if signup_refusal(shift=shift, project=project, facts=facts, now=now,
                          skills=list(shift.skills.all()), qualifications=list(shift.qualifications.all())):
            continue
        score, reasons = 0, []
        for skill in shift.skills.all():
            if skill.pk in facts.skill_ids:
                score += 3
                reasons.append(_("matches your skill: %(skill)s") % {"skill": localized(skill)})
        if project.category in interests:
            score += 2
            reasons.append(_("matches your interest: %(interest)s") % {"interest": ServiceCategory(project.category).label})
        if home_district_path and project.region.path.startswith(home_district_path):
            score += 2
            reasons.append(_("close to home: %(region)s") % {"region": localized(project.region)})
        local = timezone.localtime(shift.starts_at)
        day, part = weekday_codes[local.weekday()], _day_part(local.hour)
        if part in availability.get(day, set()):
            score += 1
            reasons.append(
                _("fits your availability: %(day)s %(part)s") % {"day": weekday_labels[day], "part": part_labels[part]}
            )
        if score:
            results.append(Recommendation(shift, score, reasons))
    results.sort(key=lambda r: (-r.score, r.shift.starts_at))
    return results[:limit]
