from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from civitas.online.tests.conftest import make_task


def test_staff_of_another_organization_cannot_publish(cast, project):
    with pytest.raises(PermissionDenied):
        make_task(project, cast.organizer_b)


def test_volunteer_cannot_publish(cast, project):
    with pytest.raises(PermissionDenied):
        make_task(project, cast.volunteer)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"requires_link": False}, "requires_link"),
        ({"hours_per_submission": Decimal("0")}, "hours_per_submission"),
        ({"hours_per_submission": Decimal("25")}, "hours_per_submission"),
        ({"quota_total": 0}, "quota_total"),
        ({"quota_per_volunteer": 20, "quota_total": 5}, "quota_per_volunteer"),
        ({"closes_at": timezone.now() - dt.timedelta(days=2)}, "closes_at"),
        ({"kind": "spam"}, "kind"),
    ],
)
def test_bad_task_is_refused_on_the_field(cast, project, overrides, field):
    with pytest.raises(ValidationError) as refused:
        make_task(project, cast.organizer_a, **overrides)

    assert field in refused.value.message_dict
