import datetime as dt

import pytest
from django.urls import reverse

from civitas.accounts.models import User

PASSWORD = "correct-horse-battery"


def form_data(**changes):
    data = {
        "real_name": "李小红",
        "mobile": "13812345678",
        "email": "",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "id_type": "resident_id",
        "id_number": "110101199003074514",
        "privacy_consent": "on",
    }
    data.update(changes)
    return data


def test_registration_page_registers_and_signs_in(client, city):
    response = client.post(
        reverse("accounts:signup"), form_data(home_community=city.community_a.pk, skills=[], interests=["community"])
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.volunteer.birth_date == dt.date(1990, 3, 7)
    assert user.volunteer.home_community == city.community_a
    me = client.get(reverse("accounts:me"))
    assert me.status_code == 200
    assert "110***********4514" in me.content.decode()
    assert "110101199003074514" not in me.content.decode()


@pytest.mark.parametrize(("language", "message"), [("en", "check digit is wrong"), ("zh-hans", "校验位")])
def test_wrong_check_digit_is_shown_on_the_field_in_each_language(client, city, language, message):
    client.cookies["django_language"] = language
    response = client.post(reverse("accounts:signup"), form_data(id_number="110101199003074515"))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'value="李小红"' in body  # what was typed comes back
    assert not User.objects.exists()


def test_missing_consent_is_refused(client, city):
    response = client.post(reverse("accounts:signup"), form_data(privacy_consent=""))
    assert response.status_code == 200
    assert not User.objects.exists()


def test_password_reset_sends_a_link(client, cast, mailoutbox):
    cast.volunteer.email = "li@example.org"
    cast.volunteer.save()
    response = client.post(reverse("accounts:password_reset"), {"email": "li@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password-reset/" in mailoutbox[0].body
