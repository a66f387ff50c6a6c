"""Each domain event's handler, called as settings.EVENT_HANDLERS wires it. Events whose
publisher is on another branch are fed ids of rows made with the ORM."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone
from django.utils.module_loading import import_string

from civitas.core.events import handler_names
from civitas.notifications import handlers
from civitas.notifications.models import Kind, Message, Reminder, ReminderStatus
from civitas.notifications.tests.conftest import make_project, make_shift, make_signup
from civitas.organizations import services as organizations


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


def test_shift_cancelled_tells_everyone_on_it_but_not_those_who_left_long_ago(cast, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    shift = make_shift(cast, starts_at=timezone.now() + dt.timedelta(days=3))
    on_it = make_signup(shift, cast.volunteer)
    fire("signup.confirmed", signup_id=on_it.pk)
    make_signup(shift, cast.volunteer2, status="cancelled", cancelled_at=timezone.now() - dt.timedelta(days=1))
    shift.status = "cancelled"
    shift.save()
    fire("shift.cancelled", shift_id=shift.pk, reason="暴雨")
    message = Message.objects.get(recipient=cast.volunteer, kind=Kind.SIGNUP_CANCELLED)
    assert "暴雨" in message.body
    assert not Message.objects.filter(recipient=cast.volunteer2).exists()
    assert not Reminder.objects.filter(signup=on_it, status=ReminderStatus.SCHEDULED).exists()


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


def test_project_transitions(cast):
    project = make_project(cast)
    fire("project.transitioned", project_id=project.pk, action="return", reason="补充保险信息")
    assert last(cast.organizer_a).subject == "项目被退回修改：关爱老人"
    count = Message.objects.count()
    fire("project.transitioned", project_id=project.pk, action="submit", reason="")
    assert Message.objects.count() == count


def test_comment_reply_reaches_the_author_by_email_only(cast, monkeypatch, mailoutbox, django_capture_on_commit_callbacks):
    from civitas.notifications import services

    services.preferences_update(user=cast.volunteer, channels={}, email="li@example.com")
    parent = SimpleNamespace(author=cast.volunteer, body="这个活动很有意义")
    reply = SimpleNamespace(pk=5, author=cast.volunteer2, parent=parent, get_absolute_url=lambda: "/news/1/#c5")

    class Comments:
        objects = SimpleNamespace(filter=lambda pk: SimpleNamespace(first=lambda: reply if pk == 5 else None))

    monkeypatch.setattr(handlers, "model", lambda label: Comments if label == "publicity.Comment" else None)
    with django_capture_on_commit_callbacks(execute=True):
        fire("comment.reply_approved", comment_id=5)
    message = Message.objects.get(recipient=cast.volunteer)
    assert not message.in_inbox
    assert [m.subject for m in mailoutbox] == ["有人回复了您的评论"]
    assert "这个活动很有意义" in mailoutbox[0].body


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
