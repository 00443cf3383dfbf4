"""What the web service does with the customer file, apart from HTTP: create and update
customers by the till's own rules (till/core/customer.py ``validate_changes``, then the sync
protocol's checks), write each change into the feed the tills pull, look customers up, search
them, and read their balances and history from every till.

A change made here goes through ``store.push`` as a one-change batch in the integration's
name: numbered in the feed under the feed counter's lock like any till's push, applied to the
server's tables by the same appliers, and pulled by every till as a customer change."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from storage.ids import new_id
from sync.fields import Fields, ProtocolError
from sync.history import HistoryPage, HistoryRequest
from sync.payloads import check_customer_value, check_payload
from sync.protocol import PROTOCOL_VERSION, Change, PushBatch, check_version
from sync.refusals import Said
from sync.server import customer_index, merges, sales, store
from sync.server.errors import Conflict, ServerError
from sync.server.ledgers import ledger_balance
from sync.server.models import (
    AcceptedBatch,
    FeedEntry,
    ServerCounter,
    ServerCustomer,
    ServerFieldClock,
    database,
)
from till.core.customer import Customer, FieldErrors, validate_changes
from till.core.hlc import Hlc, start
from till.errors import Reason, reason_of

CODE_COUNTER = "customer_code"
MAX_PAGE = 100
"""Customers in one answer."""
MAX_OFFSET = 10_000
"""How deep paging goes: a search that needs more should say more."""


class NotFound(ServerError):
    """No live customer has that code."""


def server_code(number: int) -> str:
    """A customer code the server gives: ``S-0000042``. A till's codes are ``C``, its till
    number and its own counter (``C01-000042``, till/core/customer.py ``customer_code``), so
    the two never meet."""
    return f"S-{number:07d}"


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _next(counter: str) -> int:
    """The next number of ``counter``, inside the caller's transaction (the row lock makes
    two requests take two numbers)."""
    # Insert-if-absent first: two first requests at once must not both insert the row.
    ServerCounter.insert(name=counter, value=0).on_conflict_ignore().execute()
    ServerCounter.update(value=ServerCounter.value + 1).where(
        ServerCounter.name == counter
    ).execute()
    return int(ServerCounter.get_by_id(counter).value)


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    """Validated values as a customer payload carries them (tuples as lists, kinds as text)."""
    return json.loads(json.dumps(values, ensure_ascii=False))


def _checked(values: dict[str, Any], region: str) -> dict[str, Any]:
    """``values`` by the till's rules, then by the protocol's (which every till applies to
    the feed); FieldErrors naming each refused field."""
    clean = _stored(validate_changes(values, region=region))
    errors: dict[str, Reason] = {}
    for name, value in clean.items():

        def fail(reason: Said) -> ProtocolError:
            return ProtocolError(reason.message_id, **reason.params)

        try:
            check_customer_value(name, value, fail)
        except ProtocolError as error:
            errors[name] = reason_of(error)
    if errors:
        raise FieldErrors(errors)
    return clean


def _clocks(integration: str, customer_id: str | None, names: list[str]) -> dict[str, str]:
    """One clock for every field a change carries, in the integration's name: later than the
    wall clock and than every clock the server holds for the customer, so the change wins
    over what the tills have sent so far and loses to a later edit, as a till's would."""
    now_ms = time.time_ns() // 1_000_000
    stamp = start(integration).tick(now_ms)
    if customer_id is not None:
        held = ServerFieldClock.select(ServerFieldClock.clock).where(
            (ServerFieldClock.entity == "customer") & (ServerFieldClock.entity_id == customer_id)
        )
        for row in held:
            stamp = stamp.receive(Hlc.parse(row.clock), now_ms)
    return dict.fromkeys(names, str(stamp))


def _record(integration: str, key: str, change: Change) -> None:
    """Number ``change`` in the feed and apply it, as a push from ``integration`` under the
    batch key ``key``. It is checked first as every till will check it when it pulls."""
    body = Fields(
        change.payload,
        Said("{entity} {operation}", {"entity": change.entity, "operation": change.operation}),
    )
    check_version(body.raw("v"), local_is_server=True)
    check_payload(change.entity, change.operation, change.entity_id, body)
    store.push(integration, PushBatch(till=integration, key=key, changes=(change,)))


def _request_key(integration: str, idempotency_key: str) -> str:
    """The batch key a create sent with ``Idempotency-Key`` is stored under (bounded)."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:40]
    return f"{integration}:request:{digest}"


def _created_under(integration: str, key: str) -> Customer | None:
    """The customer a create under batch key ``key`` made, if one was made."""
    batch = AcceptedBatch.get_or_none(
        (AcceptedBatch.till == integration) & (AcceptedBatch.key == key)
    )
    if batch is None:
        return None
    entry = FeedEntry.get_by_id(json.loads(batch.answer)["feed_seq"])
    row = ServerCustomer.get_or_none(ServerCustomer.id == entry.entity_id)
    return None if row is None else customer_index.to_customer(row)


def create(
    integration: str,
    values: dict[str, Any],
    *,
    region: str,
    idempotency_key: str | None = None,
) -> tuple[Customer, bool]:
    """A new customer with a server code (only the last name is required), and True; or,
    for an ``idempotency_key`` sent before, the customer that request made, and False."""
    clean = _checked({"last_name": "", **values}, region)
    key = None if idempotency_key is None else _request_key(integration, idempotency_key)
    if key is not None and (made := _created_under(integration, key)) is not None:
        return made, False
    try:
        with database.atomic():
            seq = _next(f"changes:{integration}")
            customer_id, at = new_id(), _now()
            code = server_code(_next(CODE_COUNTER))
            payload = {"v": PROTOCOL_VERSION, "id": customer_id, "code": code, "at": at}
            payload["fields"] = clean
            payload["clocks"] = _clocks(integration, None, list(clean))
            change = Change(seq, "customer", customer_id, "create", payload)
            _record(integration, key or f"{integration}:web:{seq}", change)
            return get(code), True
    except Conflict:
        # The same key from a request that ran at the same time, committed first.
        if key is None or (made := _created_under(integration, key)) is None:
            raise
        return made, False


def update(integration: str, code: str, values: dict[str, Any], *, region: str) -> Customer:
    """Change some fields; values equal to the stored ones are not sent again."""
    clean = _checked(values, region)
    with database.atomic():
        before = get(code)
        current = _stored(asdict(before))
        changed = {name: value for name, value in clean.items() if current.get(name) != value}
        if not changed:
            return before
        seq = _next(f"changes:{integration}")
        payload = {"v": PROTOCOL_VERSION, "id": before.id, "at": _now(), "fields": changed}
        payload["clocks"] = _clocks(integration, before.id, list(changed))
        change = Change(seq, "customer", before.id, "update", payload)
        _record(integration, f"{integration}:web:{seq}", change)
        return get(code)


def _row(code: str) -> ServerCustomer:
    row = ServerCustomer.get_or_none(
        (ServerCustomer.code == code.strip().upper()) & (ServerCustomer.deleted == False)  # noqa: E712
    )
    if row is None:
        raise NotFound(f"No customer has the code {code}.")
    survivor = merges.survivor_id(row.id)  # a duplicate merged away: the customer kept
    return row if survivor == row.id else ServerCustomer.get_by_id(survivor)


def get(code: str) -> Customer:
    return customer_index.to_customer(_row(code))


def search(query: str, *, region: str, limit: int, offset: int) -> list[Customer]:
    rows = customer_index.search(query, region=region, limit=limit, offset=offset)
    return [customer_index.to_customer(row) for row in rows]


def balances(code: str) -> dict[str, Any]:
    """Points and account balance (minor units) from every till's entries on the server."""
    row = _row(code)
    return {
        "code": row.code,
        "points": ledger_balance("loyalty_entry", row.id),
        "account": ledger_balance("account_entry", row.id),
    }


def history(code: str, params: Mapping[str, str]) -> tuple[str, HistoryPage]:
    """The customer's sales and refunds from every till, newest first, as the server holds
    them (sync/server/sales.py); ``params`` as a till's history request reads them
    (``before``, ``before_id``, ``limit``)."""
    row = _row(code)
    return row.code, sales.customer_history(HistoryRequest.from_params(row.id, params))
