import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from civitas.ledger.imports import records_import
from civitas.ledger.models import ServiceRecord, VolunteerTotals


def csv_file(cast, bad=False):
    number = cast.volunteer.volunteer.volunteer_number
    rows = ["志愿者编号,开始时间,结束时间,时长,备注", f"{number},2025-03-01 09:00,2025-03-01 12:00,3,春季植树"]
    rows.append(f"{number},2025-03-02 09:00,2025-03-02 11:00,2,")
    if bad:
        rows.append("V-NOBODY,2025-03-03 09:00,2025-03-03 11:00,2,")
        rows.append(f"{number},yesterday,2025-03-04 11:00,2,")
    return "\n".join(rows).encode()


def test_a_clean_csv_is_imported_and_approved(cast):
    report = records_import(organization=cast.org_a, uploader=cast.organizer_a, name="h.csv", content=csv_file(cast))
    assert report.is_saved and (report.saved, report.approved, report.errors) == (2, 2, [])
    assert VolunteerTotals.objects.get(volunteer=cast.volunteer).total_hours == Decimal("5")
    assert set(ServiceRecord.objects.values_list("source", flat=True)) == {"import"}


def test_a_file_with_errors_saves_nothing(cast):
    report = records_import(organization=cast.org_a, uploader=cast.organizer_a, name="h.csv", content=csv_file(cast, bad=True))
    assert not report.is_saved
    assert [e.row for e in report.errors] == [4, 5]
    assert not ServiceRecord.objects.exists()


def test_the_uploader_can_skip_the_bad_rows(cast):
    report = records_import(organization=cast.org_a, uploader=cast.organizer_a, name="h.csv",
                            content=csv_file(cast, bad=True), skip_bad_rows=True)
    assert report.is_saved and report.saved == 2 and len(report.errors) == 2
    assert ServiceRecord.objects.count() == 2


def test_overlapping_rows_are_reported(cast):
    number = cast.volunteer.volunteer.volunteer_number
    content = (f"volunteer_number,started_at,ended_at,hours\n{number},2025-03-01 09:00,2025-03-01 12:00,3\n"
               f"{number},2025-03-01 10:00,2025-03-01 11:00,1\n").encode()
    report = records_import(organization=cast.org_a, uploader=cast.organizer_a, name="h.csv", content=content)
    assert [e.row for e in report.errors] == [3]


def test_xlsx_is_read(cast):
    book = Workbook()
    sheet = book.active
    sheet.append(["volunteer_number", "started_at", "ended_at", "hours"])
    sheet.append([cast.volunteer.volunteer.volunteer_number, "2025-04-01 09:00", "2025-04-01 13:00", 4])
    buffer = io.BytesIO()
    book.save(buffer)
    report = records_import(organization=cast.org_a, uploader=cast.organizer_a, name="h.xlsx", content=buffer.getvalue())
    assert report.saved == 1


def test_import_page_shows_the_row_report(cast):
    client = cast.client_for(cast.organizer_a)
    upload = SimpleUploadedFile("h.csv", csv_file(cast, bad=True), content_type="text/csv")
    response = client.post(reverse("ledger:import"), {"organization": cast.org_a.pk, "file": upload})
    assert response.status_code == 200
    assert "V-NOBODY" in response.content.decode()
    assert not ServiceRecord.objects.exists()


def test_import_page_is_for_organization_staff_only(cast):
    assert cast.client_for(cast.volunteer).get(reverse("ledger:import")).status_code == 403


def test_staff_cannot_import_for_another_organization(cast):
    client = cast.client_for(cast.organizer_a)
    upload = SimpleUploadedFile("h.csv", csv_file(cast), content_type="text/csv")
    response = client.post(reverse("ledger:import"), {"organization": cast.org_b.pk, "file": upload})
    assert response.status_code == 200 and not ServiceRecord.objects.exists()
