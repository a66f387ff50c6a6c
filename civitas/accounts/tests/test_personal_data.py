"""Personal data: encrypted at rest, downloadable by its owner, erased on closing."""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from civitas.accounts import services
from civitas.accounts.models import ApiToken, AuditEntry, ConsentRecord, User, VolunteerProfile
from civitas.conftest import PASSWORD
from civitas.core import crypto
from civitas.organizations import services as organizations
from civitas.organizations.models import Membership


def test_raw_columns_hold_no_plain_id_number_or_phone(cast):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id_number, u.mobile FROM {VolunteerProfile._meta.db_table} p "
            f"JOIN {User._meta.db_table} u ON u.id = p.user_id WHERE u.id = %s",
            [cast.volunteer.pk],
        )
        raw_id, raw_mobile = cursor.fetchone()
    assert "110101199003074514" not in raw_id and "1990" not in raw_id
    assert "13900000001" not in raw_mobile
    assert crypto.decrypt(raw_id) == "110101199003074514"
    profile = VolunteerProfile.objects.get(user=cast.volunteer)
    assert profile.id_number_digest == crypto.lookup_digest("resident_id:110101199003074514")


def test_export_contains_my_rows_from_every_app_and_no_secrets(cast):
    organizations.membership_apply(user=cast.volunteer, organization=cast.org_a)
    services.api_token_issue(user=cast.volunteer)
    client = cast.client_for(cast.volunteer)
    response = client.post(reverse("accounts:data_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["user"]["mobile"] == "+8613900000001"
    assert "password" not in data["user"] and "mobile_digest" not in data["user"]
    records = data["records"]
    assert records["accounts.VolunteerProfile.user"][0]["id_number"] == "110101199003074514"
    assert "id_number_digest" not in records["accounts.VolunteerProfile.user"][0]
    assert len(records["organizations.Membership.user"]) == 1
    assert all("key_digest" not in row for row in records["accounts.ApiToken.user"])
    assert records["accounts.ConsentRecord.user"][0]["version"] == settings.CIVITAS["PRIVACY_CONSENT_VERSION"]
    text = response.content.decode()
    token_digest = ApiToken.objects.get(user=cast.volunteer).key_digest
    assert token_digest not in text and cast.volunteer.password not in text
    assert AuditEntry.objects.filter(action="personal_data.export", actor=cast.volunteer).exists()


def test_export_needs_a_post_and_a_sign_in(cast):
    assert Client().post(reverse("accounts:data_export")).status_code == 302
    assert cast.client_for(cast.volunteer).get(reverse("accounts:data_export")).status_code == 405


def test_closing_an_account_anonymizes_and_keeps_records(cast):
    organizations.membership_apply(user=cast.volunteer, organization=cast.org_a)
    old_username = cast.volunteer.username
    client = cast.client_for(cast.volunteer)
    wrong = client.post(reverse("accounts:account_close"), {"password": "nope", "confirm": "on"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    response = client.post(reverse("accounts:account_close"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    user = User.objects.get(pk=cast.volunteer.pk)
    profile = user.volunteer
    assert not user.is_active and user.first_name == "已注销" and user.email is None
    assert user.mobile == "" and user.mobile_digest is None and not user.has_usable_password()
    assert profile.real_name == "已注销" and profile.id_number == "" and profile.id_number_digest is None
    assert profile.birth_date.month == 1 and profile.birth_date.day == 1
    assert Membership.objects.filter(user=user).exists()  # the history stays, nameless
    # The old account cannot sign in by any name it had.
    for name in (old_username, "13900000001"):
        assert Client().post(reverse("accounts:login"), {"username": name, "password": PASSWORD}).status_code == 200
    # The mobile and ID number are free for a new registration.
    services.volunteer_register(real_name="新人", password=PASSWORD, mobile="13900000001",
                                id_type="resident_id", id_number="110101199003074514")
    assert AuditEntry.objects.filter(action="account.close", target_id=str(user.pk)).exists()


def test_consent_history_is_kept_per_version(cast, settings):
    assert ConsentRecord.objects.filter(user=cast.volunteer).count() == 1
    settings.CIVITAS = {**settings.CIVITAS, "PRIVACY_CONSENT_VERSION": "2027-01"}
    client = cast.client_for(cast.volunteer)
    page = client.get(reverse("accounts:consent"))
    assert "2027-01" in page.content.decode()
    client.post(reverse("accounts:consent"))
    versions = list(ConsentRecord.objects.filter(user=cast.volunteer).values_list("version", flat=True))
    assert versions == ["2027-01", "2026-01"]
    assert VolunteerProfile.objects.get(user=cast.volunteer).privacy_consent_version == "2027-01"


@pytest.mark.parametrize("field", ["mobile", "id_number"])
def test_pages_show_masked_numbers_only(cast, field):
    response = cast.client_for(cast.volunteer).get(reverse("accounts:me"))
    text = response.content.decode()
    assert "13900000001" not in text and "110101199003074514" not in text
    assert "139****0001" in text


def test_data_download_lists_uploaded_files_by_name(cast):
    from django.core.files.base import ContentFile

    from civitas.accounts.services import _row_data
    from civitas.projects.models import Project

    project = Project(organization=cast.org_a, region=cast.city.district_a, title="x", category="health",
                      created_by=cast.volunteer)
    project.cover_image.save("cover.png", ContentFile(b"not really an image"), save=False)
    assert _row_data(project)["cover_image"].endswith(".png")
