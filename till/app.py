"""The Textual application: wires the register's services, owns workers and devices."""

from __future__ import annotations

import gc
import importlib
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from devices.scanner.simulated import SimulatedScanner
from till import logs, register_journal
from till.config import Settings
from till.core.sale import RecordedSale
from till.core.text import printable
from till.driver import TillDriver
from till.errors import ScannerError, StorageError, TillError
from till.i18n import _, plural
from till.messages import DeviceNotice, DeviceScanned, Logged, Scanned, SyncChanged
from till.printing import PrinterState
from till.register import Register
from till.screens.open_sale_saver import OpenSaleSaver
from till.screens.sale import SaleScreen
from till.typeahead import KeyGate
from till.widgets.console_glyphs import key_word, use_whole_cell_scrollbars
from till.widgets.language import key_hint, key_name, translate_bindings

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from devices.scanner.evdev_reader import DeviceSource, ScannerService
    from till.core.people import Actor
    from till.sync_service import SyncStatus, SyncWorker

log = logging.getLogger(__name__)

SHOWN_REMEMBERED = 100
"""Texts from the log kept with when they were shown, before the old ones are forgotten."""

STYLES = Path(__file__).parent / "styles"
DEFAULT_THEME = "textual-dark"
LINUX_CONSOLE_THEME = "ansi-dark"
PRINTER_RETRY_SECONDS = 10
SYNC_STOP_WAIT = 2.0
"""Seconds closing waits for a sync in flight; after that its thread dies with the process
(its local transaction, if any, rolls back: the next sync does it again)."""
IDLE_CHECK_SECONDS = 5
FIRST_SALE_SCREENS = ("till.screens.prompts", "till.screens.payment", "till.screens.receipt")
"""Left out of the first frame, loaded by the warm-up so the first payment does not wait."""


class TillApp(App):
    """The register."""

    TITLE = "till"
    CSS_PATH = [STYLES / "till.tcss"]
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "close_register", "Close", id="close", priority=True, show=False),
        Binding("ctrl+c", "close_register", show=False, priority=True, system=True),
        Binding("ctrl+backslash", "manager_palette", "Manager", id="palette", show=False),
    ]

    printer_state: reactive[PrinterState] = reactive(PrinterState)
    """The printer as the cashier sees it: receipts waiting, and why."""

    disk_refusal: reactive[str] = reactive("")
    """Why the disk refuses to keep the open sale (full, read-only…); empty while it takes it."""

    sync_status: reactive[SyncStatus | None] = reactive(None)
    """This till's standing with the back office; None: no sync (none configured, the kiosk)."""

    def __init__(
        self,
        register: Register,
        *,
        demo: bool = False,
        kiosk_timeout: float | None = None,
        support: bool = False,
    ) -> None:
        # Under `till serve` textual-serve names its web driver in TEXTUAL_DRIVER.
        super().__init__(driver_class=None if os.environ.get("TEXTUAL_DRIVER") else TillDriver)
        translate_bindings(self)  # the register's language was chosen when it was built
        self.register = register
        self.demo = demo
        self.kiosk_timeout = kiosk_timeout
        """Seconds before the kiosk returns to its welcome; None: this is the register."""
        self.support = support
        """The support view (screens/support.py): no sale, no scanner, no sync, no printing
        of its own; acts as a read-only user until a manager logs in."""
        self.simulated_scanner = SimulatedScanner(register.demo_codes() if demo else [])
        self.scanner_source: DeviceSource | None = None
        """Where evdev scanners are looked for: None is the kernel; tests set a replay twin."""
        self.scanners: ScannerService | None = None
        self.sync_worker: SyncWorker | None = None
        self.fatal_error: BaseException | None = None
        """What stopped the register, if an unexpected error did."""
        self._log_forwarding: logs.NotifyHandler | None = None
        self.key_gate = KeyGate(self, super().on_event)
        self.has_users = False
        """Whether someone must log in (the till has users): read once at start."""
        self.last_key_at = time.monotonic()
        self.palette_approver: Actor | None = None
        """Who approved opening the manager's palette (None: the user logged in may)."""
        self.open_sale_saver = OpenSaleSaver(self)
        self._shown_at: dict[str, float] = {}
        """When each text from the log was last shown: the same one is not piled up."""

    def log_in(self, why: str = "") -> None:
        """Cover the screen with the login until someone's PIN is right (the sale in progress
        stays open underneath); every service acts for whoever logs in."""
        from till.screens.login import LoginScreen

        if not isinstance(self.screen, LoginScreen):
            self.push_screen(LoginScreen(why), self._logged_in)

    def _logged_in(self, actor: Actor | None) -> None:
        sale = next((s for s in self.screen_stack if isinstance(s, SaleScreen)), None)
        if sale is not None and actor is not None:
            sale.show_seller(actor.name)

    def _lock_when_idle(self) -> None:
        idle = self.register.settings.security.idle_logout
        if idle and time.monotonic() - self.last_key_at >= idle:
            self.log_in(
                _("The till was idle: type your PIN, then {enter}.").format(enter=key_name("enter"))
            )

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.last_key_at = time.monotonic()
        if isinstance(event, events.Key) and not event.is_forwarded:
            await self.key_gate.take(event)  # typed-ahead keys wait for the screen they are for
        else:
            await super().on_event(event)

    def on_mount(self) -> None:
        self._log_forwarding = logs.forward_to_screen(
            lambda text, severity: self.post_message(Logged(severity, text))  # type: ignore[arg-type]
        )
        self.theme = choose_theme(self.register.settings.display.theme)
        keymap = self.register.settings.keymap
        if keymap:
            self.set_keymap(keymap)
        if self.support:
            from till.screens.support import SupportScreen, support_viewer

            self.register.session.user = support_viewer(self.register.till_no)
            self.push_screen(SupportScreen())
            return
        if self.kiosk_timeout is not None:
            from till.screens.kiosk import KioskScreen

            self.push_screen(KioskScreen(self.kiosk_timeout))
        else:
            self.push_screen(SaleScreen())
            if self.register.people.needs_login:
                self.has_users = True
                self.log_in()
                idle = self.register.settings.security.idle_logout
                if idle:
                    self.set_interval(min(IDLE_CHECK_SECONDS, idle), self._lock_when_idle)
        self.start_scanners()
        self.call_after_refresh(self.warm_up)
        if self.kiosk_timeout is None:  # the kiosk leaves the queue to the register (one lock)
            self.set_interval(PRINTER_RETRY_SECONDS, self._retry_printing)
            # receipts left queued before a restart or a power cut print once the screen is up
            self.call_after_refresh(self.spool)
            self.start_sync()  # the kiosk leaves sync to the register too

    def on_unmount(self) -> None:
        if self._log_forwarding is not None:
            logs.stop_forwarding(self._log_forwarding)
        if self.scanners is not None:
            self.scanners.stop()
        if self.sync_worker is not None:
            self.sync_worker.stop(timeout=SYNC_STOP_WAIT)
        if not self.register.closed and not self.support:  # closed: its stop was journaled
            try:
                self.register.in_writer(register_journal.stopped, self.register.settings)
            except TillError:  # closing goes on; the journal shows a start without its stop
                log.exception("The register's stop could not be journaled")
        self.register.close()

    @work(thread=True, group="warm-up", exit_on_error=False)
    def warm_up(self) -> None:
        """Load what the first scan and the first payment need (the money format, the
        payment and receipt screens) once the screen is up, then freeze the start-up objects
        so full garbage collections stay short during sales."""
        try:
            self.register.in_writer(register_journal.started, self.register.settings)
        except StorageError as error:  # a full or read-only disk: told when a sale needs it
            log.error("The register's start could not be journaled: %s", error, extra=logs.SHOWN)
        self.register.money(0)
        self.register.formats.rate(0)  # and the locale's patterns: the sale line shows a rate
        for module in FIRST_SALE_SCREENS:
            importlib.import_module(module)
        # The garbage of building the screens goes first: frozen, it would never be freed.
        # From this thread: call_from_thread(gc.freeze) would have Textual read the builtin's
        # signature, which compiles the tokenize module's regex on the event loop.
        gc.collect()
        gc.freeze()

    def action_close_register(self) -> None:
        if self.support:  # nothing of a sale to finish here
            self.exit()
            return
        if self.kiosk_timeout is not None:
            from till.core.people import Permission
            from till.screens.manager import with_approval

            def leave(approver: Actor | None) -> None:
                self.register.authorise(Permission.LEAVE_KIOSK, approver)
                self.exit()

            with_approval(self, _("Close the kiosk"), Permission.LEAVE_KIOSK, leave)
            return
        sale = next((s for s in self.screen_stack if isinstance(s, SaleScreen)), None)
        if sale is not None and (sale.cart.lines or sale.saving):
            finish = _("Finish or cancel the sale before closing the register.")
            self.notify(finish, severity="warning")
            sale.say(finish, "warning")
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()

        from till.screens.prompts import ConfirmScreen

        self.push_screen(ConfirmScreen(_("Close the register?")), answer)

    def action_manager_palette(self) -> None:
        """The manager's functions without a key of their own (screens/manager_palette.py):
        for a manager, or with a manager's PIN; never on the kiosk."""
        from textual.command import CommandPalette

        from till.core.people import Permission
        from till.screens.manager import with_approval
        from till.screens.manager_palette import ManagerPalette

        if self.kiosk_timeout is not None or CommandPalette.is_open(self):
            return

        def approved(approver: Actor | None) -> None:
            self.palette_approver = approver
            self.push_screen(ManagerPalette())

        with_approval(self, _("Manager functions"), Permission.MANAGER_FUNCTIONS, approved)

    def print_test_page(self) -> None:
        """The printer's test page: code pages, the paper width, a barcode, a QR code."""
        from devices.printer.test_page import build_test_page

        printer = self.register.settings.printer
        self.print_document(build_test_page(printer.url, printer.profile, printer.width))

    def get_key_display(self, binding: Binding) -> str:
        """Key names the Linux console can draw (``enter``, not ⏎)."""
        return key_word(binding) or super().get_key_display(binding)

    # --- scanners -------------------------------------------------------------------------

    def start_scanners(self) -> None:
        """Read the configured evdev scanners in their own thread. Without any, or without
        evdev, scanners type into the scan field like keyboards (keyboard wedge)."""
        config = self.register.settings.scanner
        if not config.devices:
            return
        from devices.scanner.evdev_reader import ScannerService  # only tills with scanners

        try:
            self.scanners = ScannerService(
                config,
                lambda text, role, device: self.post_message(DeviceScanned(text, role, device)),
                on_notice=lambda severity, text: self.post_message(DeviceNotice(severity, text)),
                source=self.scanner_source,
            )
        except ScannerError as error:
            log.warning("evdev scanners not in use: %s", error, extra=logs.SHOWN)
            self.notify(
                f"{error}\n" + _("Scanners type into the scan field meanwhile."),
                title=_("Scanners"),
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        self.scanners.start()

    def on_device_scanned(self, message: DeviceScanned) -> None:
        """An evdev scan goes to the active screen as the same message a typed scan is."""
        screen = self.screen
        if callable(getattr(screen, "on_scanned", None)):
            screen.post_message(Scanned(message.text, "evdev", message.role))
        elif message.role == "product" or not self.recall_card(message.text):
            self.notify(
                _("Scan {code} ignored here: close this screen first.").format(code=message.text),
                markup=False,
            )
            self.bell()

    def recall_card(self, number: str) -> bool:
        """Open the file of a loyalty card's holder over the current screen (not over a dialog,
        which waits for its answer); False when the code is no customer's card."""
        from textual.screen import ModalScreen

        holder = self.register.customers.by_card(number.strip())
        if holder is None or isinstance(self.screen, ModalScreen):
            return False
        from till.screens.customer_view import CustomerViewScreen

        self.push_screen(CustomerViewScreen(holder.id))
        self.notify(
            _("Card of {code} {name}.").format(code=holder.code, name=holder.display_name),
            markup=False,
        )
        return True

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification as text: Textual keeps ESC in a toast, so a stored name in one
        would reach the terminal as an escape sequence."""
        super().notify(
            printable(message, keep_newlines=True),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def on_device_notice(self, message: DeviceNotice) -> None:
        log.info("%s", message.text)
        said = f"{message.text}"  # a Phrase: worded in the till's language here
        self.notify(said, title=_("Scanners"), severity=message.severity, markup=False)

    # --- sync with the back office ---------------------------------------------------

    def start_sync(self) -> None:
        """Sync in a thread of its own when a back office is configured."""
        settings = self.register.settings.sync
        if not settings.enabled:
            return
        from till.sync_service import SyncService, SyncWorker  # httpx: only tills that sync

        try:
            service = SyncService(settings)
        except TillError as error:  # e.g. a CA bundle it cannot read: sell on, say why
            log.warning("Sync is off: %s", error)
            return
        self.sync_worker = SyncWorker(
            service,
            lambda status: self.post_message(SyncChanged(status)),
            interval=settings.interval,
        )
        self.sync_worker.start()

    def sync_soon(self) -> None:
        """A sale (or a refund) was saved: send it now rather than at the next interval."""
        if self.sync_worker is not None:
            self.sync_worker.nudge()

    def on_sync_changed(self, message: SyncChanged) -> None:
        before, status = self.sync_status, message.status
        if not status.ok and (before is None or before.last_error != status.last_error):
            # once when syncs start failing, or fail differently; not at every retry
            log.warning("sync: %s", status.last_error, extra=logs.SHOWN)
            self.notify(
                f"{status.last_error}\n"
                + _("Sales are saved here and sent when sync works again."),
                title=_("Back office"),
                severity="warning",
                timeout=5,
                markup=False,
            )
        elif status.ok and before is not None and not before.ok:
            log.info("sync works again")
        self.sync_status = status

    # --- failures: logged, and shown ---------------------------------------------------

    def on_logged(self, message: Logged) -> None:
        """A warning or error from the log (any module, any thread), shown to the cashier."""
        timeout = 10 if message.severity == "error" else 5
        now = time.monotonic()
        if now - self._shown_at.get(message.text, -timeout) < timeout:
            return  # still on screen: a failure repeated by every key is said once
        if len(self._shown_at) > SHOWN_REMEMBERED:  # only recent ones matter
            self._shown_at = {t: at for t, at in self._shown_at.items() if now - at < timeout}
        self._shown_at[message.text] = now
        self.notify(message.text, severity=message.severity, timeout=timeout, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Every background task that failed: a log line with its traceback, shown on screen
        (the log forwards it). Workers are started on the App so that their news comes here."""
        if event.state is WorkerState.ERROR:
            worker = event.worker
            log.error(
                "Something failed in the background (%s): %s",
                worker.name or worker.description,
                worker.error,
                exc_info=worker.error,
            )
            if worker.error is not None and not isinstance(worker.error, StorageError):
                self.register.journal_error(worker.name or worker.description, worker.error)

    def _handle_exception(self, error: Exception) -> None:
        """The register stops on an unexpected error: the traceback goes to the log and the
        CLI says one line (Textual would print the traceback with its locals on the terminal)."""
        log.critical("The register stopped on an unexpected error: %s", error, exc_info=error)
        self.fatal_error = error
        self.register.journal_error("the register", error)
        super()._handle_exception(error)
        self._exit_renderables.clear()  # Textual 8.2.8 prints these once the app has stopped

    def _fatal_error(self) -> None:
        """Textual's, without drawing the traceback and its locals that _handle_exception
        throws away: seconds of syntax highlighting for a deep one (6 s for a toast's markup
        error here) before the register could stop."""
        self.bell()
        self._close_messages_no_wait()

    # --- printing -------------------------------------------------------------------------

    @work(thread=True, group="printer", exit_on_error=False)
    def spool(self) -> None:
        """Print what the queue holds, in the background; the sales are already saved."""
        try:
            state = self.register.printing.run()
        except Exception as error:  # the queue itself failed: say so, keep selling
            if self.register.closed:  # the register is closing: the queue prints at next start
                log.info("printing stopped with the register: %s", error)
                return
            log.exception("the print queue failed", extra=logs.SHOWN)  # the state says it
            stopped = _("Printing stopped: {error}").format(error=error)
            state = PrinterState(self.printer_state.waiting or 1, stopped)
        self.call_from_thread(self._printer_update, state)

    @work(thread=True, group="printer", exit_on_error=False)
    def reprint(self, sale: RecordedSale) -> None:
        if self._read_only():
            return
        self.register.printing.reprint(sale.id)
        self.spool()

    def _read_only(self) -> bool:
        """True, and the user told, when the support view has no manager logged in: the shop's
        printer is not a technician's to print on."""
        from till.core.people import Permission

        if self.support and not self.register.session.may(Permission.MANAGER_FUNCTIONS):
            said = _("Read-only: log in as a manager to print.")
            self.notify(said, severity="warning", markup=False)
            return True
        return False

    def device_checks(self) -> list[tuple[str, str, str]]:
        """The doctor's lines for the printer, its queue, the scanners and sync (blocking:
        call from a thread)."""
        from till.doctor import device_checks

        return list(device_checks(self.register.settings))

    def print_document(self, document) -> None:
        """Print a slip straight away; a failure is told, nothing is queued for it."""
        if not self._read_only():
            self._print_document(document)

    @work(thread=True, group="printer", exit_on_error=False)
    def _print_document(self, document) -> None:
        try:
            self.register.printer.print_document(document)
        except TillError as error:
            self.call_from_thread(self.notify, str(error), severity="error", markup=False)

    @work(thread=True, group="printer", exit_on_error=False)
    def open_drawer(self, approver: Actor | None = None, *, without_sale: bool = False) -> None:
        """Open the cash drawer; ``without_sale``: outside a sale or deposit, which the
        register allows only to a user who may, or with their ``approver``."""
        try:
            if without_sale:
                self.register.open_drawer(approver)
            else:
                self.register.printing.open_drawer()
        except TillError as error:
            self.call_from_thread(self.notify, str(error), severity="error", markup=False)

    def _printer_update(self, state: PrinterState) -> None:
        before = self.printer_state
        if state.error and state.error != before.error and not state.uncertain:
            # the log too (the journal), once; an unconfirmed receipt is logged where it is known
            log.warning("printer: %s (%d waiting)", state.error, state.waiting, extra=logs.SHOWN)
        elif before.error and not state.error:
            log.info("the printer is back: %s", before.error)
        if state.uncertain and state.error != before.error:  # out, unconfirmed: not retried
            self.notify(
                state.error,
                title=_("Receipt not confirmed"),
                severity="error",
                timeout=10,
                markup=False,
            )
        elif state.error and state.error != before.error:
            self.notify(
                f"{state.error}\n"
                + plural(
                    state.waiting,
                    "{n} receipt waiting. The sales are saved; the receipts print when the"
                    " printer is back ({receipt} {reprint} to reprint).",
                    "{n} receipts waiting. The sales are saved; the receipts print when the"
                    " printer is back ({receipt} {reprint} to reprint).",
                    receipt=key_hint(self, "receipt"),
                    reprint=key_hint(self, "receipt.reprint"),
                ),
                title=_("Receipt not printed"),
                severity="error",
                timeout=10,
                markup=False,
            )
        elif before.error and not before.uncertain and not state.error:
            self.notify(
                _("The printer is back: waiting receipts are sent (it cannot confirm them).")
                if state.sent_only
                else _("The printer is back: waiting receipts are printed.")
            )
        self.printer_state = state

    def _retry_printing(self) -> None:
        if self.printer_state.waiting:
            self.spool()


def choose_theme(name: str, term: str | None = None) -> str:
    """The configured theme; ``auto`` is the ANSI palette on the 16-colour Linux console."""
    if name != "auto":
        return name
    term = os.environ.get("TERM", "") if term is None else term
    return LINUX_CONSOLE_THEME if term == "linux" else DEFAULT_THEME


def make_app(
    settings: Settings,
    *,
    demo: bool = False,
    kiosk_timeout: float | None = None,
    support: bool = False,
) -> TillApp:
    """The app on an already opened database; the CLI and the tests both build it here.
    ``settings`` were checked when the config was loaded (the theme and keymap included)."""
    use_whole_cell_scrollbars()  # the console font has no eighth blocks for the thumb ends
    app = TillApp(Register(settings), demo=demo, kiosk_timeout=kiosk_timeout, support=support)
    if not gc.get_freeze_count():
        # What start-up built lives as long as the process: out of the collector's sight, the
        # full collection that building the first screen triggers takes 3 ms instead of 25.
        gc.freeze()
    return app
