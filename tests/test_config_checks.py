"""The config is checked once, completely: every value the register would trip over later is
refused when the file loads, in one line naming its key; ``till doctor`` says the same."""

from __future__ import annotations

import math
import tempfile
from dataclasses import fields, is_dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from till.cli import cli
from till.config import Settings, load_settings, settings_from_dict, shown
from till.core.pin import hash_pin, verify_pin
from till.errors import ConfigError
from till.keymap import binding_ids


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "till.toml"
    path.write_text(text, encoding="utf-8")
    return path


HUGE_SCRYPT = "scrypt$99999999999999999999$8$1$" + "ab" * 16 + "$" + "cd" * 32

REFUSED = [
    ('[printer]\nurl = "tcp://[::1"\n', "[printer] url: 'tcp://[::1' is not a valid URL"),
    ('[printer]\nurl = "tcp://printer:99999"\n', "[printer] url:"),
    ("[printer]\ntimeout = 100000\n", "[printer] timeout: must be between 1 and 120"),
    ("[serve]\nport = 80\n", "[serve] port: must be between 1024 and 65535"),
    ('[printer]\nprofile = "nope"\n', "[printer] profile: 'nope' is not a python-escpos profile"),
    (f'[security]\nmanager_pin = "{HUGE_SCRYPT}"\n', "[security] manager_pin:"),
    (
        '[security]\nmanager_pin = "scrypt$1048576$64$64$00$00"\n',
        "[security] manager_pin: r must be 1-32 and p 1-16",
    ),
    (
        '[security]\nmanager_pin = "scrypt$16384$8$1$zz$' + "00" * 32 + '"\n',
        "[security] manager_pin: the salt must be",
    ),
    ('[security]\nmanager_pin = "1234"\n', "[security] manager_pin: must be the hash"),
    ("[loyalty]\npoints_per_unit = 1e20\n", "[loyalty] points_per_unit: must be a whole number"),
    (
        "[loyalty]\npoints_per_unit = 100000000000000000000\n",
        "[loyalty] points_per_unit: must be between 1 and 1000",
    ),
    (
        "[loyalty]\nexpiry_months = 100000000000\n",
        "[loyalty] expiry_months: must be between 0 and 120",
    ),
    ("[loyalty]\noffline_cap = -1\n", "[loyalty] offline_cap: must be between 0"),
    (
        "[accounts]\ncredit_limit = 9223372036854775808\n",
        "[accounts] credit_limit: must be between 0",
    ),
    ('[display]\ntheme = "nope"\n', "[display] theme: unknown theme 'nope'"),
    ('[receipt]\nqr = "' + "x" * 500 + '"\n', "[receipt] qr: at most 200 characters"),
    ('[database]\npath = ""\n', "[database] path: names no file"),
    ('[keymap]\npaay = "f10"\n', "[keymap] paay: unknown binding id (did you mean pay?)"),
    ('[keymap]\npay = "f99"\n', "[keymap] pay: 'f99' is not a key name"),
    ('[keymap]\npay = "f11,"\n', "[keymap] pay: '' is not a key name"),
    ("[keymap]\npay = 12\n", "[keymap] pay: must be keys in quotes"),
    ('[keymap]\nvoid = "f10"\n', "[keymap] void: f10 is already the key of pay on the sale screen"),
    ('[keymap]\npay = "ctrl+q"\n', "[keymap] pay: ctrl+q is already the key of close"),
    ('[keymap]\nclose = "f10"\n', "[keymap] close: f10 is already the key of"),
    ('[keymap]\npay = "tab"\n', "[keymap] pay: tab is kept for moving to the next field"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_a_value_the_register_would_trip_over_is_refused_on_loading(tmp_path, text, message):
    with pytest.raises(ConfigError) as refused:
        load_settings(write(tmp_path, text))
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    "text",
    [
        '[keymap]\npay = "f12,ctrl+t"\n',  # F12 is the demo's simulated scan: it yields
        '[keymap]\nvoid = "f10"\npay = "f8"\n',  # Pay moves away first: no clash
        '[keymap]\ncustomer.issue_card = "f3"\n',  # shares F3 with its tab neighbours by design
        '[keymap]\nconfirm.yes = "y,o"\n',
        '[display]\ntheme = "nord"\n',
        '[printer]\nprofile = "TM-T20II"\n',
        '[printer]\nurl = "tcp://[::1]:9100"\n',
        f'[security]\nmanager_pin = "{hash_pin("1234")}"\n',
        "[loyalty]\npoints_per_unit = 1000\nexpiry_months = 120\n",
    ],
)
def test_sound_values_still_load(tmp_path, text):
    load_settings(write(tmp_path, text))


def test_a_pin_hash_with_absurd_scrypt_parameters_is_never_computed():
    # Before the bound, hashlib.scrypt raised OverflowError out of verify_pin.
    assert verify_pin("1234", HUGE_SCRYPT) is False


DOCTOR_CASES = [
    case
    for case in REFUSED
    if case[1].startswith(("[printer]", "[display]", "[security] manager_pin: r ", "[keymap] pa"))
]


@pytest.mark.parametrize(("text", "message"), DOCTOR_CASES)
def test_the_doctor_fails_what_the_register_refuses(tmp_path, text, message):
    config = write(
        tmp_path, text + '[database]\npath = "till.db"\n' if "path" not in text else text
    )
    result = CliRunner().invoke(cli, ["--config", str(config), "doctor"])
    assert result.exit_code == 1
    assert result.output.startswith("fail  config")
    assert message in result.output
    run = CliRunner().invoke(cli, ["--config", str(config), "run"])
    assert run.exit_code == 2
    assert message in run.output


# --- hypothesis: any TOML value in any key gives the config or a ConfigError naming the key -----


def toml_value(value: object) -> str:
    """``value`` written as TOML (the loader reads TOML; this writes the few kinds tested)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else {math.inf: "inf", -math.inf: "-inf"}.get(value, repr(value))
        )
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
        )
    raise TypeError(value)


def toml_string(text: str) -> str:
    escaped = (c if c not in '"\\' and c.isprintable() else f"\\U{ord(c):08x}" for c in text)
    return '"' + "".join(escaped) + '"'


scalars = st.one_of(
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(
        ["none", "auto", "tcp://[::1", "f10", "scrypt$1$1$1$$", "29", "fr_FR", "12-31"]
    ),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
DEFAULTS = Settings()
KEYS = [
    (section.name, key.name)
    for section in fields(Settings)
    if is_dataclass(getattr(DEFAULTS, section.name))
    for key in fields(getattr(DEFAULTS, section.name))
]


def check_loads_or_names(text: str, *names: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "till.toml")
        path.write_text(text, encoding="utf-8")
        try:
            load_settings(path)
        except ConfigError as error:
            message = str(error)
            assert all(shown(name) in message for name in names), message
            assert "\n" not in message


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(KEYS), values)
def test_any_value_in_any_key_loads_or_is_refused_naming_the_key(key, value):
    section, name = key
    check_loads_or_names(f"[{section}]\n{name} = {toml_value(value)}\n", section, name)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.sampled_from(sorted(binding_ids())), st.text(min_size=1, max_size=12)),
    st.one_of(
        values,
        st.lists(
            st.sampled_from(["f1", "f10", "f12", "f99", "ctrl+t", "ctrl+q", "tab", "y", "", "x+"]),
            max_size=3,
        ).map(",".join),
    ),
)
def test_any_keymap_entry_loads_or_is_refused_naming_it(binding_id, keys):
    # A table under a name is read as dotted ids (``customer.edit``): named with its prefix.
    name = "[keymap]" if isinstance(keys, dict) else binding_id
    check_loads_or_names(f"[keymap]\n{toml_string(binding_id)} = {toml_value(keys)}\n", name)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(max_size=10), values, max_size=3))
def test_any_scanner_device_table_loads_or_is_refused_naming_it(entry):
    try:
        settings_from_dict({"scanner": {"devices": [entry]}})
    except ConfigError as error:
        assert "scanner" in str(error) and "devices" in str(error)
