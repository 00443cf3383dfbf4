"""The config loader on hostile files: any bytes, any TOML structure (nested thousands deep,
100 kB lines, known keys holding escapes for control characters) load as settings or are a
ConfigError naming the file, in one line; and no text that loads holds a control character,
since the store's name, address and footer go to the printer as they are.

tests/test_config_checks.py already tries any value in any known key; this is the file
around them."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from till.config import Settings, load_settings
from till.core.text import first_control
from till.errors import ConfigError

from .budget import fuzz

DEFAULTS = Settings()
SECTIONS = [f.name for f in fields(Settings) if is_dataclass(getattr(DEFAULTS, f.name))]
KEYS = sorted({key.name for section in SECTIONS for key in fields(getattr(DEFAULTS, section))})

HOSTILE_ESCAPES = ["\\u0000", "\\u001b[2J", "\\u202e", "\\u0085", "\\u009b", "\\r", "\\f", "\\t"]

toml_strings = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE_ESCAPES),
        st.text(alphabet=st.characters(exclude_characters='"\\\n\r'), max_size=20),
    ),
    max_size=6,
).map(lambda parts: '"' + "".join(parts) + '"')
literals = st.one_of(
    toml_strings,
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["true", "false", "nan", "-inf", "1e999", "0x7f", "1979-05-27", "[]", "{}"]),
)


def nested(depth: int, array: bool) -> str:
    return "[" * depth + "]" * depth if array else "{a = " * depth + "1" + "}" * depth


lines = st.one_of(
    st.sampled_from(SECTIONS).map(lambda name: f"[{name}]"),
    st.tuples(st.sampled_from(KEYS), literals).map(lambda pair: f"{pair[0]} = {pair[1]}"),
    st.tuples(st.sampled_from(KEYS), st.lists(literals, max_size=4)).map(
        lambda pair: f"{pair[0]} = [{', '.join(pair[1])}]"
    ),
    st.text(max_size=40),
)
documents = st.one_of(
    st.lists(lines, max_size=25).map("\n".join),
    st.text(max_size=400),
    st.binary(max_size=400),
    st.tuples(st.integers(1, 3000), st.booleans()).map(lambda pair: "a = " + nested(*pair)),
    st.tuples(st.sampled_from(KEYS), st.integers(1_000, 100_000)).map(
        lambda pair: f'[store]\n{pair[0]} = "{"x" * pair[1]}"\n'
    ),
)


def texts_in(value: Any) -> list[str]:
    """Every string a settings object holds, however deep."""
    if isinstance(value, str):
        return [value]
    if is_dataclass(value):
        return [t for f in fields(value) for t in texts_in(getattr(value, f.name))]
    if isinstance(value, dict):
        return [t for pair in value.items() for item in pair for t in texts_in(item)]
    if isinstance(value, list | tuple | set | frozenset):
        return [t for item in value for t in texts_in(item)]
    return []


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    return tmp_path / "till.toml"


@fuzz(150)
@given(document=documents)
@example(document="a = " + "[" * 3_000)  # was a RecursionError out of tomllib
@example(document="a = " + "{b = " * 3_000)
@example(document='[store]\nname = "Shop\\u001b[2J"\n')
@example(document=b"\xff\xfe[store]")
def test_any_config_file_loads_or_is_one_config_error(config_file, document):
    if isinstance(document, str):
        config_file.write_text(document, encoding="utf-8", errors="surrogatepass")
    else:
        config_file.write_bytes(document)
    try:
        settings = load_settings(config_file)
    except ConfigError as refused:
        message = str(refused)
        assert message.startswith(str(config_file))
        assert "\n" not in message and first_control(message) is None
        return
    for text in texts_in(settings):
        assert first_control(text) is None, text
