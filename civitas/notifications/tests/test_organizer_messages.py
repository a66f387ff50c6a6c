from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from civitas.core.errors import RateLimited
from civitas.notifications import services
from civitas.notifications.models import Broadcast, Kind, Message
from civitas.notifications.tests.conftest import make_project, make_shift, make_signup


@pytest.fixture
def roster(cast):
    project = make_project(cast)
    shift = make_shift(cast, project=project, starts_at=timezone.now() + dt.timedelta(days=2))
    other_shift = make_shift(cast, project=project, starts_at=timezone.now() + dt.timedelta(days=3))
    make_signup(shift, cast.volunteer)
    make_signup(shift, cast.volunteer2, status="waitlisted")
    make_signup(other_shift, cast.volunteer2)
    return project, shift


def compose_url(project, shift=None):
    if shift is None:
        return reverse("notifications:compose_project", args=[project.pk])
    return reverse("notifications:compose_shift", args=[project.pk, shift.pk])


def test_preview_shows_the_message_and_count_and_sends_nothing(cast, roster):
    project, shift = roster
    client = cast.client_for(cast.organizer_a)
    response = client.post(compose_url(project, shift), {"subject": "集合地点", "body": "请到东门集合", "preview": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "阳光志愿服务队：集合地点" in body
    assert "发送给 1 人" in body
    assert not Message.objects.filter(kind=Kind.ORGANIZER).exists()


def test_shift_message_goes_to_confirmed_volunteers_only(cast, roster, django_capture_on_commit_callbacks):
    project, shift = roster
    client = cast.client_for(cast.organizer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(compose_url(project, shift), {"subject": "集合地点", "body": "请到东门集合", "send": "1"})
    assert response.status_code == 302
    messages = Message.objects.filter(kind=Kind.ORGANIZER)
    assert [m.recipient for m in messages] == [cast.volunteer]
    assert messages[0].subject == "阳光志愿服务队：集合地点"
    assert messages[0].sender == cast.organizer_a


def test_project_message_reaches_every_confirmed_volunteer_once(cast, roster, django_capture_on_commit_callbacks):
    project, _shift = roster
    with django_capture_on_commit_callbacks(execute=True):
        broadcast = services.broadcast_send(sender=cast.organizer_a, project=project, subject="感谢", body="谢谢大家")
    assert broadcast.recipient_count == 2
    assert set(Message.objects.filter(broadcast=broadcast).values_list("recipient", flat=True)) == {
        cast.volunteer.pk, cast.volunteer2.pk,
    }


def test_message_in_the_recipients_language(cast, roster, django_capture_on_commit_callbacks):
    project, shift = roster
    cast.volunteer.language = "en"
    cast.volunteer.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_send(sender=cast.organizer_a, project=project, shift=shift, subject="Gate", body="East gate")
    assert Message.objects.get(kind=Kind.ORGANIZER).subject == "Sunshine Team: Gate"


def test_organizers_are_rate_limited_per_hour(cast, roster, settings, time_machine):
    project, shift = roster
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "ORGANIZER_MESSAGES_PER_HOUR": 2}
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(2):
        services.broadcast_send(sender=cast.organizer_a, project=project, shift=shift, subject="a", body="b")
    with pytest.raises(RateLimited):
        services.broadcast_send(sender=cast.organizer_a, project=project, shift=shift, subject="a", body="b")

    response = cast.client_for(cast.organizer_a).post(compose_url(project, shift), {"subject": "a", "body": "b", "send": "1"})
    assert response.status_code == 200
    assert "每小时最多发送 2 条消息" in response.content.decode()
    assert Broadcast.objects.count() == 2

    time_machine.shift(dt.timedelta(hours=1, minutes=1))
    services.broadcast_send(sender=cast.organizer_a, project=project, shift=shift, subject="a", body="b")
    assert Broadcast.objects.count() == 3


def test_other_organizations_and_volunteers_may_not_write(cast, roster):
    project, shift = roster
    for outsider in (cast.organizer_b, cast.volunteer, cast.district_staff):
        with pytest.raises(PermissionDenied):
            services.broadcast_send(sender=outsider, project=project, shift=shift, subject="a", body="b")
        client = cast.client_for(outsider)
        assert client.get(compose_url(project, shift)).status_code == 404
        assert client.post(compose_url(project), {"subject": "a", "body": "b", "send": "1"}).status_code == 404
    assert not Broadcast.objects.exists()


def test_empty_message_and_empty_roster_are_refused(cast):
    project = make_project(cast)
    with pytest.raises(ValidationError) as error:
        services.broadcast_send(sender=cast.organizer_a, project=project, subject="", body="")
    assert set(error.value.message_dict) == {"subject", "body"}
    with pytest.raises(ValidationError):
        services.broadcast_send(sender=cast.organizer_a, project=project, subject="a", body="b")


def test_sending_is_written_to_the_audit_trail_with_the_number_reached(cast, roster):
    from civitas.accounts.models import AuditEntry

    project, shift = roster
    broadcast = services.broadcast_send(sender=cast.organizer_a, project=project, shift=shift, subject="集合", body="东门")
    entry = AuditEntry.objects.get(action="organizer_message.send")
    assert entry.actor == cast.organizer_a
    assert entry.target_id == str(broadcast.pk)
    assert entry.details["recipients"] == 1
    assert entry.region_path == cast.org_a.region.path


def test_a_refused_message_leaves_no_audit_entry(cast, roster):
    from civitas.accounts.models import AuditEntry

    project, _shift = roster
    with pytest.raises(PermissionDenied):
        services.broadcast_send(sender=cast.organizer_b, project=project, subject="集合", body="东门")
    assert not AuditEntry.objects.filter(action="organizer_message.send").exists()
