"""The server's customer file, as the tills send it."""

from __future__ import annotations

import json

from sync.protocol import Change
from sync.server.errors import Conflict
from sync.server.models import ServerCustomer


def apply_customer(till: str, change: Change) -> None:
    payload = change.payload
    if change.operation == "create":
        if ServerCustomer.get_or_none(ServerCustomer.id == payload["id"]) is not None:
            return
        if ServerCustomer.get_or_none(ServerCustomer.code == payload["code"]) is not None:
            raise Conflict(
                f"Customer code {payload['code']} from till {till} belongs to another customer "
                "already: do two tills share a till number?"
            )
        ServerCustomer.insert(
            id=payload["id"],
            code=payload["code"],
            fields=json.dumps(payload["fields"], ensure_ascii=False, sort_keys=True),
            created_at=payload["at"],
            updated_at=payload["at"],
            till=till,
        ).execute()
        return
    # Provisional until the field-by-field HLC merge: the later arrival wins.
    row = ServerCustomer.get_or_none(ServerCustomer.id == payload["id"])
    if row is None:
        return
    if change.operation == "delete":
        row.deleted = True
    else:
        row.fields = json.dumps(
            {**json.loads(row.fields), **payload["fields"]}, ensure_ascii=False, sort_keys=True
        )
    row.updated_at = payload["at"]
    row.save()
