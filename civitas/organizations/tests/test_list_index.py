"""The public organization list (page and API) is read in the order of an index, so a
page costs the rows it shows rather than a sort of every approved organization."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from civitas.organizations import selectors


def test_public_organization_list_is_read_in_index_order(cast):
    queryset = selectors.organization_list(user=AnonymousUser())[:20]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The test tables are tiny, where a sort is cheaper; forbid it to see whether
            # an index can give the order at all.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_sort = off")
        plan = queryset.explain()
    assert "organization_status_name_idx" in plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan
