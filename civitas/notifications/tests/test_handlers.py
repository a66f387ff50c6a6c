"""Each domain event's handler, called as settings.EVENT_HANDLERS wires it. Where the
publisher is merged, its real service publishes the event; ``certificate.issued`` (the
ledger branch) and a few states that take long to reach are fed ids of rows made with the ORM."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from civitas.core.events import handler_names
from civitas.notifications import tasks
from civitas.notifications.models import Kind, Message, Reminder, ReminderStatus
from civitas.notifications.tests.conftest import make_project, make_shift, make_signup
from civitas.organizations import services as organizations
from civitas.projects import services as projects


def fire(event, **payload):
    for dotted in handler_names(event):
        import_string(dotted)(event=event, **payload)


def last(user):
    return Message.objects.filter(recipient=user).first()


def test_every_planned_and_published_event_has_a_handler():
    for event in (
        "organization.decided", "membership.decided", "record.approved", "record.rejected", "star_level.reached",
        "project.transitioned", "signup.confirmed", "signup.waitlisted", "signup.promoted", "signup.offered",
        "signup.cancelled_by_organizer", "shift.cancelled", "certificate.issued", "comment.reply_approved",
        "submission.reviewed",
    ):
        assert all(import_string(d) for d in handler_names(event)), event


def test_waitlisted_promoted_and_offered(cast):
    shift = make_shift(cast, starts_at=timezone.now() + dt.timedelta(days=3))
    signup = make_signup(shift, cast.volunteer, status="waitlisted", waitlist_position=2)
    fire("signup.waitlisted", signup_id=signup.pk)
    assert last(cast.volunteer).subject == "已进入候补：关爱老人"
    assert "候补第 2 位" in last(cast.volunteer).body

    signup.status, signup.offer_expires_at = "offered", timezone.now() + dt.timedelta(hours=4)
    signup.save()
    fire("signup.offered", signup_id=signup.pk)
    assert last(cast.volunteer).subject == "为您保留了名额：关爱老人"

    signup.status = "confirmed"
    signup.save()
    fire("signup.promoted", signup_id=signup.pk)
    assert last(cast.volunteer).subject == "候补成功：您已确认参加 关爱老人"
    assert Reminder.objects.filter(signup=signup).count() == 2


def test_cancelled_by_organizer_cancels_reminders(cast):
    shift = make_shift(cast, starts_at=timezone.now() + dt.timedelta(days=3))
    signup = make_signup(shift, cast.volunteer)
    fire("signup.confirmed", signup_id=signup.pk)
    signup.status = "cancelled"
    signup.save()
    fire("signup.cancelled_by_organizer", signup_id=signup.pk)
    assert last(cast.volunteer).kind == Kind.SIGNUP_CANCELLED
    assert set(Reminder.objects.filter(signup=signup).values_list("status", flat=True)) == {ReminderStatus.CANCELLED}


def recruiting_project(cast, title="关爱老人"):
    project = projects.project_create(
        organization=cast.org_a, actor=cast.organizer_a, title=title, title_en="Caring for the elderly",
        category="community", place_name="和平社区服务中心",
    )
    for action in ("submit", "approve", "recruit"):
        actor = cast.city_staff if action == "approve" else cast.organizer_a
        project = projects.project_transition(project=project, action=action, actor=actor)
    return project


def open_shift(cast, project, **values):
    start = timezone.now() + dt.timedelta(days=3)
    return projects.shift_create(
        project=project, actor=cast.organizer_a, starts_at=start, ends_at=start + dt.timedelta(hours=3),
        hours_credited=Decimal("3"), **{"capacity": 5, **values},
    )


def test_a_real_sign_up_is_confirmed_with_a_link_to_the_project_and_reminders(cast, django_capture_on_commit_callbacks):
    project = recruiting_project(cast)
    shift = open_shift(cast, project)
    with django_capture_on_commit_callbacks(execute=True):
        signup = projects.signup_create(shift=shift, volunteer=cast.volunteer)
    message = Message.objects.get(recipient=cast.volunteer, kind=Kind.SIGNUP)
    assert message.subject == "报名成功：关爱老人"
    assert message.url == reverse("projects:detail", args=[project.pk])
    assert client_answers(cast, cast.volunteer, message.url) == 200
    assert Reminder.objects.filter(signup=signup, status=ReminderStatus.SCHEDULED).count() == 2


def test_a_sign_up_queues_its_notice_and_a_worker_writes_it(cast, django_capture_on_commit_callbacks):
    """The request only queues the notice (docs/performance.md, "Sign-ups"); the worker
    of the database queue writes it and the reminders."""
    shift = open_shift(cast, recruiting_project(cast))
    database_queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["notifications"]}}
    with override_settings(TASKS=database_queue):
        # when the volunteer signs up
        with django_capture_on_commit_callbacks(execute=True):
            signup = projects.signup_create(shift=shift, volunteer=cast.volunteer)
        # then nothing is written for them yet, and one task waits
        assert not Message.objects.filter(recipient=cast.volunteer).exists()
        assert not Reminder.objects.filter(signup=signup).exists()
        queued = DBTaskResult.objects.get(status="READY")
        assert queued.task_path == tasks.signup_notify.module_path
    # when a worker runs it (as db_worker does: the task with its stored arguments)
    result = queued.task_result
    queued.task.call(*result.args, **result.kwargs)
    # then the notice and both reminders are there
    assert Message.objects.get(recipient=cast.volunteer, kind=Kind.SIGNUP).subject == "报名成功：关爱老人"
    assert Reminder.objects.filter(signup=signup, status=ReminderStatus.SCHEDULED).count() == 2


def test_a_place_given_up_before_the_worker_runs_gets_no_reminders(cast):
    shift = make_shift(cast, starts_at=timezone.now() + dt.timedelta(days=3))
    signup = make_signup(shift, cast.volunteer, status="cancelled")
    fire("signup.confirmed", signup_id=signup.pk)
    assert last(cast.volunteer).kind == Kind.SIGNUP
    assert not Reminder.objects.filter(signup=signup).exists()


def client_answers(cast, user, url):
    return cast.client_for(user).get(url).status_code


def test_a_place_offered_from_the_waitlist_links_to_the_offer_page(cast, django_capture_on_commit_callbacks):
    shift = open_shift(cast, recruiting_project(cast), capacity=1, waitlist_mode="offer")
    holder = projects.signup_create(shift=shift, volunteer=cast.volunteer2)
    waiting = projects.signup_create(shift=shift, volunteer=cast.volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        projects.signup_cancel(signup=holder, actor=cast.volunteer2)
    waiting.refresh_from_db()
    message = Message.objects.filter(recipient=cast.volunteer, kind=Kind.SIGNUP).first()
    assert message.subject == "为您保留了名额：关爱老人"
    assert message.url == reverse("projects:offer", args=[waiting.offer_token])
    assert client_answers(cast, cast.volunteer, message.url) == 200


def test_a_cancelled_shift_sends_each_volunteer_on_it_one_notice_with_the_reason(cast, django_capture_on_commit_callbacks):
    shift = open_shift(cast, recruiting_project(cast))
    with django_capture_on_commit_callbacks(execute=True):
        on_it = projects.signup_create(shift=shift, volunteer=cast.volunteer)
        left = projects.signup_create(shift=shift, volunteer=cast.volunteer2)
        projects.signup_cancel(signup=left, actor=cast.volunteer2)
    with django_capture_on_commit_callbacks(execute=True):
        projects.shift_cancel(shift=shift, actor=cast.organizer_a, reason="暴雨")
    [message] = Message.objects.filter(recipient=cast.volunteer, kind=Kind.SIGNUP_CANCELLED)
    assert message.subject == "班次已取消：关爱老人"
    assert "暴雨" in message.body
    assert not Message.objects.filter(recipient=cast.volunteer2, kind=Kind.SIGNUP_CANCELLED).exists()
    assert not Reminder.objects.filter(signup=on_it, status=ReminderStatus.SCHEDULED).exists()


def test_an_organizer_cancelling_one_sign_up_says_so(cast, django_capture_on_commit_callbacks):
    shift = open_shift(cast, recruiting_project(cast))
    signup = projects.signup_create(shift=shift, volunteer=cast.volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        projects.signup_cancel(signup=signup, actor=cast.organizer_a, reason="人数调整")
    [message] = Message.objects.filter(recipient=cast.volunteer, kind=Kind.SIGNUP_CANCELLED)
    assert message.subject == "您的报名已被取消：关爱老人"


def test_hours_approved_and_rejected(cast):
    from civitas.ledger.models import ServiceRecord

    project = make_project(cast)
    start = timezone.now() - dt.timedelta(days=1)
    record = ServiceRecord.objects.create(
        volunteer=cast.volunteer, organization=cast.org_a, region=cast.city.district_a, project=project,
        started_at=start, ended_at=start + dt.timedelta(hours=3), hours=Decimal("3.00"), source="manual",
        created_by=cast.organizer_a,
    )
    fire("record.approved", record_id=record.pk)
    assert last(cast.volunteer).subject == "3.00 小时服务时长已通过审核"
    record.decision_reason = "时间不符"
    record.save()
    fire("record.rejected", record_id=record.pk)
    assert "时间不符" in last(cast.volunteer).body


def test_star_level(cast):
    fire("star_level.reached", user_id=cast.volunteer.pk, level=2)
    assert last(cast.volunteer).subject == "您已成为 2 星级志愿者"


def test_organization_and_membership_decisions(cast, django_capture_on_commit_callbacks):
    # the real services publish these; the handlers run after commit
    with django_capture_on_commit_callbacks(execute=True):
        organization = organizations.organization_register(
            name="新队", kind="team", region=cast.city.district_a, contact_name="丙", contact_phone="027-3",
            created_by=cast.volunteer,
        )
        organizations.organization_decide(organization=organization, action="reject", actor=cast.city_staff, reason="材料不全")
    assert last(cast.volunteer).subject == "新队 未通过审核"
    assert "材料不全" in last(cast.volunteer).body

    with django_capture_on_commit_callbacks(execute=True):
        membership = organizations.membership_apply(user=cast.volunteer2, organization=cast.org_a, note="")
        organizations.membership_decide(membership=membership, actor=cast.organizer_a, approve=True)
    assert last(cast.volunteer2).subject == "欢迎加入 阳光志愿服务队"


def test_project_transitions(cast, django_capture_on_commit_callbacks):
    project = projects.project_create(organization=cast.org_a, actor=cast.organizer_a, title="关爱老人", category="community")
    with django_capture_on_commit_callbacks(execute=True):
        project = projects.project_transition(project=project, action="submit", actor=cast.organizer_a)
    assert not Message.objects.filter(recipient=cast.organizer_a).exists()
    with django_capture_on_commit_callbacks(execute=True):
        projects.project_transition(project=project, action="return", actor=cast.city_staff, reason="补充保险信息")
    message = last(cast.organizer_a)
    assert message.subject == "项目被退回修改：关爱老人"
    assert message.url == reverse("projects:detail", args=[project.pk])


def comment_thread(cast, django_capture_on_commit_callbacks, *, replier, replier_email):
    from civitas.publicity import services as publicity

    project = recruiting_project(cast)
    parent = publicity.comment_post(
        name="李", email="li@example.com", text="这个活动很有意义", project=project, user=cast.volunteer
    )
    publicity.comment_moderate(comment=parent, actor=cast.city_staff, action="approve")
    with django_capture_on_commit_callbacks(execute=True):
        reply = publicity.comment_post(
            name="回复人", email=replier_email, text="谢谢您的参与", project=project, parent=parent, user=replier
        )
        if reply.status != "approved":
            reply = publicity.comment_moderate(comment=reply, actor=cast.city_staff, action="approve")
    return project, reply


def test_comment_reply_reaches_the_author_by_email_only(cast, mailoutbox, django_capture_on_commit_callbacks):
    from civitas.notifications import services

    services.preferences_update(user=cast.volunteer, channels={}, email="li@example.com")
    project, reply = comment_thread(
        cast, django_capture_on_commit_callbacks, replier=cast.volunteer2, replier_email="wang@example.com"
    )
    message = Message.objects.get(recipient=cast.volunteer, kind=Kind.COMMENT_REPLY)
    assert not message.in_inbox
    assert message.url == reverse("projects:detail", args=[project.pk]) + f"#comment-{reply.pk}"
    assert [m.subject for m in mailoutbox] == ["有人回复了您的评论"]
    assert "这个活动很有意义" in mailoutbox[0].body


def test_replying_to_yourself_sends_nothing(cast, django_capture_on_commit_callbacks):
    comment_thread(cast, django_capture_on_commit_callbacks, replier=cast.volunteer, replier_email="li@example.com")
    assert not Message.objects.filter(kind=Kind.COMMENT_REPLY).exists()


def test_online_submission_review_reaches_the_volunteer(cast, django_capture_on_commit_callbacks):
    from civitas.online import services as online

    now = timezone.now()
    task = online.task_create(
        project=make_project(cast), created_by=cast.organizer_a, title="举报网络谣言", kind="report_harmful",
        instructions="找到谣言并举报，提交链接。", hours_per_submission=Decimal("0.50"), quota_total=10,
        quota_per_volunteer=2, opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=7),
        requires_link=True,
    )
    submission = online.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.com/report/1")
    with django_capture_on_commit_callbacks(execute=True):
        online.submission_review(submission=submission, reviewer=cast.organizer_a, accept=False, reason="链接打不开")
    message = Message.objects.get(recipient=cast.volunteer, kind=Kind.SUBMISSION)
    assert message.subject == "您的线上任务需要修改"
    assert "举报网络谣言" in message.body and "链接打不开" in message.body


def test_events_for_rows_that_do_not_exist_are_ignored_quietly(cast):
    fire("certificate.issued", certificate_id=1)
    fire("submission.reviewed", submission_id=999, accepted=True)
    fire("comment.reply_approved", comment_id=1)
    fire("signup.confirmed", signup_id=999)
    fire("record.approved", record_id=999)
    assert not Message.objects.exists()
