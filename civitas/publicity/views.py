from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from civitas.core.errors import Conflict, RateLimited
from civitas.core.forms import apply_service_errors
from civitas.core.pagecache import visitor_page_cache
from civitas.core.pagination import paginate
from civitas.core.ratelimit import client_ip
from civitas.organizations.models import Organization, OrganizationStatus
from civitas.projects.models import Project
from civitas.publicity import permissions, selectors, services, sharecards
from civitas.publicity.cache import home_version
from civitas.publicity.conf import publicity_setting
from civitas.publicity.forms import (
    ArticleForm,
    CampaignForm,
    CommentForm,
    HonorDecisionForm,
    HonorNominationForm,
    ReasonForm,
    ReportForm,
    SensitiveWordForm,
)
from civitas.publicity.models import (
    Article,
    ArticleKind,
    Campaign,
    Comment,
    HonorCategory,
    SensitiveWord,
)

# --- Home ---------------------------------------------------------------------------------


def _home_context(version: str) -> dict[str, Any]:
    return {
        "home_version": version,
        "home_ttl": publicity_setting("HOME_CACHE_TTL_SECONDS"),
        "counters": selectors.impact_counters,
        "featured_projects": selectors.featured_projects,
        "latest_news": lambda: list(selectors.published_articles()[:5]),
        "model_volunteers": selectors.model_volunteers,
        "campaign": selectors.current_campaign,
    }


@require_GET
@visitor_page_cache(key=lambda request: f"publicity:home:{home_version()}",
                    ttl=lambda: publicity_setting("HOME_CACHE_TTL_SECONDS"))
def home(request: HttpRequest) -> HttpResponse:
    """A publicity spike is mostly visitors without a session: they get the whole page
    from the cache (core.pagecache). Signed-in people get the page rendered around one
    cached fragment per language. The selectors are passed uncalled so a warm fragment
    runs none of them."""
    return TemplateResponse(request, "publicity/home.html", _home_context(home_version()))


# --- Articles -----------------------------------------------------------------------------


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in ArticleKind.values:
        kind = ""
    tag = request.GET.get("tag", "")[:40]
    return render(
        request,
        "publicity/article_list.html",
        {"page": paginate(request, selectors.published_articles(kind=kind, tag=tag), 12), "kind": kind, "tag": tag,
         "kinds": ArticleKind.choices},
    )


def _article_page(request: HttpRequest, article: Article, form: CommentForm | None = None, status: int = 200,
                  reply_to: Comment | None = None) -> HttpResponse:
    comments = selectors.flatten_thread(selectors.visible_comments(article=article))
    return render(
        request,
        "publicity/article_detail.html",
        {
            "article": article,
            "comments": comments,
            "form": form or CommentForm(user=request.user),
            "comment_action": reverse("publicity:article_comment", args=[article.slug]),
            "comments_open": article.is_public and article.allow_comments,
            "can_edit": permissions.can_edit_article(request.user, article),
            "can_review": permissions.can_review_article(request.user, article),
            "reply_to": reply_to,
            "public_project_statuses": services.PUBLIC_PROJECT_STATUSES,
        },
        status=status,
    )


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.get_article_for_user(request.user, slug)
    return _article_page(request, article)


def _post_comment(request: HttpRequest, *, article: Article | None = None, project: Project | None = None
                  ) -> tuple[CommentForm, Comment | None, int]:
    form = CommentForm(request.POST)
    if not form.is_valid():
        return form, None, 400
    data = form.cleaned_data
    parent = None
    if data.get("parent"):
        parent = Comment.objects.filter(pk=data["parent"]).first()
        if parent is None:
            form.add_error(None, _("The comment you reply to is gone."))
            return form, None, 400
    try:
        comment = services.comment_post(
            article=article, project=project, parent=parent, name=data["name"], email=data["email"], text=data["text"],
            user=request.user, ip=client_ip(request), honeypot=data.get("website", ""),
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return form, None, 400
    except RateLimited as error:
        form.add_error(None, error.message)
        return form, None, 429
    except Conflict as error:
        form.add_error(None, error.message)
        return form, None, 409
    return form, comment, 201


def _comment_posted_message(request: HttpRequest, comment: Comment) -> None:
    if comment.is_visible:
        messages.success(request, _("Thank you. Your comment is published."))
    else:
        messages.info(request, _("Thank you. Your comment will appear once a moderator has approved it."))


@require_POST
def article_comment(request: HttpRequest, slug: str) -> HttpResponse:
    article = Article.objects.filter(slug=slug).select_related("organization__region", "region").first()
    if article is None or not article.is_public:
        return render(request, "publicity/comment_closed.html",
                      {"message": _("This article does not exist or is not published, so it cannot take comments.")},
                      status=404)
    form, comment, status = _post_comment(request, article=article)
    if comment is None:
        return _article_page(request, article, form, status)
    _comment_posted_message(request, comment)
    return redirect(reverse("publicity:article", args=[article.slug]) + "#comments")


def _project_page(request: HttpRequest, project: Project, form: CommentForm | None = None,
                  status: int = 200) -> HttpResponse:
    comments = selectors.flatten_thread(selectors.visible_comments(project=project))
    closed = project.status not in services.COMMENTABLE_PROJECT_STATUSES
    return render(
        request,
        "publicity/project_comments.html",
        {"project": project, "comments": comments, "form": form or CommentForm(user=request.user),
         "comment_action": reverse("publicity:project_comments", args=[project.pk]), "comments_open": not closed,
         "project_url": project_url(project)},
        status=status,
    )


def project_url(project: Project) -> str:
    """The projects app's page when it exists, else this app's discussion page."""
    from django.urls import NoReverseMatch

    try:
        return reverse("projects:detail", args=[project.pk])
    except NoReverseMatch:
        return reverse("publicity:project_comments", args=[project.pk])


def project_comments(request: HttpRequest, pk: int) -> HttpResponse:
    project = Project.objects.select_related("organization", "region").filter(pk=pk).first()
    if project is None or project.status not in services.PUBLIC_PROJECT_STATUSES:
        return render(request, "publicity/comment_closed.html",
                      {"message": _("This project does not exist or is not public, so it cannot take comments.")},
                      status=404)
    if request.method != "POST":
        return _project_page(request, project)
    form, comment, status = _post_comment(request, project=project)
    if comment is None:
        return _project_page(request, project, form, status)
    _comment_posted_message(request, comment)
    return redirect(project_url(project) + "#comments")


def _reporter_key(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"u:{request.user.pk}"
    return f"ip:{services.ip_digest(client_ip(request))}"


@require_POST
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk)
    form = ReportForm(request.POST)
    form.is_valid()
    try:
        services.comment_report(comment=comment, reporter_key=_reporter_key(request),
                                reason=form.cleaned_data.get("reason", ""))
        text = _("Thank you. Staff will look at this comment.")
    except Conflict as error:
        text = error.message
    if request.htmx:
        return HttpResponse(f'<span class="muted" role="status">{_escape(text)}</span>')
    messages.info(request, text)
    back = reverse("publicity:article", args=[comment.article.slug]) if comment.article_id else project_url(
        comment.project)
    return redirect(back + "#comments")


def _escape(text: str) -> str:
    from django.utils.html import escape

    return escape(text)


# --- Editing desk -------------------------------------------------------------------------


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    if not permissions.can_write_articles(request.user):
        raise PermissionDenied(_("Only committee staff and organization staff write articles."))
    from civitas.organizations.permissions import staff_roles_by_organization

    organizations = Organization.objects.filter(pk__in=staff_roles_by_organization(request.user).keys(),
                                                status=OrganizationStatus.APPROVED)
    return render(
        request,
        "publicity/desk.html",
        {"page": paginate(request, selectors.articles_for_editor(request.user), 30),
         "organizations": organizations, "can_write_news": permissions.can_publish_directly(request.user)},
    )


def _article_fields(form: ArticleForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    if not data.get("cover_image"):
        data.pop("cover_image", None)
    return data


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    organization = None
    if request.GET.get("organization"):
        organization = Organization.objects.filter(pk=request.GET.get("organization")).select_related("region").first()
        if organization is None or not permissions.can_nominate(request.user, organization):
            raise Http404
    elif not permissions.can_publish_directly(request.user):
        raise PermissionDenied(_("Only committee staff write news and notices."))
    form = ArticleForm(request.POST or None, request.FILES or None, is_story=organization is not None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(author=request.user, organization=organization, **_article_fields(form))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The draft is saved. Preview it, then publish or submit it."))
            return redirect("publicity:article", slug=article.slug)
    title = _("New story of %(organization)s") % {"organization": organization} if organization else _("New article")
    return render(request, "publicity/article_form.html", {"form": form, "title": title})


@login_required
def article_edit(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.get_article_for_user(request.user, slug)
    if not permissions.can_edit_article(request.user, article):
        raise PermissionDenied(_("You may not change this article."))
    initial = {
        "kind": article.kind, "language": article.language, "title": article.title, "summary": article.summary,
        "body": article.body, "tags": ", ".join(t.name for t in article.tags.all()), "region": article.region_id,
        "publish_at": article.publish_at, "allow_comments": article.allow_comments, "project": article.project_id,
    }
    form = ArticleForm(request.POST or None, request.FILES or None, initial=initial,
                       is_story=article.organization_id is not None)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(article=article, actor=request.user, **_article_fields(form))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The article is saved."))
            return redirect("publicity:article", slug=article.slug)
    return render(request, "publicity/article_form.html",
                  {"form": form, "title": _("Edit: %(title)s") % {"title": article.title}, "article": article})


@login_required
@require_POST
def article_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    article = selectors.get_article_for_user(request.user, slug)
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if action == "submit":
            services.article_submit(article=article, actor=request.user)
            messages.success(request, _("The story is sent to the committee for approval."))
        elif action == "publish":
            services.article_publish(article=article, actor=request.user)
            messages.success(request, _("The article is published."))
        elif action == "return":
            services.article_return(article=article, actor=request.user, reason=reason)
            messages.success(request, _("The story is returned to its writers."))
        elif action == "withdraw":
            services.article_withdraw(article=article, actor=request.user, reason=reason)
            messages.success(request, _("The article is withdrawn."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Conflict as error:
        messages.error(request, error.message)
    return redirect("publicity:article", slug=article.slug)


# --- Moderation ---------------------------------------------------------------------------


def _require_moderator(request: HttpRequest) -> None:
    if not permissions.can_moderate_comments(request.user):
        raise PermissionDenied(_("Only committee staff moderate comments."))


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    _require_moderator(request)
    kind = request.GET.get("show", "pending")
    if kind not in ("pending", "reported", "all"):
        kind = "pending"
    return render(request, "publicity/moderation.html",
                  {"page": paginate(request, selectors.moderation_queue(user=request.user, kind=kind), 30), "show": kind})


@login_required
@require_POST
def comment_moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_moderator(request)
    comment = get_object_or_404(Comment, pk=pk)
    try:
        services.comment_moderate(comment=comment, actor=request.user, action=action,
                                  reason=request.POST.get("reason", "")[:1000])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, {"approve": _("The comment is published."), "reject": _("The comment is rejected."),
                                   "delete": _("The comment is deleted.")}.get(action, ""))
    return redirect(reverse("publicity:moderation") + "?show=" + request.POST.get("show", "pending"))


@login_required
def sensitive_words(request: HttpRequest) -> HttpResponse:
    if not permissions.can_edit_sensitive_words(request.user):
        raise PermissionDenied(_("Only committee staff edit the sensitive words."))
    form = SensitiveWordForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.sensitive_word_add(word=form.cleaned_data["word"], actor=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
            status = 400
        except Conflict as error:
            form.add_error("word", error.message)
            status = 409
        else:
            messages.success(request, _("The word is added."))
            return redirect("publicity:sensitive_words")
    elif request.method == "POST":
        status = 400
    return render(request, "publicity/sensitive_words.html",
                  {"form": form, "words": SensitiveWord.objects.all()}, status=status)


@login_required
@require_POST
def sensitive_word_remove(request: HttpRequest, pk: int) -> HttpResponse:
    word = get_object_or_404(SensitiveWord, pk=pk)
    services.sensitive_word_remove(word=word, actor=request.user)
    messages.success(request, _("The word is removed."))
    return redirect("publicity:sensitive_words")


# --- Honors -------------------------------------------------------------------------------


@require_GET
def honor_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    year_value = int(year) if year.isdigit() else None
    category = request.GET.get("category", "")
    if category not in HonorCategory.values:
        category = ""
    honors = selectors.published_honors(year=year_value, category=category)
    return render(request, "publicity/honor_list.html",
                  {"page": paginate(request, honors, 30), "categories": HonorCategory.choices, "category": category,
                   "year": year_value})


@login_required
def honor_nominate(request: HttpRequest) -> HttpResponse:
    from civitas.accounts.models import VolunteerProfile
    from civitas.organizations.permissions import staff_roles_by_organization

    organizations = Organization.objects.filter(
        pk__in=staff_roles_by_organization(request.user).keys(), status=OrganizationStatus.APPROVED
    )
    is_committee = permissions.can_publish_directly(request.user)
    if not is_committee and not organizations.exists():
        raise PermissionDenied(_("Organization staff and committee staff nominate."))
    form = HonorNominationForm(request.POST or None, organizations=organizations, is_committee=is_committee)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            volunteer = None
            if data["volunteer_number"]:
                profile = VolunteerProfile.objects.select_related("user").filter(
                    volunteer_number=data["volunteer_number"]).first()
                if profile is None:
                    raise ValidationError({"volunteer_number": [_("No volunteer has this number.")]})
                volunteer = profile.user
            organization = Organization.objects.filter(pk=data["organization"]).first() if data["organization"] else None
            project = Project.objects.filter(pk=data["project"]).first() if data["project"] else None
            services.honor_nominate(
                nominated_by=request.user, year=data["year"], category=data["category"], citation=data["citation"],
                citation_en=data["citation_en"], volunteer=volunteer, organization=organization, project=project,
                community=data["community"], nominating_organization=data["on_behalf_of"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The nomination is sent to the committee."))
            return redirect("publicity:honors")
    return render(request, "core/form.html",
                  {"form": form, "title": _("Nominate for an award"), "submit_label": _("Nominate"),
                   "intro": _("Yearly awards are nominated by organizations or committee staff, reviewed by the committee, then published.")})


@login_required
def honor_review(request: HttpRequest) -> HttpResponse:
    if not permissions.can_publish_directly(request.user):
        raise PermissionDenied(_("Only committee staff review nominations."))
    return render(request, "publicity/honor_review.html",
                  {"page": paginate(request, selectors.honors_to_review(request.user), 30), "form": HonorDecisionForm()})


@login_required
@require_POST
def honor_decide(request: HttpRequest, pk: int) -> HttpResponse:
    from civitas.publicity.models import Honor

    honor = get_object_or_404(Honor.objects.select_related("region"), pk=pk)
    if not permissions.can_review_honor(request.user, honor):
        raise Http404
    form = HonorDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
    else:
        try:
            services.honor_decide(honor=honor, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except Conflict as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The decision is saved."))
    return redirect("publicity:honor_review")


# --- Campaigns, volunteers ------------------------------------------------------------------


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "publicity/campaign_list.html",
                  {"page": paginate(request, Campaign.objects.all(), 20), "today": timezone.localdate(),
                   "can_manage": permissions.can_manage_campaigns(request.user)})


@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    return render(
        request,
        "publicity/campaign_detail.html",
        {"campaign": campaign, "figures": selectors.campaign_figures(campaign),
         "projects": selectors.campaign_projects(campaign)[:30], "today": timezone.localdate(),
         "can_manage": permissions.can_manage_campaigns(request.user)},
    )


def _campaign_form_page(request: HttpRequest, form: Any, title: str) -> HttpResponse:
    return render(request, "core/form.html", {"form": form, "title": title, "submit_label": _("Save")})


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_campaigns(request.user):
        raise PermissionDenied(_("Only city staff run campaigns."))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The campaign is saved."))
            return redirect("publicity:campaign", pk=campaign.pk)
    return _campaign_form_page(request, form, _("New campaign"))


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_manage_campaigns(request.user):
        raise PermissionDenied(_("Only city staff run campaigns."))
    campaign = get_object_or_404(Campaign, pk=pk)
    initial = {"title": campaign.title, "title_en": campaign.title_en, "summary": campaign.summary,
               "summary_en": campaign.summary_en, "starts_on": campaign.starts_on, "ends_on": campaign.ends_on,
               "project_ids": ", ".join(str(i) for i in campaign.projects.values_list("id", flat=True))}
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The campaign is saved."))
            return redirect("publicity:campaign", pk=campaign.pk)
    return _campaign_form_page(request, form, _("Edit: %(title)s") % {"title": campaign.title})


@require_GET
def volunteer_profile(request: HttpRequest, number: str) -> HttpResponse:
    profile = selectors.get_public_volunteer(number)
    return render(request, "publicity/volunteer_profile.html",
                  {"profile": profile, "totals": getattr(profile.user, "hours_totals", None),
                   "honors": selectors.honors_for(profile)})


# --- Share cards --------------------------------------------------------------------------


@require_GET
@cache_control(public=True, max_age=3600)
def project_card(request: HttpRequest, pk: int) -> HttpResponse:
    project = selectors.get_public_project(pk)
    return HttpResponse(sharecards.project_card(project), content_type="image/png")


@require_GET
@cache_control(public=True, max_age=3600)
def volunteer_card(request: HttpRequest, number: str) -> HttpResponse:
    profile = selectors.get_public_volunteer(number)
    return HttpResponse(sharecards.volunteer_card(profile), content_type="image/png")


