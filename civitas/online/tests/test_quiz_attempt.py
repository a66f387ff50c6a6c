from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from civitas.accounts.models import VolunteerQualification
from civitas.core.errors import Conflict
from civitas.ledger.models import RecordSource, RecordStatus, ServiceRecord, VolunteerTotals
from civitas.online import services
from civitas.online.tests.conftest import make_course, right_answers, wrong_answers


def test_failing_grants_nothing(cast, course):
    attempt = services.quiz_attempt_submit(course=course, volunteer=cast.volunteer, answers=wrong_answers(course))

    assert not attempt.is_passed and attempt.score == 0
    assert not VolunteerQualification.objects.filter(user=cast.volunteer).exists()


def test_a_multiple_choice_question_needs_every_right_answer(cast, course):
    answers = right_answers(course)
    multiple = course.questions.get(kind="multiple")
    answers[str(multiple.pk)] = answers[str(multiple.pk)][:1]

    attempt = services.quiz_attempt_submit(course=course, volunteer=cast.volunteer, answers=answers)

    assert attempt.correct_count == 1 and attempt.score == 50 and attempt.is_passed  # pass mark 50


def test_retake_waits_for_the_cooldown(cast, course, settings):
    settings.CIVITAS_ONLINE = {**settings.CIVITAS_ONLINE, "QUIZ_RETAKE_COOLDOWN_MINUTES": 30}
    with time_machine.travel(timezone.now(), tick=False) as clock:
        services.quiz_attempt_submit(course=course, volunteer=cast.volunteer, answers=wrong_answers(course))
        clock.shift(dt.timedelta(minutes=29))
        with pytest.raises(Conflict) as conflict:
            services.quiz_attempt_submit(course=course, volunteer=cast.volunteer, answers=right_answers(course))
        clock.shift(dt.timedelta(minutes=2))
        attempt = services.quiz_attempt_submit(course=course, volunteer=cast.volunteer, answers=right_answers(course))

    assert conflict.value.code == "cooldown"
    assert attempt.is_passed


def test_passing_again_renews_the_qualification(cast, course, qualification, settings):
    settings.CIVITAS_ONLINE = {**settings.CIVITAS_ONLINE, "QUIZ_RETAKE_COOLDOWN_MINUTES": 0}
    services.quiz_attempt_submit(course=course, volunteer=cast.volunteer, answers=right_answers(course))
    first = VolunteerQualification.objects.get(user=cast.volunteer).expires_at

    with time_machine.travel(timezone.now() + dt.timedelta(days=300)):
        services.quiz_attempt_submit(course=course, volunteer=cast.volunteer, answers=right_answers(course))

    renewed = VolunteerQualification.objects.get(user=cast.volunteer, qualification=qualification)
    assert renewed.expires_at > first + dt.timedelta(days=299)


def test_training_hours_are_credited_once_per_volunteer(cast, qualification, settings):
    settings.CIVITAS_ONLINE = {**settings.CIVITAS_ONLINE, "QUIZ_RETAKE_COOLDOWN_MINUTES": 0}
    course = make_course(cast, qualification, credit_hours=Decimal("1.50"))

    services.quiz_attempt_submit(course=course, volunteer=cast.volunteer, answers=right_answers(course))
    services.quiz_attempt_submit(course=course, volunteer=cast.volunteer, answers=right_answers(course))

    records = ServiceRecord.objects.filter(volunteer=cast.volunteer, source=RecordSource.TRAINING)
    assert records.count() == 1 and records.get().status == RecordStatus.APPROVED
    assert VolunteerTotals.objects.get(volunteer=cast.volunteer).total_hours == Decimal("1.50")


def test_course_without_credit_puts_nothing_in_the_ledger(cast, course):
    services.quiz_attempt_submit(course=course, volunteer=cast.volunteer, answers=right_answers(course))

    assert not ServiceRecord.objects.filter(volunteer=cast.volunteer).exists()


def test_answer_naming_a_foreign_question_is_refused(cast, course):
    with pytest.raises(ValidationError):
        services.quiz_attempt_submit(course=course, volunteer=cast.volunteer, answers={"999999": [1]})


def test_two_answers_to_a_one_answer_question_are_refused(cast, course):
    single = course.questions.get(kind="single")
    answers = right_answers(course)
    answers[str(single.pk)] = list(single.choices.values_list("pk", flat=True))

    with pytest.raises(ValidationError):
        services.quiz_attempt_submit(course=course, volunteer=cast.volunteer, answers=answers)


def test_lesson_text_is_sanitized(course):
    lesson = course.lessons.get()

    assert "<script>" not in lesson.body and "<p>文明上网</p>" in lesson.body


def test_question_must_mark_its_right_answer(course):
    with pytest.raises(ValidationError):
        services.question_add(course=course, text="?", choices=[("a", False), ("b", False)])
