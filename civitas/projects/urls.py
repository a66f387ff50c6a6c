from django.urls import path

from civitas.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("map/", views.project_map, name="map"),
    path("new/", views.project_create, name="create"),
    path("review/", views.review_queue, name="review_queue"),
    path("mine/", views.my_signups, name="my_signups"),
    path("calendar/token/", views.calendar_token, name="calendar_token"),
    path("calendar/<str:token>.ics", views.personal_calendar, name="personal_calendar"),
    path("offers/<str:token>/", views.offer, name="offer"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/transition/", views.project_transition, name="transition"),
    path("<int:pk>/shifts/new/", views.shift_create, name="shift_create"),
    path("<int:pk>/calendar.ics", views.project_calendar, name="project_calendar"),
    path("shifts/<int:pk>/signup/", views.signup_create, name="signup"),
    path("shifts/<int:pk>/edit/", views.shift_edit, name="shift_edit"),
    path("shifts/<int:pk>/cancel/", views.shift_cancel, name="shift_cancel"),
    path("shifts/<int:pk>/roster/", views.roster, name="roster"),
    path("shifts/<int:pk>/roster.<str:fmt>", views.roster_export, name="roster_export"),
    path("signups/<int:pk>/cancel/", views.signup_cancel, name="signup_cancel"),
    path("signups/<int:pk>/roster/", views.roster_action, name="roster_action"),
]
