"""The technical events the register journals on its own: a configuration that changed
between two starts, and unexpected errors."""

from __future__ import annotations

import time
from dataclasses import replace

from storage import events
from till import register_journal
from till.register import Register


def test_a_changed_configuration_is_journaled_by_its_digest_only(settings):
    register_journal.started(settings)
    register_journal.started(settings)
    assert events.recent(kind=events.CONFIG_CHANGE) == []  # the same config twice
    changed = replace(settings, till=replace(settings.till, seller="Someone else"))
    register_journal.started(changed)
    (change,) = events.recent(kind=events.CONFIG_CHANGE)
    assert change.details == {
        "from": register_journal.config_digest(settings),
        "to": register_journal.config_digest(changed),
    }
    assert "Someone else" not in str(change.details)


def test_an_unexpected_error_is_journaled_with_where_it_happened(settings):
    register = Register(settings)
    try:
        register.journal_error("printing", RuntimeError("paper jam"))
        for _ in range(100):
            if events.recent(kind=events.ERROR):
                break
            time.sleep(0.02)
    finally:
        register.close()
    (error,) = events.recent(kind=events.ERROR)
    assert error.details == {"where": "printing", "error": "RuntimeError: paper jam"}
    assert error.actor == "till 1 (Till)"
