"""Closures as the CLI and the screens ask for them: the day's Z, the month and the year, the
X report, the closures taken, and their printed reports; each call checks who is acting
(closing and the X report: ``Permission.CLOSE_PERIOD``, a manager's or their approval)."""

from __future__ import annotations

from datetime import date, datetime

from devices.printer.receipt import ReceiptDocument, render_text
from devices.printer.report import build_closure_report
from devices.printer.service import ReceiptPrinter
from devices.printer.transport import Delivery
from storage import closure_check, closures
from till.config import Settings
from till.core.closures import Closure, ClosureKind
from till.core.people import Actor, Permission, authorise
from till.errors import Reason


class ClosureService:
    """One till's closures: taken, listed, checked and printed."""

    def __init__(self, settings: Settings, printer: ReceiptPrinter) -> None:
        self.settings = settings
        self.printer = printer
        self.till_no = settings.till.number

    def x_report(
        self,
        actor: Actor,
        approver: Actor | None = None,
        *,
        opening: int = 0,
        now: datetime | None = None,
    ) -> Closure:
        """The running day's totals, nothing closed. Behind the same permission as the Z: the
        cash expected is what a blind count must not see beforehand."""
        authorise(actor, Permission.CLOSE_PERIOD, approver)
        return closures.x_report(
            self.till_no, currency=self.settings.locale.currency, opening=opening, now=now
        )

    def close_day(
        self,
        actor: Actor,
        approver: Actor | None = None,
        *,
        day: date | None = None,
        opening: int = 0,
        counted: int | None = None,
        now: datetime | None = None,
    ) -> Closure:
        """Take the Z of ``day`` (default today), with the cash counted if it was."""
        who, approved = self._authorised(actor, approver)
        return closures.close_day(
            self.till_no,
            day,
            key_dir=self.settings.key_dir,
            currency=self.settings.locale.currency,
            actor=who,
            approved_by=approved,
            opening=opening,
            counted=counted,
            now=now,
        )

    def close_month(
        self,
        actor: Actor,
        year: int,
        month: int,
        approver: Actor | None = None,
        *,
        now: datetime | None = None,
    ) -> Closure:
        who, approved = self._authorised(actor, approver)
        return closures.close_month(
            self.till_no,
            year,
            month,
            key_dir=self.settings.key_dir,
            currency=self.settings.locale.currency,
            actor=who,
            approved_by=approved,
            now=now,
        )

    def close_year(
        self,
        actor: Actor,
        year: int,
        approver: Actor | None = None,
        *,
        now: datetime | None = None,
    ) -> Closure:
        who, approved = self._authorised(actor, approver)
        return closures.close_year(
            self.till_no,
            year,
            key_dir=self.settings.key_dir,
            currency=self.settings.locale.currency,
            actor=who,
            approved_by=approved,
            now=now,
        )

    def closures(self, actor: Actor, kind: ClosureKind | None = None) -> list[Closure]:
        authorise(actor, Permission.LOOK_UP)
        return closures.closures(self.till_no, kind)

    def closure(self, actor: Actor, kind: ClosureKind, number: int) -> Closure:
        authorise(actor, Permission.LOOK_UP)
        return closures.get_closure(self.till_no, kind, number)

    def verify(self) -> list[Reason]:
        """What no longer holds in the closures, one reason each, worded where shown (empty:
        intact)."""
        return closure_check.verify_closures(self.settings.key_dir)

    def document(self, closure: Closure) -> ReceiptDocument:
        return build_closure_report(closure, self.printer.layout)

    def preview(self, closure: Closure) -> str:
        """The report as plain text, as it prints: for the screen and the shell."""
        return render_text(self.document(closure))

    def print_report(self, closure: Closure) -> Delivery:
        """Print a closure's report (or an X report) now; raises PrinterError if it fails."""
        return self.printer.print_document(self.document(closure))

    def _authorised(self, actor: Actor, approver: Actor | None) -> tuple[str, str]:
        """(who closes, who approved it: "" when they may themselves)."""
        allowed_by = authorise(actor, Permission.CLOSE_PERIOD, approver)
        approved = "" if allowed_by == actor else allowed_by.label
        return actor.label, approved
