"""The journal as the CLI, the doctor and the screens use it: checking it and wording what is
wrong, archiving a period. The register's own start and stop are journaled by
till/register_journal.py, which the register imports without the checker."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage import journal_check, sales
from storage.db import integrity_ok
from till.config import Settings
from till.i18n import N_, _

WORDS = {
    "sale_altered": N_("sale {receipt} was changed after it was recorded"),
    "receipts_missing": N_("receipts {first} to {last} are missing"),
    "numbering_before_first": N_("sale {receipt} is numbered before the first receipt"),
    "time_backwards": N_("{where} is dated {at}, before the entry preceding it"),
    "time_unreadable": N_("sale {receipt} has an unreadable date ({at})"),
    "seal_unsigned": N_("seal {seq} has no signature"),
    "seal_other_key": N_("seal {seq} was signed with another key ({key})"),
    "seal_forged": N_("the signature of seal {seq} is not valid"),
    "seal_mismatch": N_(
        "the entries up to {seq} are not the ones that were signed (changed or rewritten)"
    ),
    "sealed_rows_missing": N_("entries were removed: signed up to {sealed}, found up to {found}"),
    "rows_unsealed": N_("entries {first} to {last} were added without a signature"),
    "rows_missing": N_("entries {first} to {last} are missing"),
    "rows_unchained": N_("{count} entries were added outside the journal (no place in its chain)"),
    "entry_moved": N_("entry {seq} was moved to another customer"),
    "audit_values_changed": N_("the values of audit entry {seq} were changed"),
    "anchor_missing": N_(
        "the anchor file {file} is missing: removing the last entries cannot be ruled out"
    ),
    "anchor_forged": N_("the anchor's signature for entry {seq} is not valid"),
    "anchor_ahead": N_(
        "entries were removed: the anchor outside the database reached {anchored}, "
        "the database only {sealed}"
    ),
    "anchor_differs": N_("entry {seq} is not the one the anchor outside the database recorded"),
    "trigger_missing": N_("the protective trigger {trigger} is missing"),
    "trigger_altered": N_("the protective trigger {trigger} was altered"),
    "trigger_unknown": N_("an unknown trigger {trigger} was added"),
    "integrity": N_("SQLite's integrity check failed"),
    "archive_unreadable": N_("not a readable journal archive ({why})"),
    "archive_other_key": N_("signed with another key ({key}) than this till's"),
    "archive_signature": N_("its content was changed after it was signed"),
    "archive_sale_altered": N_("sale {receipt} in it does not hash as recorded"),
    "archive_seal_forged": N_("the signature of seal {seq} of {chain} in it is not valid"),
}

CHAINS = {
    "loyalty": N_("points ledger"),
    "account": N_("account ledger"),
    "audit": N_("audit log"),
    "events": N_("event log"),
}


def chain_words(chain: str) -> str:
    if chain.startswith("sale/"):
        return _("sales of till {till}").format(till=chain.removeprefix("sale/"))
    return _(CHAINS[chain]) if chain in CHAINS else chain


def words(code: str, chain: str, facts: dict[str, Any]) -> str:
    """One problem in plain words, in the reader's language (a code the till does not know is
    said as it is)."""
    where = (
        _("entry {seq}").format(seq=facts.get("seq"))
        if "seq" in facts
        else _("sale {receipt}").format(receipt=facts.get("receipt"))
    )
    text = _(WORDS[code]).format_map({"where": where, **facts}) if code in WORDS else code
    if not chain:
        return text
    return _("{chain}: {problem}").format(chain=chain_words(chain), problem=text)


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
    from storage import closure_check  # not at the register's start: it journals only there

    problems += [str(reason) for reason in closure_check.verify_closures(settings.key_dir)]
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
    from storage import journal_archive

    found = journal_archive.verify(path, key_dir)
    problems = [
        _("{file}: {problem}").format(file=path.name, problem=words(code, "", facts))
        for code, facts in found
    ]
    if key_dir is None:
        problems.append(
            _("{file}: no public key of this till to compare its key with").format(file=path.name)
        )
    return Verdict(problems, {"archive": str(path), "problems": problems})


def archive(settings: Settings, period_text: str, target: Path) -> dict[str, int]:
    from storage import journal_archive

    chosen = journal_archive.period(period_text)
    return journal_archive.export(chosen, settings.key_dir, target)
