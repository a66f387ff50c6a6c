import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from civitas.core.errors import Conflict
from civitas.core.testing import query_budget
from civitas.publicity import selectors, services
from civitas.publicity.models import Article, ArticleStatus, PublicityEvent
from civitas.publicity.tests.factories import make_article, make_project

pytestmark = pytest.mark.django_db


def _picture(fmt="PNG", size=(400, 300), name="cover.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_sanitizer_keeps_allowed_tags_and_removes_script():
    cleaned = services.clean_article_html(
        '<h2 onclick="x()">标题</h2><script>alert(1)</script><p style="color:red">段<strong>落</strong></p>'
        '<a href="javascript:alert(1)">坏</a><a href="https://example.org">好</a><img src="https://example.org/a.png" alt="图" onerror="x()">'
        '<iframe src="https://evil"></iframe><blockquote>引</blockquote><ul><li>一</li></ul>'
    )
    assert "<script" not in cleaned and "alert(1)" not in cleaned
    assert "onclick" not in cleaned and "onerror" not in cleaned and "style=" not in cleaned and "iframe" not in cleaned
    assert "javascript:" not in cleaned
    assert '<a href="https://example.org" rel="noopener">好</a>' in cleaned
    assert '<img src="https://example.org/a.png" alt="图">' in cleaned
    for tag in ("<h2>", "<strong>", "<blockquote>", "<ul>", "<li>"):
        assert tag in cleaned


def test_script_in_an_article_is_inert_on_the_page(cast):
    article = make_article(cast, title="<script>alert('t')</script>标题", body="<p>正文</p><script>alert('b')</script>")
    html = cast.client_for(None).get(reverse("publicity:article", args=[article.slug])).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;标题" in html


def test_story_goes_through_committee_approval(cast):
    project = make_project(cast)
    story = services.article_create(author=cast.organizer_a, organization=cast.org_a, project=project,
                                    title="我们的一天", body="<p>故事</p>", kind="news")
    assert story.kind == "story" and story.status == ArticleStatus.DRAFT
    with pytest.raises(PermissionDenied):
        services.article_publish(article=story, actor=cast.organizer_a)
    services.article_submit(article=story, actor=cast.organizer_a)
    with pytest.raises(PermissionDenied):
        services.article_publish(article=story, actor=cast.other_district_staff)
    services.article_return(article=story, actor=cast.district_staff, reason="请补充照片")
    services.article_submit(article=story, actor=cast.organizer_a)
    published = services.article_publish(article=story, actor=cast.district_staff)
    assert published.status == ArticleStatus.PUBLISHED and published.is_public
    actions = list(PublicityEvent.objects.filter(article=story).values_list("action", flat=True))
    assert actions == ["create", "submit", "return", "submit", "approve"]
    assert PublicityEvent.objects.get(article=story, action="return").reason == "请补充照片"


def test_organization_staff_cannot_write_for_another_organization_or_write_news(cast):
    with pytest.raises(PermissionDenied):
        services.article_create(author=cast.organizer_a, organization=cast.org_b, title="t", body="<p>b</p>")
    with pytest.raises(PermissionDenied):
        services.article_create(author=cast.organizer_a, title="t", body="<p>b</p>")
    with pytest.raises(PermissionDenied):
        services.article_create(author=cast.volunteer, title="t", body="<p>b</p>")


def test_scheduled_article_is_public_only_from_publish_at(cast):
    later = timezone.now() + dt.timedelta(days=2)
    article = services.article_create(author=cast.city_staff, title="预告", body="<p>稍后发布</p>")
    services.article_publish(article=article, actor=cast.city_staff, publish_at=later)
    visitor = cast.client_for(None)
    assert article not in selectors.published_articles()
    assert visitor.get(reverse("publicity:article", args=[article.slug])).status_code == 404
    assert "稍后发布" in cast.client_for(cast.city_staff).get(reverse("publicity:article", args=[article.slug])).content.decode()
    with time_machine.travel(later + dt.timedelta(minutes=1)):
        assert visitor.get(reverse("publicity:article", args=[article.slug])).status_code == 200
        assert article in list(selectors.published_articles())


def test_draft_preview_for_its_writers_only(cast):
    story = services.article_create(author=cast.organizer_a, organization=cast.org_a, title="草稿", body="<p>草稿</p>")
    url = reverse("publicity:article", args=[story.slug])
    assert cast.client_for(cast.organizer_a).get(url).status_code == 200
    assert cast.client_for(cast.district_staff).get(url).status_code == 200
    for outsider in (None, cast.volunteer, cast.organizer_b, cast.other_district_staff):
        assert cast.client_for(outsider).get(url).status_code == 404


def test_waiting_story_stays_readable_to_its_writers_and_auditors_but_not_editable(cast):
    story = services.article_create(author=cast.organizer_a, organization=cast.org_a, title="待审", body="<p>待审</p>")
    services.article_submit(article=story, actor=cast.organizer_a)
    url = reverse("publicity:article", args=[story.slug])
    edit = reverse("publicity:article_edit", args=[story.slug])
    for reader in (cast.organizer_a, cast.auditor):
        assert cast.client_for(reader).get(url).status_code == 200
        assert cast.client_for(reader).get(edit).status_code == 403
    for outsider in (None, cast.volunteer, cast.organizer_b, cast.other_district_staff):
        assert cast.client_for(outsider).get(url).status_code == 404


def test_editor_page_writes_a_draft_and_keeps_text_on_error(cast):
    client = cast.client_for(cast.city_staff)
    bad = client.post(reverse("publicity:article_new"), {"kind": "news", "language": "zh-hans", "title": "",
                                                          "body": "<p>已经写好的正文</p>", "allow_comments": "on"})
    assert bad.status_code == 200 and "已经写好的正文" in bad.content.decode()
    response = client.post(reverse("publicity:article_new"), {
        "kind": "news", "language": "zh-hans", "title": "新闻标题", "body": "<p>正文<script>x()</script></p>",
        "tags": "社区, 环保", "allow_comments": "on", "cover_image": _picture(),
    })
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.body == "<p>正文</p>" and article.cover_image
    assert sorted(t.name for t in article.tags.all()) == ["环保", "社区"]
    client.post(reverse("publicity:article_action", args=[article.slug, "publish"]))
    article.refresh_from_db()
    assert article.is_public


def test_story_names_a_project_of_its_own_organization(cast):
    own, other = make_project(cast), make_project(cast, organization=cast.org_b)
    client = cast.client_for(cast.organizer_a)
    url = reverse("publicity:article_new") + f"?organization={cast.org_a.pk}"
    data = {"language": "zh-hans", "title": "项目故事", "body": "<p>正文</p>", "project": other.pk}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "项目故事" in refused.content.decode()
    assert client.post(url, {**data, "project": own.pk}).status_code == 302
    assert Article.objects.get().project == own
    assert client.get(reverse("publicity:article_new") + f"?organization={cast.org_b.pk}").status_code == 404


def test_cover_must_be_a_real_picture_of_sensible_size(cast):
    fake = SimpleUploadedFile("x.png", b"<script>not a picture</script>", content_type="image/png")
    with pytest.raises(ValidationError):
        services.check_cover_image(fake)
    with pytest.raises(ValidationError):
        services.check_cover_image(_picture(size=(50, 50)))
    with pytest.raises(ValidationError):
        services.check_cover_image(_picture(fmt="GIF", name="a.gif"))
    services.check_cover_image(_picture(fmt="JPEG", name="a.jpg"))


def test_withdraw_only_a_published_article(cast):
    article = make_article(cast)
    services.article_withdraw(article=article, actor=cast.city_staff, reason="更正")
    with pytest.raises(Conflict):
        services.article_withdraw(article=article, actor=cast.city_staff)


def test_article_list_filters_and_query_budget(cast):
    for i in range(14):
        make_article(cast, title=f"新闻{i}", tags="社区, 活动")
    make_article(cast, title="一则通知", kind="notice")
    client = cast.client_for(None)
    client.get(reverse("publicity:articles"))
    with query_budget(6):
        html = client.get(reverse("publicity:articles")).content.decode()
    assert html.count('<article class="card">') == 12
    assert "一则通知" in client.get(reverse("publicity:articles") + "?kind=notice").content.decode()
    assert "新闻3" not in client.get(reverse("publicity:articles") + "?kind=notice").content.decode()


def test_desk_lists_what_each_writer_may_touch(cast):
    make_article(cast, title="全市新闻")
    services.article_create(author=cast.organizer_b, organization=cast.org_b, title="乙队故事", body="<p>b</p>")
    html = cast.client_for(cast.organizer_a).get(reverse("publicity:desk")).content.decode()
    assert "乙队故事" not in html and "全市新闻" not in html
    assert "乙队故事" in cast.client_for(cast.city_staff).get(reverse("publicity:desk")).content.decode()
    assert cast.client_for(cast.volunteer).get(reverse("publicity:desk")).status_code == 403


def test_desk_query_budget(cast):
    for i in range(12):
        make_article(cast, title=f"稿件{i}", publish=i % 2 == 0)
    client = cast.client_for(cast.city_staff)
    client.get(reverse("publicity:desk"))
    with query_budget(10):
        html = client.get(reverse("publicity:desk")).content.decode()
    assert "稿件11" in html


def test_edit_page_shows_the_scheduled_time_in_local_time(cast):
    when = dt.datetime(2026, 12, 5, 9, 30, tzinfo=timezone.get_current_timezone())
    article = services.article_create(author=cast.city_staff, title="定时", body="<p>x</p>", publish_at=when)
    html = cast.client_for(cast.city_staff).get(reverse("publicity:article_edit", args=[article.slug])).content.decode()
    assert 'value="2026-12-05T09:30"' in html


def test_story_links_to_its_public_project_only(cast):
    project = make_project(cast, title="周末助老")
    story = services.article_create(author=cast.organizer_a, organization=cast.org_a, project=project,
                                    title="助老故事", body="<p>x</p>")
    story = services.article_publish(article=story, actor=cast.district_staff)
    client = cast.client_for(None)
    assert "周末助老" in client.get(reverse("publicity:article", args=[story.slug])).content.decode()
    type(project).objects.filter(pk=project.pk).update(status="draft")
    assert "周末助老" not in client.get(reverse("publicity:article", args=[story.slug])).content.decode()


def test_a_body_changed_outside_the_services_is_cleaned_when_shown(cast):
    from civitas.publicity.models import Article

    article = make_article(cast)
    Article.objects.filter(pk=article.pk).update(body='<p>正文</p><script>alert("x")</script><img src=x onerror=alert(1)>')
    html = cast.client_for(None).get(reverse("publicity:article", args=[article.slug])).content.decode()
    assert "<p>正文</p>" in html
    assert 'alert("x")' not in html and "onerror" not in html


def test_editor_toolbar_comes_from_a_static_file(cast):
    html = cast.client_for(cast.city_staff).get(reverse("publicity:article_new")).content.decode()
    assert "publicity/article_form.js" in html and "<script>" not in html
    assert 'data-for="id_body"' in html and "data-prompt=" in html
