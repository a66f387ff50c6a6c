import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils.encoding import iri_to_uri

from civitas.core.testing import query_budget
from civitas.publicity import services
from civitas.publicity.tests.factories import make_article, make_project
from civitas.publicity.views import project_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def test_news_feeds_are_valid_rss_and_atom(cast):
    make_article(cast, title="第一篇", tags="社区")
    make_article(cast, title="未发布", publish=False)
    client = cast.client_for(None)
    rss = client.get(reverse("publicity:feed_rss"))
    assert rss["Content-Type"].startswith("application/rss+xml")
    titles = [e.text for e in ET.fromstring(rss.content).iter("item") for e in e.iter("title")]
    assert titles == ["第一篇"]
    atom = client.get(reverse("publicity:feed_atom"))
    root = ET.fromstring(atom.content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert len(root.findall("{http://www.w3.org/2005/Atom}entry")) == 1


def test_organization_feed_lists_its_stories_only(cast):
    story = services.article_create(author=cast.organizer_a, organization=cast.org_a, title="甲队故事", body="<p>a</p>")
    services.article_publish(article=story, actor=cast.city_staff)
    make_article(cast, title="全市新闻")
    client = cast.client_for(None)
    with query_budget(6):
        feed = client.get(reverse("publicity:organization_feed_rss", args=[cast.org_a.pk])).content.decode()
    assert "甲队故事" in feed and "全市新闻" not in feed
    assert "甲队故事" in client.get(reverse("publicity:organization_feed_atom", args=[cast.org_a.pk])).content.decode()
    assert "甲队故事" not in client.get(reverse("publicity:organization_feed_rss", args=[cast.org_b.pk])).content.decode()
    assert client.get("/feeds/organizations/999999.rss").status_code == 404


def test_sitemap_lists_public_pages_only(cast):
    article = make_article(cast, title="公开")
    draft = make_article(cast, title="草稿", publish=False)
    project = make_project(cast)
    hidden = make_project(cast, status="draft")
    body = cast.client_for(None).get("/sitemap.xml").content.decode()
    assert iri_to_uri(reverse("publicity:article", args=[article.slug])) in body
    assert iri_to_uri(reverse("publicity:article", args=[draft.slug])) not in body
    assert project_url(project) in body
    assert project_url(hidden) not in body
    assert f"/organizations/{cast.org_a.pk}/" in body


def test_article_page_has_open_graph_and_news_article_json_ld(cast):
    article = make_article(cast, title="向志愿者致敬", summary="摘要</script><script>x()</script>")
    html = cast.client_for(None).get(reverse("publicity:article", args=[article.slug])).content.decode()
    assert '<meta property="og:title" content="向志愿者致敬">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "NewsArticle" and data["headline"] == "向志愿者致敬"
    assert "<script>x()" not in html


def test_project_meta_tag_gives_event_json_ld_with_join_action(cast):
    project = make_project(cast, title="周末助老</script>")
    request = RequestFactory().get("/projects/1/")
    html = Template("{% load publicity %}{% project_meta project %}").render(Context({"project": project, "request": request}))
    assert 'property="og:image"' in html and f"/share/projects/{project.pk}.png" in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Event" and data["name"] == "周末助老</script>"
    assert data["potentialAction"]["@type"] == "JoinAction"
    assert data["organizer"]["name"] == "阳光志愿服务队"


def test_comments_for_tag_renders_the_reply_form(cast):
    project = make_project(cast)
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    html = Template("{% load publicity %}{% comments_for project %}").render(Context({"project": project, "request": request}))
    assert f'action="/discussion/projects/{project.pk}/"' in html and 'name="email"' in html


def test_embedded_comments_bring_the_stylesheet_that_hides_the_honeypot(cast):
    from django.contrib.auth.models import AnonymousUser

    project = make_project(cast)
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = Template("{% load publicity %}{% comments_for project %}").render(Context({"project": project, "request": request}))
    assert "publicity/publicity.css" in html and 'class="hp" aria-hidden="true"' in html
