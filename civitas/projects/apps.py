from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "civitas.projects"
    label = "projects"
