from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "civitas.publicity"
    label = "publicity"
