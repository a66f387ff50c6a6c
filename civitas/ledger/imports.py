"""Historical service records from a CSV or XLSX file, by an organization's staff.

Columns (first row, names in English or Chinese): ``volunteer_number`` (志愿者编号),
``started_at`` (开始时间, ``YYYY-MM-DD HH:MM``), ``ended_at`` (结束时间), ``hours`` (时长),
optional ``project`` (项目编号, a project id of the organization) and ``note`` (备注).
Every row goes through ``record_create`` (source import) and, when no rule flags it,
``record_approve``. A file with errors saves nothing unless the uploader asked to skip
the bad rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.accounts.audit import audit
from civitas.accounts.models import VolunteerProfile
from civitas.core.errors import Conflict
from civitas.ledger.models import RecordSource
from civitas.ledger.services import record_approve, record_create

MAX_ROWS = 5000
ALIASES = {
    "volunteer_number": "volunteer_number", "志愿者编号": "volunteer_number",
    "started_at": "started_at", "开始时间": "started_at",
    "ended_at": "ended_at", "结束时间": "ended_at",
    "hours": "hours", "时长": "hours", "小时": "hours",
    "project": "project", "项目编号": "project",
    "note": "note", "备注": "note",
}
REQUIRED = ("volunteer_number", "started_at", "ended_at", "hours")


@dataclass
class RowError:
    row: int
    messages: list[str]


@dataclass
class ImportReport:
    rows: int = 0
    saved: int = 0
    approved: int = 0
    pending: int = 0
    errors: list[RowError] = field(default_factory=list)
    is_saved: bool = False


class _Abort(Exception):
    pass


def read_rows(*, name: str, content: bytes) -> list[dict[str, Any]]:
    """The file's rows as dicts keyed by canonical column names."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as error:
            raise ValidationError({"file": [_("This is not a readable XLSX file.")]}) from error
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
    elif name.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("gb18030", errors="replace")
        values = list(csv.reader(io.StringIO(text)))
    else:
        raise ValidationError({"file": [_("Upload a CSV or XLSX file.")]})
    if not values:
        raise ValidationError({"file": [_("The file is empty.")]})
    header = [ALIASES.get(str(cell or "").strip().lower(), ALIASES.get(str(cell or "").strip(), "")) for cell in values[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationError({"file": [_("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)}]})
    rows = [
        {key: cell for key, cell in zip(header, row, strict=False) if key}
        for row in values[1:]
        if any(cell not in (None, "") for cell in row)
    ]
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": [_("At most %(count)s rows per file.") % {"count": MAX_ROWS}]})
    return rows


def _moment(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value or "").strip().replace("/", "-")
        for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"):
            try:
                moment = dt.datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            raise ValueError(text)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def records_import(
    *, organization: Any, uploader: Any, name: str, content: bytes, skip_bad_rows: bool = False
) -> ImportReport:
    rows = read_rows(name=name, content=content)
    report = ImportReport(rows=len(rows))
    numbers = {str(row.get("volunteer_number") or "").strip() for row in rows}
    volunteers = {p.volunteer_number: p.user for p in VolunteerProfile.objects.filter(volunteer_number__in=numbers).select_related("user")}
    projects = {p.pk: p for p in organization.projects.all()}
    try:
        with transaction.atomic():
            for index, row in enumerate(rows, start=2):
                messages: list[str] = []
                volunteer = volunteers.get(str(row.get("volunteer_number") or "").strip())
                if volunteer is None:
                    messages.append(_("No volunteer has the number %(number)s.") % {"number": row.get("volunteer_number")})
                try:
                    started_at, ended_at = _moment(row.get("started_at")), _moment(row.get("ended_at"))
                except ValueError:
                    messages.append(_("Write times as YYYY-MM-DD HH:MM."))
                    started_at = ended_at = None
                try:
                    hours = Decimal(str(row.get("hours")).strip())
                except (InvalidOperation, ValueError):
                    messages.append(_("Hours must be a number."))
                    hours = None
                project = None
                if row.get("project") not in (None, ""):
                    try:
                        project = projects.get(int(str(row["project"]).strip()))
                    except ValueError:
                        project = None
                    if project is None:
                        messages.append(_("Project %(project)s is not a project of this organization.") % {
                            "project": row.get("project")})
                if started_at and started_at > timezone.now():
                    messages.append(_("Service in the future cannot be imported."))
                if not messages:
                    try:
                        with transaction.atomic():
                            record = record_create(
                                volunteer=volunteer, organization=organization, project=project, started_at=started_at,
                                ended_at=ended_at, hours=hours, source=RecordSource.IMPORT, created_by=uploader,
                                note=str(row.get("note") or "").strip(),
                            )
                            if not record.flags:
                                record_approve(record=record, approver=uploader)
                                report.approved += 1
                            else:
                                report.pending += 1
                            report.saved += 1
                    except ValidationError as error:
                        messages.extend(error.messages)
                    except Conflict as error:
                        messages.append(error.message)
                if messages:
                    report.errors.append(RowError(index, messages))
            if report.errors and not skip_bad_rows:
                raise _Abort
            # Inside the import's transaction: an import that saves nothing leaves no entry.
            audit(actor=uploader, action="record.import", target=organization, details={
                "file": name[:200], "rows": report.rows, "saved": report.saved, "approved": report.approved,
                "pending": report.pending, "skipped": len(report.errors),
            })
    except _Abort:
        report.saved = report.approved = report.pending = 0
        return report
    report.is_saved = True
    return report
