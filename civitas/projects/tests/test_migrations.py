"""Migrations run forward on a populated database (not only on an empty one)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from civitas.projects import services
from civitas.projects.models import Project
from civitas.projects.tests.conftest import make_project


@pytest.mark.django_db(transaction=True)
def test_search_bigrams_are_filled_for_the_projects_already_there(cast):
    make_project(cast, title="夕阳红陪伴")
    make_project(cast, title="河道清洁", category="environment")
    executor = MigrationExecutor(connection)
    executor.migrate([("projects", "0003_search_trigram_index")])

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    projects = list(Project.objects.all())
    assert len(projects) == 2
    for project in projects:
        assert project.search_bigrams
        assert project.search_bigrams == services.search_bigrams_for(project.search_text)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            indexes = connection.introspection.get_constraints(cursor, Project._meta.db_table)
        assert "projects_project_search_bigrams" in indexes
