from __future__ import annotations

from civitas.core.testing import query_budget
from civitas.notifications import services
from civitas.notifications.models import Kind


def notices(user, count):
    return [services.notify(recipient=user, kind=Kind.HOURS, render=lambda i=i: (f"n{i}", "b", "/x")) for i in range(count)]


def test_my_notifications_lists_items_count_and_unread(cast, client, api_token):
    mine = notices(cast.volunteer, 3)
    notices(cast.volunteer2, 2)
    services.message_mark_read(message=mine[0], user=cast.volunteer)
    headers = api_token(cast.volunteer)
    with query_budget(6):
        response = client.get("/api/v1/me/notifications", **headers)
    assert response.status_code == 200
    data = response.json()
    assert (data["count"], data["unread"]) == (3, 2)
    assert [item["subject"] for item in data["items"]] == ["n2", "n1", "n0"]
    assert data["items"][2]["is_read"] is True

    unread = client.get("/api/v1/me/notifications?unread_only=true", **headers).json()
    assert unread["count"] == 2


def test_mark_read(cast, client, api_token):
    message = notices(cast.volunteer, 1)[0]
    response = client.post(f"/api/v1/me/notifications/{message.pk}/read", **api_token(cast.volunteer))
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    assert client.get("/api/v1/me/notifications", **api_token(cast.volunteer)).json()["unread"] == 0


def test_someone_elses_notification_is_not_found(cast, client, api_token):
    message = notices(cast.volunteer, 1)[0]
    response = client.post(f"/api/v1/me/notifications/{message.pk}/read", **api_token(cast.volunteer2))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_notifications_need_a_token(client):
    assert client.get("/api/v1/me/notifications").status_code == 401
    assert client.post("/api/v1/me/notifications/1/read").status_code == 401
