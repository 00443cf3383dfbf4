"""What the server does with its database: tills and their tokens, applying a push all or
nothing, and reading the change feed. No HTTP here (sync/server/app.py speaks it)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast
from urllib.parse import urlsplit

from peewee import Database, IntegrityError, OperationalError
from playhouse.db_url import connect
from playhouse.pool import MaxConnectionsExceeded

from sync.protocol import (
    MAX_BODY_BYTES,
    PROTOCOL_VERSION,
    Change,
    PullRequest,
    PushAnswer,
    PushBatch,
)
from sync.refusals import REUSED, REUSED_KEY, REUSED_SEQ, Said
from sync.server import privacy
from sync.server.apply import apply_change
from sync.server.errors import Conflict, ServerError
from sync.server.models import (
    SERVER_MODELS,
    AcceptedBatch,
    FeedCounter,
    FeedEntry,
    Till,
    database,
)
from till.core.words import N_, Word

log = logging.getLogger(__name__)

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 200
_TILL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL: an answered push survives a power cut
    "foreign_keys": 1,
    "busy_timeout": 10_000,
}
POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresext", "postgresqlext", "psycopg3"}
"""``playhouse.db_url``'s names for PostgreSQL, each also with ``+pool``."""
POSTGRES_LOCK_TIMEOUT_MS = 10_000
"""As SQLite's busy timeout: a push waiting longer for a lock is a 503 the till retries."""
_CREATE_TABLES_LOCK = 0x7117_5E4F
BUSY_ERRORS = (OperationalError, MaxConnectionsExceeded)
"""A busy database: a lock or connection waited for too long, a serialization failure, the
database unreachable (Peewee's OperationalError, whatever the driver), or every connection of a
pooled URL in use. A request meeting one is a 503 the till retries."""
"""A PostgreSQL advisory lock: servers starting together create the tables one at a time."""


def open_server_database(url: str) -> Database:
    """Bind the server's models to the database at ``url`` (as ``playhouse.db_url`` reads
    it) and create the tables it lacks."""
    scheme = urlsplit(url).scheme
    options: dict[str, Any] = {}
    if scheme.startswith("sqlite"):
        # Every transaction takes the write lock at BEGIN: two pushes never both read, then
        # fail to write ("database is locked"); the feed numbering waits its turn instead.
        options = {"pragmas": SQLITE_PRAGMAS, "lock_type": "IMMEDIATE", "timeout": 10}
    postgres = scheme.partition("+")[0] in POSTGRES_SCHEMES
    if postgres:
        options = {"options": f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS}"}
    try:
        db = connect(url, **options)
    except Exception as error:  # an unknown scheme, a missing driver
        raise ServerError(
            N_("cannot use the database URL ({scheme}): {reason}"),
            scheme=scheme or Word(N_("no scheme")),
            reason=str(error),
        ) from None
    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()
    database.initialize(db)
    try:
        with db.connection_context():
            _create_what_is_missing(db, postgres)
    except Exception as error:
        raise ServerError(
            N_("cannot open the server database ({reason})."), reason=str(error)
        ) from None
    return db


def _create_what_is_missing(db: Database, postgres: bool) -> None:
    """Create the tables and the feed counter's row if they are missing, and take no lock when
    nothing is: a server starting beside others must not wait for their pushes (SQLite's write
    lock; on PostgreSQL the counter's row lock, and the table lock even a
    ``CREATE INDEX IF NOT EXISTS`` takes first), nor make them wait behind it."""
    missing = [model for model in SERVER_MODELS if not model.table_exists()]
    if not missing and FeedCounter.get_or_none(FeedCounter.id == 1) is not None:
        return
    with db.atomic():
        if postgres:  # two CREATE TABLE IF NOT EXISTS at once: one fails on pg_type
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_CREATE_TABLES_LOCK,))
        db.create_tables([model for model in SERVER_MODELS if not model.table_exists()])
        FeedCounter.insert(id=1, value=0).on_conflict_ignore().execute()


def _now() -> str:
    return datetime.now(UTC).isoformat()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_till(name: str) -> str:
    """Register a till; returns its new token (shown once: only its hash is kept)."""
    if not _TILL_NAME.match(name):
        raise ServerError(
            N_("{name!r} cannot name a till: 1 to 40 letters, digits, '.', '_' or '-'."), name=name
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    try:
        with database.atomic():
            Till.insert(name=name, token_hash=token_hash(token), created_at=_now()).execute()
    except IntegrityError:
        raise ServerError(N_("A till named {name} exists already."), name=name) from None
    return token


@dataclass(frozen=True)
class TillInfo:
    name: str
    revoked: bool
    created_at: str


def list_tills() -> list[TillInfo]:
    return [
        TillInfo(row.name, row.revoked, row.created_at) for row in Till.select().order_by(Till.name)
    ]


def revoke(name: str) -> None:
    with database.atomic():
        if not Till.update(revoked=True).where(Till.name == name).execute():
            raise ServerError(N_("No till is named {name}."), name=name)


def authenticate(token: str) -> str | None:
    """The name of the till holding ``token``, or None (unknown, revoked)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    presented = token_hash(token)
    row = Till.get_or_none(Till.token_hash == presented)
    if row is None or row.revoked:
        return None
    return row.name if hmac.compare_digest(row.token_hash, presented) else None


def lock_feed() -> int:
    """Take the feed counter's lock in the caller's transaction (a row lock on PostgreSQL;
    SQLite holds the database's since BEGIN IMMEDIATE) and return the last number given.
    Whoever numbers changes holds it until commit and writes the counter in the same
    transaction: numbers are given in commit order, with no gap a reader could step over."""
    database.execute_sql("UPDATE feed_counter SET value = value WHERE id = 1")
    return FeedCounter.get_by_id(1).value


def push(till: str, batch: PushBatch) -> dict[str, Any]:
    """Apply ``batch`` from ``till`` all or nothing; a replayed key gets its first answer."""
    with database.atomic():
        # The feed's lock first: a replay of a key being applied waits for its answer.
        last = lock_feed()
        stored = AcceptedBatch.get_or_none(
            (AcceptedBatch.till == till) & (AcceptedBatch.key == batch.key)
        )
        digest = batch.digest()
        if stored is not None:
            if stored.digest != digest and not _resent_erased(till, batch):
                raise Conflict(REUSED, till=till, what=Said(REUSED_KEY, {"key": batch.key}))
            return json.loads(stored.answer)
        now = _now()
        accepted = 0
        erased = privacy.anonymised_among(batch.changes)
        for change in batch.changes:
            known = FeedEntry.get_or_none(
                (FeedEntry.till == till) & (FeedEntry.till_seq == change.seq)
            )
            if known is not None:
                if not _same(known, change):
                    what = Said(REUSED_SEQ, {"seq": change.seq})
                    raise Conflict(REUSED, till=till, what=what)
                continue
            last += 1
            FeedEntry.insert(
                seq=last,
                till=till,
                till_seq=change.seq,
                entity=change.entity,
                entity_id=change.entity_id,
                operation=change.operation,
                payload=json.dumps(
                    privacy.stored_payload(change, erased),
                    separators=(",", ":"),
                    ensure_ascii=False,
                ),
                received_at=now,
            ).execute()
            if not privacy.refuses(till, change, erased):  # no personal value comes back
                apply_change(till, change)
            erased |= privacy.erased_by(change)
            accepted += 1
        FeedCounter.update(value=last).where(FeedCounter.id == 1).execute()
        answer = PushAnswer(
            key=batch.key,
            up_to_seq=batch.changes[-1].seq,
            accepted=accepted,
            duplicates=len(batch.changes) - accepted,
            feed_seq=last,
        ).to_json()
        AcceptedBatch.insert(
            till=till, key=batch.key, digest=digest, answer=json.dumps(answer), accepted_at=now
        ).execute()
    log.info(
        "push from %s: %d new, %d known, feed at %d", till, accepted, answer["duplicates"], last
    )
    return answer


def _same(known: FeedEntry, change: Change) -> bool:
    """The change the feed has under this till and number (its personal values may have been
    erased since, on either side: sync/server/privacy.py)."""
    head = (known.entity, known.entity_id, known.operation)
    return head == (change.entity, change.entity_id, change.operation) and privacy.same_change(
        known, change
    )


def _resent_erased(till: str, batch: PushBatch) -> bool:
    """A batch pushed again under its key after a customer in it was erased: every change is
    one the feed has, as it was or erased."""
    for change in batch.changes:
        known = FeedEntry.get_or_none((FeedEntry.till == till) & (FeedEntry.till_seq == change.seq))
        if known is None or not _same(known, change):
            return False
    return True


def pull(request: PullRequest) -> bytes:
    """The answer to a pull, as the JSON body the till reads (``PullAnswer``'s form): the
    changes after the cursor, oldest first, at most ``limit`` of them and no more than the
    till would accept in one push's body (always one, however large). Each payload goes out
    as the feed stores it (JSON that ``push`` wrote): a model per row, each payload decoded and
    encoded again, took four fifths of the server's time serving a new till's first sync
    (bench/sync_initial.py)."""
    rows = cast(
        "Iterable[tuple[int, str, str, str, str, str]]",
        FeedEntry.select(
            FeedEntry.seq,
            FeedEntry.till,
            FeedEntry.entity,
            FeedEntry.entity_id,
            FeedEntry.operation,
            FeedEntry.payload,
        )
        .where(FeedEntry.seq > request.after)
        .order_by(FeedEntry.seq)
        .limit(request.limit)
        .tuples(),
    )
    changes: list[str] = []
    cursor, size, more = request.after, 0, False
    for seq, till, entity, entity_id, operation, payload in rows:
        size += len(payload)
        if changes and size > MAX_BODY_BYTES:
            more = True
            break
        changes.append(
            f'{{"seq":{int(seq)},"till":{_text(till)},"entity":{_text(entity)},'
            f'"entity_id":{_text(entity_id)},"operation":{_text(operation)},"payload":{payload}}}'
        )
        cursor = seq
    more = more or len(changes) == request.limit
    return (
        f'{{"v":{PROTOCOL_VERSION},"changes":[{",".join(changes)}],'
        f'"cursor":{int(cursor)},"more":{"true" if more else "false"}}}'
    ).encode()


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
