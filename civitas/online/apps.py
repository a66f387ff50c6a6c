from django.apps import AppConfig


class OnlineConfig(AppConfig):
    name = "civitas.online"
    label = "online"
