from django.urls import path

from civitas.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.message_read, name="read"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("badge/", views.badge, name="badge"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("failed/", views.failed, name="failed"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="retry"),
    path("compose/projects/<int:project_id>/", views.compose, name="compose_project"),
    path("compose/projects/<int:project_id>/shifts/<int:shift_id>/", views.compose, name="compose_shift"),
]
