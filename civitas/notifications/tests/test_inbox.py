from __future__ import annotations

from django.urls import reverse

from civitas.core.testing import query_budget
from civitas.notifications import services
from civitas.notifications.models import Kind, Message


def notices(user, count):
    return [services.notify(recipient=user, kind=Kind.HOURS, render=lambda i=i: (f"第{i}条", "内容", "")) for i in range(count)]


def test_inbox_lists_my_messages_within_a_query_budget(cast):
    notices(cast.volunteer, 25)
    notices(cast.volunteer2, 1)
    client = cast.client_for(cast.volunteer)
    with query_budget(12):
        response = client.get(reverse("notifications:inbox"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "第24条" in body
    assert "第0条" not in body  # on page 2
    assert f'hx-get="{reverse("notifications:badge")}"' in body  # the menu loads the unread count


def test_menu_badge_counts_my_unread_messages(cast, client):
    messages = notices(cast.volunteer, 3)
    notices(cast.volunteer2, 5)
    services.message_mark_read(message=messages[0], user=cast.volunteer)
    url = reverse("notifications:badge")
    volunteer = cast.client_for(cast.volunteer)
    with query_budget(3):
        response = volunteer.get(url)
    assert '<span class="badge count">2<span class="sr-only"> 条未读消息</span></span>' in response.content.decode()
    assert response.content.decode().strip() != ""
    assert client.get(url).content.decode().strip() == ""  # signed out: nothing


def test_marking_read_tells_the_menu_badge_to_reload(cast):
    message = notices(cast.volunteer, 1)[0]
    response = cast.client_for(cast.volunteer).post(reverse("notifications:read", args=[message.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Trigger"] == "notifications-read"


def test_mark_read_with_htmx_answers_the_row(cast):
    message = notices(cast.volunteer, 1)[0]
    client = cast.client_for(cast.volunteer)
    response = client.post(reverse("notifications:read", args=[message.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="message-{message.pk}"' in response.content.decode()
    assert "标为已读" not in response.content.decode()
    message.refresh_from_db()
    assert message.is_read


def test_someone_elses_message_cannot_be_marked(cast):
    message = notices(cast.volunteer, 1)[0]
    response = cast.client_for(cast.volunteer2).post(reverse("notifications:read", args=[message.pk]))
    assert response.status_code == 404
    message.refresh_from_db()
    assert not message.is_read


def test_mark_all_read(cast):
    notices(cast.volunteer, 3)
    notices(cast.volunteer2, 1)
    cast.client_for(cast.volunteer).post(reverse("notifications:read_all"))
    assert not Message.objects.filter(recipient=cast.volunteer, read_at__isnull=True).exists()
    assert Message.objects.filter(recipient=cast.volunteer2, read_at__isnull=True).count() == 1


def test_inbox_needs_sign_in(client):
    assert client.get(reverse("notifications:inbox")).status_code == 302
