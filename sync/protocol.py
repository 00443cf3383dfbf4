"""The sync protocol between a till and the back office, version 1: plain JSON documents.

- A push batch: ``{"v", "till", "key", "changes": [{"seq", "entity", "entity_id",
  "operation", "payload"}]}``, the changes taken in order from the till's outbox; ``key`` makes
  a replay answer what the first push answered.
- A push answer: ``{"v", "key", "up_to_seq", "accepted", "duplicates", "feed_seq"}``.
- A pull request: ``GET /v1/changes?after=N&limit=M``.
- A pull answer: ``{"v", "changes": [{"seq", "till", "entity", "entity_id", "operation",
  "payload"}], "cursor", "more"}``.

Every incoming document is read by ``Fields`` (sync/fields.py): a refusal names the record
and the field. A document of another version gives one line saying which side to update.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from itertools import pairwise
from typing import Any

from sync import field_refusals as ids
from sync import refusals
from sync.fields import Fields, why
from sync.payloads import MASTER_DATA, check_payload
from till.core.words import N_
from till.errors import SyncError

PROTOCOL_VERSION = 1

MAX_BATCH_CHANGES = 500
"""Changes in one push: a till with more sends several batches."""
MAX_BODY_BYTES = 4 * 1024 * 1024
"""The largest request body the server reads: 500 large sales fit well inside."""
MAX_PULL_LIMIT = 1_000
DEFAULT_PULL_LIMIT = 500
MAX_SEQ = 2**62
"""Sequence numbers (the till's outbox, the server's feed) stay well inside 64 bits."""
MAX_KEY_LENGTH = 120
MAX_TILL_NAME = 40
VERSION_HEADER = "Till-Sync-Version"
"""The header a pull carries its protocol version in (a push carries ``v`` in its body)."""
SERVER_ORIGIN = "@server"
"""The ``till`` of a change the back office made itself (an import): no till can have this
name (till names start with a letter or digit), so no till passes it over as its own."""


class VersionMismatch(SyncError):
    """The till and the server speak different versions of the protocol."""


def version_line(till_version: object, server_version: int = PROTOCOL_VERSION) -> str:
    """The one line both sides print when the versions differ, in English (the server's
    ``message``): which side to update."""
    mismatch = version_mismatch(till_version, server_version)
    return refusals.english(mismatch.message_id, mismatch.params)


def version_mismatch(
    till_version: object, server_version: int = PROTOCOL_VERSION
) -> VersionMismatch:
    """The error both sides raise when the versions differ, naming the side to update."""
    if not isinstance(till_version, int) or isinstance(till_version, bool):
        return VersionMismatch(refusals.NO_TILL_VERSION, version=repr(till_version)[:40])
    older = refusals.UPDATE_TILL if till_version < server_version else refusals.UPDATE_SERVER
    return VersionMismatch(older, till_version=till_version, server_version=server_version)


def check_version(value: object, *, local_is_server: bool) -> None:
    """VersionMismatch unless ``value`` (the other side's ``v``) is ours."""
    if value == PROTOCOL_VERSION and not isinstance(value, bool):
        return
    if local_is_server:
        raise version_mismatch(value, PROTOCOL_VERSION)
    if not isinstance(value, int) or isinstance(value, bool):
        raise VersionMismatch(
            N_("The server sent no usable protocol version ({version})."),
            version=repr(value)[:40],
        )
    raise version_mismatch(PROTOCOL_VERSION, value)


@dataclass(frozen=True)
class Change:
    """One outbox row on its way to the server; ``seq`` is the till's outbox number."""

    seq: int
    entity: str
    entity_id: str
    operation: str
    payload: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PushBatch:
    """Changes a till pushes, in its outbox order, under one idempotency key."""

    till: str
    key: str
    changes: tuple[Change, ...]
    v: int = PROTOCOL_VERSION

    @staticmethod
    def key_for(till: str, changes: tuple[Change, ...] | list[Change]) -> str:
        """The same rows always make the same key, so a retry is recognised as one."""
        return f"{till}:{changes[0].seq}-{changes[-1].seq}:{len(changes)}"

    def digest(self) -> str:
        """What the batch carries, as a SHA-256: a key replayed with other changes is not a
        replay but a till that lost its database, and is refused."""
        canonical = json.dumps(
            [change.to_json() for change in self.changes],
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {
            "v": self.v,
            "till": self.till,
            "key": self.key,
            "changes": [change.to_json() for change in self.changes],
        }

    @classmethod
    def from_json(cls, document: Any) -> PushBatch:
        """The batch in ``document``, every field checked; ProtocolError or VersionMismatch."""
        f = Fields(document, why(ids.BATCH))
        check_version(f.raw("v"), local_is_server=True)
        till = f.text("till", MAX_TILL_NAME, empty=False)
        key = f.text("key", MAX_KEY_LENGTH, empty=False)
        items = f.array("changes", MAX_BATCH_CHANGES)
        f.done()
        if not items:
            raise f.error("changes", why(ids.NO_CHANGES))
        changes = tuple(_change(item, n) for n, item in enumerate(items, 1))
        seqs = [change.seq for change in changes]
        if any(b <= a for a, b in pairwise(seqs)):
            raise f.error("changes", why(ids.NOT_IN_ORDER))
        assert till is not None and key is not None
        return cls(till=till, key=key, changes=changes)


def _change(item: Any, n: int) -> Change:
    head = Fields(item, why(ids.CHANGE_AT, n=n))
    seq = head.integer("seq", 1, MAX_SEQ)
    entity = head.token("entity")
    operation = head.token("operation")
    entity_id = head.text("entity_id", 80, empty=False)
    payload = head.obj("payload")
    head.done()
    assert seq is not None and entity_id is not None and payload is not None
    if entity in MASTER_DATA:
        raise head.error("entity", why(ids.BACK_OFFICE_ONLY, entity=entity))
    # seq: the till's outbox number
    body = Fields(payload, why(ids.CHANGE, seq=seq, entity=entity, entity_id=entity_id))
    check_version(body.raw("v"), local_is_server=True)
    check_payload(entity, operation, entity_id, body)
    return Change(seq, entity, entity_id, operation, payload)


@dataclass(frozen=True)
class PushAnswer:
    """What the server answers a push: the batch is in, up to the till's ``up_to_seq``."""

    key: str
    up_to_seq: int
    accepted: int
    """Changes new to the server."""
    duplicates: int
    """Changes it already had (sent before under another batch)."""
    feed_seq: int
    """The feed's last number once the batch was in."""
    v: int = PROTOCOL_VERSION

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, document: Any) -> PushAnswer:
        f = Fields(document, why(ids.PUSH_ANSWER))
        check_version(f.raw("v"), local_is_server=False)
        answer = cls(
            key=f.text("key", MAX_KEY_LENGTH, empty=False) or "",
            up_to_seq=f.integer("up_to_seq", 1, MAX_SEQ) or 0,
            accepted=f.integer("accepted", 0, MAX_BATCH_CHANGES) or 0,
            duplicates=f.integer("duplicates", 0, MAX_BATCH_CHANGES) or 0,
            feed_seq=f.integer("feed_seq", 0, MAX_SEQ) or 0,
        )
        f.done()
        return answer


@dataclass(frozen=True)
class PullRequest:
    """Changes after ``after`` in the server's feed, at most ``limit`` of them."""

    after: int
    limit: int = DEFAULT_PULL_LIMIT

    def to_params(self) -> dict[str, int]:
        return {"after": self.after, "limit": self.limit}

    @classmethod
    def from_params(cls, params: Any) -> PullRequest:
        """From the query string: ``after`` required, ``limit`` optional and bounded."""
        values = {}
        where = Fields({}, why(ids.PULL_REQUEST))
        for name, default, high in (("after", None, MAX_SEQ), ("limit", DEFAULT_PULL_LIMIT, None)):
            text = params.get(name)
            if text is None:
                if default is None:
                    raise where.error(name, why(ids.MISSING))
                values[name] = default
                continue
            if not (text.isascii() and text.isdigit() and len(text) <= 19):
                raise where.error(name, why(ids.WHOLE))
            values[name] = int(text)
            if high is not None and values[name] > high:
                raise where.error(name, why(ids.BEYOND, high=high))
        limit = max(1, min(values["limit"], MAX_PULL_LIMIT))
        return cls(after=values["after"], limit=limit)


@dataclass(frozen=True)
class FeedChange:
    """One change in the server's feed: ``seq`` is its place, ``till`` the till it came from."""

    seq: int
    till: str
    entity: str
    entity_id: str
    operation: str
    payload: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        # Field for field, but shallow: asdict deep-copies each payload, two thirds of the
        # server's time answering a pull of 500 products.
        return {field.name: getattr(self, field.name) for field in fields(self)}


@dataclass(frozen=True)
class PullAnswer:
    """Changes after the cursor, in feed order, and the cursor to ask from next."""

    changes: tuple[FeedChange, ...]
    cursor: int
    more: bool
    v: int = PROTOCOL_VERSION

    def to_json(self) -> dict[str, Any]:
        return {
            "v": self.v,
            "changes": [change.to_json() for change in self.changes],
            "cursor": self.cursor,
            "more": self.more,
        }

    @classmethod
    def from_json(cls, document: Any, after: int) -> PullAnswer:
        """The answer to a pull after ``after``: every change checked as a push is, numbered
        above ``after`` and in order (a server bug must not move the cursor backwards)."""
        f = Fields(document, why(ids.PULL_ANSWER))
        check_version(f.raw("v"), local_is_server=False)
        items = f.array("changes", MAX_PULL_LIMIT)
        cursor = f.integer("cursor", 0, MAX_SEQ) or 0
        more = bool(f.boolean("more"))
        f.done()
        changes = []
        previous = after
        for n, item in enumerate(items, 1):
            head = Fields(item, why(ids.FEED_CHANGE_AT, n=n))
            seq = head.integer("seq", previous + 1, MAX_SEQ) or 0
            till = head.text("till", MAX_TILL_NAME, empty=False) or ""
            entity = head.token("entity")
            operation = head.token("operation")
            entity_id = head.text("entity_id", 80, empty=False) or ""
            payload = head.obj("payload") or {}
            head.done()
            where = why(ids.FEED_CHANGE, seq=seq, entity=entity, entity_id=entity_id)
            body = Fields(payload, where)
            check_version(body.raw("v"), local_is_server=False)
            check_payload(entity, operation, entity_id, body)
            changes.append(FeedChange(seq, till, entity, entity_id, operation, payload))
            previous = seq
        if cursor < previous:
            raise f.error("cursor", why(ids.BEHIND, cursor=cursor))
        return cls(changes=tuple(changes), cursor=cursor, more=more)
