"""Dashboard tables (the same rows on the page, in XLSX and in CSV) and the annual
impact report (PDF with charts)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from civitas.insights.selectors import Dashboard


@dataclass
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    csv_url: str = ""
    xlsx_url: str = ""


def _or_dash(value: Any) -> Any:
    return "—" if value is None else value


def month_label(month: Any) -> str:
    return date_format(month, "Y-m")


def dashboard_tables(board: Dashboard) -> list[Table]:
    f = board.figures
    organization = board.scope.is_organization
    summary: list[list[Any]] = [
        [_("Members") if organization else _("Registered volunteers"), f.registered],
    ]
    if not organization:
        summary += [
            [_("Residents"), f.population],
            [_("Registered volunteers as a share of residents (%)"), _or_dash(f.volunteer_share)],
        ]
    summary += [
        [_("Active volunteers (last 12 months)"), f.active_12m],
        [_("Verified hours, all time"), f.total_hours],
        [_("Verified hours in %(year)s") % {"year": board.year}, f.hours_year],
    ]
    if not organization:
        summary.append([_("Verified hours per resident in %(year)s") % {"year": board.year}, _or_dash(f.hours_per_capita)])
    summary += [
        [_("People served"), f.people_served],
        [_("Projects (approved or further)"), f.projects],
        [_("Organizations") if not organization else _("Teams under this unit"), f.organizations],
        [_("Online and training hours"), f.online_hours],
        [_("Social value of all verified hours (yuan)"), board.social_value],
        [_("Money spent on projects (yuan)"), board.funding_total["spent"]],
        [_("Cost per verified hour (yuan)"), _or_dash(board.cost_per_hour)],
        [_("Cost per person served (yuan)"), _or_dash(board.cost_per_person_served)],
    ]
    tables = [Table("summary", _("Key figures"), [_("Figure"), _("Value")], summary)]
    month_headers = [_("Month"), _("Verified hours"), _("Online and training hours"), _("Approved entries")]
    if not organization:
        month_headers.append(_("New volunteers"))
    tables.append(
        Table(
            "months", _("By month"), month_headers,
            [
                [month_label(m["month"]), m["hours"], m["online_hours"], m["records"]]
                + ([] if organization else [m["new_volunteers"]])
                for m in board.months
            ],
        )
    )
    tables.append(Table("status", _("Projects by status"), [_("Status"), _("Projects")], [[str(label), n] for _v, label, n in board.status_counts]))
    tables.append(Table("category", _("Projects by category"), [_("Category"), _("Projects")], [[str(label), n] for _v, label, n in board.category_counts]))
    tables.append(
        Table(
            "leading", _("Leading teams") if organization else _("Leading units and teams"),
            [_("Rank"), _("Organization"), _("Verified hours, all time"), _("Hours this year"), _("Active volunteers (last 12 months)"), _("Members")],
            [
                [rank, str(row["organization"]), row["total_hours"], row["hours_year"], row["active_12m"], row["members"]]
                for rank, row in enumerate(board.leading, start=1)
            ],
        )
    )
    if board.parts:
        tables.append(
            Table(
                "parts", _("Regions within"),
                [_("Region"), _("Residents"), _("Registered volunteers"), _("Share of residents (%)"), _("Active volunteers (last 12 months)"), _("Hours this year")],
                [
                    [str(part["region"]), part["figures"].population, part["figures"].registered,
                     _or_dash(part["figures"].volunteer_share), part["figures"].active_12m, part["figures"].hours_year]
                    for part in board.parts
                ],
            )
        )
    tables.append(
        Table(
            "funding", _("Money by source (yuan)"), [_("Source"), _("Budgeted"), _("Received"), _("Spent")],
            [[str(row["label"]), row["budgeted"], row["received"], row["spent"]] for row in board.funding]
            + [[_("Total"), board.funding_total["budgeted"], board.funding_total["received"], board.funding_total["spent"]]],
        )
    )
    return tables


def table_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    # The BOM lets spreadsheet programs open Chinese text in CSV correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31]
    sheet.append(table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([float(value) if isinstance(value, Decimal) else value for value in row])
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 4, 10), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- The annual impact report ------------------------------------------------------------

FONT = "STSong-Light"


def annual_report_pdf(board: Dashboard, *, site_name: str) -> bytes:
    """A printable report of a scope's year: key figures, a chart of hours by month, a
    chart of projects by category, the leading units and the regions within."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.piecharts import Pie
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    def para(value: Any, style: Any) -> Any:
        # Paragraph reads its text as markup: names people typed (an organization's,
        # a project's) must reach the page as text, and a stray "<" must not break the build.
        return Paragraph(escape(str(value)), style)

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    title_style = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=24, spaceAfter=6)
    heading = ParagraphStyle("heading", fontName=FONT, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13)
    accent = colors.HexColor("#c0392b")

    def pdf_table(table: Table) -> PdfTable:
        data = [[para(h, body) for h in table.headers]] + [[para(value, body) for value in row] for row in table.rows]
        result = PdfTable(data, repeatRows=1, hAlign="LEFT")
        result.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f4e4e1")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return result

    tables = {table.name: table for table in dashboard_tables(board)}
    year_months = [m for m in board.months if m["month"].year == board.year]
    story: list[Any] = [
        para(_("%(scope)s · volunteer service impact report %(year)s") % {"scope": board.scope.name, "year": board.year}, title_style),
        para(site_name, body),
        Spacer(1, 4 * mm),
        para(tables["summary"].title, heading),
        pdf_table(tables["summary"]),
        para(_("Verified hours by month, %(year)s") % {"year": board.year}, heading),
    ]
    chart = Drawing(170 * mm, 65 * mm)
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 12 * mm, 10 * mm, 150 * mm, 50 * mm
    bars.data = [[float(m["hours"]) for m in year_months] or [0]]
    bars.categoryAxis.categoryNames = [f"{m['month'].month}" for m in year_months] or [""]
    bars.categoryAxis.labels.fontName = FONT
    bars.valueAxis.labels.fontName = FONT
    bars.valueAxis.valueMin = 0
    bars.bars[0].fillColor = accent
    chart.add(bars)
    story.append(chart)
    if board.category_counts:
        story.append(para(tables["category"].title, heading))
        pie_drawing = Drawing(170 * mm, 60 * mm)
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = 10 * mm, 5 * mm, 50 * mm, 50 * mm
        pie.data = [n for _v, _label, n in board.category_counts]
        pie.labels = None
        palette = ["#c0392b", "#e67e22", "#f1c40f", "#27ae60", "#2980b9", "#8e44ad", "#16a085", "#7f8c8d", "#d35400", "#2c3e50", "#e84393", "#00b894"]
        for index in range(len(pie.data)):
            pie.slices[index].fillColor = colors.HexColor(palette[index % len(palette)])
        pie_drawing.add(pie)
        for index, (_value, label, n) in enumerate(board.category_counts):
            y = 55 * mm - index * 5 * mm
            pie_drawing.add(String(70 * mm, y, f"■ {label}: {n}", fontName=FONT, fontSize=8,
                                   fillColor=colors.HexColor(palette[index % len(palette)])))
        story.append(pie_drawing)
    for name in ("leading", "parts", "funding", "status"):
        if name in tables and tables[name].rows:
            story += [para(tables[name].title, heading), pdf_table(tables[name])]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
        title=f"{board.scope.name} {board.year}", author=site_name,
    )
    document.build(story)
    return buffer.getvalue()
