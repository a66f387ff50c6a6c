import re

import pytest
from django.core import mail  # noqa: F401
from django.urls import reverse

from civitas.publicity import services
from civitas.publicity.models import Comment, CommentStatus
from civitas.publicity.tests.factories import make_article

pytestmark = pytest.mark.django_db

EMAIL = "reader.zhang@example.org"


def test_visitor_comment_waits_then_appears_without_email_after_approval(cast):
    # given a published story
    story = make_article(cast, title="社区里的红马甲", kind="news")
    visitor = cast.client_for(None)
    page = visitor.get(reverse("publicity:article", args=[story.slug]))
    assert page.status_code == 200
    assert "社区里的红马甲" in page.content.decode()
    assert "Leave a reply" in page.content.decode() or "发表评论" in page.content.decode()

    # when the visitor leaves a comment
    response = visitor.post(
        reverse("publicity:article_comment", args=[story.slug]),
        {"name": "张读者", "email": EMAIL, "text": "写得真好，向志愿者致敬！", "website": ""},
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING
    assert "写得真好" not in visitor.get(reverse("publicity:article", args=[story.slug])).content.decode()

    # then staff approve it and it appears, with no email anywhere
    staff = cast.client_for(cast.city_staff)
    queue = staff.get(reverse("publicity:moderation"))
    assert EMAIL in queue.content.decode()  # staff see it in the queue only
    staff.post(reverse("publicity:comment_moderate", args=[comment.pk, "approve"]))
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED

    html = visitor.get(reverse("publicity:article", args=[story.slug])).content.decode()
    assert "写得真好" in html and "张读者" in html
    assert EMAIL not in html
    for name in ("publicity:feed_rss", "publicity:feed_atom"):
        feed = visitor.get(reverse(name)).content.decode()
        assert story.title in feed
        assert EMAIL not in feed
    api = visitor.get(f"/api/v1/articles/{story.slug}/comments").json()
    assert api["count"] == 1 and api["items"][0]["name"] == "张读者"
    assert EMAIL not in str(api) and "email" not in api["items"][0]


def test_second_comment_from_approved_address_is_published_at_once(cast):
    story = make_article(cast)
    first = services.comment_post(article=story, name="甲", email=EMAIL, text="第一条")
    services.comment_moderate(comment=first, actor=cast.city_staff, action="approve")
    second = services.comment_post(article=story, name="甲", email=EMAIL.upper(), text="第二条")
    assert second.status == CommentStatus.APPROVED


def test_signed_in_users_name_and_email_are_filled_in(cast):
    cast.volunteer.email = "li@example.org"
    cast.volunteer.save()
    story = make_article(cast)
    html = cast.client_for(cast.volunteer).get(reverse("publicity:article", args=[story.slug])).content.decode()
    assert re.search(r'name="email"[^>]*value="li@example.org"', html)
    assert re.search(r'name="name"[^>]*value="李小红"', html)


def test_comment_form_marks_required_fields_and_promises_email_is_private(cast, settings):
    story = make_article(cast)
    client = cast.client_for(None)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("publicity:article", args=[story.slug]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Leave a reply" in html
    assert "Your email address will not be published." in html
    assert html.count('<span class="req" aria-hidden="true">*</span>') == 3
