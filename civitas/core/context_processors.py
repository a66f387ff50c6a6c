from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _


def site(request: HttpRequest) -> dict:
    return {"site_name": settings.CIVITAS["SITE_NAME"] or _("Civitas Volunteer Service")}
