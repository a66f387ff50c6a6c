from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from civitas.core.errors import RateLimited
from civitas.core.forms import apply_service_errors
from civitas.core.pagination import paginate
from civitas.notifications import content, selectors, services
from civitas.notifications.forms import ComposeForm, PreferencesForm
from civitas.notifications.models import Delivery, Kind


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = paginate(request, selectors.inbox(user=request.user, unread_only=unread_only))
    return render(
        request, "notifications/inbox.html",
        {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(user=request.user)},
    )


def badge(request: HttpRequest) -> HttpResponse:
    """The unread count beside "Inbox" in the menu, loaded by htmx after the page."""
    count = selectors.unread_count(user=request.user) if request.user.is_authenticated else 0
    response = render(request, "notifications/_badge.html", {"count": count})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def message_read(request: HttpRequest, pk: int) -> HttpResponse:
    message = selectors.get_message_for_user(request.user, pk)
    services.message_mark_read(message=message, user=request.user)
    if request.headers.get("HX-Request"):
        response = render(request, "notifications/_message.html", {"message": message})
        response["HX-Trigger"] = "notifications-read"  # the menu badge reloads
        return response
    return redirect(request.POST.get("next") or "notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.messages_mark_all_read(user=request.user)
    messages.success(request, _("All messages are marked as read."))
    return redirect("notifications:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = services.settings_for(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_update(user=request.user, **form.service_arguments())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # the signed token is the credential; mail clients POST here (RFC 8058 one-click)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = services.unsubscribe_read(token)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    user_id, kind = found
    user = get_object_or_404(get_user_model(), pk=user_id)
    label = _("all email") if kind == services.ALL_EMAIL else Kind(kind).label
    if request.method == "POST":
        what = request.POST.get("what", kind)
        services.unsubscribe(user=user, kind=services.ALL_EMAIL if what == services.ALL_EMAIL else kind)
        return render(request, "notifications/unsubscribe.html", {"done": True, "label": label, "all": what == services.ALL_EMAIL})
    return render(request, "notifications/unsubscribe.html", {"label": label, "kind": kind, "all_value": services.ALL_EMAIL})


@login_required
def failed(request: HttpRequest) -> HttpResponse:
    if not services.can_see_deliveries(request.user):
        raise Http404
    return render(request, "notifications/failed.html", {"page": paginate(request, selectors.failed_deliveries())})


@login_required
@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.can_see_deliveries(request.user):
        raise Http404
    delivery = get_object_or_404(Delivery, pk=pk)
    services.delivery_retry(delivery=delivery, actor=request.user)
    messages.success(request, _("The delivery is queued again."))
    return redirect("notifications:failed")


@login_required
def compose(request: HttpRequest, project_id: int, shift_id: int | None = None) -> HttpResponse:
    project, shift = selectors.get_project_for_messaging(request.user, project_id, shift_id)
    form = ComposeForm(request.POST or None)
    recipients = services.broadcast_recipients(project=project, shift=shift).count()
    preview = None
    if request.method == "POST" and form.is_valid():
        if "send" in request.POST:
            try:
                broadcast = services.broadcast_send(sender=request.user, project=project, shift=shift, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            except RateLimited as error:
                form.add_error(None, error.message)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(
                    request, _("Your message is on its way to %(count)s people.") % {"count": broadcast.recipient_count}
                )
                return redirect(request.path)
        else:
            subject, body, _link = content.organizer_message(
                project.organization, form.cleaned_data["subject"], form.cleaned_data["body"], ""
            )
            preview = {"subject": subject, "body": body}
    return render(
        request, "notifications/compose.html",
        {"form": form, "project": project, "shift": shift, "recipients": recipients, "preview": preview},
    )
