"""The project page cleans the description again when showing it."""

from __future__ import annotations

from civitas.projects.models import Project
from civitas.projects.tests.conftest import make_project


def test_script_written_past_the_service_is_not_run_on_the_project_page(cast, client):
    project = make_project(cast)
    Project.objects.filter(pk=project.pk).update(
        description='<p>每周三<strong>送餐</strong></p><script>alert("x")</script><img src=x onerror=alert(1)>'
    )

    body = client.get(f"/projects/{project.pk}/").content.decode()

    assert "<p>每周三<strong>送餐</strong></p>" in body
    assert '<script>alert("x")' not in body and "onerror" not in body
