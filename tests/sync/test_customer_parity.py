"""Whatever customer the till saves, the back office accepts: the till's rules and the
protocol's checks share their limits, so no change the till queues can be refused later and
hold up every change behind it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.fields import ProtocolError
from sync.payloads import check_customer_value
from sync.refusals import Said
from till.core.customer import (
    EDITABLE,
    MAX_ENTRIES,
    MAX_FIELD_TEXT,
    TEXT_LIMITS,
    FieldErrors,
    text_limit,
    validate_changes,
)

FREE_TEXT = sorted(name for name in TEXT_LIMITS if name in EDITABLE)


def _fail(reason: Said) -> ProtocolError:
    return ProtocolError(reason.message_id, **reason.params)


def _stored(changes: dict) -> dict | None:
    """The values as the till would store them, or None when the till refuses them."""
    try:
        return validate_changes(changes, region="FR")
    except FieldErrors:
        return None


def _as_sent(value):
    """A stored value as the outbox writes it (JSON: tuples become lists, enums text)."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value if isinstance(value, bool | int) else str(value)


@given(
    tags=st.lists(st.text(min_size=1, max_size=MAX_FIELD_TEXT + 20), max_size=MAX_ENTRIES + 5),
    extra=st.dictionaries(
        st.text(min_size=1, max_size=MAX_FIELD_TEXT + 20),
        st.text(max_size=MAX_FIELD_TEXT + 20),
        max_size=MAX_ENTRIES + 5,
    ),
)
def test_tags_and_extra_fields_the_till_keeps_pass_the_protocol(tags, extra):
    for name, value in (("targeting", tags), ("extra", extra), ("external_codes", extra)):
        stored = _stored({"last_name": "Martin", name: value})
        if stored is not None and name in stored:
            check_customer_value(name, _as_sent(stored[name]), _fail)


@pytest.mark.parametrize("name", FREE_TEXT)
def test_a_text_field_at_its_limit_is_kept_and_one_past_it_refused_by_both(name):
    limit = text_limit(name)
    stored = _stored({"last_name": "Martin", name: "a" * limit})
    assert stored is not None
    check_customer_value(name, _as_sent(stored[name]), _fail)
    assert _stored({"last_name": "Martin", name: "a" * (limit + 1)}) is None
    with pytest.raises(ProtocolError):
        check_customer_value(name, "a" * (limit + 1), _fail)


def test_a_long_e_mail_the_till_once_kept_is_now_refused_by_the_till_first():
    address = "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".fr"
    assert len(address) > MAX_FIELD_TEXT
    assert _stored({"last_name": "Martin", "email": address}) is None
    with pytest.raises(ProtocolError):
        check_customer_value("email", address, _fail)
