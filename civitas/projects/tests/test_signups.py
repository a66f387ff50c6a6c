from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from civitas.accounts.models import Qualification, Skill, VolunteerQualification
from civitas.conftest import make_volunteer
from civitas.core.errors import Conflict
from civitas.projects import services
from civitas.projects.models import Shift, SignUp, SignUpStatus
from civitas.projects.tests.conftest import make_project, make_shift, next_week


def counters(shift):
    shift = Shift.objects.get(pk=shift.pk)
    return shift.confirmed_count, shift.waitlisted_count, shift.pending_count


def test_free_place_confirms_at_once(cast, shift):
    signup = services.signup_create(shift=shift, volunteer=cast.volunteer)
    assert signup.status == SignUpStatus.CONFIRMED
    assert counters(shift) == (1, 0, 0)


def test_full_shift_puts_volunteer_on_waitlist_in_order(cast, project):
    shift = make_shift(cast, project, capacity=1)
    services.signup_create(shift=shift, volunteer=cast.volunteer)
    second = services.signup_create(shift=shift, volunteer=cast.volunteer2)
    third = services.signup_create(shift=shift, volunteer=cast.organizer_b)
    assert (second.status, second.waitlist_position) == (SignUpStatus.WAITLISTED, 1)
    assert third.waitlist_position == 2
    assert counters(shift) == (1, 2, 0)


def test_shift_needing_approval_makes_sign_up_pending_until_decided(cast, project):
    shift = make_shift(cast, project, capacity=1, requires_approval=True)
    signup = services.signup_create(shift=shift, volunteer=cast.volunteer)
    assert signup.status == SignUpStatus.PENDING
    assert counters(shift) == (0, 0, 1)
    with pytest.raises(PermissionDenied):
        services.signup_decide(signup=signup, approve=True, actor=cast.organizer_b)
    signup = services.signup_decide(signup=signup, approve=True, actor=cast.organizer_a)
    assert signup.status == SignUpStatus.CONFIRMED
    other = services.signup_create(shift=shift, volunteer=cast.volunteer2)
    with pytest.raises(ValidationError):
        services.signup_decide(signup=other, approve=False, actor=cast.organizer_a)
    other = services.signup_decide(signup=other, approve=False, actor=cast.organizer_a, reason="名额已满")
    assert other.status == SignUpStatus.REJECTED
    assert counters(shift) == (1, 0, 0)


def test_signing_up_twice_is_a_conflict_and_changes_nothing(cast, shift):
    services.signup_create(shift=shift, volunteer=cast.volunteer)
    with pytest.raises(Conflict) as error:
        services.signup_create(shift=shift, volunteer=cast.volunteer)
    assert error.value.code == "already_signed_up"
    assert counters(shift) == (1, 0, 0)
    assert SignUp.objects.count() == 1


def test_when_the_unique_constraint_refuses_the_row_the_counter_stays_as_it_was(cast, shift, monkeypatch):
    # given: a confirmed sign-up, and the rules' read made blind to it (a race the lock
    # rules out; the unique constraint is the backstop)
    from civitas.projects.services import VolunteerFactsForShift

    first = services.signup_create(shift=shift, volunteer=cast.volunteer)
    monkeypatch.setattr(VolunteerFactsForShift, "__init__", _blind(VolunteerFactsForShift.__init__))

    # when: the same volunteer signs up again
    with pytest.raises(Conflict) as error:
        services.signup_create(shift=shift, volunteer=cast.volunteer)

    # then: refused by the constraint; the row and its counter written together are both undone
    assert error.value.code == "already_signed_up"
    assert counters(shift) == (1, 0, 0)
    assert list(SignUp.objects.values_list("pk", flat=True)) == [first.pk]


def _blind(init):
    def blind(self, user, profile, shift_id, active_status, overlapping):
        init(self, user, profile, shift_id, None, overlapping)
    return blind


def test_overlapping_confirmed_shift_is_refused(cast, project):
    first = make_shift(cast, project)
    second = make_shift(cast, project, starts_at=first.starts_at + dt.timedelta(hours=1))
    services.signup_create(shift=first, volunteer=cast.volunteer)
    with pytest.raises(Conflict) as error:
        services.signup_create(shift=second, volunteer=cast.volunteer)
    assert error.value.code == "overlapping_shift"


def test_a_shift_ending_as_another_starts_does_not_overlap_it(cast, project):
    first = make_shift(cast, project)
    services.signup_create(shift=first, volunteer=cast.volunteer)
    after = make_shift(cast, project, starts_at=first.ends_at)
    before = make_shift(cast, project, starts_at=first.starts_at - dt.timedelta(hours=3))
    assert services.signup_create(shift=after, volunteer=cast.volunteer).status == SignUpStatus.CONFIRMED
    assert services.signup_create(shift=before, volunteer=cast.volunteer).status == SignUpStatus.CONFIRMED


def test_a_waitlisted_place_elsewhere_is_no_overlap_but_a_waitlisted_one_here_is_a_sign_up(cast, project):
    full = make_shift(cast, project, capacity=1)
    services.signup_create(shift=full, volunteer=cast.volunteer2)
    assert services.signup_create(shift=full, volunteer=cast.volunteer).status == SignUpStatus.WAITLISTED
    same_time = make_shift(cast, project, starts_at=full.starts_at)
    assert services.signup_create(shift=same_time, volunteer=cast.volunteer).status == SignUpStatus.CONFIRMED
    with pytest.raises(Conflict) as error:
        services.signup_create(shift=full, volunteer=cast.volunteer)
    assert error.value.code == "already_signed_up"


def test_after_the_deadline_no_sign_up(cast, project):
    shift = make_shift(cast, project, signup_deadline=next_week(9, days=3))
    with time_machine.travel(next_week(9, days=4)), pytest.raises(Conflict) as error:
        services.signup_create(shift=shift, volunteer=cast.volunteer)
    assert error.value.code == "deadline_passed"


def test_project_not_recruiting_refuses(cast):
    project = make_project(cast, status="approved")
    shift = make_shift(cast, project)
    with pytest.raises(Conflict):
        services.signup_create(shift=shift, volunteer=cast.volunteer)


def test_minimum_age_is_checked_from_the_birth_date(cast, project):
    from civitas.accounts.models import VolunteerProfile

    young = make_volunteer("小明", "13900000077", cast.city.community_a)
    VolunteerProfile.objects.filter(user=young).update(birth_date=timezone.localdate() - dt.timedelta(days=16 * 365))
    young.refresh_from_db()
    shift = make_shift(cast, project, min_age=18)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.signup_create(shift=shift, volunteer=young)
    assert error.value.message_dict["requirements"] == ["You must be 18 or older."]
    assert services.signup_create(shift=shift, volunteer=cast.volunteer2).status == SignUpStatus.CONFIRMED


def test_missing_skill_is_named_in_the_reason(cast, project):
    shift = make_shift(cast, project, capacity=2)
    shift.skills.add(Skill.objects.get(code="first_aid"))
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.signup_create(shift=shift, volunteer=cast.volunteer)
    assert error.value.message_dict["requirements"] == ["This shift needs the skill: First aid"]


def test_reason_is_translated(cast, project):
    shift = make_shift(cast, project)
    shift.skills.add(Skill.objects.get(code="first_aid"))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.signup_create(shift=shift, volunteer=cast.volunteer)
    assert error.value.message_dict["requirements"] == ["此班次需要技能：急救"]


def test_qualification_must_be_held_and_not_expired(cast, project):
    qualification = Qualification.objects.create(code="elder-care", name="助老培训", name_en="Elderly care training")
    shift = make_shift(cast, project)
    shift.qualifications.add(qualification)
    VolunteerQualification.objects.create(user=cast.volunteer, qualification=qualification, expires_at=timezone.now())
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.signup_create(shift=shift, volunteer=cast.volunteer)
    assert "Elderly care training" in error.value.message_dict["requirements"][0]
    VolunteerQualification.objects.filter(user=cast.volunteer).update(expires_at=timezone.now() + dt.timedelta(days=60))
    assert services.signup_create(shift=shift, volunteer=cast.volunteer).status == SignUpStatus.CONFIRMED


def test_shift_needing_insurance_refuses_when_the_policy_does_not_cover_its_day(cast, project):
    shift = make_shift(cast, project, requires_insurance=True)
    with pytest.raises(ValidationError):
        services.signup_create(shift=shift, volunteer=cast.volunteer)
    day = timezone.localtime(shift.starts_at).date()
    services.project_update(project=project, actor=cast.organizer_a, insurer="平安保险", insurance_policy="P-1",
                            insurance_starts_on=day - dt.timedelta(days=1), insurance_ends_on=day)
    assert services.signup_create(shift=shift, volunteer=cast.volunteer).status == SignUpStatus.CONFIRMED


def test_full_shift_without_waitlist_refuses(cast, project):
    shift = make_shift(cast, project, capacity=1, waitlist_limit=0)
    services.signup_create(shift=shift, volunteer=cast.volunteer)
    with pytest.raises(Conflict) as error:
        services.signup_create(shift=shift, volunteer=cast.volunteer2)
    assert error.value.code == "shift_full"


def test_cancelled_shift_refuses(cast, shift):
    services.shift_cancel(shift=shift, actor=cast.organizer_a, reason="下雨")
    with pytest.raises(Conflict):
        services.signup_create(shift=shift, volunteer=cast.volunteer)


def test_cancelling_moves_the_waitlist_up_in_order(cast, project):
    shift = make_shift(cast, project, capacity=1)
    first = services.signup_create(shift=shift, volunteer=cast.volunteer)
    second = services.signup_create(shift=shift, volunteer=cast.volunteer2)
    third = services.signup_create(shift=shift, volunteer=cast.organizer_b)
    services.signup_cancel(signup=first, actor=cast.volunteer)
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, second.waitlist_position) == (SignUpStatus.CONFIRMED, None)
    assert (third.status, third.waitlist_position) == (SignUpStatus.WAITLISTED, 1)
    assert counters(shift) == (1, 1, 0)


def test_leaving_the_waitlist_closes_the_gap(cast, project):
    shift = make_shift(cast, project, capacity=1)
    services.signup_create(shift=shift, volunteer=cast.volunteer)
    second = services.signup_create(shift=shift, volunteer=cast.volunteer2)
    third = services.signup_create(shift=shift, volunteer=cast.organizer_b)
    services.signup_cancel(signup=second, actor=cast.volunteer2)
    third.refresh_from_db()
    assert third.waitlist_position == 1
    assert counters(shift) == (1, 1, 0)


def test_volunteer_cannot_cancel_after_the_cutoff_but_the_organizer_can(cast, project):
    shift = make_shift(cast, project, cancellation_cutoff_hours=24)
    signup = services.signup_create(shift=shift, volunteer=cast.volunteer)
    with time_machine.travel(shift.starts_at - dt.timedelta(hours=5)):
        with pytest.raises(Conflict):
            services.signup_cancel(signup=signup, actor=cast.volunteer)
        with pytest.raises(PermissionDenied):
            services.signup_cancel(signup=signup, actor=cast.volunteer2)
        services.signup_cancel(signup=signup, actor=cast.organizer_a, reason="调整")
    assert counters(shift) == (0, 0, 0)


def test_offer_mode_offers_the_place_and_passes_it_on_when_it_expires(cast, project, settings):
    settings.CIVITAS = {**settings.CIVITAS, "WAITLIST_OFFER_HOURS": 12}
    shift = make_shift(cast, project, capacity=1, waitlist_mode="offer", starts_at=next_week(days=5))
    first = services.signup_create(shift=shift, volunteer=cast.volunteer)
    second = services.signup_create(shift=shift, volunteer=cast.volunteer2)
    third = services.signup_create(shift=shift, volunteer=cast.organizer_b)
    services.signup_cancel(signup=first, actor=cast.volunteer)
    second.refresh_from_db()
    assert second.status == SignUpStatus.OFFERED and second.offer_token
    assert counters(shift) == (1, 1, 0)  # the offered place is held
    # a newcomer cannot take the held place
    assert services.signup_create(shift=shift, volunteer=cast.organizer_a).status == SignUpStatus.WAITLISTED
    assert services.offers_expire(now=timezone.now() + dt.timedelta(hours=11)) == 0
    assert services.offers_expire(now=timezone.now() + dt.timedelta(hours=13)) == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == SignUpStatus.CANCELLED
    assert third.status == SignUpStatus.OFFERED
    with pytest.raises(PermissionDenied):
        services.offer_accept(token=third.offer_token, volunteer=cast.volunteer)
    services.offer_accept(token=third.offer_token, volunteer=cast.organizer_b)
    third.refresh_from_db()
    assert third.status == SignUpStatus.CONFIRMED
    assert counters(shift) == (1, 1, 0)


def test_expire_offers_command_runs(cast):
    from django.core.management import call_command

    call_command("expire_offers")


def test_organizer_moves_a_volunteer_to_another_shift(cast, project):
    first = make_shift(cast, project, capacity=1)
    second = make_shift(cast, project, starts_at=next_week(days=8), capacity=1)
    signup = services.signup_create(shift=first, volunteer=cast.volunteer)
    waiting = services.signup_create(shift=first, volunteer=cast.volunteer2)
    moved = services.signup_move(signup=signup, to_shift=second, actor=cast.organizer_a)
    assert moved.shift_id == second.pk and moved.status == SignUpStatus.CONFIRMED
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.CONFIRMED
    assert counters(first) == (1, 0, 0)
    assert counters(second) == (1, 0, 0)


def test_attendance_is_marked_after_the_start(cast, shift):
    signup = services.signup_create(shift=shift, volunteer=cast.volunteer)
    with pytest.raises(Conflict):
        services.signup_mark(signup=signup, attended=True, actor=cast.organizer_a)
    with time_machine.travel(shift.starts_at + dt.timedelta(hours=1)):
        assert services.signup_mark(signup=signup, attended=False, actor=cast.organizer_a).status == SignUpStatus.NO_SHOW
    assert counters(shift)[0] == 1


def test_hours_decimal(cast, project):
    shift = make_shift(cast, project, hours_credited="2.5")
    assert shift.hours_credited == Decimal("2.5")


def test_move_refuses_a_shift_whose_requirement_the_volunteer_lacks(cast, project):
    first = make_shift(cast, project)
    second = make_shift(cast, project, starts_at=next_week(days=8))
    second.skills.add(Skill.objects.get(code="first_aid"))
    signup = services.signup_create(shift=first, volunteer=cast.volunteer)
    with pytest.raises(ValidationError):
        services.signup_move(signup=signup, to_shift=second, actor=cast.organizer_a)
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CONFIRMED
    assert counters(first) == (1, 0, 0)


def test_a_sign_up_keeps_to_its_query_budget(cast, shift):
    """The issue #3 path (docs/performance.md, "Sign-ups"): one read under the shift's
    lock for every rule (the shift, its project, the volunteer's profile, sign-up here and
    overlap, whether it has requirements), the counter and the row; no savepoint but the
    service's own (here, in the test's transaction, the savepoint and its release)."""
    from civitas.core.testing import query_budget

    volunteer = type(cast.volunteer).objects.get(pk=cast.volunteer.pk)
    with query_budget(5) as captured:
        signup = services.signup_create_for_shift_id(shift_id=shift.pk, volunteer=volunteer)
    assert signup.status == SignUpStatus.CONFIRMED
    assert sum("SAVEPOINT" in q["sql"] and "RELEASE" not in q["sql"] for q in captured.captured_queries) == 1


def test_a_shift_with_requirements_reads_them_too(cast, shift):
    from civitas.core.testing import query_budget

    shift.skills.add(Skill.objects.get(code="first_aid"))
    cast.volunteer.volunteer.skills.add(Skill.objects.get(code="first_aid"))
    volunteer = type(cast.volunteer).objects.get(pk=cast.volunteer.pk)
    # the budget above, and the shift's skills and the volunteer's
    with query_budget(7):
        signup = services.signup_create_for_shift_id(shift_id=shift.pk, volunteer=volunteer)
    assert signup.status == SignUpStatus.CONFIRMED
