"""The till's side of sync: push the outbox, pull the feed, over one long-lived HTTP client.

A push sends the oldest unconfirmed outbox rows under a key made from them, and marks them
confirmed only once the server has answered; a timeout, a lost connection or a 5xx is
retried with backoff, which is safe because a replayed key gets the first answer back. A pull
applies the changes after the stored cursor and stores the new cursor in the same local
transaction. The caller holds the till's database open (``storage.db.open_database``).
"""

from __future__ import annotations

import json
import logging
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from storage import journal_seal, keys, outbox, sync_state, users
from storage.remote_changes import Applied, RemoteChange, apply_remote, pull_cursor
from sync.fields import ProtocolError
from sync.history import HistoryPage, HistoryRequest
from sync.protocol import (
    MAX_BATCH_CHANGES,
    MAX_BODY_BYTES,
    PROTOCOL_VERSION,
    VERSION_HEADER,
    Change,
    PullAnswer,
    PullRequest,
    PushAnswer,
    PushBatch,
    VersionMismatch,
    check_version,
)
from sync.refusals import Refusal
from till.core.words import N_, Word
from till.errors import SyncError

log = logging.getLogger(__name__)


TRANSACTION_CHANGES = 500
"""Pulled changes applied per local transaction, whatever the page's size. A sale saved
meanwhile waits for the one in progress. Each transaction of new customers rewrites the pages
of the customer indexes it touches, and the fewer transactions, the fewer rewrites: a
100,000-customer first sync wrote 5.1 GB to the disk with 200 a transaction and 2.9 GB with
500 (with ``sync_state.pulling``'s larger cache), its CPU 0.35 then 0.27 ms a customer; but
the longest transaction took 0.5 to 1.0 s with 200 and 0.6 to 1.7 s with 500 on a machine
loaded 4 to 7 (docs/performance.md, "Sync: where the time goes")."""


class ServerRefused(SyncError):
    """The server answered with a refusal (4xx): its status, the code it gave and what it
    said, worded in the till's language when the till knows its message id."""

    def __init__(self, status: int, code: str, refusal: Refusal) -> None:
        super().__init__(N_("The server refused: {refusal}"), refusal=refusal)
        self.status = status
        self.code = code
        self.refusal = refusal


class ServerUnreachable(SyncError):
    """The server could not be reached or kept failing (timeouts, refused or cut connections,
    5xx): the till is offline, as opposed to refused."""


UNREACHABLE = N_("Sync failed: cannot reach the server at {url} ({reason}).")
SERVER_FAILED = N_("Sync failed: the server failed ({status}: {said}).")
NOT_JSON = N_("Sync failed: the server's answer is not JSON.")
BAD_PEPPER = N_("The server sent a PIN pepper this till refuses.")


@dataclass(frozen=True)
class PushResult:
    """One push: how many outbox rows went, and what the server made of them."""

    sent: int
    answer: PushAnswer | None


@dataclass(frozen=True)
class PullResult:
    received: int
    applied: Applied
    cursor: int
    more: bool


class SyncClient:
    """Talks to one back-office server as one till. Thread-safe: two workers pushing from the
    same till take turns, so one batch is never sent twice at once."""

    def __init__(
        self,
        url: str,
        token: str,
        till: str,
        *,
        ca_bundle: str | None = None,
        connect_timeout: float = 3.0,
        timeout: float = 15.0,
        attempts: int = 4,
        backoff: float = 0.5,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if timeout <= 0 or connect_timeout <= 0:
            raise ValueError("sync timeouts must be positive")
        self.till = till
        self.attempts = max(1, attempts)
        self.backoff = backoff
        verify: ssl.SSLContext | bool = True
        if ca_bundle:
            try:
                verify = ssl.create_default_context(cafile=ca_bundle)
            except (OSError, ssl.SSLError) as error:
                log.info("CA bundle %s not read: %s", ca_bundle, error)
                raise SyncError(
                    N_("{path}: not a CA bundle this till can read ({reason})."),
                    path=ca_bundle,
                    reason=_file_problem(error),
                ) from None
        self._http = httpx.Client(
            base_url=url,
            headers={"Authorization": f"Bearer {token}", VERSION_HEADER: str(PROTOCOL_VERSION)},
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            verify=verify,
            transport=transport,
        )
        self._push_lock = threading.Lock()
        self._pull_lock = threading.Lock()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def push_once(self, limit: int = MAX_BATCH_CHANGES) -> PushResult:
        """Push the oldest unconfirmed outbox rows (at most ``limit``)."""
        with self._push_lock:
            rows = outbox.pending(min(limit, MAX_BATCH_CHANGES))
            if not rows:
                return PushResult(0, None)
            changes = tuple(
                Change(r["seq"], r["entity"], r["entity_id"], r["operation"], r["payload"])
                for r in rows
            )
            batch, body = self._fitting_batch(changes)
            answer = PushAnswer.from_json(
                self._request(
                    "POST", "/v1/push", content=body, headers={"Content-Type": "application/json"}
                )
            )
            changes = batch.changes
            if answer.key != batch.key or answer.up_to_seq != changes[-1].seq:
                raise SyncError(
                    N_(
                        "The server answered batch {answer} up to {up_to} for batch {batch};"
                        " nothing is marked as sent."
                    ),
                    answer=answer.key,
                    up_to=answer.up_to_seq,
                    batch=batch.key,
                )
            outbox.acknowledge(answer.up_to_seq)
            return PushResult(len(changes), answer)

    def _fitting_batch(self, changes: tuple[Change, ...]) -> tuple[PushBatch, bytes]:
        """``changes`` from the first, halved until the body fits what the server reads
        (large sales make large bodies); the same rows always give the same batch."""
        while True:
            batch = PushBatch(self.till, PushBatch.key_for(self.till, changes), changes)
            body = json.dumps(batch.to_json(), separators=(",", ":")).encode("utf-8")
            if len(body) <= MAX_BODY_BYTES or len(changes) == 1:
                return batch, body
            changes = changes[: len(changes) // 2]

    def push_all(self) -> int:
        """Push until nothing is pending; the number of rows sent."""
        total = 0
        while sent := self.push_once().sent:
            total += sent
        return total

    def pull_once(self, limit: int | None = None) -> PullResult:
        """Apply the next changes after this till's cursor."""
        with self._pull_lock:
            after = pull_cursor()
            answer = self._checked(self._download(after, limit), after)
            with sync_state.pulling():
                return self._apply(answer)

    def pull_pages(
        self, limit: int | None = None, stop: Callable[[], bool] = lambda: False
    ) -> Iterator[PullResult]:
        """Pull page after page until the feed is exhausted or ``stop()`` says so, each page
        applied as ``pull_once`` applies it (its own transaction, in this thread: the one
        writer). While a page is applied, the next one is downloaded in a thread of its own,
        so a long catch-up (a new till's first sync) does not wait for the server between
        pages. Pages are checked in this thread, outside the transactions: checking in the
        other would hold the interpreter while a page's transaction waits, and a sale behind
        it. A page asked after a cursor that another sync of this till has moved meanwhile is
        asked again from the new cursor. The pages' commits do not wait for the disk
        (``sync_state.pulling``)."""
        with self._pull_lock, sync_state.pulling():
            after = pull_cursor()
            ahead = _Ahead(self._download, after, limit)
            while True:
                answer = self._checked(ahead.result(), after)
                moved = pull_cursor()
                if moved != after:  # another sync of this till applied pages meanwhile
                    after = moved
                    answer = self._checked(self._download(after, limit), after)
                if answer.more and not stop():
                    ahead = _Ahead(self._download, answer.cursor, limit)
                result = self._apply(answer)
                yield result
                if not result.more or stop():
                    return
                after = result.cursor

    def _download(self, after: int, limit: int | None) -> Any:
        """The server's answer to a pull after ``after`` (JSON, not checked yet)."""
        request = PullRequest(after=after, **({"limit": limit} if limit else {}))
        return self._request("GET", "/v1/changes", params=request.to_params())

    @staticmethod
    def _checked(document: Any, after: int) -> PullAnswer:
        try:
            return PullAnswer.from_json(document, after)
        except ProtocolError as error:
            raise SyncError(
                N_("The server sent a change this till refuses: {reason}"), reason=error
            ) from None

    def _apply(self, answer: PullAnswer) -> PullResult:
        """Apply a page, ``TRANSACTION_CHANGES`` at a time: each part in its own transaction
        with the cursor at its last change (the page's cursor for the last part), so a page
        of any size keeps the database to itself only briefly, and a crash between parts
        leaves the cursor on what is applied."""
        changes = answer.changes
        counts = [0, 0, 0]
        for start in range(0, max(len(changes), 1), TRANSACTION_CHANGES):
            part = changes[start : start + TRANSACTION_CHANGES]
            last = start + TRANSACTION_CHANGES >= len(changes)
            # This till's own changes come back too (the feed is the server's checkpoint),
            # but they are already here, as they are now: applying them again could bring
            # back what was deleted since.
            applied = apply_remote(
                (
                    RemoteChange(c.entity, c.operation, c.payload, c.till)
                    for c in part
                    if c.till != self.till
                ),
                answer.cursor if last else part[-1].seq,
                node=self.till,
            )
            counts[0] += applied.inserted
            counts[1] += applied.already_here
            counts[2] += applied.passed_over
        return PullResult(len(changes), Applied(*counts), answer.cursor, answer.more)

    def pull_all(self, limit: int | None = None) -> int:
        """Pull until the feed is exhausted; the number of changes received."""
        return sum(result.received for result in self.pull_pages(limit))

    def sync_once(self) -> tuple[int, int]:
        """Push everything pending, then pull everything new: (pushed, pulled)."""
        pushed, pulled = self.push_all(), self.pull_all()
        sync_state.mark_synced(int(time.time()))
        self.fetch_pin_pepper()
        self.send_journal_heads()
        return pushed, pulled

    def fetch_pin_pepper(self) -> bool:
        """Once the till has users from the back office: the business's PIN pepper, kept in
        the key folder (refused if another is kept there). True when it was new."""
        directory = journal_seal.key_directory()
        if not users.has_server_users() or keys.business_pepper(directory) is not None:
            return False
        try:
            document = self._request("GET", "/v1/pin-pepper")
        except ServerRefused as refused:
            if refused.status == 404:  # the back office has no users (any more)
                return False
            raise
        text = document.get("pepper") if isinstance(document, dict) else None
        if not (isinstance(text, str) and len(text) == 64):
            raise SyncError(BAD_PEPPER)
        try:
            secret = bytes.fromhex(text)
        except ValueError:
            raise SyncError(BAD_PEPPER) from None
        return keys.keep_business_pepper(directory, secret)

    def send_journal_heads(self) -> dict[str, int]:
        """Send the ends of this till's journal (its anchor) and its public key: the back
        office keeps the furthest and refuses a journal that went back or was rewritten
        (a SyncError with its reason). Nothing to send before the first signed seal."""
        directory = journal_seal.key_directory()
        if not (directory / keys.PUBLIC).exists():
            return {}
        heads = journal_seal.read_anchor(directory) or {}
        if not heads:
            return {}
        body = {
            "public_key": keys.public_pem(keys.public_raw(directory)).decode(),
            "chains": heads,
        }
        document = self._request("POST", "/v1/journal-heads", json=body)
        kept = document.get("kept") if isinstance(document, dict) else None
        return kept if isinstance(kept, dict) else {}

    def health(self) -> int:
        """The server's protocol version, from ``GET /v1/health`` (no token needed);
        a ``VersionMismatch`` when it is not this till's."""
        document = self._request("GET", "/v1/health")
        version = document.get("v") if isinstance(document, dict) else None
        check_version(version, local_is_server=False)
        return PROTOCOL_VERSION

    def check_token(self) -> None:
        """The cheapest call that needs the token (one change at most, not applied): a
        ``SyncError`` when the server refuses it."""
        self._request("GET", "/v1/changes", params=PullRequest(after=0, limit=1).to_params())

    def customer_history(self, request: HistoryRequest) -> HistoryPage:
        """A page of a customer's sales from every till, as the server keeps them (the till
        holds only the recent ones of other tills)."""
        document = self._request(
            "GET", f"/v1/customers/{request.customer_id}/history", params=request.to_params()
        )
        try:
            return HistoryPage.from_json(document)
        except ProtocolError as error:
            raise SyncError(
                N_("The server sent a history this till refuses: {reason}"), reason=error
            ) from None

    def _request(self, method: str, path: str, **options: Any) -> Any:
        failure = ServerUnreachable(NOT_JSON)
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1) * (0.5 + random.random()))
            try:
                response = self._http.request(method, path, **options)
            except httpx.TransportError as error:  # timeouts, refused and cut connections
                failure = ServerUnreachable(
                    UNREACHABLE, url=str(self._http.base_url), reason=network_problem(error)
                )
                log.info(
                    "sync %s %s: cannot reach the server (%s); attempt %d",
                    method,
                    path,
                    _reason(error),
                    attempt + 1,
                )
                continue
            if response.status_code >= 500:
                failure = ServerUnreachable(
                    SERVER_FAILED, status=response.status_code, said=_refusal(response)
                )
                log.info(
                    "sync %s %s: the server failed (%d: %s); attempt %d",
                    method,
                    path,
                    response.status_code,
                    _message(response),
                    attempt + 1,
                )
                continue
            if response.status_code == 409:
                raise VersionMismatch("{refusal}", refusal=_refusal(response))
            if response.status_code >= 400:
                raise ServerRefused(response.status_code, _code(response), _refusal(response))
            try:
                return response.json()
            except (ValueError, RecursionError):  # RecursionError: JSON nested too deeply
                failure = ServerUnreachable(NOT_JSON)
        raise failure


class _Ahead:
    """``download(after, limit)`` run in a daemon thread (a hung request cannot hold the
    till's exit); ``result()`` waits for it, and raises what it raised."""

    def __init__(self, download: Callable[[int, int | None], Any], after: int, limit: int | None):
        self._document: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(download, after, limit), name="till-sync-ahead", daemon=True
        )
        self._thread.start()

    def _run(
        self, download: Callable[[int, int | None], Any], after: int, limit: int | None
    ) -> None:
        try:
            self._document = download(after, limit)
        except BaseException as error:  # handed to the thread that waits for the page
            self._error = error

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._document


def _reason(error: httpx.TransportError) -> str:
    """The network error's own words, for the log only (Python's English, the OS's)."""
    return str(error) or type(error).__name__


def network_problem(error: httpx.TransportError) -> Word:
    """What kind of network failure ``error`` is, as a word of the catalog: the timeout, the
    refused connection or the untrusted certificate, found among the errors it wraps."""
    causes = list(_causes(error))
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return Word(N_("its TLS certificate is not trusted"))
    for cause in causes:
        if isinstance(cause, ssl.SSLError):
            return Word(N_("the TLS handshake failed"))
        if isinstance(cause, ConnectionRefusedError):
            return Word(N_("connection refused"))
        if isinstance(cause, socket.gaierror):
            return Word(N_("the server's name is not known"))
    if isinstance(error, httpx.ConnectTimeout):
        return Word(N_("the connection timed out"))
    if isinstance(error, httpx.TimeoutException):
        return Word(N_("no answer in time"))
    if isinstance(error, httpx.ConnectError):
        return Word(N_("the connection failed"))
    if isinstance(error, httpx.ProxyError):
        return Word(N_("the proxy refused the connection"))
    if isinstance(error, httpx.UnsupportedProtocol):
        return Word(N_("the URL does not start with http:// or https://"))
    return Word(N_("the connection was cut"))


def _causes(error: BaseException) -> Iterator[BaseException]:
    """``error`` and the errors it was raised from, nearest first (at most a few)."""
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return
        yield seen
        seen = seen.__cause__ or seen.__context__


def _file_problem(error: OSError | ssl.SSLError) -> Word:
    if isinstance(error, ssl.SSLError):
        return Word(N_("no certificate in it"))
    if isinstance(error, FileNotFoundError):
        return Word(N_("no such file"))
    if isinstance(error, PermissionError):
        return Word(N_("not allowed to read it"))
    return Word(N_("it cannot be read"))


def _code(response: httpx.Response) -> str:
    try:
        code = response.json().get("error", "")
    except (ValueError, AttributeError, RecursionError):
        return ""
    return code if isinstance(code, str) and code.isascii() and len(code) <= 40 else ""


def _refusal(response: httpx.Response) -> Refusal:
    """What the server said of its refusal: its message id and values, and its own line."""
    try:
        document = response.json()
    except (ValueError, RecursionError):
        document = None
    return Refusal.from_json(document, _message(response))


def _message(response: httpx.Response) -> str:
    """The server's one-line message, printable and short."""
    try:
        message = str(response.json().get("message", ""))
    except (ValueError, AttributeError, RecursionError):
        message = response.text
    message = " ".join("".join(c if c.isprintable() else " " for c in message).split())
    return message[:300] or f"HTTP {response.status_code}"
