"""The web service for integrations (a web shop, an ERP), FastAPI mounted at ``/api/v1``:
create, update, look up and search customers, read their balances and history. The OpenAPI
document is written by FastAPI from the typed models (sync/server/web_schema.py) and served
at ``/api/v1/openapi.json``, its pages at ``/api/v1/docs`` (Swagger UI) and ``/api/v1/redoc``,
their scripts served from the package (fastapi-offline), not from a CDN.

Every request carries an integration's token (``till server add-integration``) with the
scope the route needs. A refusal is ``{"error", "message", "field"}``: 401 no token or an
unknown or revoked one, 403 a till's token or a missing scope, 404 no such customer, 413 a
body too large, 422 a field refused (named), 503 the database is busy."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Header, Path, Query, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync import refusals
from sync.fields import ProtocolError
from sync.history import DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT
from sync.server import web_customers
from sync.server.errors import Conflict
from sync.server.integrations import Integration, authenticate_integration
from sync.server.integrations import Scope as Permission
from sync.server.models import database
from sync.server.store import BUSY_ERRORS
from sync.server.web_schema import (
    Balances,
    CustomerFields,
    CustomerOut,
    CustomerPage,
    History,
    Problem,
)
from till.core.customer import Customer, FieldErrors

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
MAX_BODY_BYTES = 64 * 1024
"""A customer's fields with every note and tag at its limit fit well inside."""
DEFAULT_PAGE = 20
MAX_CODE_LENGTH = 20

T = TypeVar("T")

_bearer = HTTPBearer(
    auto_error=False,
    description="An integration's token, printed once by 'till server add-integration'.",
)


class Refusal(Exception):
    """A request answered with an error status and a Problem document."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def _problem(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, "field": field}, status_code=status)


def _responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    said = {
        401: "No token, or an unknown or revoked one.",
        403: "A till's token, or a token without the route's scope.",
        404: "No customer has that code.",
        413: "The body is larger than 64 KiB.",
        422: "A field refused; the answer names it.",
        503: "The database is busy: try again.",
    }
    return {status: {"model": Problem, "description": said[status]} for status in statuses}


def _in_database(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``function`` with its own connection; the server's refusals become HTTP ones."""
    try:
        with database.connection_context():
            return function(*args, **kwargs)
    except FieldErrors as error:
        name, reason = next(iter(error.errors.items()))
        raise Refusal(422, "invalid", f"field {name}: {reason}", name) from None
    except web_customers.NotFound as error:
        raise Refusal(404, "not_found", str(error)) from None
    except (ProtocolError, Conflict) as error:  # the web service speaks English
        raise Refusal(422, "invalid", refusals.english(error.message_id, error.params)) from None
    except BUSY_ERRORS as error:
        log.warning("database busy: %s", error)
        raise Refusal(503, "busy", "The server's database is busy; try again.") from None


def _allowed(scope: Permission) -> Callable[..., Integration]:
    """A dependency: the integration behind the request's token, if it holds ``scope``."""

    def check(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Integration:
        if credentials is None or not credentials.credentials.strip():
            raise Refusal(401, "unauthorised", "No token: send 'Authorization: Bearer <token>'.")
        who = _in_database(authenticate_integration, credentials.credentials.strip())
        if who is None:
            raise Refusal(401, "unauthorised", "This token is unknown or was revoked.")
        if not who.scopes:
            raise Refusal(
                403,
                "forbidden",
                "A till's token cannot use the web service: add an integration "
                "('till server add-integration').",
            )
        if scope not in who.scopes:
            raise Refusal(403, "forbidden", f"This token lacks the scope {scope}.")
        return who

    return check


def _region(request: Request) -> str:
    return str(request.app.state.region)


def _shown(customer: Customer) -> dict[str, Any]:
    values = asdict(customer)
    del values["addresses"]
    return json.loads(json.dumps(values, ensure_ascii=False))


def _next_offset(found: int, limit: int, offset: int) -> int | None:
    """Pages are read one row long: a row past the page says there is another."""
    following = offset + limit
    return following if found > limit and following <= web_customers.MAX_OFFSET else None


Code = Annotated[
    str,
    Path(max_length=MAX_CODE_LENGTH, description="The customer's code.", examples=["C01-000042"]),
]
Limit = Annotated[int, Query(ge=1, le=web_customers.MAX_PAGE, description="Rows in a page.")]
Offset = Annotated[
    int, Query(ge=0, le=web_customers.MAX_OFFSET, description="Rows to pass over (paging).")
]
Region = Annotated[str, Depends(_region)]
CustomersRead = Annotated[Integration, Depends(_allowed(Permission.CUSTOMERS_READ))]
CustomersWrite = Annotated[Integration, Depends(_allowed(Permission.CUSTOMERS_WRITE))]
LoyaltyRead = Annotated[Integration, Depends(_allowed(Permission.LOYALTY_READ))]
SalesRead = Annotated[Integration, Depends(_allowed(Permission.SALES_READ))]


def create_web_service(region: str) -> FastAPI:
    """The web service; ``region`` reads phone numbers written without a country code."""
    app = FastAPIOffline(
        title="till back office: customers",
        version="1",
        summary="Customers, balances and history for integrations (a web shop, an ERP).",
        description=(
            "Every request sends `Authorization: Bearer <token>`, the token of an integration "
            "(`till server add-integration --db URL NAME --scope customers:read,...`). Scopes: "
            + ", ".join(f"`{scope}`" for scope in Permission)
            + ". Customers created or changed here reach every till through the change feed. "
            "Money is in minor units (cents)."
        ),
    )
    app.state.region = region
    app.add_exception_handler(Refusal, _refused)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    _routes(app)
    return app


def _routes(app: FastAPI) -> None:
    @app.post(
        "/customers",
        status_code=201,
        response_model=CustomerOut,
        responses={
            200: {
                "model": CustomerOut,
                "description": "An Idempotency-Key sent before: the customer it made.",
            },
            **_responses(401, 403, 413, 422, 503),
        },
        summary="Create a customer",
        description="Scope `customers:write`. Only `last_name` is required. The server gives "
        "the code (`S-0000001`, …); the customer reaches every till at its next pull. With "
        "`Idempotency-Key`, a retry answers 200 with the customer the first request made.",
    )
    def create_customer(
        fields: CustomerFields,
        response: Response,
        region: Region,
        who: CustomersWrite,
        idempotency_key: Annotated[
            str | None,
            Header(
                pattern="^[!-~]{1,200}$",
                description="Any text up to 200 characters: a request sent again with the "
                "same key (a retry after a timeout) answers 200 with the customer the first "
                "one made, and makes no other.",
                examples=["order-1001-customer"],
            ),
        ] = None,
    ) -> dict[str, Any]:
        values = fields.model_dump(exclude_unset=True)
        customer, created = _in_database(
            web_customers.create, who.name, values, region=region, idempotency_key=idempotency_key
        )
        response.status_code = 201 if created else 200
        response.headers["Location"] = f"{PREFIX}/customers/{customer.code}"
        return _shown(customer)

    @app.patch(
        "/customers/{code}",
        response_model=CustomerOut,
        responses=_responses(401, 403, 404, 413, 422, 503),
        summary="Change some of a customer's fields",
        description="Scope `customers:write`. Only the fields given change; the change "
        "reaches every till at its next pull.",
    )
    def update_customer(
        code: Code,
        fields: CustomerFields,
        region: Region,
        who: CustomersWrite,
    ) -> dict[str, Any]:
        values = fields.model_dump(exclude_unset=True)
        return _shown(_in_database(web_customers.update, who.name, code, values, region=region))

    @app.get(
        "/customers/{code}",
        response_model=CustomerOut,
        responses=_responses(401, 403, 404, 503),
        summary="Look a customer up by code",
        description="Scope `customers:read`.",
    )
    def get_customer(code: Code, who: CustomersRead) -> dict[str, Any]:
        return _shown(_in_database(web_customers.get, code))

    @app.get(
        "/customers",
        response_model=CustomerPage,
        responses=_responses(401, 403, 422, 503),
        summary="Search customers",
        description="Scope `customers:read`. `q` is read as the till's search reads it: an "
        "e-mail prefix (with `@`), a loyalty card or phone number (`06 12`, `+33 6 12`), a "
        "code prefix, or the start of a name or company, accents and case ignored. An empty "
        "`q` lists everyone by name.",
    )
    def search_customers(
        region: Region,
        who: CustomersRead,
        q: Annotated[str, Query(max_length=100, description="What to look for.")] = "",
        limit: Limit = DEFAULT_PAGE,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        found = _in_database(web_customers.search, q, region=region, limit=limit + 1, offset=offset)
        return {
            "customers": [_shown(customer) for customer in found[:limit]],
            "next_offset": _next_offset(len(found), limit, offset),
        }

    @app.get(
        "/customers/{code}/loyalty",
        response_model=Balances,
        responses=_responses(401, 403, 404, 503),
        summary="Read a customer's balances",
        description="Scope `loyalty:read`. Points and account credit from every till's "
        "entries the server holds (a till that has not synced yet is not counted).",
    )
    def loyalty(code: Code, who: LoyaltyRead) -> dict[str, Any]:
        return _in_database(web_customers.balances, code)

    @app.get(
        "/customers/{code}/history",
        response_model=History,
        responses=_responses(401, 403, 404, 422, 503),
        summary="Read a customer's sales",
        description="Scope `sales:read`. Sales and refunds from every till, newest first, "
        f"at most `limit` ({DEFAULT_HISTORY_LIMIT} unless said, {MAX_HISTORY_LIMIT} at most). "
        "The next page: `before` and `before_id`, the last sale's `created_at` and `id`.",
    )
    def history(
        request: Request,
        code: Code,
        who: SalesRead,
        before: Annotated[
            str | None, Query(description="Sales older than this time (ISO 8601, with offset).")
        ] = None,
        before_id: Annotated[
            str | None, Query(description="With `before`: the last sale's id on that page.")
        ] = None,
        limit: Annotated[
            int, Query(ge=1, le=MAX_HISTORY_LIMIT, description="Sales in a page.")
        ] = DEFAULT_HISTORY_LIMIT,
    ) -> dict[str, Any]:
        found, page = _in_database(web_customers.history, code, request.query_params)
        return {"code": found, "sales": [asdict(sale) for sale in page.sales], "more": page.more}


async def _refused(request: Request, error: Refusal) -> JSONResponse:
    return _problem(error.status, error.code, error.message, error.field)


async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's type checks in the same shape as the till's rules: the first field named."""
    first = error.errors()[0]
    where = [
        str(part)
        for part in first.get("loc", ())
        if part not in ("body", "query", "path", "header")
    ]
    if first.get("type") == "json_invalid":
        return _problem(400, "malformed", "The body is not JSON.")
    name = where[0] if where else None
    reason = first.get("msg", "is refused")
    if first.get("type") == "extra_forbidden":
        reason = "cannot be set here (not a customer field, or not one a person edits)."
    elif first.get("type") == "model_attributes_type":
        reason = "the body must be a JSON object of customer fields."
    said = f"field {'.'.join(where)}: {reason}" if where else reason
    return _problem(422, "invalid", said, name)


async def _http_error(request: Request, error: HTTPException) -> JSONResponse:
    codes = {404: "not_found", 405: "method_not_allowed"}
    return _problem(error.status_code, codes.get(error.status_code, "refused"), str(error.detail))


class BodyLimit:
    """Refuse a body over ``limit`` bytes (413) before the framework reads it; a body with
    no declared length is counted as it arrives."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self._too_large(scope, receive, send)
            return
        body = b""
        more = True
        while more and scope["method"] in ("POST", "PATCH", "PUT"):
            message = await receive()
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.limit:
                await self._too_large(scope, receive, send)
                return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = _problem(413, "too_large", f"A body holds at most {self.limit:,} bytes.")
        await answer(scope, receive, send)
