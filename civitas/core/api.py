"""What every API router shares: bearer authentication, the error shape, list envelopes.

Every error answers ``{"error": {"code", "message", "fields"}}`` with a 4xx status.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connections
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from civitas.core import rows
from civitas.core.errors import Conflict, RateLimited

T = TypeVar("T")


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorBody


class Page(Schema, Generic[T]):
    items: list[T]
    count: int


# How often a token's last use is written down: at most once in this many seconds.
TOKEN_USE_RECORDED_EVERY = 300

# The look-up every authenticated API request makes: the token's user, whole, and whether
# the token's last use is due to be written again. Written out rather than built with the
# ORM (select_related): compiling that join cost more CPU than PostgreSQL spends answering
# it, on every request; and read with a plain cursor (civitas.core.rows) rather than
# ``raw()``, which maps columns to fields anew on every call (docs/performance.md,
# "Marathon morning"). One row by a unique index.
TOKEN_USER_SQL = """
SELECT {user_columns}, t.id, (t.last_used_at IS NULL OR t.last_used_at < %s)
FROM accounts_user u JOIN accounts_apitoken t ON t.user_id = u.id
WHERE t.key_digest = %s
"""


@functools.cache
def _token_user_sql(database: str) -> str:
    from civitas.accounts.models import User

    return TOKEN_USER_SQL.format(user_columns=rows.columns(User, "u", database))


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from civitas.accounts.models import ApiToken, User

        now = timezone.now()
        database = User.objects.db  # the primary, or a replica on a replica-read path
        connection = connections[database]
        due_before = connection.ops.adapt_datetimefield_value(now - dt.timedelta(seconds=TOKEN_USE_RECORDED_EVERY))
        with connection.cursor() as cursor:
            cursor.execute(_token_user_sql(database), [due_before, ApiToken.digest(token)])
            row = cursor.fetchone()
        if row is None:
            return None
        *values, token_id, use_due = row
        user = rows.instance(database, User, values)
        if not user.is_active:
            return None
        if use_due:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        request.user = user
        return user


token_auth = TokenAuth()


def current_user(request: HttpRequest) -> Any:
    """The caller on a public endpoint: a bearer token's user, the session's, or anonymous."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = token_auth.authenticate(request, header[7:].strip())
        if user is not None:
            return user
    return request.user


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The API's one error shape (DESIGN.md): a code, a translated message, the fields' messages."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def error_response(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str,
                   fields: dict[str, list[str]] | None = None) -> HttpResponse:
    return api.create_response(request, error_body(code, message, fields), status=status)


def _field_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts) or "__all__"


COMMON_ERRORS = {
    "400": "The body is not valid JSON.",
    "401": "Sign in first: send Authorization: Bearer <token>.",
    "422": "Some fields are not valid.",
    "429": "Too many requests; wait and try again.",
    "503": "The database is briefly unavailable; nothing was saved, send the request again.",
}


def declare_common_errors(api: NinjaAPI) -> None:
    """Publish in the OpenAPI document the errors any endpoint can answer, whichever app
    it comes from: 400 for a body that is not JSON, 401 where a token is needed, 422 for
    bad parameters, 429 from the rate limits. Clients (and schemathesis) then find every
    status they can meet declared, with the one error shape."""
    original = api.get_openapi_schema

    def get_openapi_schema(*args: Any, **kwargs: Any) -> Any:
        schema = original(*args, **kwargs)
        if "ErrorOut" not in schema.get("components", {}).get("schemas", {}):
            return schema
        body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                codes = ["429", "503"]
                if operation.get("parameters") or operation.get("requestBody"):
                    codes.append("422")
                if operation.get("requestBody"):
                    codes.append("400")
                if operation.get("security"):
                    codes.append("401")
                for code in codes:
                    operation["responses"].setdefault(code, {"description": COMMON_ERRORS[code], **body})
        return schema

    api.get_openapi_schema = get_openapi_schema  # type: ignore[method-assign]


def install_error_handlers(api: NinjaAPI) -> None:
    declare_common_errors(api)
    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(list(error.get("loc", []))), []).append(str(error.get("msg", "")))
        return error_response(api, request, 422, "invalid", _("Some fields are not valid."), fields)

    @api.exception_handler(ValidationError)
    def domain_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        first = next(iter(fields.values()))[0] if fields else _("Some fields are not valid.")
        return error_response(api, request, 422, "invalid", str(first), fields)

    @api.exception_handler(Conflict)
    def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        return error_response(api, request, 409, exc.code, exc.message)

    @api.exception_handler(RateLimited)
    def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        return error_response(api, request, 429, "rate_limited", exc.message)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(api, request, 403, "forbidden", str(exc) or _("You may not do this."))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(api, request, 401, "unauthenticated", _("Sign in first: send Authorization: Bearer <token>."))

    @api.exception_handler(OperationalError)
    def database_unavailable(request: HttpRequest, exc: OperationalError) -> HttpResponse:
        # The transaction was rolled back, so the client can safely send the same request again.
        response = error_response(api, request, 503, "unavailable",
                                  _("The service is briefly unavailable. Nothing was saved; please try again."))
        response["Retry-After"] = "5"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(api, request, exc.status_code, "error", str(exc))


def require_user(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise AuthenticationError()
    return user
