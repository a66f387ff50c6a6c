from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from civitas.accounts.models import Skill
from civitas.core.errors import Conflict
from civitas.projects import services
from civitas.projects.models import Shift, ShiftStatus, SignUp, SignUpStatus
from civitas.projects.tests.conftest import make_shift, next_week


def test_shift_takes_the_projects_place_and_a_deadline_at_its_start(cast, project):
    shift = make_shift(cast, project)
    assert shift.place_name == project.place_name
    assert shift.latitude == project.latitude
    assert shift.signup_deadline == shift.starts_at


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": next_week(8)}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"hours_credited": Decimal("0")}, "hours_credited"),
        ({"hours_credited": Decimal("3.6")}, "hours_credited"),
        ({"signup_deadline": next_week(10)}, "signup_deadline"),
    ],
)
def test_invalid_shift_is_refused(cast, project, change, field):
    with pytest.raises(ValidationError) as error:
        make_shift(cast, project, **change)
    assert field in error.value.message_dict
    assert not Shift.objects.exists()


def test_hours_may_exceed_the_length_by_half_an_hour(cast, project):
    assert make_shift(cast, project, hours_credited=Decimal("3.5")).hours_credited == Decimal("3.5")


def test_outsider_cannot_add_shifts(cast, project):
    with pytest.raises(PermissionDenied):
        services.shift_create(project=project, actor=cast.organizer_b, starts_at=next_week(), ends_at=next_week(12),
                              capacity=3, hours_credited=Decimal(3))


def test_weekly_series_makes_one_shift_per_chosen_weekday(cast, project):
    start = next_week(9)
    first_aid = Skill.objects.get(code="first_aid")
    shifts = services.shift_create_series(
        project=project, actor=cast.organizer_a, starts_at=start, ends_at=start + dt.timedelta(hours=2), weeks=3,
        weekdays=["sat", "sun"], capacity=5, hours_credited=Decimal(2), skills=[first_aid], deadline_hours_before=24,
    )
    assert len(shifts) == 6
    assert len({s.series for s in shifts}) == 1
    for shift in shifts:
        local = timezone.localtime(shift.starts_at)
        assert local.weekday() in (5, 6) and local.hour == 9
        assert shift.ends_at - shift.starts_at == dt.timedelta(hours=2)
        assert shift.signup_deadline == shift.starts_at - dt.timedelta(hours=24)
        assert list(shift.skills.all()) == [first_aid]


def test_series_needs_weekdays(cast, project):
    start = next_week()
    with pytest.raises(ValidationError) as error:
        services.shift_create_series(project=project, actor=cast.organizer_a, starts_at=start,
                                     ends_at=start + dt.timedelta(hours=2), weeks=2, weekdays=["funday"],
                                     capacity=5, hours_credited=Decimal(2))
    assert "weekdays" in error.value.message_dict


def test_cancelling_a_shift_cancels_every_sign_up_and_tells_them(cast, project, settings, django_capture_on_commit_callbacks):
    from civitas.projects.tests.test_project_lifecycle import remember

    remember.seen = []
    settings.EVENT_HANDLERS = {
        "shift.cancelled": ["civitas.projects.tests.test_project_lifecycle.remember"],
        "signup.cancelled_by_organizer": ["civitas.projects.tests.test_project_lifecycle.remember"],
    }
    shift = make_shift(cast, project, capacity=1)
    first = services.signup_create(shift=shift, volunteer=cast.volunteer)
    second = services.signup_create(shift=shift, volunteer=cast.volunteer2)
    with pytest.raises(ValidationError):
        services.shift_cancel(shift=shift, actor=cast.organizer_a, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        shift = services.shift_cancel(shift=shift, actor=cast.organizer_a, reason="暴雨预警")
    assert shift.status == ShiftStatus.CANCELLED
    assert (shift.confirmed_count, shift.waitlisted_count) == (0, 0)
    assert set(SignUp.objects.values_list("status", flat=True)) == {SignUpStatus.CANCELLED}
    events = sorted((p["event"], p.get("signup_id")) for p in remember.seen)
    assert events == sorted([("shift.cancelled", None), ("signup.cancelled_by_organizer", first.pk),
                             ("signup.cancelled_by_organizer", second.pk)])
    with pytest.raises(Conflict):
        services.shift_cancel(shift=shift, actor=cast.organizer_a, reason="again")


def test_more_places_move_the_waitlist_up_and_fewer_than_taken_are_refused(cast, project):
    shift = make_shift(cast, project, capacity=1)
    services.signup_create(shift=shift, volunteer=cast.volunteer)
    waiting = services.signup_create(shift=shift, volunteer=cast.volunteer2)
    shift = services.shift_update(shift=shift, actor=cast.organizer_a, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.CONFIRMED
    assert (shift.confirmed_count, shift.waitlisted_count) == (2, 0)
    with pytest.raises(ValidationError) as error:
        services.shift_update(shift=shift, actor=cast.organizer_a, capacity=1)
    assert "capacity" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.shift_update(shift=shift, actor=cast.organizer_b, title="x")


def test_edit_shift_page_saves_changes(cast, project):
    shift = make_shift(cast, project)
    client = cast.client_for(cast.organizer_a)
    page = client.get(f"/projects/shifts/{shift.pk}/edit/")
    assert page.status_code == 200
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None and k not in ("skills", "qualifications")}
    data["starts_at"] = timezone.localtime(shift.starts_at).strftime("%Y-%m-%dT%H:%M")
    data["ends_at"] = timezone.localtime(shift.ends_at).strftime("%Y-%m-%dT%H:%M")
    data["signup_deadline"] = data["starts_at"]
    data["title"] = "上午班"
    data["requires_approval"] = ""
    response = client.post(f"/projects/shifts/{shift.pk}/edit/", {k: v for k, v in data.items() if v != ""})
    assert response.status_code == 302, response.context["form"].errors
    shift.refresh_from_db()
    assert shift.title == "上午班"
    assert cast.client_for(cast.organizer_b).get(f"/projects/shifts/{shift.pk}/edit/").status_code == 403
