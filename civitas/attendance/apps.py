from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "civitas.attendance"
    label = "attendance"
