"""Permission matrix entries for online tasks and training (see civitas/permission_matrix.py).

The scene: a recruiting project of org A with an open task (the volunteer has sent
evidence for it, with an image) and a second task (the volunteer holds an open claim);
a draft project of org A with a task nobody outside org A and the committee over
district A may see; a published course with a lesson, an attachment and a question, and
an unpublished course only org A's staff see.
"""

from civitas.permission_matrix import STAFF, Case, api, each, page, signed_in

# Who oversees org A's unpublished work: its staff and the committee over district A.
ORG_A_AND_WATCHERS = {"organizer_a": 200, "district_staff": 200, "city_staff": 200, "auditor": 200}
# May look at the volunteer's evidence but not decide on it.
VIEWERS_NOT_REVIEWERS = {"volunteer": 403, "district_staff": 403, "city_staff": 403, "auditor": 403}

ROUTES = {
    "online:task_list": Case(expect=page(200)),
    "online:task_create": [
        Case(expect=signed_in(403, organizer_a=200, organizer_b=200)),
        Case("POST", data={"title": "缺项目的任务"}, expect=signed_in(403, organizer_a=200, organizer_b=200)),
    ],
    "online:task_detail": [
        Case(params={"pk": "online_task"}, expect=page(200)),
        Case(params={"pk": "online_hidden_task"}, expect=page(404, **ORG_A_AND_WATCHERS)),
    ],
    # Everyone signed in is sent back to the task: with the claim, or with the reason
    # they cannot take it (no volunteer profile, a project not open yet).
    "online:task_claim": [
        Case("POST", params={"pk": "online_task"}, expect=page(302)),
        Case("POST", params={"pk": "online_hidden_task"},
             expect=signed_in(404, **dict.fromkeys(ORG_A_AND_WATCHERS, 302))),
    ],
    "online:task_submit": Case(
        "POST", params={"pk": "online_task"}, data={"text": "又校对了两篇文章。"},
        expect=signed_in(302, **each(STAFF, 422)),
    ),
    "online:my_submissions": Case(expect=signed_in(200)),
    "online:claim_release": Case("POST", params={"pk": "online_claim"}, expect=signed_in(404, volunteer=302)),
    "online:submission_review": Case(
        "POST", params={"pk": "online_submission"}, data={"accept": "1"},
        expect=signed_in(404, organizer_a=302, **VIEWERS_NOT_REVIEWERS),
    ),
    "online:submission_image": Case(
        params={"pk": "online_submission"},
        expect=signed_in(404, **dict.fromkeys(("volunteer", *ORG_A_AND_WATCHERS), 200)),
    ),
    "online:review_queue": Case(expect=signed_in(403, organizer_a=200, organizer_b=200)),
    "online:course_list": Case(expect=page(200)),
    "online:course_detail": [
        Case(params={"pk": "online_course"}, expect=page(200)),
        Case(params={"pk": "online_hidden_course"}, expect=page(404, organizer_a=200)),
    ],
    "online:lesson_detail": [
        Case(params={"pk": "online_course", "lesson_pk": "online_lesson"}, expect=page(200)),
        # A lesson of the unpublished course, asked for through the published one.
        Case(params={"pk": "online_course", "lesson_pk": "online_hidden_lesson"}, expect=page(404)),
        Case(params={"pk": "online_hidden_course", "lesson_pk": "online_hidden_lesson"},
             expect=page(404, organizer_a=200)),
    ],
    "online:lesson_attachment": [
        Case(params={"pk": "online_course", "lesson_pk": "online_lesson"}, expect=page(200)),
        Case(params={"pk": "online_course", "lesson_pk": "online_hidden_lesson"}, expect=page(404)),
    ],
    "online:quiz": [
        Case(params={"pk": "online_course"}, expect=signed_in(200)),
        Case(params={"pk": "online_hidden_course"}, expect=signed_in(404, organizer_a=200)),
    ],
    "online:my_qualifications": Case(expect=signed_in(200)),
    "online:participation": Case(expect=page(200)),
    "api:online_tasks": Case(expect=page(200)),
    "api:online_task": [
        Case(params={"task_id": "online_task"}, expect=page(200)),
        Case(params={"task_id": "online_hidden_task"}, expect=page(404, **ORG_A_AND_WATCHERS)),
    ],
    "api:claim_task": [
        Case("POST", params={"task_id": "online_task"}, expect=api(201, **each(STAFF, 422))),
        Case("POST", params={"task_id": "online_hidden_task"},
             expect=api(404, **dict.fromkeys(ORG_A_AND_WATCHERS, 422))),
    ],
    "api:submit_evidence": Case(
        "POST", params={"task_id": "online_task"}, data={"text": "又校对了两篇文章。"},
        expect=api(201, **each(STAFF, 422)),
    ),
    "api:review_submission": Case(
        "POST", params={"submission_id": "online_submission"}, data={"accept": True},
        expect=api(404, organizer_a=200, **VIEWERS_NOT_REVIEWERS),
    ),
    "api:courses": Case(expect=page(200)),
    "api:course": [
        Case(params={"course_id": "online_course"}, expect=page(200)),
        Case(params={"course_id": "online_hidden_course"}, expect=page(404, organizer_a=200)),
    ],
    "api:take_quiz": [
        Case("POST", params={"course_id": "online_course"}, data={"answers": {}}, expect=api(201, **each(STAFF, 422))),
        Case("POST", params={"course_id": "online_hidden_course"}, data={"answers": {}},
             expect=api(404, organizer_a=422)),
    ],
    "api:my_qualifications": Case(expect=api(200)),
}

def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def _stored(name: str, content: bytes) -> str:
    """A file under one fixed name: the scene is built for every role on every run, and
    its rows roll back while files would stay behind."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return name


def build_scene(cast, scene):  # type: ignore[no-untyped-def]
    import datetime as dt
    import hashlib
    from decimal import Decimal

    from django.utils import timezone

    from civitas.accounts.models import ServiceCategory
    from civitas.online import services
    from civitas.online.models import Lesson, Submission, TaskKind
    from civitas.projects import services as projects

    now = timezone.now()
    project = projects.project_create(
        organization=cast.org_a, actor=cast.organizer_a, title="清朗网络行动", category=ServiceCategory.NETWORK_CIVILIZATION,
    )
    for action, actor in (("submit", cast.organizer_a), ("approve", cast.district_staff), ("recruit", cast.organizer_a)):
        project = projects.project_transition(project=project, action=action, actor=actor)
    draft = projects.project_create(
        organization=cast.org_a, actor=cast.organizer_a, title="筹备中的网络项目", category=ServiceCategory.NETWORK_CIVILIZATION,
    )

    def task(on, title):  # type: ignore[no-untyped-def]
        return services.task_create(
            project=on, created_by=cast.organizer_a, title=title, kind=TaskKind.PROOFREADING,
            instructions="校对社区公益文章，提交修改说明。", hours_per_submission=Decimal("0.50"), quota_total=20,
            quota_per_volunteer=3, opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=7),
            requires_text=True,
        )

    open_task = task(project, "校对社区公益文章")
    second_task = task(project, "校对第二批文章")
    hidden_task = task(draft, "尚未公开的任务")
    submission = services.submission_submit(task=open_task, volunteer=cast.volunteer, text="校对了三篇文章。")
    # The image goes around the upload path (which stores every copy under a new name)
    # so that only one file ever exists for the scene.
    png = _png()
    Submission.objects.filter(pk=submission.pk).update(
        image=_stored("online/evidence/permission-matrix.png", png), image_digest=hashlib.sha256(png).hexdigest()
    )
    claim = services.task_claim(task=second_task, volunteer=cast.volunteer)

    course = services.course_create(organization=cast.org_a, created_by=cast.organizer_a, title="网络文明入门", pass_mark=50)
    lesson = services.lesson_add(course=course, title="什么是网络文明", body="<p>文明上网。</p>")
    Lesson.objects.filter(pk=lesson.pk).update(
        attachment=_stored("online/lessons/permission-matrix.txt", "课程讲义".encode()), attachment_name="讲义.txt"
    )
    services.question_add(course=course, text="看到谣言应该怎么做？", choices=[("转发", False), ("举报", True)])
    hidden_course = services.course_create(
        organization=cast.org_a, created_by=cast.organizer_a, title="编写中的课程", is_published=False,
    )
    hidden_lesson = services.lesson_add(course=hidden_course, title="草稿课时")

    scene.update({
        "online_task": open_task.pk, "online_hidden_task": hidden_task.pk, "online_submission": submission.pk,
        "online_claim": claim.pk, "online_course": course.pk, "online_lesson": lesson.pk,
        "online_hidden_course": hidden_course.pk, "online_hidden_lesson": hidden_lesson.pk,
    })
