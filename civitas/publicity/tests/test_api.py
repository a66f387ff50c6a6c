import pytest
from django.core.cache import cache

from civitas.core.testing import query_budget
from civitas.publicity import services
from civitas.publicity.models import Comment, CommentStatus
from civitas.publicity.tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def test_article_list_and_detail(cast):
    for i in range(3):
        make_article(cast, title=f"新闻{i}", tags="社区")
    draft = make_article(cast, title="草稿", publish=False)
    client = cast.client_for(None)
    with query_budget(4):
        body = client.get("/api/v1/articles").json()
    assert body["count"] == 3 and body["items"][0]["tags"] == ["社区"]
    slug = body["items"][0]["slug"]
    detail = client.get(f"/api/v1/articles/{slug}").json()
    assert detail["body"].startswith("<p>")
    assert client.get(f"/api/v1/articles/{draft.slug}").status_code == 404
    assert client.get("/api/v1/articles/nope").json()["error"]["code"] == "not_found"


def test_post_comment_waits_for_moderation_and_never_echoes_email(cast):
    article = make_article(cast)
    client = cast.client_for(None)
    response = client.post(f"/api/v1/articles/{article.slug}/comments",
                            {"name": "接口用户", "email": "api.user@example.org", "text": "通过接口评论"},
                            content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending" and response.json()["is_published"] is False
    assert "api.user@example.org" not in response.content.decode()
    assert client.get(f"/api/v1/articles/{article.slug}/comments").json()["count"] == 0
    services.comment_moderate(comment=Comment.objects.get(), actor=cast.city_staff, action="approve")
    listing = client.get(f"/api/v1/articles/{article.slug}/comments")
    assert listing.json()["count"] == 1 and "api.user@example.org" not in listing.content.decode()


def test_post_comment_errors(cast, settings):
    article = make_article(cast)
    client = cast.client_for(None)
    url = f"/api/v1/articles/{article.slug}/comments"
    bad = client.post(url, {"name": "甲", "email": "nope", "text": "x"}, content_type="application/json")
    assert bad.status_code == 422 and "email" in bad.json()["error"]["fields"]
    assert client.post(url, {"name": "甲"}, content_type="application/json").status_code == 422
    missing = client.post("/api/v1/articles/none/comments", {"name": "甲", "email": "a@example.org", "text": "x"},
                          content_type="application/json")
    assert missing.status_code == 404
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (1, 600)}
    assert client.post(url, {"name": "甲", "email": "a@example.org", "text": "一"}, content_type="application/json").status_code == 201
    limited = client.post(url, {"name": "甲", "email": "a@example.org", "text": "二"}, content_type="application/json")
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    closed = make_article(cast, title="关闭评论", allow_comments=False)
    assert client.post(f"/api/v1/articles/{closed.slug}/comments", {"name": "乙", "email": "b@example.org", "text": "x"},
                       content_type="application/json").status_code == 409


def test_script_in_a_comment_is_stored_as_plain_text(cast):
    article = make_article(cast)
    comment = services.comment_post(article=article, name="<b>坏人</b>", email="x@example.org",
                                    text='你好<script>alert("x")</script><img src=x onerror=alert(1)>')
    assert "<" not in comment.text and "<" not in comment.name
    assert comment.status == CommentStatus.PENDING
    services.comment_moderate(comment=comment, actor=cast.city_staff, action="approve")
    html = cast.client_for(None).get(f"/news/{article.slug}/").content.decode()
    assert "alert(" not in html and "onerror" not in html


def test_escaped_markup_typed_as_text_stays_inert(cast):
    article = make_article(cast)
    comment = services.comment_post(article=article, name="甲", email="y@example.org", text="a &lt;script&gt;b")
    assert "<script" not in comment.text
    services.comment_moderate(comment=comment, actor=cast.city_staff, action="approve")
    html = cast.client_for(None).get(f"/news/{article.slug}/").content.decode()
    assert "<script>b" not in html


def test_api_comment_is_tied_to_a_token_user_never_to_a_session(cast, api_token):
    article = make_article(cast)
    session = cast.client_for(cast.volunteer)
    session.post(f"/api/v1/articles/{article.slug}/comments", {"name": "甲", "email": "a@example.org", "text": "会话"},
                 content_type="application/json")
    assert Comment.objects.get(text="会话").user is None
    cast.client_for(None).post(f"/api/v1/articles/{article.slug}/comments", {"name": "乙", "email": "b@example.org", "text": "令牌"},
                               content_type="application/json", **api_token(cast.volunteer2))
    assert Comment.objects.get(text="令牌").user == cast.volunteer2


def test_rate_limit_counts_the_address_the_proxy_vouches_for(cast, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (1, 600)}
    settings.RATELIMIT_TRUST_FORWARDED_FOR = True
    article = make_article(cast)
    client = cast.client_for(None)
    url = f"/api/v1/articles/{article.slug}/comments"
    assert client.post(url, {"name": "甲", "email": "a@example.org", "text": "一"}, content_type="application/json",
                       HTTP_X_FORWARDED_FOR="9.9.9.9, 1.1.1.1").status_code == 201
    assert client.post(url, {"name": "乙", "email": "b@example.org", "text": "二"}, content_type="application/json",
                       HTTP_X_FORWARDED_FOR="9.9.9.9, 2.2.2.2").status_code == 201
    assert client.post(url, {"name": "丙", "email": "c@example.org", "text": "三"}, content_type="application/json",
                       HTTP_X_FORWARDED_FOR="9.9.9.9, 2.2.2.2").status_code == 429


def test_article_list_refuses_a_page_number_past_the_bound(cast):
    client = cast.client_for(None)
    assert client.get("/api/v1/articles", {"page": 100_000}).status_code == 200
    assert client.get("/api/v1/articles", {"page": 6200362707881924608}).status_code == 422
