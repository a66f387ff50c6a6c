"""Permission matrix entries for notifications (see civitas/permission_matrix.py).

The scene: a recruiting project of org A with one shift the volunteer is confirmed on,
a message in the volunteer's inbox and a failed email delivery of it. A message belongs
to its recipient alone; the failed-delivery desk to city staff; writing to a roster to
the organization's staff. Everyone else gets 404, as if the thing did not exist.
"""

from django.contrib import admin

from civitas.permission_matrix import STAFF, Case, api, each, page, signed_in

COMPOSE = {"subject": "明天集合时间提前", "body": "请八点半到社区服务中心。"}

ROUTES = {
    "notifications:inbox": Case(expect=signed_in(200)),
    "notifications:badge": Case(expect=page(200)),
    "notifications:read": Case(
        "POST", params={"pk": "notifications_message"}, expect=signed_in(404, volunteer=302)
    ),
    "notifications:read_all": Case("POST", expect=signed_in(302)),
    "notifications:preferences": Case(expect=signed_in(200)),
    # The signed token is the credential (one-click unsubscribe from a mail client).
    "notifications:unsubscribe": [
        Case(params={"token": "notifications_unsubscribe"}, expect=page(200)),
        Case(params={"token": "not-a-signed-token"}, expect=page(400)),
    ],
    "notifications:failed": Case(expect=signed_in(404, city_staff=200)),
    "notifications:retry": Case(
        "POST", params={"pk": "notifications_failed_delivery"}, expect=signed_in(404, city_staff=302)
    ),
    "notifications:compose_project": [
        Case(params={"project_id": "notifications_project"}, expect=signed_in(404, organizer_a=200)),
        Case("POST", params={"project_id": "notifications_project"}, data={**COMPOSE, "send": "1"},
             expect=signed_in(404, organizer_a=302)),
    ],
    "notifications:compose_shift": [
        Case(params={"project_id": "notifications_project", "shift_id": "notifications_shift"},
             expect=signed_in(404, organizer_a=200)),
        Case("POST", params={"project_id": "notifications_project", "shift_id": "notifications_shift"},
             data={**COMPOSE, "send": "1"}, expect=signed_in(404, organizer_a=302)),
        # A shift of another project is not reached through this one.
        Case(params={"project_id": "notifications_project", "shift_id": "notifications_other_shift"},
             expect=signed_in(404)),
    ],
    "api:my_notifications": Case(expect=api(200)),
    "api:notification_read": Case(
        "POST", params={"notification_id": "notifications_message"}, expect=api(404, volunteer=200)
    ),
}


# The admin of notices holds people's messages and addresses: superusers only. Committee
# staff and auditors are admin users (committee_assign makes them so) for their own
# models, and are refused here; everyone else is sent to the admin's sign-in page.
# Object pages name a real row of the scene, since a missing one is answered with a redirect.
ROUTES.update({
    f"admin:notifications_{model._meta.model_name}_{view}": Case(
        params={"object_id": f"notifications_admin_{model._meta.model_name}"},
        expect=signed_in(302, **each(STAFF, 403)),
    )
    for model in admin.site._registry
    if model._meta.app_label == "notifications"
    for view in ("changelist", "add", "history", "delete", "change")
})


def build_scene(cast, scene):  # type: ignore[no-untyped-def]
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from civitas.notifications import services as notifications
    from civitas.notifications.models import Channel, Delivery, DeliveryStatus, Kind, Reminder
    from civitas.notifications.reminders import reminders_schedule
    from civitas.projects import services as projects

    def recruiting_project(title: str):  # type: ignore[no-untyped-def]
        made = projects.project_create(
            organization=cast.org_a, actor=cast.organizer_a, title=title, category="community", place_name="和平社区",
        )
        for action in ("submit", "approve", "recruit"):
            actor = cast.city_staff if action == "approve" else cast.organizer_a
            made = projects.project_transition(project=made, action=action, actor=actor)
        return made

    def shift(project):  # type: ignore[no-untyped-def]
        start = timezone.now() + dt.timedelta(days=5)
        return projects.shift_create(
            project=project, actor=cast.organizer_a, starts_at=start, ends_at=start + dt.timedelta(hours=3),
            capacity=5, hours_credited=Decimal("3"),
        )

    project = recruiting_project("通知权限矩阵")
    on_roster = shift(project)
    signup = projects.signup_create(shift=on_roster, volunteer=cast.volunteer)
    scene["notifications_project"] = project.pk
    scene["notifications_shift"] = on_roster.pk
    scene["notifications_other_shift"] = shift(recruiting_project("另一个项目")).pk

    message = notifications.notify(
        recipient=cast.volunteer, kind=Kind.SIGNUP, render=lambda: ("报名已确认", "您已确认参加。", "/")
    )
    scene["notifications_message"] = message.pk
    # Failing takes a mail server that refuses five times; the desk only needs the row.
    scene["notifications_failed_delivery"] = Delivery.objects.update_or_create(
        message=message, channel=Channel.EMAIL,
        defaults={"address": "volunteer@example.com", "status": DeliveryStatus.FAILED, "attempts": 5,
                  "last_error": "550 mailbox unavailable"},
    )[0].pk
    scene["notifications_unsubscribe"] = notifications.unsubscribe_token(user=cast.volunteer, kind=Kind.SIGNUP)
    scene["notifications_admin_message"] = message.pk
    scene["notifications_admin_delivery"] = scene["notifications_failed_delivery"]
    reminders_schedule(signup=signup)
    scene["notifications_admin_reminder"] = Reminder.objects.filter(signup=signup).earliest("due_at").pk
    scene["notifications_admin_notificationsettings"] = notifications.preferences_update(
        user=cast.volunteer, channels={}
    ).pk
    scene["notifications_admin_broadcast"] = notifications.broadcast_send(
        sender=cast.organizer_a, project=project, subject="集合时间", body="八点半到。"
    ).pk
