from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from civitas.accounts.views import set_language
from civitas.api import api
from civitas.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("civitas.accounts.urls")),
    path("organizations/", include("civitas.organizations.urls")),
    path("notifications/", include("civitas.notifications.urls")),
    path("online/", include("civitas.online.urls")),
    path("projects/", include("civitas.projects.urls")),
    path("insights/", include("civitas.insights.urls")),
    path("attendance/", include("civitas.attendance.urls")),
    path("", include("civitas.ledger.urls")),
    path("", include("civitas.publicity.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
