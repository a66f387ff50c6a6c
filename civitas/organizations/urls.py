from django.urls import path

from civitas.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_register, name="register"),
    path("review/", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    path("<int:pk>/edit/", views.organization_edit, name="edit"),
    path("<int:pk>/decide/", views.organization_decide, name="decide"),
    path("<int:pk>/join/", views.organization_join, name="join"),
    path("<int:pk>/members/", views.organization_members, name="members"),
    path("memberships/<int:pk>/decide/", views.membership_decide, name="membership_decide"),
    path("memberships/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("memberships/<int:pk>/leave/", views.membership_leave, name="membership_leave"),
]
