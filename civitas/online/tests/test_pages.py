from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from civitas.core.testing import query_budget
from civitas.ledger.models import VolunteerTotals
from civitas.online import services
from civitas.online.models import Lesson, SubmissionStatus
from civitas.online.tests.conftest import image_upload, make_task


def test_task_list_page_within_budget(cast, project):
    for index in range(8):
        make_task(project, cast.organizer_a, title=f"任务{index}")
    client = cast.client_for(cast.volunteer)
    client.get(reverse("online:task_list"))  # the session and nav warm up

    with query_budget(8):
        response = client.get(reverse("online:task_list"))

    assert response.status_code == 200 and response.content.decode().count("任务") >= 8


def test_volunteer_takes_course_and_task_through_the_pages(cast, project, qualification, course):
    task = make_task(project, cast.organizer_a, qualification=qualification, requires_link=False, requires_image=True)
    client = cast.client_for(cast.volunteer)

    refused = client.post(reverse("online:task_claim", args=[task.pk]), follow=True)
    assert "该任务需要以下资格：网络内容审核" in refused.content.decode()

    form = client.get(reverse("online:quiz", args=[course.pk]))
    assert form.status_code == 200
    answers = {}
    for question in course.questions.prefetch_related("choices"):
        answers[f"q{question.pk}"] = [str(c.pk) for c in question.choices.all() if c.is_correct]
    result = client.post(reverse("online:quiz", args=[course.pk]), answers)
    assert result.status_code == 200 and "100%" in result.content.decode()

    sent = client.post(reverse("online:task_submit", args=[task.pk]), {"image": image_upload()})
    assert sent.status_code == 302
    submission = task.submissions.get()

    reviewer = cast.client_for(cast.organizer_a)
    queue = reviewer.get(reverse("online:review_queue"))
    assert f"submission-{submission.pk}" in queue.content.decode()
    swapped = reviewer.post(
        reverse("online:submission_review", args=[submission.pk]), {"accept": "1"}, HTTP_HX_REQUEST="true"
    )
    assert swapped.status_code == 200 and "已通过：计入 0.50 小时" in swapped.content.decode()
    assert VolunteerTotals.objects.get(volunteer=cast.volunteer).total_hours == Decimal("0.50")

    qualifications = client.get(reverse("online:my_qualifications"))
    assert "网络内容审核" in qualifications.content.decode()


def test_duplicate_on_the_page_keeps_the_form_and_says_why(cast, task):
    services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/same")

    response = cast.client_for(cast.volunteer2).post(
        reverse("online:task_submit", args=[task.pk]), {"link": "https://example.org/same/"}
    )

    assert response.status_code == 422
    assert "已被提交过" in response.content.decode()
    assert 'value="https://example.org/same/"' in response.content.decode()


def test_review_queue_within_budget(cast, project):
    task = make_task(project, cast.organizer_a, quota_per_volunteer=10)
    for index in range(6):
        services.submission_submit(task=task, volunteer=cast.volunteer, link=f"https://example.org/{index}")
    client = cast.client_for(cast.organizer_a)
    client.get(reverse("online:review_queue"))

    with query_budget(8):
        response = client.get(reverse("online:review_queue"))

    assert response.content.decode().count('id="submission-') == 6


@pytest.mark.parametrize("persona", ["volunteer", "district_staff", "auditor"])
def test_people_who_are_not_organization_staff_get_no_review_queue(cast, persona):
    response = cast.client_for(getattr(cast, persona)).get(reverse("online:review_queue"))

    assert response.status_code == 403


def test_staff_of_another_organization_do_not_see_its_submissions(cast, task):
    submission = services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/q")

    response = cast.client_for(cast.organizer_b).get(reverse("online:review_queue"))

    assert response.status_code == 200 and f"submission-{submission.pk}" not in response.content.decode()


def test_outsider_review_post_is_not_found(cast, task):
    submission = services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/x")

    response = cast.client_for(cast.organizer_b).post(
        reverse("online:submission_review", args=[submission.pk]), {"accept": "1"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 404
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_second_accept_on_the_page_says_so(cast, task):
    submission = services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/y")
    client = cast.client_for(cast.organizer_a)
    client.post(reverse("online:submission_review", args=[submission.pk]), {"accept": "1"}, HTTP_HX_REQUEST="true")

    again = client.post(reverse("online:submission_review", args=[submission.pk]), {"accept": "1"}, HTTP_HX_REQUEST="true")

    assert "该提交已审核通过" in again.content.decode()


def test_evidence_image_is_served_as_an_image_to_the_reviewer_only(cast, project):
    task = make_task(project, cast.organizer_a, requires_link=False, requires_image=True)
    submission = services.submission_submit(task=task, volunteer=cast.volunteer, image=image_upload())
    url = reverse("online:submission_image", args=[submission.pk])

    response = cast.client_for(cast.organizer_a).get(url)

    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert cast.client_for(cast.volunteer2).get(url).status_code == 404


def test_lesson_page_shows_sanitized_text_and_attachment_downloads(cast, course):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lesson = services.lesson_add(
        course=course, title="附件", body='<p onclick="x()">读我</p>',
        attachment=SimpleUploadedFile("page.html", b"<script>alert(1)</script>"),
    )
    client = cast.client_for(None)

    page = client.get(reverse("online:lesson_detail", args=[course.pk, lesson.pk]))
    download = client.get(reverse("online:lesson_attachment", args=[course.pk, lesson.pk]))

    assert 'onclick="x()"' not in page.content.decode() and "<p>读我</p>" in page.content.decode()
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment")
    assert Lesson.objects.get(pk=lesson.pk).attachment.name.startswith("online/lessons/")


def test_course_list_and_participation_pages(cast, task, course):
    submission = services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/z")
    services.submission_review(submission=submission, reviewer=cast.organizer_a, accept=True)
    client = cast.client_for(None)

    with query_budget(6):
        courses = client.get(reverse("online:course_list"))
    board = client.get(reverse("online:participation"), {"region": cast.city.district_a.pk})

    assert course.title in courses.content.decode()
    assert board.status_code == 200 and "阳光志愿服务队" in board.content.decode()


def test_publishing_a_task_through_the_page(cast, project):
    client = cast.client_for(cast.organizer_a)
    data = {
        "project": project.pk, "title": "翻译志愿服务指南", "kind": "translation", "instructions": "翻译第一章",
        "requires_text": "on", "hours_per_submission": "2", "quota_per_volunteer": "1", "quota_total": "3",
        "opens_at": "2026-01-01T09:00", "closes_at": "2026-12-31T18:00",
    }

    response = client.post(reverse("online:task_create"), data)

    assert response.status_code == 302
    assert cast.client_for(cast.volunteer).get(reverse("online:task_create")).status_code == 403


def test_my_submissions_page_within_budget(cast, project):
    for index in range(4):
        task = make_task(project, cast.organizer_a, title=f"任务{index}")
        services.submission_submit(task=task, volunteer=cast.volunteer, link=f"https://example.org/m{index}")
    client = cast.client_for(cast.volunteer)
    client.get(reverse("online:my_submissions"))

    with query_budget(6):
        response = client.get(reverse("online:my_submissions"))

    assert response.content.decode().count("待审核") == 4


def test_participation_keeps_a_pending_organization_unknown(cast):
    from civitas.conftest import make_volunteer
    from civitas.organizations import services as organizations

    pending = organizations.organization_register(
        name="待审网络队", kind="team", region=cast.city.district_a, contact_name="丙", contact_phone="027-3",
        created_by=make_volunteer("提议人", "13900000078", cast.city.community_a),
    )
    url = reverse("online:participation")

    hidden = [cast.client_for(user).get(url, {"organization": pending.pk}).status_code
              for user in (None, cast.volunteer, cast.organizer_b, cast.other_district_staff)]
    overseer = cast.client_for(cast.district_staff).get(url, {"organization": pending.pk})
    approved = cast.client_for(None).get(url, {"organization": cast.org_a.pk})

    assert hidden == [404, 404, 404, 404]
    assert overseer.status_code == 200 and "待审网络队" in overseer.content.decode()
    assert approved.status_code == 200 and "阳光志愿服务队" in approved.content.decode()
    assert cast.client_for(None).get(url, {"organization": 999999}).status_code == 404


@pytest.mark.parametrize("persona", ["volunteer", "district_staff", "auditor"])
def test_someone_who_may_see_but_not_review_evidence_is_refused_not_redirected(cast, task, persona):
    submission = services.submission_submit(task=task, volunteer=cast.volunteer, link="https://example.org/mine")

    response = cast.client_for(getattr(cast, persona)).post(
        reverse("online:submission_review", args=[submission.pk]), {"accept": "1"}
    )

    submission.refresh_from_db()
    assert response.status_code == 403 and submission.status == SubmissionStatus.SUBMITTED


def test_a_lesson_body_written_around_the_services_is_still_shown_inert(cast, course):
    lesson = course.lessons.get()
    Lesson.objects.filter(pk=lesson.pk).update(body="<p>文明上网</p><script>alert(1)</script><img src=x onerror=alert(1)>")
    client = cast.client_for(None)

    page = client.get(reverse("online:lesson_detail", args=[course.pk, lesson.pk])).content.decode()
    api = client.get(f"/api/v1/courses/{course.pk}").json()["lessons"][0]["body"]

    for shown in (page, api):
        assert "<p>文明上网</p>" in shown and "<script>alert(1)" not in shown and "onerror" not in shown
