import pytest
from django.core.cache import cache
from django.urls import reverse

from civitas.core.errors import Conflict
from civitas.core.testing import query_budget
from civitas.publicity import services
from civitas.publicity.models import Comment, CommentStatus, PublicityEvent
from civitas.publicity.tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def _visible(cast, n=1):
    story = make_article(cast)
    comments = []
    for i in range(n):
        comment = services.comment_post(article=story, name=f"读者{i}", email=f"r{i}@example.org", text=f"评论{i}")
        comments.append(services.comment_moderate(comment=comment, actor=cast.city_staff, action="approve"))
    return story, comments


def test_three_reports_hide_a_comment_until_staff_approve_it_again(cast, settings):
    story, (comment,) = _visible(cast)
    for n in range(3):
        client = cast.client_for(None)
        client.post(reverse("publicity:comment_report", args=[comment.pk]), REMOTE_ADDR=f"10.0.0.{n}")
    comment.refresh_from_db()
    assert comment.report_count == 3 and comment.is_hidden
    assert "评论0" not in cast.client_for(None).get(reverse("publicity:article", args=[story.slug])).content.decode()
    assert comment in Comment.objects.filter(pk__in=[c.pk for c in services_queue("reported")])
    services.comment_moderate(comment=comment, actor=cast.city_staff, action="approve")
    assert "评论0" in cast.client_for(None).get(reverse("publicity:article", args=[story.slug])).content.decode()


def services_queue(kind):
    from civitas.accounts.models import User
    from civitas.publicity.selectors import moderation_queue

    return moderation_queue(user=User.objects.get(username="city-staff"), kind=kind)


def test_the_threshold_is_a_setting_and_one_person_reports_once(cast, settings):
    settings.PUBLICITY = {"COMMENT_REPORTS_TO_HIDE": 2}
    _story, (comment,) = _visible(cast)
    services.comment_report(comment=comment, reporter_key="u:1")
    with pytest.raises(Conflict):
        services.comment_report(comment=comment, reporter_key="u:1")
    comment.refresh_from_db()
    assert not comment.is_hidden
    services.comment_report(comment=comment, reporter_key="u:2")
    comment.refresh_from_db()
    assert comment.is_hidden
    assert PublicityEvent.objects.filter(comment=comment, action="hide").exists()


def test_htmx_report_answers_a_fragment(cast):
    _story, (comment,) = _visible(cast)
    response = cast.client_for(None).post(reverse("publicity:comment_report", args=[comment.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<span" in response.content.decode()


def test_staff_reject_and_delete_with_event_rows(cast):
    story = make_article(cast, region=cast.city.district_a)
    one = services.comment_post(article=story, name="甲", email="a@example.org", text="一")
    two = services.comment_post(article=story, name="乙", email="b@example.org", text="二")
    staff = cast.client_for(cast.district_staff)
    staff.post(reverse("publicity:comment_moderate", args=[one.pk, "reject"]))
    staff.post(reverse("publicity:comment_moderate", args=[two.pk, "delete"]))
    one.refresh_from_db()
    assert one.status == CommentStatus.REJECTED
    assert not Comment.objects.filter(pk=two.pk).exists()
    assert set(PublicityEvent.objects.filter(action__in=["reject", "delete"]).values_list("action", flat=True)) == {"reject", "delete"}
    assert PublicityEvent.objects.get(action="reject").actor == cast.district_staff


def test_outsiders_cannot_moderate(cast):
    story = make_article(cast, region=cast.city.district_a)
    comment = services.comment_post(article=story, name="甲", email="a@example.org", text="一")
    assert "a@example.org" not in cast.client_for(cast.other_district_staff).get(reverse("publicity:moderation")).content.decode()
    assert "a@example.org" in cast.client_for(cast.district_staff).get(reverse("publicity:moderation")).content.decode()
    for user in (None, cast.volunteer, cast.organizer_a, cast.other_district_staff):
        client = cast.client_for(user)
        response = client.post(reverse("publicity:comment_moderate", args=[comment.pk, "approve"]))
        assert response.status_code in (302, 403, 404)
        comment.refresh_from_db()
        assert comment.status == CommentStatus.PENDING
        if user is not cast.other_district_staff:
            assert client.get(reverse("publicity:moderation")).status_code in (302, 403)


def test_moderation_queue_query_budget(cast):
    story = make_article(cast)
    for i in range(15):
        services.comment_post(article=story, name=f"甲{i}", email=f"a{i}@example.org", text=f"第{i}条")
    client = cast.client_for(cast.city_staff)
    client.get(reverse("publicity:moderation"))
    with query_budget(12):
        response = client.get(reverse("publicity:moderation"))
    assert response.content.decode().count('class="card"') == 15


def test_article_and_project_pages_with_many_comments_stay_in_budget(cast):
    from civitas.publicity.tests.factories import make_project

    story, comments = _visible(cast, 12)
    for comment in comments[:4]:
        reply = services.comment_post(article=story, parent=comment, name="回复者", email=comment.email, text=f"回复{comment.pk}")
        assert reply.is_visible
    project = make_project(cast)
    for i in range(8):
        services.comment_post(project=project, name=f"乙{i}", email=f"r{i}@example.org", text=f"项目评论{i}")
    client = cast.client_for(None)
    client.get(reverse("publicity:article", args=[story.slug]))
    with query_budget(6):
        html = client.get(reverse("publicity:article", args=[story.slug])).content.decode()
    assert html.count('class="card comment') == 16
    client.get(reverse("publicity:project_comments", args=[project.pk]))
    with query_budget(6):
        html = client.get(reverse("publicity:project_comments", args=[project.pk])).content.decode()
    assert html.count('class="card comment') == 8
