"""The History tab's line on what a till's list of a customer's sales covers."""

from __future__ import annotations

from till.core.history_scope import HistoryScope, history_notice, is_offline


def at(epoch: int) -> str:
    return f"<{epoch}>"


def test_a_till_that_never_syncs_has_nothing_to_say():
    assert history_notice(HistoryScope(sync_enabled=False), at) == ""


def test_a_till_that_never_synced_says_its_list_is_its_own():
    notice = history_notice(HistoryScope(sync_enabled=True), at)
    assert notice.startswith("Only this till's sales: never synced.")
    assert "needs the server" in notice


def test_online_it_offers_the_server_and_offline_it_says_older_ones_need_it():
    online = history_notice(HistoryScope(True, synced_at=1_000, offline=False), at)
    offline = history_notice(HistoryScope(True, synced_at=1_000, offline=True), at)
    assert online == "Sales here and other tills' synced up to <1000>. F5: older, from the server."
    assert offline == "Sales here and other tills' synced up to <1000>; older ones need the server."
    # Sync switched off after syncing: what came is still there, the server is not.
    assert history_notice(HistoryScope(False, synced_at=1_000, offline=False), at) == offline


def test_each_line_fits_80_columns_with_a_date_and_time():
    long_time = "01/12/2026 14:05"
    for scope in (
        HistoryScope(True),
        HistoryScope(True, synced_at=1, offline=False),
        HistoryScope(True, synced_at=1, offline=True),
    ):
        assert len(history_notice(scope, lambda _: "14:05")) <= 78
        assert len(history_notice(scope, lambda _: long_time)) <= 2 * 78


def test_offline_means_no_complete_sync_within_the_limit():
    assert is_offline(0, now=10_000, offline_after=300)
    assert not is_offline(9_800, now=10_000, offline_after=300)
    assert is_offline(9_600, now=10_000, offline_after=300)
