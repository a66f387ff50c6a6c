from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.actions import run_action
from civitas.core.forms import apply_service_errors
from civitas.core.pagination import paginate
from civitas.organizations import permissions, selectors, services
from civitas.organizations.forms import (
    DecisionForm,
    JoinForm,
    MembershipDecisionForm,
    OrganizationEditForm,
    OrganizationFilterForm,
    OrganizationForm,
)
from civitas.organizations.models import Membership, MembershipRole, MembershipStatus


def organization_list(request: HttpRequest) -> HttpResponse:
    filters = OrganizationFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    organizations = selectors.organization_list(
        user=request.user, q=data.get("q", ""), kind=data.get("kind", ""), region=data.get("region")
    )
    return render(
        request,
        "organizations/list.html",
        {"filters": filters, "page": paginate(request, organizations)},
    )


def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.get_organization_for_user(request.user, pk)
    membership = None
    if request.user.is_authenticated:
        membership = Membership.objects.filter(
            user=request.user, organization=organization, status__in=[MembershipStatus.APPLIED, MembershipStatus.APPROVED]
        ).first()
    can_see_internals = permissions.can_view_organization_internals(request.user, organization)
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "membership": membership,
            "can_manage": permissions.can_manage_organization(request.user, organization),
            "can_administer": permissions.can_administer_organization(request.user, organization),
            "can_review": permissions.can_review_organization(request.user, organization),
            "can_see_internals": can_see_internals,
            "events": organization.events.select_related("actor") if can_see_internals else [],
            "decision_form": DecisionForm(),
            "join_form": JoinForm(),
        },
    )


@login_required
def organization_register(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_register(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Thank you. The committee will review the organization soon."))
            return redirect("organizations:detail", pk=organization.pk)
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("Register an organization"), "submit_label": _("Submit for approval"),
         "intro": _("Member units, volunteer teams and community service stations are approved by the committee of their region.")},
    )


@login_required
@require_POST
def organization_decide(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.get_organization_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("organizations:detail", pk=pk)
    run_action(
        request,
        lambda: services.organization_decide(organization=organization, actor=request.user, **form.cleaned_data),
        _("The decision is saved."),
    )
    if request.POST.get("from") == "queue":
        return redirect("organizations:review_queue")
    return redirect("organizations:detail", pk=pk)


@login_required
@require_POST
def organization_join(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.get_organization_for_user(request.user, pk)
    form = JoinForm(request.POST)
    form.is_valid()
    run_action(
        request,
        lambda: services.membership_apply(user=request.user, organization=organization, note=form.cleaned_data.get("note", "")),
        _("Your application is sent. The organization's staff will decide on it."),
    )
    return redirect("organizations:detail", pk=pk)


@login_required
@require_POST
def membership_leave(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk, user=request.user)
    run_action(
        request, lambda: services.membership_leave(membership=membership, actor=request.user),
        _("You have left the organization."),
    )
    return redirect("organizations:detail", pk=membership.organization_id)


@login_required
def organization_members(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.get_organization_for_user(request.user, pk)
    if not permissions.can_view_organization_internals(request.user, organization):
        raise PermissionDenied(_("Only the organization's staff can see its members."))
    status = request.GET.get("status", "")
    if status not in MembershipStatus.values:
        status = ""
    return render(
        request,
        "organizations/members.html",
        {
            "organization": organization,
            "page": paginate(request, selectors.membership_list(organization=organization, status=status), 50),
            "status": status,
            "statuses": MembershipStatus.choices,
            "can_manage": permissions.can_manage_organization(request.user, organization),
            "can_administer": permissions.can_administer_organization(request.user, organization),
            "roles": MembershipRole.choices,
        },
    )


@login_required
@require_POST
def membership_decide(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("organization"), pk=pk)
    organization = selectors.get_organization_for_user(request.user, membership.organization_id)
    form = MembershipDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
    else:
        run_action(
            request,
            lambda: services.membership_decide(membership=membership, actor=request.user, **form.cleaned_data),
            _("The decision is saved."),
        )
    return redirect("organizations:members", pk=organization.pk)


@login_required
@require_POST
def membership_role(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("organization"), pk=pk)
    organization = selectors.get_organization_for_user(request.user, membership.organization_id)
    run_action(
        request,
        lambda: services.membership_set_role(membership=membership, role=request.POST.get("role", ""), actor=request.user),
        _("The role is changed."),
    )
    return redirect("organizations:members", pk=organization.pk)


@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.get_organization_for_user(request.user, pk)
    if not permissions.can_administer_organization(request.user, organization):
        raise PermissionDenied(_("Only the organization's administrators can change its details."))
    fields = ["name_en", "description", "address", "contact_name", "contact_phone", "contact_email"]
    form = OrganizationEditForm(request.POST or None, initial={name: getattr(organization, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(organization=organization, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The organization's details are saved."))
            return redirect("organizations:detail", pk=pk)
    return render(request, "core/form.html", {"form": form, "title": organization.display_name})


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if permissions.watched_region(request.user) is None:
        raise PermissionDenied(_("Only committee staff review organizations."))
    return render(
        request,
        "organizations/review_queue.html",
        {"page": paginate(request, selectors.organizations_to_review(user=request.user)), "decision_form": DecisionForm()},
    )
