"""Demo-city step for the public site: news and stories in both languages, honors, the
two yearly campaigns and a few moderated comments (see core.seeding)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from civitas.accounts.models import VolunteerProfile
from civitas.core.seeding import SeedContext
from civitas.organizations.models import Organization, OrganizationStatus, Region, RegionLevel
from civitas.projects.models import Project
from civitas.publicity import services
from civitas.publicity.models import ArticleKind, Comment, HonorCategory

NEWS = [
    ("zh-hans", ArticleKind.NEWS, "全市志愿服务工作推进会召开",
     "会议总结了一年来的志愿服务工作，部署学雷锋志愿服务月活动。",
     "<h2>凝聚力量</h2><p>全市各成员单位和志愿服务组织代表参加会议。会议要求，以项目化方式推进志愿服务，"
     "让每一小时的付出都被记录、被认可。</p><ul><li>完善志愿者注册和时长认证</li><li>推广社区志愿服务站</li></ul>",
     "工作动态, 学雷锋"),
    ("en", ArticleKind.NEWS, "City volunteers pass one million verified hours",
     "Every hour was recorded at check-in and approved by the organizing team.",
     "<p>Volunteers across the city have now given more than a million verified hours of service, "
     "from caring for elderly neighbours to keeping the river banks clean.</p>"
     "<blockquote>Every hour counts, and every hour is counted.</blockquote>",
     "milestone, hours"),
    ("zh-hans", ArticleKind.NOTICE, "关于开展“12·5国际志愿者日”主题活动的通知",
     "各区、各成员单位结合实际组织开展志愿服务主题活动。",
     "<p>请各单位于12月5日前后组织开展主题志愿服务活动，并及时在平台发布项目、记录服务时长。</p>",
     "通知, 国际志愿者日"),
    ("en", ArticleKind.NOTICE, "Sign-up opens for the spring tree-planting drive",
     "Teams can now publish shifts for the March campaign.",
     "<p>Organizations taking part in the Lei Feng Volunteer Service Day campaign can publish their shifts now. "
     "Volunteers sign up on the project pages.</p>",
     "campaign, environment"),
]
STORIES = [
    ("zh-hans", "红马甲里的七十岁老党员", "退休后的十年里，他在社区志愿服务站服务了两千多个小时。",
     "<p>每天早上七点，老张都会准时出现在社区服务站。量血压、读报纸、修收音机，"
     "“只要邻居们需要，我就在。”</p><p>他说，志愿服务让退休生活有了新的意义。</p>", "志愿者故事, 社区"),
    ("en", "A Saturday at the riverside clean-up",
     "Thirty students and their teachers cleared two kilometres of river bank.",
     "<p>By noon the bags were full and the path was clear. “We walk here every day,” one student said, "
     "“so it felt like cleaning our own home.”</p>", "story, environment"),
]
COMMENTS = [
    ("王阿姨", "wang.ayi@example.org", "向老张学习！我们社区也需要这样的热心人。"),
    ("Chris", "chris@example.org", "Great to see so many students taking part."),
    ("李同学", "li.student@example.org", "下次活动我也想报名参加。"),
]


def seed_publicity(ctx: SeedContext) -> None:
    personas = ctx.data.get("personas", {})
    staff = personas.get("admin")
    if staff is None:
        ctx.say("  publicity: no city staff persona, skipped")
        return
    now = timezone.now()
    with transaction.atomic():
        articles = []
        for index, (language, kind, title, summary, body, tags) in enumerate(NEWS):
            article = services.article_create(
                author=staff, title=title, summary=summary, body=body, kind=kind, language=language, tags=tags,
            )
            articles.append(services.article_publish(article=article, actor=staff,
                                                     publish_at=now - dt.timedelta(days=10 - index)))
        organizations = list(Organization.objects.filter(status=OrganizationStatus.APPROVED).order_by("id")[:2])
        organizer = personas.get("organizer")
        for index, (language, title, summary, body, tags) in enumerate(STORIES):
            organization = organizations[index % len(organizations)] if organizations else None
            author = organizer if organization is not None and organizer is not None and services.permissions.can_nominate(organizer, organization) else staff
            story = services.article_create(
                author=author, title=title, summary=summary, body=body, language=language, tags=tags,
                kind=ArticleKind.STORY, organization=organization,
            )
            if organization is not None and author != staff:
                services.article_submit(article=story, actor=author)
            articles.append(services.article_publish(article=story, actor=staff,
                                                     publish_at=now - dt.timedelta(days=3 - index)))
        # A scheduled notice: written now, public next week.
        services.article_publish(
            article=services.article_create(
                author=staff, title="志愿服务先进典型评选结果公示", summary="评选结果将于下周公示。",
                body="<p>经组织推荐、评审委员会审议，现将拟表彰名单予以公示。</p>", kind=ArticleKind.NOTICE,
            ),
            actor=staff, publish_at=now + dt.timedelta(days=7),
        )
        for index, (name, email, text) in enumerate(COMMENTS):
            comment = services.comment_post(article=articles[4 + index % 2], name=name, email=email, text=text)
            if index < 2:
                services.comment_moderate(comment=comment, actor=staff, action="approve")
        first = Comment.objects.filter(status="approved").order_by("id").first()
        if first is not None:
            reply = services.comment_post(article=first.article, parent=first, name="社区服务站",
                                          email="station@example.org", text="谢谢支持，欢迎来站里做志愿者！")
            services.comment_moderate(comment=reply, actor=staff, action="approve")

        year = timezone.localdate().year - 1
        volunteers = list(VolunteerProfile.objects.filter(home_community__isnull=False).select_related("user")
                          .order_by("id")[:3])
        for profile in volunteers:
            honor = services.honor_nominate(
                nominated_by=staff, year=year, category=HonorCategory.VOLUNTEER, volunteer=profile.user,
                citation=f"{profile.public_name}常年坚持社区志愿服务，热心助人，事迹感人。",
                citation_en=f"{profile.public_name} has served the community faithfully for years.",
            )
            services.honor_decide(honor=honor, actor=staff, action="approve")
            services.honor_decide(honor=honor, actor=staff, action="publish")
            VolunteerProfile.objects.filter(pk=profile.pk).update(is_profile_public=True)
        for organization in organizations[:1]:
            honor = services.honor_nominate(
                nominated_by=staff, year=year, category=HonorCategory.ORGANIZATION, organization=organization,
                citation="组织开展志愿服务项目成效显著。", citation_en="Ran outstanding volunteer projects all year.",
            )
            services.honor_decide(honor=honor, actor=staff, action="approve")
            services.honor_decide(honor=honor, actor=staff, action="publish")
        community = Region.objects.filter(level=RegionLevel.COMMUNITY).order_by("id").first()
        if community is not None:
            honor = services.honor_nominate(
                nominated_by=staff, year=year, category=HonorCategory.COMMUNITY, community=community,
                citation="社区志愿服务站运行规范，居民参与率高。", citation_en="A model community service station.",
            )
            services.honor_decide(honor=honor, actor=staff, action="approve")
            services.honor_decide(honor=honor, actor=staff, action="publish")

        projects = list(Project.objects.filter(status__in=services.PUBLIC_PROJECT_STATUSES).order_by("id")[:12])
        today = timezone.localdate()
        lei_feng_year = today.year if today >= dt.date(today.year, 3, 1) else today.year - 1
        services.campaign_create(
            created_by=staff, title="学雷锋志愿服务月", title_en="Learn from Lei Feng Volunteer Service Month",
            summary="3月5日学雷锋纪念日前后，全市集中开展志愿服务活动。",
            summary_en="Around Lei Feng Volunteer Service Day, 5 March, the whole city volunteers together.",
            starts_on=dt.date(lei_feng_year, 3, 1), ends_on=dt.date(lei_feng_year, 3, 31), projects=projects[: len(projects) // 2],
        )
        services.campaign_create(
            created_by=staff, title="12·5国际志愿者日", title_en="International Volunteer Day",
            summary="12月5日国际志愿者日主题活动周。",
            summary_en="A week of volunteering around International Volunteer Day, 5 December.",
            starts_on=dt.date(today.year, 12, 1), ends_on=dt.date(today.year, 12, 7), projects=projects[len(projects) // 2 :],
        )
    ctx.say(f"  publicity: {len(articles) + 1} articles, {Comment.objects.count()} comments, honors and 2 campaigns")
