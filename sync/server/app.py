"""The server's HTTP side (Starlette): ``POST /v1/push`` and ``GET /v1/changes``.

Every request names its till by ``Authorization: Bearer <token>``; a refusal is an HTTP status
and ``{"error": code, "message": one line}``, with ``message_id`` and ``params`` when the line is
one of ``sync.refusals`` (the till words it in its language), and writes nothing:
400 malformed JSON, 401 no or unknown or revoked token, 403 a batch in another till's name,
409 another protocol version, 413 a body or batch too large, 422 a field the protocol refuses
or a change that contradicts the server (a customer code another customer holds),
503 the database is busy (the till retries: its key makes that safe).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from storage import keys
from sync import refusals
from sync.fields import ProtocolError
from sync.history import HistoryRequest
from sync.protocol import (
    MAX_BATCH_CHANGES,
    MAX_BODY_BYTES,
    PROTOCOL_VERSION,
    VERSION_HEADER,
    PullRequest,
    PushBatch,
    VersionMismatch,
    check_version,
)
from sync.server import customer_index, integrations, sales, store, web_service
from sync.server import journal_heads as journal_heads_store
from sync.server.models import database

log = logging.getLogger(__name__)

DB_URL_VARIABLE = "TILL_SERVER_DB"
REGION_VARIABLE = "TILL_SERVER_REGION"
KEYS_VARIABLE = "TILL_SERVER_KEYS"
"""The server's key folder (the business's PIN pepper), which ``till server run`` sets."""
"""The country the web service reads phone numbers in when they have no +country code."""
DEFAULT_REGION = "FR"

T = TypeVar("T")


class Refused(Exception):
    """A request answered with an error status: a message id of ``sync.refusals`` and its
    values."""

    def __init__(self, status: int, code: str, message_id: str, /, **params: Any) -> None:
        self.message = refusals.english(message_id, params)
        super().__init__(self.message)
        self.status, self.code = status, code
        self.message_id, self.params = message_id, params

    @classmethod
    def of(cls, status: int, code: str, error: Exception) -> Refused:
        """A refusal saying ``error``: its message id and values when it has them."""
        message_id = getattr(error, "message_id", None)
        if isinstance(message_id, str):
            return cls(status, code, message_id, **getattr(error, "params", {}))
        return cls(status, code, str(error))

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.message_id in refusals.REFUSALS:
            body["message_id"] = self.message_id
            body["params"] = refusals.params_json(self.params)
        return body


def create_app(db_url: str | None = None) -> Starlette:
    """The server for the database at ``db_url`` (default: the TILL_SERVER_DB variable, which
    ``till server run`` sets for each uvicorn worker)."""
    db = store.open_server_database(db_url or os.environ[DB_URL_VARIABLE])
    with db.connection_context(), db.atomic():
        customer_index.backfill()
    region = os.environ.get(REGION_VARIABLE, DEFAULT_REGION)
    return Starlette(
        routes=[
            Mount(web_service.PREFIX, app=web_service.create_web_service(region)),
            Route("/v1/push", push, methods=["POST"]),
            Route("/v1/changes", changes, methods=["GET"]),
            Route("/v1/health", health, methods=["GET"]),
            Route("/v1/customers/{customer_id}/history", customer_history, methods=["GET"]),
            Route("/v1/pin-pepper", pin_pepper, methods=["GET"]),
            Route("/v1/journal-heads", journal_heads, methods=["POST"]),
        ],
        exception_handlers={Refused: _refused},  # type: ignore[dict-item]
    )


async def push(request: Request) -> JSONResponse:
    till = await _till(request)
    document = _json(await _body(request))
    items = document.get("changes") if isinstance(document, dict) else None
    if isinstance(items, list) and len(items) > MAX_BATCH_CHANGES:
        raise Refused(
            413, "too_large", refusals.BATCH_TOO_LARGE, most=MAX_BATCH_CHANGES, count=len(items)
        )
    try:
        batch = PushBatch.from_json(document)
    except VersionMismatch as error:
        raise Refused.of(409, "version", error) from None
    except ProtocolError as error:
        raise Refused.of(422, "invalid", error) from None
    if batch.till != till:
        raise Refused(403, "wrong_till", refusals.WRONG_TILL, till=till)
    try:
        answer = await _in_database(store.push, till, batch)
    except store.Conflict as error:
        raise Refused.of(422, "conflict", error) from None
    return JSONResponse(answer)


async def changes(request: Request) -> Response:
    await _till(request)
    try:
        check_version(_header_version(request), local_is_server=True)
        pull = PullRequest.from_params(request.query_params)
    except VersionMismatch as error:
        raise Refused.of(409, "version", error) from None
    except ProtocolError as error:
        raise Refused.of(422, "invalid", error) from None
    return Response(await _in_database(store.pull, pull), media_type="application/json")


async def customer_history(request: Request) -> JSONResponse:
    """A customer's sales from every till, newest first: the history a till no longer holds."""
    await _till(request)
    try:
        check_version(_header_version(request), local_is_server=True)
        wanted = HistoryRequest.from_params(
            request.path_params["customer_id"], request.query_params
        )
    except VersionMismatch as error:
        raise Refused.of(409, "version", error) from None
    except ProtocolError as error:
        raise Refused.of(422, "invalid", error) from None
    page = await _in_database(sales.customer_history, wanted)
    return JSONResponse(page.to_json())


async def pin_pepper(request: Request) -> JSONResponse:
    """The business's PIN pepper, for a till to check the PINs of the back office's users
    (``till server user add``); 404 while the business has none."""
    await _till(request)
    directory = os.environ.get(KEYS_VARIABLE)
    if not directory or not (Path(directory) / keys.PEPPER).exists():
        raise Refused(404, "no_pepper", refusals.NO_PEPPER)
    return JSONResponse({"pepper": keys.pin_pepper(Path(directory)).hex()})


async def journal_heads(request: Request) -> JSONResponse:
    """A till's journal heads after a sync: kept when they go on from the last ones, refused
    (422, and the till marked) when its journal went back, was rewritten or changed key."""
    till = await _till(request)
    try:
        pem, heads = journal_heads_store.parse(_json(await _body(request)))
        kept = await _in_database(journal_heads_store.receive, till, pem, heads)
    except journal_heads_store.HeadsRefused as refused:
        if refused.code != "invalid":
            await _in_database(journal_heads_store.mark, till, refused)
            log.warning("journal heads refused: %s", refused.message)
        raise Refused(422, refused.code, refused.message_id, **refused.params) from None
    return JSONResponse({"kept": kept})


async def health(request: Request) -> JSONResponse:
    """Whether the server runs, and its protocol version; no token needed."""
    return JSONResponse({"v": PROTOCOL_VERSION, "ok": True})


def _header_version(request: Request) -> object:
    text = request.headers.get(VERSION_HEADER)
    return int(text) if text is not None and text.isascii() and text.isdigit() else text


async def _till(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refused(401, "unauthorised", refusals.UNAUTHORISED_NO_TOKEN)
    till = await _in_database(store.authenticate, token.strip())
    if till is None:
        raise Refused(401, "unauthorised", refusals.UNAUTHORISED_TOKEN)
    if await _in_database(integrations.is_integration, till):
        raise Refused(403, "not_a_till", refusals.NOT_A_TILL, till=till)
    return till


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large() -> Refused:
    return Refused(413, "too_large", refusals.BODY_TOO_LARGE, most=MAX_BODY_BYTES)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise Refused(400, "malformed", refusals.NOT_UTF8, reason=error.reason) from None
    except ValueError as error:
        raise Refused(400, "malformed", refusals.MALFORMED, reason=str(error)) from None
    except RecursionError:
        raise Refused(400, "malformed", refusals.TOO_DEEP) from None


async def _in_database(function: Callable[..., T], *args: Any) -> T:
    """Run ``function`` on a worker thread with its own connection (the event loop never
    waits on the database); a busy database is a 503 the till retries."""

    def run() -> T:
        with database.connection_context():
            return function(*args)

    try:
        return await run_in_threadpool(run)
    except store.BUSY_ERRORS as error:
        log.warning("database busy: %s", error)
        raise Refused(503, "busy", refusals.BUSY) from None


async def _refused(request: Request, error: Refused) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status)
