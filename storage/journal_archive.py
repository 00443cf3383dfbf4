"""Signed archives of a period: its sales (with lines, VAT and payments, as the journal hashes
them), events, points and account entries and seals, in one JSON file signed with the
journal's Ed25519 key; and the check of such a file, which needs nothing but the file and the
public key.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from storage import keys, sales
from storage.journal_chains import chain_hash, seal_message
from storage.models import Sale, database
from till.core.words import N_
from till.errors import StorageError, TillError

FORMAT = "till-journal-archive/1"
MAX_ARCHIVE = 2 << 30
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class BadPeriod(TillError):
    """A period that is not YYYY, YYYY-MM or YYYY-MM-DD."""


@dataclass(frozen=True)
class Period:
    name: str
    start: str
    end: str
    """ISO times in UTC; the period is [start, end)."""


def period(text: str) -> Period:
    match = _PERIOD.match(text.strip())
    if not match:
        raise BadPeriod(N_("{text!r}: a period is YYYY, YYYY-MM or YYYY-MM-DD."), text=text)
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        start = datetime(year or 1, month or 1, day or 1, tzinfo=UTC)
    except ValueError:
        raise BadPeriod(N_("{text!r}: no such date."), text=text) from None
    if day:
        end = start + timedelta(days=1)
    elif month:
        end = start.replace(year=year + (month == 12), month=month % 12 + 1)  # type: ignore[operator]
    else:
        end = start.replace(year=start.year + 1)
    return Period(text.strip(), start.isoformat(), end.isoformat())


def export(chosen: Period, key_dir: Path, target: Path) -> dict[str, int]:
    """Write the period's archive to ``target`` (through a temporary file and a rename);
    returns how many of each kind it holds."""
    key = keys.signing_key(key_dir)
    between = (chosen.start, chosen.end)
    sold = (
        Sale.select()
        .where((Sale.created_at >= chosen.start) & (Sale.created_at < chosen.end))
        .order_by(Sale.till_no, Sale.receipt_no)
    )
    content = {
        "sales": [_sale(row) for row in sold],
        "events": _rows("journal_event", "at", between),
        "loyalty_entries": _rows("loyalty_entry", "created_at", between),
        "account_entries": _rows("account_entry", "created_at", between),
        "seals": _rows("journal_seal", "sealed_at", between, order="chain, seq"),
    }
    document = {
        "format": FORMAT,
        "period": chosen.name,
        "from": chosen.start,
        "to": chosen.end,
        "created_at": datetime.now(UTC).isoformat(),
        "key_id": key.key_id,
        "public_key": keys.public_pem(key.public_raw).decode(),
        "content": content,
    }
    document["signature"] = key.sign(_canonical(document)).hex()
    temporary = target.with_name(f".{target.name}.partial")
    try:
        temporary.write_text(json.dumps(document, ensure_ascii=False, indent=1))
        temporary.replace(target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StorageError(
            N_("{file}: cannot write the archive ({reason})."), file=target, reason=error.strerror
        ) from None
    return {name: len(rows) for name, rows in content.items()}


def _sale(row: Sale) -> dict[str, Any]:
    payload, _kept = sales.journal_payload(row)
    return {
        "till_no": row.till_no,
        "receipt_no": row.receipt_no,
        "previous_hash": row.previous_hash,
        "journal_hash": row.journal_hash,
        "journal": payload,
    }


def _rows(
    table: str, column: str, between: tuple[str, str], order: str = "chain_seq"
) -> list[dict[str, Any]]:
    cursor = database.execute_sql(
        f'SELECT * FROM "{table}" WHERE "{column}" >= ? AND "{column}" < ? ORDER BY {order}',
        between,
    )
    names = [column[0] for column in cursor.description]
    rows = [dict(zip(names, values, strict=True)) for values in cursor]
    if table == "journal_seal":  # its row number says nothing the chain and seq do not
        for row in rows:
            del row["id"]
    return rows


def _canonical(document: dict[str, Any]) -> bytes:
    unsigned = {key: value for key, value in document.items() if key != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def verify(path: Path, key_dir: Path | None) -> list[tuple[str, dict[str, Any]]]:
    """What is wrong with the archive at ``path`` as (code, facts); empty when it is intact.
    ``key_dir``: the till's public key, which the archive's must be (else anyone could re-sign
    an edited archive with a key of their own)."""
    try:
        if path.stat().st_size > MAX_ARCHIVE:
            return [("archive_unreadable", {"why": "too large"})]
        document = json.loads(path.read_text(encoding="utf-8"))
        signature = bytes.fromhex(document["signature"])
        public = serialization.load_pem_public_key(document["public_key"].encode())
        content = document["content"]
        if document.get("format") != FORMAT or not isinstance(public, Ed25519PublicKey):
            raise ValueError("not a till journal archive")
    except OSError as error:
        raise StorageError(
            N_("{file}: cannot read the archive ({reason})."), file=path, reason=error.strerror
        ) from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        return [("archive_unreadable", {"why": str(error)[:200]})]
    problems: list[tuple[str, dict[str, Any]]] = []
    if key_dir is not None:
        till_key = keys.public_key(key_dir)
        if till_key.public_bytes_raw() != public.public_bytes_raw():
            problems.append(("archive_other_key", {"key": document.get("key_id", "")}))
    try:
        public.verify(signature, _canonical(document))
    except InvalidSignature:
        problems.append(("archive_signature", {}))
    for sale in content.get("sales", []):
        if chain_hash(sale["previous_hash"], sale["journal"]) != sale["journal_hash"]:
            problems.append(("archive_sale_altered", {"receipt": sale["journal"]["receipt_code"]}))
    for seal in content.get("seals", []):
        message = seal_message(seal["chain"], seal["seq"], seal["head"], seal["sealed_at"])
        try:
            if seal["signature"]:
                public.verify(bytes.fromhex(seal["signature"]), message)
        except (InvalidSignature, ValueError):
            problems.append(("archive_seal_forged", {"chain": seal["chain"], "seq": seal["seq"]}))
    return problems
