from __future__ import annotations

from django.http import HttpRequest

from civitas.publicity.conf import publicity_setting


def client_ip(request: HttpRequest) -> str:
    """The visitor's address for rate limits and reports. Behind a proxy, set
    PUBLICITY["CLIENT_IP_HEADER"] to the header it sets (such as HTTP_X_REAL_IP)."""
    header = publicity_setting("CLIENT_IP_HEADER")
    return (request.META.get(header, "") or request.META.get("REMOTE_ADDR", "") or "").split(",")[0].strip()
