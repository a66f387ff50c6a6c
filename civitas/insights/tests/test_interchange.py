from __future__ import annotations

import csv
import io
import zipfile

from django.urls import reverse

from civitas.insights.interchange import ORGANIZATION_FIELDS, RECORD_FIELDS, VOLUNTEER_FIELDS


def _read(response):
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {name: list(csv.reader(io.StringIO(archive.read(name).decode()))) for name in archive.namelist()}


def test_city_staff_download_the_interchange_zip_with_masked_people(small_city):
    cast = small_city.cast

    response = cast.client_for(cast.city_staff).get(reverse("insights:interchange"))

    assert response.status_code == 200
    files = _read(response)
    assert set(files) == {"volunteers.csv", "organizations.csv", "projects.csv", "service_records.csv", "manifest.csv"}
    assert files["volunteers.csv"][0] == VOLUNTEER_FIELDS
    assert files["organizations.csv"][0] == ORGANIZATION_FIELDS
    assert files["service_records.csv"][0] == RECORD_FIELDS
    assert len(files["service_records.csv"]) == 1 + 4  # approved entries only
    text = "\n".join(",".join(row) for row in files["volunteers.csv"])
    assert "13900000001" not in text and "110101199003074514" not in text and "李小红" not in text
    assert len(files["volunteers.csv"]) == 1 + 4


def test_only_city_level_readers_export(small_city):
    cast = small_city.cast

    assert cast.client_for(cast.auditor).get(reverse("insights:interchange")).status_code == 200
    assert cast.client_for(cast.district_staff).get(reverse("insights:interchange")).status_code == 403
    assert cast.client_for(cast.organizer_a).get(reverse("insights:interchange")).status_code == 403
