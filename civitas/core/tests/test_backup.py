"""Nothing lost: a seeded demo city survives a backup and a restore."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from civitas.accounts.models import User, VolunteerProfile
from civitas.organizations.models import Organization


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("civitas.") and model._meta.managed and not model._meta.proxy
    }


@pytest.fixture
def seeded(transactional_db):
    call_command("seed", "--scale", "demo", verbosity=0, stdout=__import__("io").StringIO())
    profile = VolunteerProfile.objects.exclude(id_number="").order_by("pk").first()
    return {"counts": _counts(), "profile_pk": profile.pk, "id_number": profile.id_number}


def _damage() -> None:
    Organization.objects.filter(pk__in=Organization.objects.values("pk")[:3]).update(name="damaged")
    User.objects.filter(pk__in=User.objects.order_by("-pk").values("pk")[:5]).update(is_active=False)


def _assert_intact(seeded) -> None:
    assert _counts() == seeded["counts"]
    assert not Organization.objects.filter(name="damaged").exists()
    assert VolunteerProfile.objects.get(pk=seeded["profile_pk"]).id_number == seeded["id_number"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup API")
def test_sqlite_backup_round_trips_a_seeded_city(seeded, tmp_path):
    path = tmp_path / "city.sqlite3"
    call_command("backup", "--output", str(path), verbosity=0, stdout=__import__("io").StringIO())
    assert path.read_bytes().startswith(b"SQLite format 3")
    _damage()
    call_command("restore", str(path), "--yes", stdout=__import__("io").StringIO())
    _assert_intact(seeded)


def test_portable_json_backup_round_trips_a_seeded_city(seeded, tmp_path):
    path = tmp_path / "city.json.gz"
    call_command("backup", "--output", str(path), "--format", "json", stdout=__import__("io").StringIO())
    _damage()
    call_command("restore", str(path), "--yes", stdout=__import__("io").StringIO())
    _assert_intact(seeded)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump")
def test_pg_dump_backup_round_trips_a_seeded_city(seeded, tmp_path):
    import shutil

    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    path = tmp_path / "city.dump"
    call_command("backup", "--output", str(path), "--format", "pg", stdout=__import__("io").StringIO())
    assert path.read_bytes().startswith(b"PGDMP")
    _damage()
    call_command("restore", str(path), "--yes", stdout=__import__("io").StringIO())
    _assert_intact(seeded)


def test_restore_refuses_without_confirmation(db, tmp_path, monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "x.json.gz"))
