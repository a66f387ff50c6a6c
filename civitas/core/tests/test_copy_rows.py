import datetime as dt
import io
import random

from django.db import connection
from django.utils import timezone

from civitas.accounts.models import User, VolunteerProfile
from civitas.core import crypto
from civitas.core.seeding import SCALES, SeedContext, copy_rows


def test_copy_rows_writes_encrypted_columns_json_and_the_defaults_of_columns_not_given(db):
    now = timezone.now()
    rows = [(f"bulk{i}", "!", f"+86137{i:08d}", crypto.lookup_digest(f"+86137{i:08d}"), now) for i in range(3)]
    written = copy_rows(User, ["username", "password", "mobile", "mobile_digest", "date_joined"], rows)
    assert written == 3
    users = list(User.objects.filter(username__startswith="bulk").order_by("username"))
    assert [u.mobile for u in users] == ["+8613700000000", "+8613700000001", "+8613700000002"]
    assert all(u.is_active and not u.is_staff and u.first_name == "" for u in users)
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile FROM accounts_user WHERE username = 'bulk0'")
        stored = cursor.fetchone()[0]
    assert stored != "+8613700000000"
    assert crypto.decrypt(stored) == "+8613700000000"

    copy_rows(
        VolunteerProfile,
        ["user_id", "volunteer_number", "real_name", "id_number", "birth_date", "interests", "availability",
         "privacy_consent_version", "privacy_consent_at"],
        [(users[0].pk, "VB1", "批量", "110101199003074514", dt.date(1990, 3, 7), ["community"], {"sat": ["morning"]},
          "2026-01", now)],
    )
    profile = VolunteerProfile.objects.get(user=users[0])
    assert profile.id_number == "110101199003074514"
    assert profile.interests == ["community"] and profile.availability == {"sat": ["morning"]}
    assert profile.birth_date == dt.date(1990, 3, 7) and profile.guardian_mobile == ""


def test_copy_rows_draws_progress_to_the_end(db):
    out = io.StringIO()
    ctx = SeedContext(scale=SCALES["demo"], rng=random.Random(1), out=out)
    now = timezone.now()
    copy_rows(User, ["username", "password", "date_joined"], ((f"p{i}", "!", now) for i in range(7)),
              ctx=ctx, total=7, label="people", batch=3)
    assert "100%" in out.getvalue() and "7/7" in out.getvalue()
