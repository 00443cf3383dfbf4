"""Checking the closures (``verify_closures``): the protective triggers, each till's chain
and numbering, every seal and signature, the grand totals carried from one closure to the
next, each Z against the receipts it covers, each month and year against its parts, and the
end of the sales journal each closure recorded. Every problem is a message id and its
values (``Reason``), worded in the reader's language where it is shown."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from cryptography.exceptions import InvalidSignature

from storage import keys
from storage.closures import COLUMN_NAMES, SELECT, closure_from_row, figures
from storage.migrations.m0024_closures import STATEMENTS, TRIGGERS
from storage.models import database
from till.core.closures import (
    CLOSURE_NAMES,
    GENESIS_HASH,
    Closure,
    ClosureKind,
    GrandTotals,
    add_totals,
    closure_hash,
    closure_payload,
    totals_of,
)
from till.core.sale import receipt_code
from till.core.words import N_, Phrase
from till.errors import Reason, TillError, reason_of

SUM_PROBLEMS = {
    ClosureKind.DAY: N_("{said}: its totals are not the sum of its days."),
    ClosureKind.MONTH: N_("{said}: its totals are not the sum of its months."),
}
"""A month against its days, a year against its months."""


def verify_closures(key_dir: Path) -> list[Reason]:
    """What no longer holds in the closures, in plain words (empty: all intact): the
    protective triggers, each till's chain and numbering, every seal and signature, the grand
    totals carried from one closure to the next, each Z against the receipts it covers, each
    month and year against its parts, and the journal's end each closure recorded."""
    problems = _trigger_problems()
    rows = database.execute_sql(f"{SELECT} ORDER BY till_no, chain_no").fetchall()
    if not rows:
        return problems
    try:
        public = keys.public_key(key_dir)
    except TillError as error:
        problems.append(
            Reason(
                N_("The closures' signatures cannot be checked: {problem}"),
                problem=reason_of(error),
            )
        )
        public = None
    by_till: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        by_till[row[COLUMN_NAMES.index("till_no")]].append(row)
    cursor = database.cursor()
    for till_no, till_rows in by_till.items():
        problems += _till_problems(cursor, till_no, till_rows, public)
    return problems


def _trigger_problems() -> list[Reason]:
    found = dict(
        database.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'closure'"
        ).fetchall()
    )
    wanted = {name: _create_statement(name) for name in TRIGGERS}
    if all(_words(found.get(name, "")) == _words(sql) for name, sql in wanted.items()):
        return []
    return [
        Reason(
            N_(
                "The closures' protective triggers are missing or changed: a closure could be"
                " altered or deleted without SQLite refusing it."
            )
        )
    ]


def _create_statement(trigger: str) -> str:
    (statement,) = [s for s in STATEMENTS if f'"{trigger}"' in s]
    return statement


def _words(sql: str) -> list[str]:
    return sql.split()


def _till_problems(cursor, till_no: int, rows: list[tuple], public) -> list[Reason]:
    problems: list[Reason] = []
    previous_hash = GENESIS_HASH
    last_of: dict[ClosureKind, Closure] = {}
    parts: dict[ClosureKind, list[Closure]] = defaultdict(list)
    for position, row in enumerate(rows, start=1):
        try:
            closure = closure_from_row(row)
        except (ValueError, KeyError, TypeError):
            column = dict(zip(COLUMN_NAMES, row, strict=True))
            position = column["chain_no"]
            problems.append(
                Reason(
                    N_("Till {till}: closure at chain position {position} is unreadable."),
                    till=till_no,
                    position=position,
                )
            )
            previous_hash = column["hash"]
            continue
        said = Phrase(
            N_("Till {till}, {closure} ({period})"),
            till=till_no,
            closure=closure.name,
            period=closure.period,
        )
        if closure.chain_no != position:
            problems.append(
                Reason(
                    N_(
                        "{said}: closures are missing before it (chain position {position},"
                        " expected {expected})."
                    ),
                    said=said,
                    position=closure.chain_no,
                    expected=position,
                )
            )
        expected = closure_hash(previous_hash, closure_payload(closure))
        difference = closure.cash.difference if closure.cash else None
        if (
            closure.previous_hash != previous_hash
            or closure.hash != expected
            or row[COLUMN_NAMES.index("cash_difference")] != difference
        ):
            problems.append(
                Reason(
                    N_("{said} was altered: what it says no longer matches its seal."), said=said
                )
            )
        elif public is not None and not _signed(public, closure):
            problems.append(
                Reason(N_("{said}: its signature does not verify with this till's key."), said=said)
            )
        previous_hash = closure.hash
        before = last_of.get(closure.kind)
        number = before.number + 1 if before else 1
        if closure.number != number:
            missing = Phrase(CLOSURE_NAMES[closure.kind], number=number)
            problems.append(
                Reason(
                    N_("{said}: numbering jumps here ({missing} missing)."),
                    said=said,
                    missing=missing,
                )
            )
        if (before.grand if before else GrandTotals()).carried(closure.totals) != closure.grand:
            problems.append(
                Reason(
                    N_("{said}: its grand totals do not follow from the closure before it."),
                    said=said,
                )
            )
        if closure.kind is ClosureKind.DAY:
            problems += _day_problems(cursor, said, closure, before)
        else:
            smaller = ClosureKind.DAY if closure.kind is ClosureKind.MONTH else ClosureKind.MONTH
            covered = [p for p in parts[smaller] if p.period.startswith(closure.period + "-")]
            if add_totals(p.totals for p in covered) != closure.totals:
                problems.append(Reason(SUM_PROBLEMS[smaller], said=said))
        problems += _head_problems(cursor, said, closure)
        last_of[closure.kind] = closure
        parts[closure.kind].append(closure)
    return problems


def _signed(public, closure: Closure) -> bool:
    try:
        public.verify(bytes.fromhex(closure.signature), closure.hash.encode())
    except (InvalidSignature, ValueError):
        return False
    return True


def _day_problems(cursor, said: Phrase, closure: Closure, before: Closure | None) -> list[Reason]:
    problems = []
    after = before.last_receipt_no if before else 0
    if closure.first_receipt_no != after + 1:
        problems.append(
            Reason(
                N_(
                    "{said}: it starts at receipt {first}, not {expected}: receipts between two"
                    " Z are covered by none or by two."
                ),
                said=said,
                first=closure.first_receipt_no,
                expected=after + 1,
            )
        )
    covered = figures(cursor, closure.till_no, closure.first_receipt_no, closure.last_receipt_no)
    if len(covered) != closure.receipt_count:
        problems.append(
            Reason(
                N_(
                    "{said}: {missing} of the receipts it covers ({first} to {last}) are missing"
                    " from the journal."
                ),
                said=said,
                missing=closure.receipt_count - len(covered),
                first=closure.first_receipt,
                last=closure.last_receipt,
            )
        )
    elif totals_of(covered) != closure.totals:
        problems.append(
            Reason(
                N_(
                    "{said}: the receipts it covers no longer add up to its totals: a sale was"
                    " changed after the closure."
                ),
                said=said,
            )
        )
    return problems


def _head_problems(cursor, said: Phrase, closure: Closure) -> list[Reason]:
    head = closure.head
    if not head.receipt_no:
        return []
    row = cursor.execute(
        "SELECT journal_hash FROM sale WHERE till_no = ? AND receipt_no = ?",
        (closure.till_no, head.receipt_no),
    ).fetchone()
    code = receipt_code(closure.till_no, head.receipt_no)
    if row is None:
        return [
            Reason(
                N_(
                    "{said}: receipt {code}, the journal's last when it was taken, is gone: the"
                    " journal was cut after the closure."
                ),
                said=said,
                code=code,
            )
        ]
    if row[0] != head.journal_hash:
        return [
            Reason(
                N_("{said}: receipt {code} no longer has the journal hash it had at the closure."),
                said=said,
                code=code,
            )
        ]
    return []
