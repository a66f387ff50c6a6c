"""The data interchange export: volunteers (masked), organizations, projects and service
records as CSV files in one zip, for upload to provincial and national systems. The field
list is docs/interchange.md; change both together."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.utils import timezone

from civitas.core.masking import mask_id_number, mask_mobile, mask_name

VOLUNTEER_FIELDS = [
    "volunteer_number", "name_masked", "gender", "birth_year", "id_type", "id_number_masked", "mobile_masked",
    "home_community_code", "registered_at", "total_hours", "star_level",
]
ORGANIZATION_FIELDS = ["id", "name", "name_en", "kind", "unit_type", "status", "region_code", "parent_id", "member_count", "registered_at"]
PROJECT_FIELDS = [
    "id", "title", "organization_id", "region_code", "category", "status", "starts_on", "ends_on",
    "beneficiary_count", "people_served", "budget",
]
RECORD_FIELDS = [
    "id", "volunteer_number", "organization_id", "project_id", "region_code", "started_at", "ended_at", "hours",
    "source", "corrects_id", "approved_at", "sequence", "entry_hash",
]


def _iso(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _volunteers() -> Iterator[list[Any]]:
    from civitas.accounts.models import VolunteerProfile

    queryset = VolunteerProfile.objects.select_related("user", "home_community", "user__hours_totals").order_by("pk")
    for profile in queryset.iterator(chunk_size=2000):
        totals = getattr(profile.user, "hours_totals", None)
        yield [
            profile.volunteer_number, mask_name(profile.real_name), profile.gender,
            profile.birth_date.year if profile.birth_date else "", profile.id_type, mask_id_number(profile.id_number),
            mask_mobile(profile.user.mobile), profile.home_community.code if profile.home_community else "",
            _iso(profile.created_at), totals.total_hours if totals else "0", totals.star_level if totals else 0,
        ]


def _organizations() -> Iterator[list[Any]]:
    from civitas.organizations.models import Organization

    for o in Organization.objects.select_related("region").order_by("pk").iterator(chunk_size=2000):
        yield [o.pk, o.name, o.name_en, o.kind, o.unit_type, o.status, o.region.code, o.parent_id or "", o.member_count, _iso(o.created_at)]


def _projects() -> Iterator[list[Any]]:
    from civitas.projects.models import Project

    for p in Project.objects.select_related("region").order_by("pk").iterator(chunk_size=2000):
        yield [
            p.pk, p.title, p.organization_id, p.region.code, p.category, p.status, _iso(p.starts_on), _iso(p.ends_on),
            p.beneficiary_count, p.people_served, p.budget,
        ]


def _records() -> Iterator[list[Any]]:
    from civitas.ledger.models import RecordStatus, ServiceRecord

    rows = (
        ServiceRecord.objects.filter(status=RecordStatus.APPROVED)
        .order_by("pk")
        .values_list(
            "pk", "volunteer__volunteer__volunteer_number", "organization_id", "project_id", "region__code",
            "started_at", "ended_at", "hours", "source", "corrects_id", "decided_at", "sequence", "entry_hash",
        )
    )
    for row in rows.iterator(chunk_size=5000):
        (pk, number, organization, project, region, started, ended, hours, source, corrects, decided, sequence, digest) = row
        yield [pk, number or "", organization, project or "", region, _iso(started), _iso(ended), hours, source,
               corrects or "", _iso(decided), sequence or "", digest]


def _write(archive: zipfile.ZipFile, name: str, headers: list[str], rows: Iterable[list[Any]]) -> int:
    count = 0
    with archive.open(name, "w") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(row)
            count += 1
        text.flush()
        text.detach()
    return count


def write_interchange(target: IO[bytes]) -> dict[str, int]:
    """Write the zip to ``target``; answers the number of rows of each file."""
    counts = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        counts["volunteers"] = _write(archive, "volunteers.csv", VOLUNTEER_FIELDS, _volunteers())
        counts["organizations"] = _write(archive, "organizations.csv", ORGANIZATION_FIELDS, _organizations())
        counts["projects"] = _write(archive, "projects.csv", PROJECT_FIELDS, _projects())
        counts["service_records"] = _write(archive, "service_records.csv", RECORD_FIELDS, _records())
        archive.writestr(
            "manifest.csv",
            "file,rows,exported_at\n"
            + "".join(f"{name}.csv,{count},{_iso(timezone.now())}\n" for name, count in counts.items()),
        )
    return counts
