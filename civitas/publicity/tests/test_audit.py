"""Moderation decisions and story and award approvals are on the audit trail, filed
under the region they concern, so the auditors of that region read them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from civitas.accounts.models import AuditEntry
from civitas.publicity import services
from civitas.publicity.tests.factories import make_article, make_project

pytestmark = pytest.mark.django_db


def test_comment_decisions_are_audited_under_the_article_region(cast):
    story = make_article(cast, region=cast.city.district_a)
    one = services.comment_post(article=story, name="甲", email="a@example.org", text="一")
    two = services.comment_post(article=story, name="乙", email="b@example.org", text="二")
    three = services.comment_post(article=story, name="丙", email="c@example.org", text="三")
    staff = cast.client_for(cast.district_staff)
    for comment, action in ((one, "approve"), (two, "reject"), (three, "delete")):
        staff.post(reverse("publicity:comment_moderate", args=[comment.pk, action]), {"reason": "理由"})
    entries = {e.action: e for e in AuditEntry.objects.filter(action__startswith="comment.")}
    assert set(entries) == {"comment.approve", "comment.reject", "comment.delete"}
    assert entries["comment.delete"].target_id == str(three.pk)
    for entry in entries.values():
        assert entry.actor == cast.district_staff
        assert entry.region_path == cast.city.district_a.path
        assert entry.details["reason"] == "理由"
        assert "example.org" not in str(entry.details) + entry.target_label


def test_project_comment_decision_is_filed_under_the_project_region(cast):
    project = make_project(cast)
    comment = services.comment_post(project=project, name="甲", email="a@example.org", text="项目评论")
    services.comment_moderate(comment=comment, actor=cast.city_staff, action="approve")
    entry = AuditEntry.objects.get(action="comment.approve")
    assert entry.region_path == project.region.path


def test_refused_moderation_leaves_no_entry(cast):
    story = make_article(cast, region=cast.city.district_a)
    comment = services.comment_post(article=story, name="甲", email="a@example.org", text="一")
    with pytest.raises(PermissionDenied):
        services.comment_moderate(comment=comment, actor=cast.other_district_staff, action="approve")
    assert not AuditEntry.objects.filter(action__startswith="comment.").exists()


def test_story_approval_and_return_are_audited_but_direct_news_is_not(cast):
    news = make_article(cast)  # city staff publish their own news: no approval to record
    story = services.article_create(author=cast.organizer_a, organization=cast.org_a, title="我们的一天", body="<p>故事</p>")
    services.article_submit(article=story, actor=cast.organizer_a)
    services.article_return(article=story, actor=cast.district_staff, reason="请补充照片")
    services.article_submit(article=story, actor=cast.organizer_a)
    services.article_publish(article=story, actor=cast.district_staff)
    entries = list(AuditEntry.objects.filter(action__startswith="article.").order_by("pk"))
    assert [e.action for e in entries] == ["article.return", "article.approve"]
    assert all(e.target_id == str(story.pk) and e.actor == cast.district_staff for e in entries)
    assert entries[0].details["reason"] == "请补充照片"
    assert entries[1].region_path == cast.org_a.region.path
    assert not AuditEntry.objects.filter(target_id=str(news.pk), target_type="publicity.Article").exists()


def test_honor_decisions_are_audited(cast):
    honor = services.honor_nominate(
        nominated_by=cast.organizer_a, nominating_organization=cast.org_a, year=timezone.localdate().year,
        category="volunteer", volunteer=cast.volunteer, citation="常年服务社区老人",
    )
    services.honor_decide(honor=honor, actor=cast.district_staff, action="approve")
    services.honor_decide(honor=honor, actor=cast.district_staff, action="publish")
    entries = list(AuditEntry.objects.filter(action__startswith="honor.").order_by("pk"))
    assert [e.action for e in entries] == ["honor.approve", "honor.publish"]
    assert entries[0].details == {"from": "nominated", "to": "approved", "reason": ""}
    assert all(e.region_path == honor.region.path and e.actor == cast.district_staff for e in entries)
