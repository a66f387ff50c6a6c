from django.urls import path

from civitas.attendance import views

app_name = "attendance"
urlpatterns = [
    path("", views.shift_list, name="shifts"),
    path("me/", views.my_code, name="my_code"),
    path("shifts/<int:shift_id>/", views.roster, name="roster"),
    path("shifts/<int:shift_id>/roster/<int:signup_id>/", views.roster_tick, name="roster_tick"),
    path("shifts/<int:shift_id>/scan/", views.organizer_scan, name="organizer_scan"),
    path("shifts/<int:shift_id>/code/", views.shift_code, name="shift_code"),
    path("shifts/<int:shift_id>/code/fragment/", views.shift_code_fragment, name="shift_code_fragment"),
    path("shifts/<int:shift_id>/code.svg", views.shift_code_svg, name="shift_code_svg"),
    path("scan/<str:code>/", views.scan, name="scan"),
    path("kiosk/<str:token>/", views.kiosk, name="kiosk"),
    path("kiosk/<str:token>/events/", views.kiosk_events, name="kiosk_events"),
]
