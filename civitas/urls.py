from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from civitas.api import api
from civitas.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("civitas.accounts.urls")),
    path("organizations/", include("civitas.organizations.urls")),
    path("attendance/", include("civitas.attendance.urls")),
    path("", include("civitas.ledger.urls")),
    path("", include("civitas.core.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
