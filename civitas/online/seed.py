"""Demo-city step for online tasks and training (see core.seeding).

Everything goes through the services, so accepted submissions are credited in the
ledger exactly as in real use. The numbers stay small at every scale: online work is a
showcase here, not a load test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from civitas.accounts.models import Qualification, ServiceCategory, User
from civitas.core.seeding import SeedContext
from civitas.online import services
from civitas.online.models import Course, QuestionKind, TaskKind
from civitas.projects.models import Project, ProjectEvent, ProjectStatus
from civitas.projects.services import search_bigrams_for

LESSONS = [
    ("什么是网络文明志愿服务", "What online volunteering is",
     "<p>网络文明志愿服务是在网上传播正能量、抵制不良信息、帮助他人的志愿服务。</p>"
     "<ul><li>传播优秀内容</li><li>举报违法和不良信息</li><li>在线辅导与答疑</li></ul>"),
    ("如何识别和举报不良信息", "Recognizing and reporting harmful content",
     "<p>先核实来源，再通过平台的举报入口提交。不要转发、不要评论扩散。</p>"
     "<p>举报后保留链接和截图，作为志愿服务的凭证提交。</p>"),
    ("文明上网与个人信息保护", "Civility online and personal data",
     "<p>理性发言，尊重他人；不传播他人的个人信息，不参与“人肉搜索”。</p>"),
]
QUESTIONS = [
    ("看到疑似谣言的帖子，首先应该怎么做？", "What do you do first with a post that looks like a rumour?", QuestionKind.SINGLE,
     [("立即转发提醒朋友", False), ("核实来源后通过平台举报", True), ("在评论区与人争论", False)]),
    ("下列哪些属于网络文明志愿服务？", "Which of these are online volunteering?", QuestionKind.MULTIPLE,
     [("为留守儿童在线辅导作业", True), ("校对公益文章", True), ("刷单点赞", False)]),
    ("提交举报凭证时应提供什么？", "What evidence goes with a report?", QuestionKind.SINGLE,
     [("被举报内容的链接或截图", True), ("举报人的身份证照片", False)]),
    ("可以在网上公开他人的手机号吗？", "May you publish someone's mobile number online?", QuestionKind.SINGLE,
     [("可以", False), ("不可以", True)]),
]
TASKS = [
    ("举报网络谣言和不良信息", "Report rumours and harmful content", TaskKind.REPORT_HARMFUL,
     "在常用平台发现谣言或不良信息后，通过平台入口举报，提交该内容的链接。", {"requires_link": True}, "0.50", True),
    ("转发“文明城市”主题优秀作品", "Share the civilized-city showcase", TaskKind.SPREAD_GOOD,
     "在个人社交账号转发市文明办发布的优秀作品，提交转发后的链接。", {"requires_link": True}, "0.25", False),
    ("为留守儿童在线辅导作业", "Online homework help for left-behind children", TaskKind.TUTORING,
     "每次辅导不少于一小时，提交辅导记录（时间、内容、孩子的进步）。", {"requires_text": True}, "1.00", False),
    ("校对社区公益文章", "Proofread community articles", TaskKind.PROOFREADING,
     "校对本周的社区公益文章，提交修改说明。", {"requires_text": True}, "0.50", False),
]
TEXTS = {
    TaskKind.TUTORING: [
        "辅导了四年级数学，讲解分数加减法，孩子能独立完成练习。",
        "辅导英语单词和朗读，纠正了发音问题。",
        "陪孩子完成语文阅读理解，讨论了文章中心思想。",
    ],
    TaskKind.PROOFREADING: [
        "校对了三篇文章，修改错别字五处、标点十二处。",
        "统一了文章中的数字写法，并调整了两处语序不通顺的句子。",
    ],
}


def _network_project(ctx: SeedContext, team: Any, organizer: Any) -> Project:
    existing = Project.objects.filter(
        organization=team, category=ServiceCategory.NETWORK_CIVILIZATION,
        status__in=[ProjectStatus.RECRUITING, ProjectStatus.IN_PROGRESS],
    ).order_by("pk").first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    search_text = "清朗网络 文明同行 qinglang wangluo Clean Web network civilization"
    project = Project.objects.create(
        organization=team, region_id=team.region_id, title="清朗网络·文明同行", title_en="Clean Web, Civil Together",
        summary="线上举报不良信息、传播正能量、在线辅导和校对。", description="<p>网络文明志愿服务项目。</p>",
        category=ServiceCategory.NETWORK_CIVILIZATION, status=ProjectStatus.IN_PROGRESS, place_name="线上",
        starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=150), created_by=organizer,
        search_text=search_text, search_bigrams=search_bigrams_for(search_text),
    )
    ProjectEvent.objects.bulk_create([
        ProjectEvent(project=project, action="create", to_status=ProjectStatus.DRAFT, actor=organizer),
        ProjectEvent(project=project, action="start", from_status=ProjectStatus.DRAFT, to_status=ProjectStatus.IN_PROGRESS,
                     actor=organizer),
    ])
    return project


def _course(team: Any, organizer: Any, qualification: Qualification) -> Course:
    course = services.course_create(
        organization=team, created_by=organizer, title="网络文明志愿者上岗培训", title_en="Online volunteer induction",
        summary="三节课和一次测验，通过后获得“网络内容审核”资格。", pass_mark=75, qualification=qualification,
        credit_hours=Decimal("2.00"),
    )
    for title, title_en, body in LESSONS:
        services.lesson_add(course=course, title=title, title_en=title_en, body=body)
    for text, text_en, kind, choices in QUESTIONS:
        services.question_add(course=course, text=text, text_en=text_en, kind=kind, choices=choices)
    return course


def seed_online(ctx: SeedContext) -> None:
    team = ctx.data["team"]
    personas = ctx.data["personas"]
    organizer, volunteer = personas["organizer"], personas["volunteer"]
    project = _network_project(ctx, team, organizer)
    qualification, _created = Qualification.objects.get_or_create(
        code="online-content-review", defaults={"name": "网络内容审核", "name_en": "Online content review", "valid_days": 365}
    )
    course = _course(team, organizer, qualification)
    right = {
        str(question.pk): [choice.pk for choice in question.choices.all() if choice.is_correct]
        for question in course.questions.prefetch_related("choices")
    }
    services.quiz_attempt_submit(course=course, volunteer=volunteer, answers=right)

    now = timezone.now()
    tasks = [
        services.task_create(
            project=project, created_by=organizer, title=title, title_en=title_en, kind=kind, instructions=instructions,
            hours_per_submission=Decimal(hours), quota_total=200, quota_per_volunteer=3,
            opens_at=now - dt.timedelta(days=20), closes_at=now + dt.timedelta(days=40),
            qualification=qualification if needs_qualification else None, **evidence,
        )
        for title, title_en, kind, instructions, evidence, hours, needs_qualification in TASKS
    ]

    volunteer_ids = [pk for pk in ctx.data["volunteer_user_ids"] if pk not in (organizer.pk, volunteer.pk)]
    others = list(User.objects.filter(pk__in=volunteer_ids[:40]).select_related("volunteer"))
    counts = {"accepted": 0, "rejected": 0, "waiting": 0}
    work = [(volunteer, tasks[0]), (volunteer, tasks[2])] + [
        (person, tasks[1 + index % 3]) for index, person in enumerate(others)
    ]
    for index, (person, task) in enumerate(work):
        evidence = (
            {"link": f"https://weibo.example.cn/status/{person.pk}{index:04d}"} if task.requires_link
            else {"text": f"{TEXTS[task.kind][index % len(TEXTS[task.kind])]}（第{index + 1}次）"}
        )
        submission = services.submission_submit(task=task, volunteer=person, **evidence)
        roll = ctx.rng.random()
        if index < 2 or roll < 0.6:
            services.submission_review(submission=submission, reviewer=organizer, accept=True)
            counts["accepted"] += 1
        elif roll < 0.75:
            services.submission_review(submission=submission, reviewer=organizer, accept=False,
                                       reason="链接无法打开，请重新提交有效的凭证。")
            counts["rejected"] += 1
        else:
            counts["waiting"] += 1
    ctx.data["online_tasks"] = [task.pk for task in tasks]
    ctx.data["courses"] = [course.pk]
    ctx.say(f"  online: {len(tasks)} tasks, {counts['accepted']} accepted / {counts['rejected']} rejected / "
            f"{counts['waiting']} waiting submissions, 1 course")
