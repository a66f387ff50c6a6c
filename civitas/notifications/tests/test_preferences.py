from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from civitas.notifications import services
from civitas.notifications.models import Delivery, Kind, NotificationSettings


def test_bad_email_is_refused_when_saved(cast):
    with pytest.raises(ValidationError) as error:
        services.preferences_update(user=cast.volunteer, channels={}, email="not-an-address")
    assert "email" in error.value.message_dict
    assert not NotificationSettings.objects.filter(user=cast.volunteer).exists()


def test_bad_mobile_is_refused_when_saved(cast):
    with pytest.raises(ValidationError) as error:
        services.preferences_update(user=cast.volunteer, channels={}, mobile="12345")
    assert "mobile" in error.value.message_dict


def test_mobile_is_kept_in_international_form(cast):
    row = services.preferences_update(user=cast.volunteer, channels={}, mobile="139 0000 0009")
    assert row.mobile == "+8613900000009"


def test_quiet_hours_need_both_ends(cast):
    import datetime as dt

    with pytest.raises(ValidationError) as error:
        services.preferences_update(user=cast.volunteer, channels={}, quiet_start=dt.time(22))
    assert "quiet_end" in error.value.message_dict


def test_channels_chosen_per_kind_are_used(cast, mailoutbox, django_capture_on_commit_callbacks):
    services.preferences_update(
        user=cast.volunteer, channels={Kind.HOURS: ["inbox"], Kind.SIGNUP: ["email"]}, email="li@example.com"
    )
    with django_capture_on_commit_callbacks(execute=True):
        hours = services.notify(recipient=cast.volunteer, kind=Kind.HOURS, render=lambda: ("a", "b", ""))
        signup = services.notify(recipient=cast.volunteer, kind=Kind.SIGNUP, render=lambda: ("c", "d", ""))
        nothing = services.notify(recipient=cast.volunteer, kind=Kind.SIGNUP, render=lambda: ("e", "f", ""))
    assert hours.in_inbox and not hours.deliveries.exists()
    assert not signup.in_inbox and list(signup.deliveries.values_list("channel", flat=True)) == ["email"]
    assert nothing is not None
    assert [m.subject for m in mailoutbox] == ["c", "e"]


def test_comment_replies_never_go_to_the_inbox(cast):
    services.preferences_update(user=cast.volunteer, channels={Kind.COMMENT_REPLY: ["inbox", "email"]}, email="a@example.com")
    message = services.notify(recipient=cast.volunteer, kind=Kind.COMMENT_REPLY, render=lambda: ("a", "b", ""))
    assert not message.in_inbox
    assert list(Delivery.objects.filter(message=message).values_list("channel", flat=True)) == ["email"]


def test_nobody_on_no_channel_gets_no_message(cast):
    services.preferences_update(user=cast.volunteer, channels={Kind.HOURS: []})
    assert services.notify(recipient=cast.volunteer, kind=Kind.HOURS, render=lambda: ("a", "b", "")) is None


def test_preferences_page_saves_choices(cast):
    client = cast.client_for(cast.volunteer)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    response = client.post(
        reverse("notifications:preferences"),
        {"email": "li@example.com", "mobile": "", "quiet_start": "22:00", "quiet_end": "07:00",
         "email_subscribed": "on", "kind_reminder": ["inbox", "sms"], "kind_hours": ["inbox", "email"]},
    )
    assert response.status_code == 302
    row = NotificationSettings.objects.get(user=cast.volunteer)
    assert row.channels_for(Kind.REMINDER) == ("inbox", "sms")
    assert row.channels_for(Kind.SIGNUP) == ()  # every kind on the page is a choice; none ticked here
    assert row.email == "li@example.com"


def test_preferences_page_shows_a_bad_mobile_on_the_form_and_keeps_the_input(cast):
    client = cast.client_for(cast.volunteer)
    response = client.post(reverse("notifications:preferences"), {"email": "li@example.com", "mobile": "999"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="999"' in body
    assert 'value="li@example.com"' in body
    assert not NotificationSettings.objects.filter(user=cast.volunteer).exists()


def test_preferences_page_needs_sign_in(client):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302
