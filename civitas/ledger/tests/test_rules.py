import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings

from civitas.ledger import rules, services
from civitas.ledger.models import ReviewLevel
from civitas.ledger.tests.factories import approved_record, at


def create(cast, start, hours, end=None, **extra):
    return services.record_create(
        volunteer=cast.volunteer, organization=cast.org_a, started_at=start,
        ended_at=end or start + dt.timedelta(hours=float(hours)), hours=Decimal(hours), source="manual", **extra,
    )


def test_overlapping_records_of_one_volunteer_are_refused(cast):
    create(cast, at(1, 9), "3")
    with pytest.raises(ValidationError) as error:
        create(cast, at(1, 11), "2")
    assert "started_at" in error.value.message_dict


def test_back_to_back_records_do_not_overlap(cast):
    create(cast, at(1, 9), "3")
    assert create(cast, at(1, 12), "2").pk


def test_a_rejected_record_no_longer_blocks_its_time(cast):
    first = create(cast, at(1, 9), "3")
    services.record_reject(record=first, approver=cast.organizer_a, reason="wrong day")
    assert create(cast, at(1, 9), "3").pk


def test_day_up_to_eight_hours_is_not_flagged(cast):
    record = create(cast, at(1, 8), "8")
    assert record.flags == [] and record.review_level == ReviewLevel.ORGANIZATION


def test_day_between_eight_and_twelve_hours_needs_the_organization(cast):
    create(cast, at(1, 8), "6")
    record = create(cast, at(1, 15), "4")
    assert record.flags == [rules.DAY_OVER_ORGANIZATION_LIMIT]
    assert record.review_level == ReviewLevel.ORGANIZATION


def test_day_above_twelve_hours_needs_the_committee(cast):
    create(cast, at(1, 6), "8")
    record = create(cast, at(1, 14), "5")
    assert record.review_level == ReviewLevel.COMMITTEE
    assert rules.DAY_OVER_COMMITTEE_LIMIT in record.flags


def test_more_than_twenty_four_hours_a_day_is_refused(cast):
    create(cast, at(1, 0), "12")
    create(cast, at(1, 12), "11")
    with pytest.raises(ValidationError):
        create(cast, at(1, 23), "1.5", end=at(2, 0, 30))


def test_more_hours_than_the_span_needs_a_reason(cast):
    with pytest.raises(ValidationError) as error:
        create(cast, at(1, 9), "4", end=at(1, 11))
    assert "note" in error.value.message_dict
    record = create(cast, at(1, 9), "4", end=at(1, 11), reason="prepared materials at home")
    assert rules.EXCEEDS_SPAN in record.flags


def test_hours_within_the_tolerance_need_no_reason(cast):
    record = create(cast, at(1, 9), "2.5", end=at(1, 11))
    assert record.flags == []


def test_hours_are_rounded_to_half_hours_by_default(cast):
    assert rules.round_hours(Decimal("2.74")) == Decimal("2.50")
    assert rules.round_hours(Decimal("2.75")) == Decimal("3.00")
    assert create(cast, at(1, 9), "1.8").hours == Decimal("2.00")


def test_rounding_is_a_setting(cast):
    changed = {**settings.CIVITAS, "HOURS_ROUNDING": "down", "HOURS_ROUNDING_STEP": Decimal("0.25")}
    with override_settings(CIVITAS=changed):
        assert rules.round_hours(Decimal("2.74")) == Decimal("2.50")
        assert rules.round_hours(Decimal("2.76")) == Decimal("2.75")


def test_daily_limits_are_settings(cast):
    changed = {**settings.CIVITAS, "DAY_ORGANIZATION_REVIEW_HOURS": Decimal("2")}
    with override_settings(CIVITAS=changed):
        assert create(cast, at(1, 9), "3").flags == [rules.DAY_OVER_ORGANIZATION_LIMIT]


def test_online_hours_are_not_held_to_their_span(cast):
    record = services.record_create(
        volunteer=cast.volunteer, organization=cast.org_a, started_at=at(1, 9), ended_at=at(1, 9), hours=Decimal("2"),
        source="online",
    )
    assert record.flags == []


def test_approved_records_count_towards_the_day(cast):
    approved_record(cast.volunteer, cast.org_a, at(1, 8), "8", cast.organizer_a)
    assert create(cast, at(1, 17), "1").flags == [rules.DAY_OVER_ORGANIZATION_LIMIT]



def test_online_and_training_credits_keep_their_exact_hours_while_spans_are_rounded(cast):
    start = at(3, 10)
    online = services.record_create(volunteer=cast.volunteer, organization=cast.org_a, started_at=start,
                                    ended_at=start + dt.timedelta(minutes=12), hours=Decimal("0.2"), source="online")
    course = services.record_create(volunteer=cast.volunteer, organization=cast.org_a, started_at=at(4, 10),
                                    ended_at=at(4, 11), hours=Decimal("0.75"), source="training")
    assert (online.hours, course.hours) == (Decimal("0.20"), Decimal("0.75"))
    # A twelve-minute span at a door still rounds to the half-hour step, to nothing.
    with pytest.raises(ValidationError):
        services.record_create(volunteer=cast.volunteer, organization=cast.org_a, started_at=at(5, 9),
                               ended_at=at(5, 9) + dt.timedelta(minutes=12), hours=Decimal("0.2"),
                               source="attendance")
    services.record_approve(record=online, approver=cast.organizer_a)
    correction = services.record_correct(record=online, hours=Decimal("0.3"), reason="任务改为0.3小时",
                                         actor=cast.organizer_a)
    assert correction.hours == Decimal("0.10")
