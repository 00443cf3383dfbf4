"""The till's side of sync, outside the UI: one long-lived client to the back office, the
status the sale screen and the doctor show, and the worker that syncs every interval, right
after a sale, and backs off with jitter while the server cannot be reached.

Safe beside other syncs of the same till (the register's worker and ``till sync`` in another
process): a push is sent under a key made from its rows, so the server answers a second
sending with the first answer, and the pull cursor only moves forward.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from storage import outbox, sync_state
from storage.db import close_database
from storage.errors import storage_errors
from sync.client import ServerUnreachable, SyncClient
from till.config import SyncSettings
from till.errors import SyncError, TillError
from till.i18n import N_, _, plural

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.0
TIMEOUT = 10.0
"""Seconds for one request: a sync never keeps the till's thread (or a closing register) long."""
ATTEMPTS = 2
"""Requests per call before a sync counts as failed; the worker's backoff takes over then."""
PULL_PAGE = 500
"""Changes a pull asks for. They are applied ``sync.client.TRANSACTION_CHANGES`` per local
transaction (a sale saved meanwhile waits for the one in progress), and the next page is
fetched while one applies (``SyncClient.pull_pages``)."""
PUSH_BATCH = 100
"""Changes a push sends: a backlog of 500 sales took 14–25 s to apply on a loaded PostgreSQL
server (bench/sync_push.py), longer than one request may last; 100 stay well inside it."""
FIRST_RETRY = 2.0
MAX_RETRY = 120.0
NOT_CONFIGURED = N_(
    "sync is not configured: set url, token and name in the [sync] table of the config "
    "(see docs/sync.md)."
)


FAILURE_WORDS = {
    "offline": N_("Offline since {time}"),
    "refused": N_("Sync refused since {time}"),
    "failed": N_("Sync failing since {time}"),
}


@dataclass(frozen=True)
class SyncStatus:
    """This till's standing with the back office, as the screen and the doctor say it."""

    last_success: int = 0
    """Seconds since the epoch of the last complete sync (push and pull); 0: never."""
    waiting: int = 0
    """Local changes the server has not confirmed yet."""
    failing_since: float | None = None
    """When the syncs began failing (seconds since the epoch); None: the last one worked."""
    failure: str = ""
    """What kind of failure: ``offline`` (the network or the server down), ``refused`` (the
    server said no: a revoked token, another protocol version), ``failed`` (anything else:
    this till's database, a bug); "" while syncs work."""
    last_error: str = ""

    @property
    def ok(self) -> bool:
        return self.failing_since is None

    def line(self, time_of: Callable[[datetime], str]) -> str:
        """One short line for the status bar, e.g. ``Synced 12:03`` or ``Offline since 11:40
        · 3 waiting``; ``time_of`` writes a time of day as the till's locale does."""
        waiting = " · " + plural(self.waiting, "{n} waiting", "{n} waiting") if self.waiting else ""
        if self.failing_since is not None:
            since = time_of(datetime.fromtimestamp(self.failing_since, UTC))
            state = FAILURE_WORDS.get(self.failure, FAILURE_WORDS["failed"])
            return _(state).format(time=since) + waiting
        if self.last_success:
            synced = time_of(datetime.fromtimestamp(self.last_success, UTC))
            return _("Synced {time}").format(time=synced) + waiting
        return _("Not synced yet") + waiting


@dataclass(frozen=True)
class SyncResult:
    """What one complete sync did."""

    pushed: int
    pulled: int
    status: SyncStatus


def retry_delay(failures: int, first: float, cap: float, rng: Callable[[], float]) -> float:
    """Seconds to wait after ``failures`` failed syncs in a row: doubling from ``first`` up to
    ``cap``, drawn in the upper half (so tills that lost the server together do not all knock
    at once when it returns, and each delay is at least the one before)."""
    base = min(cap, first * 2 ** min(failures - 1, 32))
    return base / 2 + rng() * base / 2


class SyncService:
    """Syncs this till over one long-lived client; one sync at a time in this process.
    Calls block: run them in a worker thread (the register) or a command."""

    def __init__(
        self,
        settings: SyncSettings,
        *,
        attempts: int = ATTEMPTS,
        timeout: float = TIMEOUT,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        if not settings.enabled:
            raise SyncError(NOT_CONFIGURED)
        self.settings = settings
        self.client = SyncClient(
            settings.url,
            settings.token,
            settings.name,
            ca_bundle=settings.ca_bundle or None,
            connect_timeout=connect_timeout,
            timeout=timeout,
            attempts=attempts,
        )
        self._one_sync = threading.Lock()
        self._interrupted = threading.Event()
        """Set when closing: a long sync (a new till's first) stops after the batch or page
        in progress, leaving the rest for the next run."""
        self._failing_since: float | None = None
        self._failure = ""
        self._last_error = ""

    def close(self) -> None:
        self.client.close()

    def interrupt(self) -> None:
        """Stop the sync in progress after its current batch or page (from any thread)."""
        self._interrupted.set()

    def sync(self) -> SyncResult:
        """Push everything waiting, then pull everything new; a ``TillError`` (a
        ``ServerUnreachable`` when offline) if that failed."""
        with self._one_sync:
            try:
                with storage_errors():
                    pushed, pulled = self._push_and_pull()
            except TillError as error:
                self._failed(error)
                raise
            if self._failing_since is not None:
                log.info("sync works again (it failed since %s)", _iso(self._failing_since))
            self._failing_since, self._last_error, self._failure = None, "", ""
            return SyncResult(pushed, pulled, self.status())

    def _push_and_pull(self) -> tuple[int, int]:
        """(changes sent, changes received from other tills): this till's own come back in
        the feed too, as the server's checkpoint, and are not counted."""
        pushed = pulled = 0
        while not self._interrupted.is_set() and (sent := self.client.push_once(PUSH_BATCH).sent):
            pushed += sent
        if self._interrupted.is_set():
            return pushed, pulled
        for result in self.client.pull_pages(PULL_PAGE, stop=self._interrupted.is_set):
            applied = result.applied
            pulled += applied.inserted + applied.already_here + applied.passed_over
            if not result.more:
                sync_state.mark_synced(int(time.time()))
        return pushed, pulled

    def attempt(self) -> SyncStatus:
        """Sync once and say how it went; nothing raised (a failure is in the status)."""
        try:
            return self.sync().status
        except TillError:
            pass
        except Exception as error:  # a bug: logged with its traceback, and retried like a failure
            log.exception("sync failed unexpectedly")
            self._failed(error)
        return self.status()

    def status(self) -> SyncStatus:
        """The status now (two small reads of the till's database)."""
        try:
            with storage_errors():
                last, waiting = sync_state.synced_at(), outbox.pending_count()
        except TillError as error:
            log.info("sync status not read: %s", error)
            last, waiting = 0, 0
        return SyncStatus(last, waiting, self._failing_since, self._failure, self._last_error)

    def _failed(self, error: BaseException) -> None:
        line = " ".join(str(error).split()) or type(error).__name__
        if self._failing_since is None or line != self._last_error:
            log.info("sync failed: %s", line)  # once, not at every retry; the caller tells
        if self._failing_since is None:
            self._failing_since = time.time()
        self._failure = (
            "offline"
            if isinstance(error, ServerUnreachable)
            else "refused"
            if isinstance(error, SyncError)
            else "failed"
        )
        self._last_error = line

    def checks(self, *, with_database: bool = True) -> Iterator[tuple[str, str]]:
        """What ``till doctor`` says about sync: (ok/warn/fail, message) pairs; the changes
        waiting only ``with_database`` (open and sound)."""
        url = self.settings.url
        try:
            self.client.health()
        except TillError as error:
            yield "fail", str(error)
            return
        yield "ok", _("{url}: reachable, protocol version matches").format(url=url)
        name = self.settings.name
        try:
            self.client.check_token()
        except TillError as error:
            yield "fail", _("till {name}: token refused ({error})").format(name=name, error=error)
        else:
            yield "ok", _("till {name}: token accepted").format(name=name)
        if not with_database:
            return
        status = self.status()
        stale = not status.last_success or (
            time.time() - status.last_success > self.settings.offline_after
        )
        waiting = plural(status.waiting, "{n} change waiting", "{n} changes waiting")
        last = (
            _("last complete sync {at}").format(at=_iso(status.last_success))
            if status.last_success
            else _("last complete sync never")
        )
        yield "warn" if stale and status.waiting else "ok", f"{waiting}, {last}"


class SyncWorker:
    """Syncs in the background: at once, then every ``interval`` seconds and whenever
    :meth:`nudge` is called (a sale was saved). While syncs fail it waits longer and longer
    (:func:`retry_delay`); a nudge then only refreshes the count of changes waiting. One sync
    at a time: a nudge during a sync starts the next one as soon as it ends."""

    def __init__(
        self,
        service: SyncService,
        on_status: Callable[[SyncStatus], object],
        *,
        interval: float,
        first_retry: float | None = None,
        max_retry: float | None = None,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.service = service
        self.on_status = on_status
        self.interval = interval
        self.first_retry = min(FIRST_RETRY if first_retry is None else first_retry, interval)
        self.max_retry = max(MAX_RETRY if max_retry is None else max_retry, self.first_retry)
        self.rng = rng
        self.retry_delays: list[float] = []
        """Each wait after a failure, in order (the tests read them: they must grow)."""
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Sync in a thread of its own (a daemon: a hung request cannot hold the exit)."""
        self._thread = threading.Thread(target=self.run, name="till-sync", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """Sync soon: a sale has just been saved (from any thread; never waits)."""
        self._wake.set()

    def stop(self, timeout: float = TIMEOUT + CONNECT_TIMEOUT) -> None:
        """Stop after the sync in progress, if any; wait for it at most ``timeout`` s."""
        self._stopping.set()
        self._wake.set()
        self.service.interrupt()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.info("sync still running at exit: the server's answer will be lost")

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self) -> None:
        """The loop itself, until :meth:`stop` (the thread's target; ``till sync --daemon``
        calls it in the foreground)."""
        failures = 0
        next_sync = time.monotonic()
        try:
            self.on_status(self.service.status())  # what the last run left, before any wait
            while True:
                nudged = self._wake.wait(max(0.0, next_sync - time.monotonic()))
                if self._stopping.is_set():
                    return
                self._wake.clear()
                if nudged and failures and time.monotonic() < next_sync:
                    self.on_status(self.service.status())  # backing off: count, do not knock
                    continue
                status = self.service.attempt()
                if self._stopping.is_set():
                    return
                self.on_status(status)
                if status.ok:
                    failures, delay = 0, self.interval
                else:
                    failures += 1
                    delay = retry_delay(failures, self.first_retry, self.max_retry, self.rng)
                    self.retry_delays.append(delay)
                next_sync = time.monotonic() + delay
        finally:
            close_database()  # this thread's own connection (Peewee keeps one per thread)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).astimezone().isoformat(timespec="seconds")
