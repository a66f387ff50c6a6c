import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from civitas.core import db_router
from civitas.core.db_router import (
    ReplicaReadsMiddleware,
    ReplicaRouter,
    using_primary,
    using_replica,
)
from civitas.organizations.models import Region


@pytest.fixture
def with_replica(settings, monkeypatch):
    # What settings build from DATABASE_REPLICA_URLS: an alias named "replica".
    monkeypatch.setattr(db_router, "replica_aliases", lambda: ["replica"])
    settings.REPLICA_READ_PATHS = ["/api/v1/stats"]


def test_reads_stay_on_the_primary_without_a_replica():
    with using_replica():
        assert ReplicaRouter().db_for_read(Region) is None


def test_reads_go_to_the_replica_only_inside_using_replica(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(Region) is None
    with using_replica():
        assert router.db_for_read(Region) == "replica"
        with using_primary():
            assert router.db_for_read(Region) is None
    assert router.db_for_write(Region) == "default"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary(with_replica):
    with using_replica():
        with transaction.atomic():
            assert ReplicaRouter().db_for_read(Region) is None
        assert ReplicaRouter().db_for_read(Region) == "replica"


def test_only_migrations_of_the_primary_run():
    assert ReplicaRouter().allow_migrate("default", "organizations")
    assert not ReplicaRouter().allow_migrate("replica", "organizations")


def test_middleware_sends_gets_of_listed_paths_to_the_replica(with_replica):
    seen = []

    def view(request):
        seen.append(db_router._replica_reads.get())
        return HttpResponse()

    middleware = ReplicaReadsMiddleware(view)
    factory = RequestFactory()
    middleware(factory.get("/api/v1/stats?scope=city"))
    middleware(factory.post("/api/v1/stats"))
    middleware(factory.get("/api/v1/me"))
    assert seen == [True, False, False]
    assert db_router._replica_reads.get() is False


def test_replica_urls_become_replica_databases_that_mirror_the_primary_in_tests():
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "civitas.settings",
           "DATABASE_URL": "postgres://app@primary:5432/civitas",
           "DATABASE_REPLICA_URLS": "postgres://app@replica-1:5432/civitas,postgres://app@replica-2:5432/civitas"}
    script = ("import json, django; django.setup(); from django.conf import settings; "
              "print(json.dumps({k: [v['HOST'], v.get('TEST', {}).get('MIRROR')] for k, v in settings.DATABASES.items()}))")
    output = subprocess.run([sys.executable, "-c", script], env=env, cwd=Path(__file__).resolve().parents[3],
                            capture_output=True, text=True, check=True).stdout
    assert json.loads(output.strip().splitlines()[-1]) == {
        "default": ["primary", None], "replica": ["replica-1", "default"], "replica_2": ["replica-2", "default"],
    }
