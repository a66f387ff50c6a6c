"""Migrations run forward on a populated database (not only on an empty one)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from civitas.accounts.models import ConsentRecord, VolunteerProfile


@pytest.mark.django_db(transaction=True)
def test_accounts_migrations_back_and_forward_on_a_populated_database(cast):
    profiles = VolunteerProfile.objects.count()
    assert profiles >= 4
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0004_qualifications")])
    with connection.cursor() as cursor:
        assert "accounts_consentrecord" not in connection.introspection.table_names(cursor)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert ConsentRecord.objects.count() == profiles
    for profile in VolunteerProfile.objects.all():
        consent = ConsentRecord.objects.get(user_id=profile.user_id)
        assert consent.version == profile.privacy_consent_version
        assert consent.given_at == profile.privacy_consent_at
    # The data written before the round trip is still readable, encrypted fields included.
    assert VolunteerProfile.objects.get(user=cast.volunteer).id_number == "110101199003074514"
