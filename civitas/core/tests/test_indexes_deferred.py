import pytest
from django.db import connection

from civitas.core.seeding import indexes_deferred
from civitas.projects.models import Project, Shift, SignUp


def constraints_of(*models):
    with connection.cursor() as cursor:
        return {
            (model._meta.db_table, name): (tuple(found["columns"]), found["index"], found["unique"], found["foreign_key"])
            for model in models
            for name, found in connection.introspection.get_constraints(cursor, model._meta.db_table).items()
        }


# Outside a transaction, as the seed command runs: PostgreSQL rebuilds on two connections.
# (The marker rather than the transactional_db fixture: conftest puts the default skills
# back after such a test.)
@pytest.mark.django_db(transaction=True)
def test_indexes_and_foreign_keys_are_set_aside_and_come_back_the_same():
    before = constraints_of(Project, Shift, SignUp)
    with indexes_deferred(Project, Shift, SignUp):
        during = constraints_of(Project, Shift, SignUp)
    assert constraints_of(Project, Shift, SignUp) == before
    assert set(during) < set(before)
    assert any(found[1] and not found[2] for key, found in before.items() if key not in during)  # plain indexes went


def test_inside_a_transaction_they_come_back_on_the_one_connection(db):
    before = constraints_of(Shift, SignUp)
    with indexes_deferred(Shift, SignUp):
        pass
    assert constraints_of(Shift, SignUp) == before
