"""The journal as the CLI, the doctor and the screens use it: checking it and wording what is
wrong, archiving a period, and journaling the events the register sees (start and stop, a
voided line, a cancelled sale)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage import events, journal_archive, journal_check, sales
from storage.db import integrity_ok
from till.config import Settings

WORDS = {
    "sale_altered": "sale {receipt} was changed after it was recorded",
    "receipts_missing": "receipts {first} to {last} are missing",
    "numbering_before_first": "sale {receipt} is numbered before the first receipt",
    "time_backwards": "{where} is dated {at}, before the entry preceding it",
    "time_unreadable": "sale {receipt} has an unreadable date ({at})",
    "seal_unsigned": "seal {seq} has no signature",
    "seal_other_key": "seal {seq} was signed with another key ({key})",
    "seal_forged": "the signature of seal {seq} is not valid",
    "seal_mismatch": "the entries up to {seq} are not the ones that were signed (changed or "
    "rewritten)",
    "sealed_rows_missing": "entries were removed: signed up to {sealed}, found up to {found}",
    "rows_unsealed": "entries {first} to {last} were added without a signature",
    "rows_missing": "entries {first} to {last} are missing",
    "rows_unchained": "{count} entries were added outside the journal (no place in its chain)",
    "entry_moved": "entry {seq} was moved to another customer",
    "audit_values_changed": "the values of audit entry {seq} were changed",
    "anchor_missing": "the anchor file {file} is missing: removing the last entries cannot be "
    "ruled out",
    "anchor_forged": "the anchor's signature for entry {seq} is not valid",
    "anchor_ahead": "entries were removed: the anchor outside the database reached {anchored}, "
    "the database only {sealed}",
    "anchor_differs": "entry {seq} is not the one the anchor outside the database recorded",
    "trigger_missing": "the protective trigger {trigger} is missing",
    "trigger_altered": "the protective trigger {trigger} was altered",
    "trigger_unknown": "an unknown trigger {trigger} was added",
    "integrity": "SQLite's integrity check failed",
    "archive_unreadable": "not a readable journal archive ({why})",
    "archive_other_key": "signed with another key ({key}) than this till's",
    "archive_signature": "its content was changed after it was signed",
    "archive_sale_altered": "sale {receipt} in it does not hash as recorded",
    "archive_seal_forged": "the signature of seal {seq} of {chain} in it is not valid",
}

CHAINS = {"loyalty": "points ledger", "account": "account ledger", "audit": "audit log"}


def chain_words(chain: str) -> str:
    if chain.startswith("sale/"):
        return f"sales of till {chain.removeprefix('sale/')}"
    return CHAINS.get(chain, "event log" if chain == "events" else chain)


def words(code: str, chain: str, facts: dict[str, Any]) -> str:
    """One problem in plain words."""
    text = WORDS.get(code, code).format_map(
        {
            "where": f"entry {facts.get('seq')}"
            if "seq" in facts
            else f"sale {facts.get('receipt')}",
            **facts,
        }
    )
    return f"{chain_words(chain)}: {text}" if chain else text


@dataclass(frozen=True)
class Verdict:
    """The journal check, ready to print."""

    problems: list[str]
    facts: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_database(settings: Settings) -> Verdict:
    """Check the open database's journal with this till's key folder. A missing public key
    raises StorageError naming the file."""
    report = journal_check.check(settings.key_dir)
    problems = [words(p.code, p.chain, p.facts) for p in report.problems]
    integrity = integrity_ok()
    if not integrity:
        problems.append(words("integrity", "", {}))
    erased, redacted = sales.erased_names(settings.till.number)
    broken = [p.facts["receipt"] for p in report.problems if p.code == "sale_altered"]
    return Verdict(
        problems,
        {
            "sales": sales.sale_count(),
            "tills": {str(till): count for till, count in report.sales.items()},
            "entries": report.rows,
            "seals": report.seals,
            "anchored": report.anchored,
            "broken": broken,
            "integrity": integrity,
            "names_erased": erased,
            "redacted_old_format": redacted,
            "problems": problems,
        },
    )


def verify_archive(path: Path, settings: Settings) -> Verdict:
    key_dir = settings.key_dir if (settings.key_dir / "journal-public.key").exists() else None
    found = journal_archive.verify(path, key_dir)
    problems = [f"{path.name}: {words(code, '', facts)}" for code, facts in found]
    if key_dir is None:
        problems.append(f"{path.name}: no public key of this till to compare its key with")
    return Verdict(problems, {"archive": str(path), "problems": problems})


def archive(settings: Settings, period_text: str, target: Path) -> dict[str, int]:
    chosen = journal_archive.period(period_text)
    return journal_archive.export(chosen, settings.key_dir, target)


def started(settings: Settings, actor: str = "till") -> int:
    """The register started (run on the writer thread); a configuration other than the one
    it last started with is journaled as a change, by its digest (the config holds secrets)."""
    digest = config_digest(settings)
    last = events.recent(limit=1, kind=events.START)
    before = last[0].details.get("config") if last else None
    if before and before != digest:
        events.record_event(
            events.CONFIG_CHANGE,
            actor,
            {"from": before, "to": digest},
            till_no=settings.till.number,
        )
    return events.record_event(
        events.START,
        actor,
        {"database": Path(settings.database.path).name, "config": digest},
        till_no=settings.till.number,
    )


def config_digest(settings: Settings) -> str:
    """A short fingerprint of every setting: equal for equal configurations."""
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:16]


def stopped(settings: Settings, actor: str = "till") -> int:
    """The register is stopping (run on the writer thread, before it closes)."""
    return events.record_event(events.STOP, actor, {}, till_no=settings.till.number)
