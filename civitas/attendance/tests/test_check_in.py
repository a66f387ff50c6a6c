import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from civitas.attendance import services, tokens
from civitas.attendance.models import Attendance, AttendanceEvent
from civitas.core.errors import Conflict
from civitas.ledger import rules
from civitas.ledger.models import ServiceRecord
from civitas.ledger.tests.factories import at, make_project, make_shift, sign_up
from civitas.projects.models import SignUp


@pytest.fixture
def shift(cast):
    shift = make_shift(make_project(cast.org_a, cast.organizer_a), at(1, 9, month=12), hours=3)
    sign_up(shift, cast.volunteer)
    return shift


def check_in(shift, volunteer, key="k1", method="shift_qr", **extra):
    return services.attendance_check_in(shift=shift, volunteer=volunteer, method=method, idempotency_key=key,
                                        actor=volunteer, **extra)


def test_check_out_proposes_the_record_and_marks_the_sign_up_attended(cast, shift):
    with time_machine.travel(at(1, 8, 55, month=12), tick=False):
        check_in(shift, cast.volunteer)
    with time_machine.travel(at(1, 11, 50, month=12), tick=False):
        result = services.attendance_check_out(shift=shift, volunteer=cast.volunteer, method="shift_qr",
                                               idempotency_key="k2", actor=cast.volunteer)
    record = result.attendance.record
    assert record.hours == Decimal("3.00") and record.source == "attendance" and record.status == "pending"
    assert SignUp.objects.get(shift=shift, volunteer=cast.volunteer).status == "attended"


def test_hours_are_the_time_served_at_most_what_the_shift_credits(cast, shift):
    with time_machine.travel(at(1, 9, 40, month=12), tick=False):
        check_in(shift, cast.volunteer)
    with time_machine.travel(at(1, 11, 0, month=12), tick=False):
        result = services.attendance_check_out(shift=shift, volunteer=cast.volunteer, method="shift_qr",
                                               idempotency_key="k2", actor=cast.volunteer)
    assert result.attendance.record.hours == Decimal("1.50")


def test_a_replayed_key_counts_once(cast, shift):
    with time_machine.travel(at(1, 9, month=12), tick=False):
        first = check_in(shift, cast.volunteer, key="same")
        again = check_in(shift, cast.volunteer, key="same")
    assert first.is_new and not again.is_new
    assert Attendance.objects.count() == 1 and AttendanceEvent.objects.count() == 1


def test_a_double_tap_with_two_keys_counts_once(cast, shift):
    with time_machine.travel(at(1, 9, month=12), tick=False):
        check_in(shift, cast.volunteer, key="a")
        second = check_in(shift, cast.volunteer, key="b")
    assert not second.is_new
    assert Attendance.objects.count() == 1
    assert AttendanceEvent.objects.filter(is_effective=True).count() == 1


def test_a_replayed_check_out_makes_one_record(cast, shift):
    with time_machine.travel(at(1, 9, month=12), tick=False):
        check_in(shift, cast.volunteer)
    with time_machine.travel(at(1, 12, month=12), tick=False):
        for key in ("out", "out", "out-2"):
            services.attendance_check_out(shift=shift, volunteer=cast.volunteer, method="kiosk", idempotency_key=key)
    assert ServiceRecord.objects.count() == 1


def test_check_in_needs_a_confirmed_place(cast, shift):
    with time_machine.travel(at(1, 9, month=12), tick=False), pytest.raises(ValidationError):
        check_in(shift, cast.volunteer2)


def test_check_in_before_it_opens_is_refused(cast, shift):
    with time_machine.travel(at(1, 7, month=12), tick=False), pytest.raises(Conflict):
        check_in(shift, cast.volunteer)


def test_outside_the_geofence_is_refused_with_the_distance(cast, shift):
    shift.latitude, shift.longitude, shift.geofence_radius_m = Decimal("30.5"), Decimal("114.3"), 200
    shift.save()
    with time_machine.travel(at(1, 9, month=12), tick=False), pytest.raises(ValidationError) as error:
        check_in(shift, cast.volunteer, latitude=Decimal("30.51"), longitude=Decimal("114.3"))
    assert "1112" in error.value.message_dict["location"][0]
    assert not Attendance.objects.exists()


def test_inside_the_geofence_is_accepted(cast, shift):
    shift.latitude, shift.longitude, shift.geofence_radius_m = Decimal("30.5"), Decimal("114.3"), 200
    shift.save()
    with time_machine.travel(at(1, 9, month=12), tick=False):
        result = check_in(shift, cast.volunteer, latitude=Decimal("30.5005"), longitude=Decimal("114.3"))
    assert result.is_new and result.distance_m == 56


def test_the_organizer_overrides_the_geofence_with_a_reason(cast, shift):
    shift.latitude, shift.longitude, shift.geofence_radius_m = Decimal("30.5"), Decimal("114.3"), 200
    shift.save()
    with time_machine.travel(at(1, 9, month=12), tick=False):
        result = services.attendance_check_in(
            shift=shift, volunteer=cast.volunteer, method="shift_qr", idempotency_key="o", actor=cast.organizer_a,
            latitude=Decimal("30.6"), longitude=Decimal("114.3"), override_reason="GPS drift inside the hall",
        )
    assert result.attendance.flags == [rules.GEOFENCE_OVERRIDDEN]
    saved, event = Attendance.objects.get(), AttendanceEvent.objects.get()
    assert saved.pk == result.attendance.pk and saved.flags == [rules.GEOFENCE_OVERRIDDEN]
    assert saved.note == "GPS drift inside the hall" and saved.checked_in_at == at(1, 9, month=12)
    assert (event.attendance_id, event.is_effective, event.actor_id) == (saved.pk, True, cast.organizer_a.pk)
    assert (event.latitude, event.distance_m, event.override_reason) == (Decimal("30.6"), 11119, "GPS drift inside the hall")


def test_shift_code_is_valid_for_its_window_and_the_one_before(shift):
    moment = at(1, 9, month=12)
    code = tokens.shift_code(shift.pk, moment)
    assert tokens.shift_from_code(code, moment + dt.timedelta(seconds=61)) == shift.pk
    assert tokens.shift_from_code(code, moment + dt.timedelta(seconds=125)) is None
    assert tokens.shift_from_code(code.replace(str(shift.pk), str(shift.pk + 1), 1), moment) is None


def test_personal_code_names_the_volunteer_and_cannot_be_forged(cast):
    number = cast.volunteer.volunteer.volunteer_number
    assert tokens.volunteer_number_from_code(tokens.personal_code(number)) == number
    assert tokens.volunteer_number_from_code(number + ":forged") is None


def test_open_attendance_is_closed_at_the_shift_end_and_flagged(cast, shift):
    sign_up(shift, cast.volunteer2)
    with time_machine.travel(at(1, 9, month=12), tick=False):
        check_in(shift, cast.volunteer)
    with time_machine.travel(at(2, 11, month=12), tick=False):
        assert services.close_open_attendance() == 0  # not yet 24 hours after the end
    with time_machine.travel(at(2, 12, 1, month=12), tick=False):
        assert services.close_open_attendance() == 1
    attendance = Attendance.objects.get()
    assert attendance.checked_out_at == shift.ends_at
    assert attendance.record.flags == [rules.CLOSED_AUTOMATICALLY]
    assert SignUp.objects.get(volunteer=cast.volunteer2).status == "no_show"


@pytest.mark.django_db(transaction=True)
def test_concurrent_check_ins_count_once(cast, shift):
    errors = []

    def tap(key):
        try:
            check_in(shift, cast.volunteer, key=key)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(f"key-{i % 3}",)) for i in range(6)]
    with time_machine.travel(at(1, 9, month=12), tick=False):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert Attendance.objects.filter(shift=shift).count() == 1
    assert AttendanceEvent.objects.filter(is_effective=True).count() == 1
    assert AttendanceEvent.objects.count() == 3


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="SQLite takes the write lock when the transaction begins: no interleaving")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("rival_key", ["mine", "theirs"], ids=["same key", "another key"])
def test_a_check_in_that_loses_the_race_answers_with_the_winners_attendance(cast, shift, monkeypatch, rival_key):
    # given a rival request that commits between this check-in's read and its insert
    read = services._check_in_facts
    rivals, reads = [], []

    def read_then_let_the_rival_commit(shift_id, volunteer_id, key):
        facts = read(shift_id, volunteer_id, key)
        reads.append(key)
        if not rivals:
            rivals.append(threading.Thread(target=lambda: (check_in(shift, cast.volunteer, key=rival_key),
                                                           connection.close())))
            rivals[0].start()
            rivals[0].join()
        return facts

    monkeypatch.setattr(services, "_check_in_facts", read_then_let_the_rival_commit)
    # when
    with time_machine.travel(at(1, 9, month=12), tick=False):
        result = check_in(shift, cast.volunteer, key="mine")
    # then its insert failed, it read again and answered as a replay or a double tap
    winner = Attendance.objects.get()
    assert reads == ["mine", rival_key, "mine"]
    assert not result.is_new and result.attendance.pk == winner.pk
    assert AttendanceEvent.objects.filter(is_effective=True).count() == 1
    assert AttendanceEvent.objects.count() == (1 if rival_key == "mine" else 2)
