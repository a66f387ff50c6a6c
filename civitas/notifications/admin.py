from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civitas.notifications import services
from civitas.notifications.models import (
    Broadcast,
    Delivery,
    DeliveryStatus,
    Message,
    NotificationSettings,
    Reminder,
)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    fields = readonly_fields = ("channel", "address", "status", "attempts", "next_attempt_at", "last_error", "sent_at")
    can_delete = False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "in_inbox", "created_at", "read_at"]
    list_filter = ["kind", "in_inbox"]
    search_fields = ["subject", "recipient__username"]
    raw_id_fields = ["recipient", "sender", "broadcast"]
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["message", "channel", "address", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status", "channel"]
    raw_id_fields = ["message"]
    readonly_fields = ["attempts", "claimed_until", "sent_at", "created_at"]
    actions = ["retry"]

    @admin.action(description=_("Send the failed deliveries again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = 0
        for delivery in queryset.filter(status=DeliveryStatus.FAILED):
            services.delivery_retry(delivery=delivery, actor=request.user)
            count += 1
        self.message_user(request, _("%(count)s deliveries queued again.") % {"count": count})


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["signup", "kind", "due_at", "status", "sent_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["signup", "message"]


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin):
    list_display = ["subject", "sender", "organization", "audience", "recipient_count", "created_at"]
    raw_id_fields = ["sender", "organization", "project", "shift"]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "quiet_start", "quiet_end", "email_unsubscribed_at"]
    raw_id_fields = ["user"]
    exclude = ["mobile"]
