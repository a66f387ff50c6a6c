import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from civitas.core import ratelimit
from civitas.core.errors import Conflict, RateLimited
from civitas.publicity import services
from civitas.publicity.models import Comment, CommentStatus, HeldReason, SensitiveWord
from civitas.publicity.tests.factories import make_article, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()




def test_honeypot_refuses_the_comment(cast):
    story = make_article(cast)
    with pytest.raises(ValidationError):
        services.comment_post(article=story, name="bot", email="bot@example.org", text="buy", honeypot="http://spam")
    assert not Comment.objects.exists()


def test_rate_limit_per_address_answers_429_and_keeps_the_text(cast, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (2, 600)}
    story = make_article(cast)
    client = cast.client_for(None)
    url = reverse("publicity:article_comment", args=[story.slug])
    for n in range(2):
        assert client.post(url, {"name": "快手", "email": "fast@example.org", "text": f"第{n}条"}).status_code == 302
    response = client.post(url, {"name": "快手", "email": "fast@example.org", "text": "第三条想说的话"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "第三条想说的话" in html and "fast@example.org" in html  # the form comes back filled in
    with pytest.raises(RateLimited):
        services.comment_post(article=story, name="快手", email="fast@example.org", text="API 也一样")


def test_rate_limit_also_counts_per_ip(cast, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (1, 600)}
    story = make_article(cast)
    services.comment_post(article=story, name="甲", email="a@example.org", text="一", ip="10.0.0.1")
    with pytest.raises(RateLimited):
        services.comment_post(article=story, name="乙", email="b@example.org", text="二", ip="10.0.0.1")


def test_comments_count_on_the_shared_comment_scope(cast, settings):
    # One counter per address for the "comment" scope, shared with anything else that
    # checks that scope, and the site-wide switch turns it off.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (1, 600)}
    story = make_article(cast)
    assert ratelimit.hit("comment", "ip:10.0.0.2", limit=1, period=600)
    with pytest.raises(RateLimited):
        services.comment_post(article=story, name="甲", email="a@example.org", text="一", ip="10.0.0.2")
    settings.RATELIMIT_ENABLED = False
    services.comment_post(article=story, name="甲", email="a@example.org", text="一", ip="10.0.0.2")
    assert Comment.objects.filter(email="a@example.org").count() == 1


def test_too_many_links_are_refused(cast):
    story = make_article(cast)
    with pytest.raises(ValidationError) as error:
        services.comment_post(article=story, name="链", email="l@example.org",
                              text="http://a.example http://b.example www.c.example")
    assert "text" in error.value.message_dict


def test_duplicate_text_is_refused(cast):
    story = make_article(cast)
    services.comment_post(article=story, name="甲", email="a@example.org", text="同样的话")
    with pytest.raises(ValidationError):
        services.comment_post(article=story, name="乙", email="b@example.org", text="  同样的话 ")


def test_sensitive_word_holds_even_a_known_commenter(cast):
    story = make_article(cast)
    first = services.comment_post(article=story, name="甲", email="a@example.org", text="你好")
    services.comment_moderate(comment=first, actor=cast.city_staff, action="approve")
    SensitiveWord.objects.create(word="赌博")
    held = services.comment_post(article=story, name="甲", email="a@example.org", text="这里有赌博广告")
    assert held.status == CommentStatus.PENDING and held.held_reason == HeldReason.SENSITIVE


def test_staff_edit_the_sensitive_words_and_outsiders_cannot(cast):
    staff = cast.client_for(cast.district_staff)
    assert staff.post(reverse("publicity:sensitive_words"), {"word": "刷单"}).status_code == 302
    assert SensitiveWord.objects.filter(word="刷单").exists()
    assert cast.client_for(cast.volunteer).get(reverse("publicity:sensitive_words")).status_code == 403
    word = SensitiveWord.objects.get()
    assert cast.client_for(cast.organizer_a).post(reverse("publicity:sensitive_word_remove", args=[word.pk])).status_code == 403
    staff.post(reverse("publicity:sensitive_word_remove", args=[word.pk]))
    assert not SensitiveWord.objects.exists()


def test_empty_and_invalid_fields_get_messages_and_keep_typed_text(cast):
    story = make_article(cast)
    response = cast.client_for(None).post(
        reverse("publicity:article_comment", args=[story.slug]), {"name": "", "email": "not-an-email", "text": "我想说的一段话"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "我想说的一段话" in html and "not-an-email" in html
    assert html.count('class="error"') >= 2
    over = cast.client_for(None).post(
        reverse("publicity:article_comment", args=[story.slug]), {"name": "长", "email": "x@example.org", "text": "字" * 3001}
    )
    assert over.status_code == 400 and not Comment.objects.exists()


def test_comment_on_missing_or_closed_items_gets_a_clear_message(cast):
    client = cast.client_for(None)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    data = {"name": "甲", "email": "a@example.org", "text": "评论"}
    missing = client.post(reverse("publicity:article_comment", args=["no-such-article"]), data)
    assert missing.status_code == 404 and "cannot take comments" in missing.content.decode()
    closed = make_article(cast, allow_comments=False)
    with pytest.raises(Conflict):
        services.comment_post(article=closed, **{"name": "甲", "email": "a@example.org", "text": "评论"})
    response = client.post(reverse("publicity:article_comment", args=[closed.slug]), data)
    assert response.status_code == 409 and "Comments are closed for this article." in response.content.decode()
    draft = make_article(cast, publish=False)
    assert client.post(reverse("publicity:article_comment", args=[draft.slug]), data).status_code == 404
    evaluated = make_project(cast, status="evaluated")
    response = client.post(reverse("publicity:project_comments", args=[evaluated.pk]), data)
    assert response.status_code == 409
    draft_project = make_project(cast, status="draft")
    assert client.post(reverse("publicity:project_comments", args=[draft_project.pk]), data).status_code == 404
    assert not Comment.objects.exists()


def test_project_comments_are_threaded_and_the_reply_event_fires(cast, settings, django_capture_on_commit_callbacks):
    calls = []
    settings.EVENT_HANDLERS = {"comment.reply_approved": ["civitas.publicity.tests.test_comment_post.remember"]}
    remember.calls = calls
    project = make_project(cast)
    parent = services.comment_post(project=project, name="甲", email="a@example.org", text="什么时候开始？")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comment=parent, actor=cast.city_staff, action="approve")
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.comment_post(project=project, parent=parent, name="组织者", email="o@example.org", text="下周六")
    assert calls == []  # a first-time replier waits for moderation
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comment=reply, actor=cast.city_staff, action="approve")
    assert calls == [reply.pk]
    html = cast.client_for(None).get(reverse("publicity:project_comments", args=[project.pk])).content.decode()
    assert html.index("什么时候开始") < html.index("下周六")
    assert f'id="comment-{reply.pk}"' in html


def remember(event, comment_id):
    remember.calls.append(comment_id)


def test_reply_must_be_to_a_visible_comment_on_the_same_item(cast):
    story, other = make_article(cast), make_article(cast, title="另一篇")
    pending = services.comment_post(article=story, name="甲", email="a@example.org", text="待审")
    with pytest.raises(ValidationError):
        services.comment_post(article=story, parent=pending, name="乙", email="b@example.org", text="回复")
    services.comment_moderate(comment=pending, actor=cast.city_staff, action="approve")
    with pytest.raises(ValidationError):
        services.comment_post(article=other, parent=pending, name="乙", email="b@example.org", text="回复")


def test_reply_to_a_hidden_comment_on_the_page_says_why_and_keeps_the_text(cast):
    story = make_article(cast)
    pending = services.comment_post(article=story, name="甲", email="a@example.org", text="待审")
    client = cast.client_for(None)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(reverse("publicity:article_comment", args=[story.slug]),
                           {"name": "乙", "email": "b@example.org", "text": "我的回复", "parent": pending.pk})
    html = response.content.decode()
    assert response.status_code == 400
    assert "You can only reply to a published comment on this page." in html and "我的回复" in html
