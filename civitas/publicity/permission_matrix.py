"""Permission matrix entries for the public site (see civitas/permission_matrix.py).

The scene: a published city-wide news article, a draft and a submitted story of org_a
(district A), a news article of district A with one published and one waiting comment,
an award nominated in community A, a campaign, a public project of org_a and a
volunteer with a public profile. Outsiders to the drafts get 404 (they may not know a
draft exists); those who can see a thing but not change it get 403.
"""

from civitas.permission_matrix import Case, each, page, signed_in

COMMITTEE = ("district_staff", "other_district_staff", "city_staff")
ORGANIZATION_STAFF = ("organizer_a", "organizer_b")
# Who reads org_a's unpublished stories: its staff, the committee over district A, and
# the auditor (who reads everything in the city and changes nothing).
STORY_READERS = {"organizer_a": 200, "district_staff": 200, "city_staff": 200, "auditor": 200}
COMMENT = {"name": "读者", "email": "reader@example.org", "text": "写得真好"}

ROUTES = {
    "publicity:home": Case(expect=page(200)),
    "publicity:sitemap": Case(expect=page(200)),
    "publicity:articles": Case(expect=page(200)),
    "publicity:article": [
        Case(params={"slug": "publicity_news"}, expect=page(200)),
        Case(params={"slug": "publicity_draft_story"}, expect=page(404, **STORY_READERS)),
    ],
    "publicity:article_comment": [
        Case("POST", params={"slug": "publicity_news"}, data=COMMENT, expect=page(302)),
        Case("POST", params={"slug": "publicity_draft_story"}, data=COMMENT, expect=page(404)),
    ],
    "publicity:project_comments": [
        Case(params={"pk": "publicity_project"}, expect=page(200)),
        Case(params={"pk": "publicity_draft_project"}, expect=page(404)),
        Case("POST", params={"pk": "publicity_project"}, data=COMMENT, expect=page(302)),
    ],
    "publicity:comment_report": Case("POST", params={"pk": "publicity_published_comment"}, expect=page(302)),
    "publicity:feed_rss": Case(expect=page(200)),
    "publicity:feed_atom": Case(expect=page(200)),
    "publicity:organization_feed_rss": [
        Case(params={"pk": "publicity_organization"}, expect=page(200)),
        Case(params={"pk": "publicity_pending_organization"}, expect=page(404)),
    ],
    "publicity:organization_feed_atom": Case(params={"pk": "publicity_organization"}, expect=page(200)),
    "publicity:honors": Case(expect=page(200)),
    "publicity:honor_nominate": Case(
        expect=signed_in(403, **each(ORGANIZATION_STAFF, 200), **each(COMMITTEE, 200))
    ),
    "publicity:campaigns": Case(expect=page(200)),
    "publicity:campaign": Case(params={"pk": "publicity_campaign"}, expect=page(200)),
    "publicity:volunteer": [
        Case(params={"number": "publicity_public_volunteer"}, expect=page(200)),
        # A profile not made public is not there, for its owner too: this is the public page.
        Case(params={"number": "publicity_private_volunteer"}, expect=page(404)),
    ],
    "publicity:project_card": [
        Case(params={"pk": "publicity_project"}, expect=page(200)),
        Case(params={"pk": "publicity_draft_project"}, expect=page(404)),
    ],
    "publicity:volunteer_card": [
        Case(params={"number": "publicity_public_volunteer"}, expect=page(200)),
        Case(params={"number": "publicity_private_volunteer"}, expect=page(404)),
    ],
    "publicity:desk": Case(expect=signed_in(403, **each(ORGANIZATION_STAFF, 200), **each(COMMITTEE, 200))),
    "publicity:article_new": [
        Case(expect=signed_in(403, **each(COMMITTEE, 200))),
        Case("POST", data={"kind": "news", "language": "zh-hans", "title": "", "body": ""},
             expect=signed_in(403, **each(COMMITTEE, 200)), note="an empty title: the form comes back"),
    ],
    "publicity:article_edit": Case(
        params={"slug": "publicity_draft_story"},
        expect=signed_in(404, organizer_a=200, district_staff=200, city_staff=200, auditor=403),
    ),
    "publicity:article_action": [
        Case("POST", params={"slug": "publicity_draft_story", "action": "submit"},
             expect=signed_in(404, organizer_a=302, district_staff=302, city_staff=302, auditor=403)),
        Case("POST", params={"slug": "publicity_submitted_story", "action": "publish"},
             expect=signed_in(404, organizer_a=403, district_staff=302, city_staff=302, auditor=403)),
        Case("POST", params={"slug": "publicity_news", "action": "withdraw"},
             expect=signed_in(403, city_staff=302), note="city-wide news: city staff only"),
    ],
    "publicity:moderation": Case(expect=signed_in(403, **each(COMMITTEE, 200))),
    "publicity:comment_moderate": Case(
        "POST", params={"pk": "publicity_pending_comment", "action": "approve"},
        expect=signed_in(403, district_staff=302, other_district_staff=404, city_staff=302),
    ),
    "publicity:sensitive_words": [
        Case(expect=signed_in(403, **each(COMMITTEE, 200))),
        Case("POST", data={"word": "违禁"}, expect=signed_in(403, **each(COMMITTEE, 302))),
    ],
    "publicity:sensitive_word_remove": Case(
        "POST", params={"pk": "publicity_sensitive_word"}, expect=signed_in(403, **each(COMMITTEE, 302))
    ),
    "publicity:campaign_new": Case(expect=signed_in(403, city_staff=200)),
    "publicity:campaign_edit": Case(params={"pk": "publicity_campaign"}, expect=signed_in(403, city_staff=200)),
    "publicity:honor_review": Case(expect=signed_in(403, **each(COMMITTEE, 200))),
    "publicity:honor_decide": Case(
        "POST", params={"pk": "publicity_honor"}, data={"action": "approve"},
        expect=signed_in(404, district_staff=302, city_staff=302),
    ),
    # The public API: no token needed, drafts are 404 to all but their readers.
    "api:articles": Case(expect=page(200)),
    "api:article": [
        Case(params={"slug": "publicity_news"}, expect=page(200)),
        Case(params={"slug": "publicity_draft_story"}, expect=page(404, **STORY_READERS)),
    ],
    "api:article_comments": [
        Case(params={"slug": "publicity_news"}, expect=page(200)),
        Case(params={"slug": "publicity_draft_story"}, expect=page(404)),
    ],
    "api:post_article_comment": [
        Case("POST", params={"slug": "publicity_news"}, data=COMMENT, expect=page(201)),
        Case("POST", params={"slug": "publicity_draft_story"}, data=COMMENT, expect=page(404)),
    ],
    "api:campaign": Case(params={"campaign_id": "publicity_campaign"}, expect=page(200)),
}


def build_scene(cast, scene):  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from civitas.accounts import services as accounts_services
    from civitas.conftest import make_volunteer
    from civitas.organizations import services as organization_services
    from civitas.projects.models import Project
    from civitas.publicity import services

    news = services.article_create(author=cast.city_staff, title="城市志愿服务周", body="<p>新闻</p>")
    services.article_publish(article=news, actor=cast.city_staff)
    scene["publicity_news"] = news.slug

    draft = services.article_create(author=cast.organizer_a, organization=cast.org_a, title="草稿故事",
                                    body="<p>草稿</p>")
    scene["publicity_draft_story"] = draft.slug
    submitted = services.article_create(author=cast.organizer_a, organization=cast.org_a, title="待审故事",
                                        body="<p>待审</p>")
    services.article_submit(article=submitted, actor=cast.organizer_a)
    scene["publicity_submitted_story"] = submitted.slug

    district_news = services.article_create(author=cast.district_staff, region=cast.city.district_a,
                                            title="街道新闻", body="<p>街道</p>")
    district_news = services.article_publish(article=district_news, actor=cast.district_staff)
    published = services.comment_post(article=district_news, name="甲", email="a@example.org", text="已发布的评论")
    services.comment_moderate(comment=published, actor=cast.district_staff, action="approve")
    scene["publicity_published_comment"] = published.pk
    scene["publicity_pending_comment"] = services.comment_post(
        article=district_news, name="乙", email="b@example.org", text="等待审核的评论"
    ).pk

    # Made with the ORM as the publicity tests do: only a public and a draft project are needed.
    project = Project.objects.create(
        organization=cast.org_a, region=cast.org_a.region, title="社区清洁", title_en="Clean-up", summary="打扫",
        category="elderly_disabled", status="recruiting", created_by=cast.organizer_a, starts_on=dt.date(2026, 3, 1),
    )
    scene["publicity_project"] = project.pk
    scene["publicity_draft_project"] = Project.objects.create(
        organization=cast.org_a, region=cast.org_a.region, title="草拟项目", summary="未公开", category="elderly_disabled",
        status="draft", created_by=cast.organizer_a, starts_on=dt.date(2026, 3, 1),
    ).pk
    today = timezone.localdate()
    scene["publicity_campaign"] = services.campaign_create(
        created_by=cast.city_staff, title="学雷锋月", starts_on=today, ends_on=today + dt.timedelta(days=30),
        projects=[project],
    ).pk
    scene["publicity_honor"] = services.honor_nominate(
        nominated_by=cast.organizer_a, nominating_organization=cast.org_a, year=today.year, category="volunteer",
        volunteer=cast.volunteer, citation="常年服务社区老人",
    ).pk
    scene["publicity_sensitive_word"] = services.sensitive_word_add(word="广告", actor=cast.city_staff).pk

    scene["publicity_organization"] = cast.org_a.pk
    proposer = make_volunteer("宣传提议人", "13900000078", cast.city.community_a)
    scene["publicity_pending_organization"] = organization_services.organization_register(
        name="待审宣传组织", kind="team", region=cast.city.district_a, contact_name="丁", contact_phone="027-4",
        created_by=proposer,
    ).pk

    public = make_volunteer("公开志愿者", "13900000079", cast.city.community_a)
    accounts_services.volunteer_update_profile(user=public, is_profile_public=True)
    scene["publicity_public_volunteer"] = public.volunteer.volunteer_number
    scene["publicity_private_volunteer"] = cast.volunteer.volunteer.volunteer_number
