import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from civitas.accounts import services
from civitas.accounts.models import User, VolunteerProfile

PASSWORD = "correct-horse-battery"


def register(**fields):
    fields.setdefault("real_name", "李小红")
    fields.setdefault("password", PASSWORD)
    fields.setdefault("birth_date", dt.date(1990, 1, 1))
    return services.volunteer_register(**fields)


def test_resident_id_fills_birth_date_and_gender(db):
    user = register(mobile="13812345678", id_number="110101199003074514", birth_date=None)
    profile = user.volunteer
    assert profile.birth_date == dt.date(1990, 3, 7)
    assert profile.gender == "male"
    assert profile.id_type == "resident_id"


def test_wrong_check_digit_is_refused_on_the_id_field(db):
    with pytest.raises(ValidationError) as error:
        register(mobile="13812345678", id_number="110101199003074515", birth_date=None)
    assert "id_number" in error.value.message_dict
    assert not User.objects.exists()


def test_mobile_is_stored_in_e164_and_encrypted_at_rest(db):
    user = register(mobile="138 1234 5678")
    user.refresh_from_db()
    assert user.mobile == "+8613812345678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile FROM accounts_user WHERE id = %s", [user.pk])
        raw = cursor.fetchone()[0]
    assert "13812345678" not in raw


@pytest.mark.parametrize(
    ("first", "second", "field"),
    [
        ({"mobile": "13812345678"}, {"mobile": "+86 138 1234 5678"}, "mobile"),
        ({"email": "A@Example.org"}, {"email": "a@example.org"}, "email"),
        (
            {"mobile": "13812345678", "id_number": "110101199003074514", "birth_date": None},
            {"mobile": "13912345678", "id_number": "110101199003074514", "birth_date": None},
            "id_number",
        ),
    ],
)
def test_one_person_one_record(db, first, second, field):
    register(**first)
    with pytest.raises(ValidationError) as error:
        register(**second)
    assert field in error.value.message_dict
    assert VolunteerProfile.objects.count() == 1


def test_a_sign_in_needs_mobile_or_email(db):
    with pytest.raises(ValidationError) as error:
        register()
    assert "mobile" in error.value.message_dict


def test_weak_password_is_refused_on_the_password_field(db):
    with pytest.raises(ValidationError) as error:
        register(mobile="13812345678", password="12345678")
    assert "password" in error.value.message_dict
    assert not User.objects.exists()


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
def test_minor_needs_guardian_consent(db):
    with pytest.raises(ValidationError) as error:
        register(mobile="13812345678", birth_date=dt.date(2010, 1, 1))
    assert {"guardian_name", "guardian_relation", "guardian_mobile"} <= set(error.value.message_dict)
    user = register(
        mobile="13812345678",
        birth_date=dt.date(2010, 1, 1),
        guardian=services.Guardian(name="李父", relation="父亲", mobile="13912345678"),
    )
    assert user.volunteer.guardian_mobile == "+8613912345678"
    assert user.volunteer.guardian_consent_at is not None


@time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
def test_children_under_14_are_registered_only_by_a_guardian(db):
    guardian = services.Guardian(name="李母", relation="母亲", mobile="13912345678")
    with pytest.raises(ValidationError) as error:
        register(mobile="13812345678", birth_date=dt.date(2015, 1, 1), guardian=guardian)
    assert "birth_date" in error.value.message_dict
    user = register(mobile="13812345678", birth_date=dt.date(2015, 1, 1), guardian=guardian, registered_by_guardian=True)
    assert user.volunteer.registered_by_guardian


def test_volunteer_number_is_public_safe(db):
    user = register(mobile="13812345678", id_number="110101199003074514", birth_date=None)
    number = user.volunteer.volunteer_number
    assert number.startswith("V")
    assert "4514" not in number[-4:] or number[-4:] != "4514"
    assert "13812345678" not in number


def test_sign_in_with_mobile_email_or_username(db, client):
    user = register(mobile="13812345678", email="li@example.org")
    for identifier in ("13812345678", "+8613812345678", "li@example.org", user.username):
        assert client.login(username=identifier, password=PASSWORD), identifier
        client.logout()
    assert not client.login(username="13812345678", password="wrong-password")
