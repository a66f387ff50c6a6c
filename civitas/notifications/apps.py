from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "civitas.notifications"
    label = "notifications"
