"""The public API, v1: mounts each app's router (DESIGN.md lists the contract)."""

from __future__ import annotations

from ninja import NinjaAPI

from civitas.accounts.api import router as accounts_router
from civitas.attendance.api import router as attendance_router
from civitas.core.api import install_error_handlers
from civitas.insights.api import router as insights_router
from civitas.ledger.api import router as ledger_router
from civitas.notifications.api import router as notifications_router
from civitas.online.api import router as online_router
from civitas.organizations.api import router as organizations_router
from civitas.projects.api import router as projects_router
from civitas.publicity.api import router as publicity_router

api = NinjaAPI(
    title="Civitas API",
    version="1",
    description="The city volunteer service platform. Authenticate with `Authorization: Bearer <token>` "
    "from POST /api/v1/auth/token. Lists answer {items, count}; errors answer {error: {code, message, fields}}.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_error_handlers(api)

api.add_router("", accounts_router)
api.add_router("", organizations_router)
api.add_router("", notifications_router)
api.add_router("", online_router)
api.add_router("", projects_router)
api.add_router("", publicity_router)
api.add_router("", insights_router)
api.add_router("", ledger_router)
api.add_router("", attendance_router)
