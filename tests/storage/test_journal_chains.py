"""What the till does every day keeps the journal verifying: merges, erasures, imports, entries
pulled from other tills, migrations of older databases, restores, archives."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from storage import (
    accounts,
    backup,
    customer_merge,
    customer_privacy,
    customers,
    events,
    journal_archive,
    journal_check,
    journal_seal,
    loyalty,
)
from storage.customer_import import ImportSettings, import_customer_file
from storage.db import close_database, open_database
from storage.migrations import m0027_customer_business_fields
from storage.models import database
from storage.remote_changes import RemoteChange, apply_remote

from .test_journal_tampering import _sell

ACTOR = "till 1 (Ann)"


def _customer(name: str):
    return customers.create_customer({"last_name": name}, actor=ACTOR, till_no=1, region="FR")


def _seals(chain: str) -> int:
    return database.execute_sql(
        "SELECT COUNT(*) FROM journal_seal WHERE chain = ?", (chain,)
    ).fetchone()[0]


def test_merges_and_erasures_still_verify(stocked_db):
    keep, other = _customer("Martin"), _customer("Martyn")
    loyalty.adjust_points(other.id, 50, "welcome", actor=ACTOR)
    accounts.deposit(other.id, 2_000, "card", actor=ACTOR)
    customer_merge.merge_customers(keep.id, other.id, actor=ACTOR, approved_by="Bob")
    customer_privacy.anonymise(keep.id, actor=ACTOR, approved_by="Bob")
    assert journal_check.check().problems == []


def test_moving_an_entry_to_someone_else_is_detected(stocked_db):
    first, second = _customer("Martin"), _customer("Durand")
    loyalty.adjust_points(first.id, 50, "welcome", actor=ACTOR)
    database.execute_sql('DROP TRIGGER "loyalty_entry_to_survivor_only"')
    database.execute_sql("UPDATE loyalty_entry SET customer_id = ?", (second.id,))
    codes = [p.code for p in journal_check.check().problems]
    assert codes == ["trigger_missing", "entry_moved"]


def test_an_import_is_one_seal_and_verifies(stocked_db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("last_name,first_name\n" + "".join(f"Name{n},First{n}\n" for n in range(50)))
    before = _seals("audit")
    report = import_customer_file(path, ImportSettings(actor="import", till_no=1, region="FR"))
    assert report.created == 50
    assert _seals("audit") - before == 1
    assert journal_check.check().problems == []


def test_entries_pulled_from_other_tills_are_sealed_once_a_pull(stocked_db):
    customer = _customer("Martin")
    entries = [
        RemoteChange(
            "loyalty_entry",
            "create",
            {
                "id": f"remote-{n}",
                "customer_id": customer.id,
                "kind": "earn",
                "points": 10,
                "sale_id": None,
                "reason": "",
                "actor": "till 2 (Zoé)",
                "at": f"2026-03-14T10:00:0{n}+00:00",
            },
            "south",
        )
        for n in range(3)
    ]
    apply_remote(entries, 1)
    apply_remote(entries, 2)  # again: nothing new, nothing sealed
    assert database.execute_sql("SELECT COUNT(*) FROM loyalty_entry").fetchone()[0] == 3
    assert _seals("loyalty") == 1
    assert journal_check.check().problems == []


def test_a_database_from_before_the_seals_verifies_after_migrating(stocked_db, tmp_path):
    _sell(3)
    customer = _customer("Martin")
    loyalty.adjust_points(customer.id, 50, "welcome", actor=ACTOR)
    close_database()
    old = tmp_path / "old.db"
    shutil.copy(stocked_db, old)
    with sqlite3.connect(old) as raw:  # back to version 22, as a till updated today
        raw.executescript(
            "DROP TABLE journal_seal; DROP TABLE journal_event;"
            " DELETE FROM schema_version WHERE version >= 23;"
            " ALTER TABLE loyalty_entry DROP COLUMN booked_for;"
        )
        for table in ("loyalty_entry", "account_entry", "audit_log"):
            for name in ("chain_no_update", "booked_no_update"):
                raw.execute(f'DROP TRIGGER IF EXISTS "{table}_{name}"')
            raw.execute(f'DROP INDEX "{table}_chain_seq"')
            raw.execute(f'ALTER TABLE "{table}" DROP COLUMN chain_seq')
        raw.executescript(
            'DROP TRIGGER "audit_log_digest_no_update"; DROP TRIGGER "audit_log_salt_erase_only";'
            " ALTER TABLE account_entry DROP COLUMN booked_for;"
            " ALTER TABLE audit_log DROP COLUMN value_digest;"
            " ALTER TABLE audit_log DROP COLUMN value_salt;"
        )
        raw.execute("DROP TABLE IF EXISTS closure")  # m0024's, made again by the migration
        raw.execute("DROP TABLE IF EXISTS invoice")  # m0026's, made again too
        raw.executescript(  # m0025's, made again too
            'DROP INDEX "till_user_active_pin"; ALTER TABLE till_user DROP COLUMN origin;'
            ' CREATE UNIQUE INDEX "till_user_active_pin" ON "till_user" ("pin_tag")'
            ' WHERE "disabled" = 0;'
        )
        for column in m0027_customer_business_fields.STATEMENTS:  # m0027's, added again
            raw.execute(f'ALTER TABLE "customer" DROP COLUMN {column.split()[5]}')
        raw.executescript(  # m0029's to m0031's, made again
            'DROP TABLE "subscription_plan"; DROP TABLE "subscription_entry";'
            ' DROP TABLE "customer_stats"; DROP TABLE "customer_month";'
            ' DROP TABLE "saved_segment"; DROP INDEX "customer_city";'
            ' DROP TABLE "campaign"; DROP TABLE "campaign_recipient";'
            ' DROP TABLE "coupon_redemption";'
        )
        raw.execute("DELETE FROM schema_version WHERE version >= 23")
    keys = tmp_path / "old-keys"
    open_database(old, key_dir=keys)
    assert journal_check.check(keys).problems == []
    _sell(1)
    loyalty.adjust_points(customer.id, 5, "more", actor=ACTOR)
    assert journal_check.check(keys).problems == []


def test_a_restore_is_journaled_and_the_old_anchor_kept(stocked_db, tmp_path):
    _sell(2)
    saved = tmp_path / "saved.db"
    backup.backup(stocked_db, saved)
    _sell(3)
    close_database()
    backup.restore(stocked_db, saved, key_dir=tmp_path / "keys")
    open_database(stocked_db)
    assert journal_check.check().problems == []  # the anchor of the lost sales is aside
    (restore,) = events.recent(kind=events.RESTORE)
    assert restore.details["heads_before"]["sale/1"] == 5
    assert list((tmp_path / "keys").glob("journal-anchor.before-restore-*.json"))


def test_an_archive_verifies_and_any_edit_shows(stocked_db, tmp_path):
    _sell(2)
    customer = _customer("Martin")
    accounts.deposit(customer.id, 500, "cash", actor=ACTOR)
    year = database.execute_sql("SELECT substr(MIN(created_at), 1, 4) FROM sale").fetchone()[0]
    target = tmp_path / "archive.json"
    counts = journal_archive.export(journal_archive.period(year), tmp_path / "keys", target)
    assert counts["sales"] == 2 and counts["account_entries"] == 1 and counts["events"] >= 2
    assert journal_archive.verify(target, tmp_path / "keys") == []

    document = json.loads(target.read_text())
    document["content"]["sales"][0]["journal"]["total"] += 1
    target.write_text(json.dumps(document))
    codes = [code for code, _facts in journal_archive.verify(target, tmp_path / "keys")]
    assert codes == ["archive_signature", "archive_sale_altered"]


@pytest.mark.parametrize("text", ["2026-13", "26", "2026-02-30", "2026/02"])
def test_a_period_is_refused_unless_a_year_month_or_day(text):
    with pytest.raises(journal_archive.BadPeriod):
        journal_archive.period(text)


def test_periods():
    assert journal_archive.period("2026-12") == journal_archive.Period(
        "2026-12", "2026-12-01T00:00:00+00:00", "2027-01-01T00:00:00+00:00"
    )
    assert journal_archive.period("2024-02-29").end == "2024-03-01T00:00:00+00:00"
    assert journal_archive.period("2025").end == "2026-01-01T00:00:00+00:00"


def test_an_event_kind_outside_the_list_is_refused(db_path):
    with pytest.raises(ValueError):
        events.record_event("coffee", ACTOR)


def test_keys_folder_from_the_configuration(tmp_path: Path, db_path):
    close_database()
    open_database(tmp_path / "fresh.db", key_dir=tmp_path / "elsewhere")
    events.record_event(events.START, ACTOR)
    journal_seal.flush_anchor()  # written by a thread of its own
    assert (tmp_path / "elsewhere" / "journal-anchor.json").exists()
    assert journal_check.check().problems == []
    close_database()
    open_database(db_path, key_dir=tmp_path / "elsewhere")  # sealed with the keys/ folder's
    assert {p.code for p in journal_check.check().problems} == {"seal_other_key", "anchor_ahead"}
