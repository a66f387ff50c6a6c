"""Service and comment journeys in headless Chromium (make test-browser).

A volunteer finds an elderly-care project, signs up for a shift that is about to start,
checks in and out with the shift's rotating code, the organizer approves the shift's
hours, the volunteer downloads a certificate and a visitor verifies it. A visitor
comments on a published article, city staff approve the comment, the visitor sees it
published without the email. Same windows, languages and problem checks as
test_browser_journeys.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from civitas.core.tests.test_browser_journeys import WINDOWS, Journey, browser  # noqa: F401

pytestmark = pytest.mark.browser


def recruiting_shift(cast):  # type: ignore[no-untyped-def]
    """A recruiting elderly-care project of organization A with a shift starting in a few
    minutes: sign-up is still open (it closes when the shift starts) and check-in already
    is (CHECKIN_OPENS_MINUTES_BEFORE)."""
    from civitas.projects import services

    project = services.project_create(
        organization=cast.org_a, actor=cast.organizer_a, title="社区养老助餐服务", title_en="Meals for elderly neighbours",
        category="elderly_disabled", summary="为社区老人送餐", place_name="和平社区食堂",
        latitude=Decimal("30.593100"), longitude=Decimal("114.305400"),
    )
    for action in ["submit", "approve", "recruit"]:
        actor = cast.city_staff if action == "approve" else cast.organizer_a
        project = services.project_transition(project=project, action=action, actor=actor)
    starts = timezone.now() + dt.timedelta(minutes=5)
    shift = services.shift_create(project=project, actor=cast.organizer_a, starts_at=starts,
                                  ends_at=starts + dt.timedelta(hours=2), capacity=2, hours_credited=Decimal("2"))
    return project, shift


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("window", list(WINDOWS))
def test_serve_a_shift_and_verify_the_certificate(transactional_db, cast, live_server, browser, window, language):  # noqa: F811 (the re-exported fixture)
    from civitas.attendance import tokens
    from civitas.attendance.models import Attendance
    from civitas.ledger.models import Certificate, RecordStatus, ServiceRecord

    project, shift = recruiting_shift(cast)
    journey = Journey(browser, live_server.url, window, language)
    page = journey.open()
    journey.go(page, "/")
    journey.choose_language(page)
    journey.sign_in(page, "13900000001")

    # Find the project by searching, open it and sign up for the shift.
    journey.go(page, "/projects/?q=养老")
    link = page.locator(f"main a[href$='/projects/{project.pk}/']").first
    assert link.is_visible()
    journey.shot(page, "project-search")
    link.click()
    page.wait_for_url(re.compile(rf".*/projects/{project.pk}/$"))
    page.locator(f"form[action$='/projects/shifts/{shift.pk}/signup/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".badge.confirmed").count() == 1
    journey.shot(page, "signed-up")

    # Check in with the shift's current code, then out.
    journey.go(page, f"/attendance/scan/{tokens.shift_code(shift.pk)}/")
    page.locator("#scan-form button[type=submit]").click()
    page.wait_for_load_state()
    attendance = Attendance.objects.get(shift=shift, volunteer=cast.volunteer)
    assert attendance.is_open
    journey.shot(page, "checked-in")
    # Checking out seconds later would credit no hours: the volunteer served an hour.
    Attendance.objects.filter(pk=attendance.pk).update(checked_in_at=timezone.now() - dt.timedelta(hours=1))
    journey.go(page, f"/attendance/scan/{tokens.shift_code(shift.pk)}/")
    page.locator("#scan-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#scan-form").count() == 0
    assert page.locator(".msg-success").count() >= 1
    journey.shot(page, "checked-out")
    record = ServiceRecord.objects.get(shift=shift, volunteer=cast.volunteer)
    assert record.status == RecordStatus.PENDING and record.hours == Decimal("1")

    # The organizer approves the shift's hours from its attendance page.
    organizer = journey.open()
    journey.sign_in(organizer, "13900000011")
    journey.go(organizer, f"/attendance/shifts/{shift.pk}/")
    organizer.locator(f"form[action$='/hours/shifts/{shift.pk}/approve/'] button").click()
    organizer.wait_for_load_state()
    journey.shot(organizer, "hours-approved")
    organizer.context.close()
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED

    # The volunteer downloads a certificate for this year up to today (the form's default).
    journey.go(page, "/hours/")
    today = timezone.localdate()
    page.fill("#id_period_start", today.replace(month=1, day=1).isoformat())
    page.fill("#id_period_end", today.isoformat())
    journey.shot(page, "my-hours")
    with page.expect_download() as download_info:
        page.locator("main section.card form button[type=submit]").click()
    download = download_info.value
    certificate = Certificate.objects.get(volunteer=cast.volunteer)
    assert download.suggested_filename == f"certificate-{certificate.code}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert certificate.hours == Decimal("1")
    page.context.close()

    # A visitor checks the certificate: genuine, with the masked name only.
    visitor = journey.open()
    journey.go(visitor, f"/certificates/{certificate.code}/")
    assert visitor.locator(".msg-success").count() == 1
    assert "李*红" in visitor.locator("dl.facts").inner_text()
    assert "李小红" not in visitor.content()
    journey.shot(visitor, "certificate-verified")
    visitor.context.close()
    assert not journey.problems, "\n".join(journey.problems)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("window", list(WINDOWS))
def test_comment_waits_for_moderation(transactional_db, cast, live_server, browser, window, language):  # noqa: F811 (the re-exported fixture)
    from civitas.publicity.models import Comment
    from civitas.publicity.tests.factories import make_article

    article = make_article(cast, title="志愿者的一天", body="<p>故事正文</p>")
    email = "reader-journey@example.org"
    text = f"谢谢志愿者们 {window} {language}"
    journey = Journey(browser, live_server.url, window, language)
    visitor = journey.open()
    journey.go(visitor, "/")
    journey.choose_language(visitor)

    journey.go(visitor, f"/news/{article.slug}/")
    visitor.fill("#reply #id_name", "读者")
    visitor.fill("#reply #id_email", email)
    visitor.fill("#reply #id_text", text)
    with visitor.expect_navigation():
        visitor.locator("#reply form button[type=submit]").click()
    assert "/comments/" not in visitor.url  # posted and sent back to the article
    comment = Comment.objects.get(email=email)
    assert comment.status == "pending" and not comment.is_visible
    assert visitor.locator(".msg-info").count() == 1  # waits for moderation
    assert visitor.locator(".comment", has_text=text).count() == 0
    journey.shot(visitor, "comment-waiting")

    staff = journey.open()
    journey.sign_in(staff, "city-staff")
    journey.go(staff, "/desk/comments/")
    card = staff.locator(f"#c{comment.pk}")
    assert text in card.inner_text()
    journey.shot(staff, "moderation-queue")
    card.locator(f"form[action$='/desk/comments/{comment.pk}/approve/'] button").click()
    staff.wait_for_load_state()
    staff.context.close()
    comment.refresh_from_db()
    assert comment.is_visible

    visitor.reload()
    assert visitor.locator(f"#comment-{comment.pk}", has_text=text).is_visible()
    assert email not in visitor.content()
    journey.shot(visitor, "comment-published")
    visitor.context.close()
    assert not journey.problems, "\n".join(journey.problems)
