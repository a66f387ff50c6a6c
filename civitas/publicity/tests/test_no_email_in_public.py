"""Commenters' email addresses never appear in any public response."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from civitas.publicity import services
from civitas.publicity.tests.factories import make_article, make_project, set_totals

pytestmark = pytest.mark.django_db


def test_no_public_response_contains_a_commenter_email(cast):
    cache.clear()
    cast.volunteer.email = "li.signed.in@example.org"
    cast.volunteer.save()
    profile = cast.volunteer.volunteer
    profile.is_profile_public = True
    profile.save()
    set_totals(cast.volunteer, "42", 0)
    story = services.article_create(author=cast.organizer_a, organization=cast.org_a, title="故事", body="<p>正文</p>")
    story = services.article_publish(article=story, actor=cast.city_staff)
    news = make_article(cast, title="新闻")
    project = make_project(cast)
    campaign = services.campaign_create(created_by=cast.city_staff, title="活动", starts_on=dt.date(2026, 3, 1),
                                        ends_on=dt.date(2026, 3, 31), projects=[project])
    emails = []
    for index, target in enumerate([{"article": story}, {"article": news}, {"project": project}]):
        email = f"secret.reader{index}@example.org"
        emails.append(email)
        comment = services.comment_post(name=f"读者{index}", email=email, text=f"评论内容{index}", **target)
        services.comment_moderate(comment=comment, actor=cast.city_staff, action="approve")
        services.comment_post(name=f"读者{index}", email=email, text=f"回复内容{index}", parent=comment, **target)
    signed_in = cast.client_for(cast.volunteer)
    signed_in.post(reverse("publicity:article_comment", args=[story.slug]),
                   {"name": "李小红", "email": "li.signed.in@example.org", "text": "我也来说两句"})
    from civitas.publicity.models import Comment

    for comment in Comment.objects.filter(status="pending"):
        services.comment_moderate(comment=comment, actor=cast.city_staff, action="approve")
    emails.append("li.signed.in@example.org")
    cache.clear()

    paths = [
        "/", reverse("publicity:articles"), reverse("publicity:article", args=[story.slug]),
        reverse("publicity:article", args=[news.slug]), reverse("publicity:project_comments", args=[project.pk]),
        reverse("publicity:feed_rss"), reverse("publicity:feed_atom"),
        reverse("publicity:organization_feed_rss", args=[cast.org_a.pk]),
        reverse("publicity:organization_feed_atom", args=[cast.org_a.pk]),
        "/sitemap.xml", reverse("publicity:honors"), reverse("publicity:campaigns"),
        reverse("publicity:campaign", args=[campaign.pk]), reverse("publicity:volunteer", args=[profile.volunteer_number]),
        reverse("organizations:detail", args=[cast.org_a.pk]),
        "/api/v1/articles", f"/api/v1/articles/{story.slug}", f"/api/v1/articles/{story.slug}/comments",
        f"/api/v1/articles/{news.slug}/comments", f"/api/v1/campaigns/{campaign.pk}",
    ]
    visitor = cast.client_for(None)
    seen_text = ""
    for language in ("zh-hans", "en"):
        for path in paths:
            response = visitor.get(path, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, path
            body = response.content.decode()
            seen_text += body
            for email in emails:
                assert email not in body, (path, email)
            assert "example.org" not in body, path
    # The walk really covered the comments.
    for index in range(3):
        assert f"评论内容{index}" in seen_text and f"回复内容{index}" in seen_text
    assert "我也来说两句" in seen_text
