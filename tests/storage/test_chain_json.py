"""JSON built once gives ``json.dumps``'s text (the chains hash it), and ids keep their form."""

import json
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from storage.ids import new_id, new_ids
from storage.journal_chains import canonical_json
from storage.json_text import dumps_with

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=20,
)


@settings(max_examples=400)
@given(JSON)
def test_canonical_json_is_that_of_json_dumps(payload: object) -> None:
    expected = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(payload) == expected


@settings(max_examples=300)
@given(JSON, st.booleans(), st.booleans(), st.booleans())
def test_each_setting_writes_what_json_dumps_writes(
    payload: object, sort_keys: bool, ensure_ascii: bool, compact: bool
) -> None:
    dumps = dumps_with(sort_keys=sort_keys, ensure_ascii=ensure_ascii, compact=compact)
    separators = (",", ":") if compact else None
    expected = json.dumps(
        payload, sort_keys=sort_keys, ensure_ascii=ensure_ascii, separators=separators
    )
    assert dumps(payload) == expected


def test_ids_are_uuid7_in_canonical_text_and_distinct() -> None:
    ids = [*new_ids(5_000), new_id()]
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
    assert len(set(ids)) == len(ids)
    assert new_ids(0) == []
