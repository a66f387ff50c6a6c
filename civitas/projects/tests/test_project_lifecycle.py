from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civitas.core.errors import Conflict
from civitas.projects import services
from civitas.projects.models import Project, ProjectEvent, ProjectStatus
from civitas.projects.tests.conftest import make_project


def test_draft_takes_the_organizations_region_and_sanitizes_the_description(cast):
    project = services.project_create(
        organization=cast.org_a, actor=cast.organizer_a, title="助老", category="elderly_disabled",
        description='<p onclick="x()">Hello <strong>there</strong><script>alert(1)</script></p>',
    )
    assert project.region == cast.city.district_a
    assert project.status == ProjectStatus.DRAFT
    assert project.description == "<p>Hello <strong>there</strong></p>"


def test_search_text_holds_both_languages_and_pinyin(cast):
    project = make_project(cast, status="draft")
    text = project.search_text
    assert "养老" in text and "elderly" in text  # category labels in both languages
    assert "yanglao" in text.replace(" ", "") and "sqylzc" in text  # full pinyin and initials
    assert "阳光志愿服务队" in text and "sunshine team" in text


def test_outsider_cannot_propose_for_an_organization(cast):
    with pytest.raises(PermissionDenied):
        services.project_create(organization=cast.org_a, actor=cast.organizer_b, title="x", category="other")
    assert not Project.objects.exists()


def test_bad_fields_are_refused_with_reasons(cast):
    with pytest.raises(ValidationError) as error:
        services.project_create(
            organization=cast.org_a, actor=cast.organizer_a, title=" ", category="nope", latitude="95",
            longitude="10", budget="-1",
        )
    assert {"title", "category", "latitude", "budget"} <= set(error.value.message_dict)


def test_cover_image_must_really_be_an_image(cast):
    fake = SimpleUploadedFile("cover.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        services.project_create(organization=cast.org_a, actor=cast.organizer_a, title="x", category="other", cover_image=fake)
    assert "cover_image" in error.value.message_dict
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(buffer, "PNG")
    good = SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")
    project = services.project_create(organization=cast.org_a, actor=cast.organizer_a, title="x", category="other", cover_image=good)
    assert project.cover_image.name.endswith(".png")


def test_full_lifecycle_keeps_every_step_with_actor_and_reason(cast):
    project = make_project(cast, status="draft")
    project = services.project_transition(project=project, action="submit", actor=cast.organizer_a)
    project = services.project_transition(project=project, action="return", actor=cast.district_staff, reason="补充预算")
    assert project.status == ProjectStatus.RETURNED
    services.project_update(project=project, actor=cast.organizer_a, budget="1200")
    for action, actor in [("submit", cast.organizer_a), ("approve", cast.district_staff), ("recruit", cast.organizer_a),
                          ("start", cast.organizer_a), ("complete", cast.organizer_a)]:
        project = services.project_transition(project=project, action=action, actor=actor)
    project = services.project_transition(
        project=project, action="evaluate", actor=cast.organizer_a, rating=5, summary="服务老人120人次", people_served=120
    )
    assert project.status == ProjectStatus.EVALUATED
    assert (project.rating, project.people_served) == (5, 120)
    events = list(ProjectEvent.objects.filter(project=project).values_list("action", "to_status", "actor_id", "reason"))
    assert events[2] == ("return", "returned", cast.district_staff.pk, "补充预算")
    assert [e[0] for e in events] == ["create", "submit", "return", "submit", "approve", "recruit", "start", "complete", "evaluate"]


def test_step_not_allowed_from_the_current_state_is_a_conflict(cast):
    project = make_project(cast, status="draft")
    with pytest.raises(Conflict):
        services.project_transition(project=project, action="start", actor=cast.organizer_a)
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT


def test_only_committee_of_the_projects_region_approves(cast):
    project = make_project(cast, status="submitted")
    for outsider in (cast.organizer_a, cast.other_district_staff, cast.auditor, cast.volunteer):
        with pytest.raises(PermissionDenied):
            services.project_transition(project=project, action="approve", actor=outsider)
    services.project_transition(project=project, action="approve", actor=cast.city_staff)


def test_return_and_reject_need_a_reason(cast):
    project = make_project(cast, status="submitted")
    with pytest.raises(ValidationError):
        services.project_transition(project=project, action="reject", actor=cast.district_staff, reason=" ")
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


def test_evaluation_needs_a_rating_from_one_to_five(cast):
    project = make_project(cast, status="in_progress")
    project = services.project_transition(project=project, action="complete", actor=cast.organizer_a)
    with pytest.raises(ValidationError):
        services.project_transition(project=project, action="evaluate", actor=cast.organizer_a, rating=6, summary="ok", people_served=1)


def test_submitted_project_cannot_be_edited(cast):
    project = make_project(cast, status="submitted")
    with pytest.raises(Conflict):
        services.project_update(project=project, actor=cast.organizer_a, title="改名")


def test_transition_publishes_an_event(cast, settings, django_capture_on_commit_callbacks):
    seen = []
    settings.EVENT_HANDLERS = {"project.transitioned": ["civitas.projects.tests.test_project_lifecycle.remember"]}
    remember.seen = seen
    project = make_project(cast, status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        services.project_transition(project=project, action="submit", actor=cast.organizer_a)
    assert seen == [{"event": "project.transitioned", "project_id": project.pk, "action": "submit", "reason": ""}]


def remember(**payload):
    remember.seen.append(payload)


def test_pinyin_reads_each_field_on_its_own():
    # Glued to the category label 网络文明, 朝阳 would be read as part of 明朝 ("chaoyang").
    text = services.search_text_for(
        title="网络文明宣传", title_en="", summary="", description_text="", category="network_civilization",
        place_name="", address="", beneficiary_kind="", organization_name="朝阳社区志愿服务站", organization_name_en="",
    )
    assert "zhaoyangshequ" in text and "chaoyang" not in text
