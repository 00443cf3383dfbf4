"""The CLI's numbers and texts obey the same bounds as the screens: anything out of range is
one ``till:`` line, exit status 2, and nothing stored."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import accounts, loyalty
from storage.customers import find_by_code
from storage.db import close_database, open_database
from till.cli import cli
from till.core import bounds
from till.core.pin import hash_pin

PIN = "4821"
CODE = "C01-000001"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli_bounds")
    config = tmp / "till.toml"
    config.write_text(
        f'[security]\nmanager_pin = "{hash_pin(PIN)}"\n[database]\npath = "{tmp / "shop.db"}"\n',
        encoding="utf-8",
    )
    base = ["--config", str(config)]
    runner = CliRunner()
    assert runner.invoke(cli, [*base, "init"]).exit_code == 0
    added = runner.invoke(cli, [*base, "customers", "add", "--last-name", "Dupont"])
    assert added.exit_code == 0, added.output
    close_database()
    return base, tmp / "shop.db"


def _stored(db) -> tuple[int, int]:
    """The points balance and the account balance of the customer, read from the file."""
    open_database(db)
    try:
        customer_id = find_by_code(CODE).id
        return loyalty.balance(customer_id), accounts.balance(customer_id)
    finally:
        close_database()


def _refused_plainly(result) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("till: "), result.stderr
    assert "Traceback" not in result.output


def _adjust(base, points: str, reason: str = "gift"):
    return CliRunner().invoke(
        cli, [*base, "loyalty", "adjust", "--reason", reason, "--", CODE, points], input=f"{PIN}\n"
    )


def _deposit(base, amount: str):
    return CliRunner().invoke(
        cli, [*base, "customers", "deposit", "--method", "cash", "--", CODE, amount]
    )


@pytest.mark.parametrize(
    "points",
    [
        "9223372036854775807",
        "9223372036854775808",
        str(bounds.MAX_POINTS + 1),
        "-1000001",
        "1e6",
        "9" * 5000,
        "0",
        "²",
    ],
)
def test_an_out_of_range_points_adjustment_is_refused_and_nothing_is_stored(base, points):
    args, db = base
    before = _stored(db)
    _refused_plainly(_adjust(args, points))
    assert _stored(db) == before


def test_the_largest_adjustment_is_accepted_and_the_overdrafts_still_work(base):
    args, db = base
    before, _ = _stored(db)
    done = _adjust(args, str(bounds.MAX_POINTS))
    assert done.exit_code == 0, done.output
    assert _stored(db)[0] == before + bounds.MAX_POINTS
    assert CliRunner().invoke(cli, [*args, "loyalty", "overdrafts"]).exit_code == 0
    _adjust(args, str(-bounds.MAX_POINTS))


def test_a_reason_with_a_control_character_is_refused(base):
    args, db = base
    before = _stored(db)
    _refused_plainly(_adjust(args, "5", reason="gift\x1b]0;pwned\x07"))
    assert _stored(db) == before


@pytest.mark.parametrize("amount", ["1e999999999", "1e23", "10000000.01", "9" * 5000, "NaN"])
def test_an_out_of_range_deposit_is_refused_and_nothing_is_stored(base, amount):
    args, db = base
    before = _stored(db)
    _refused_plainly(_deposit(args, amount))
    assert _stored(db) == before


numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.from_regex(r"\A[0-9eE.,+-]{1,25}\Z"),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(points=numbers)
def test_any_points_figure_is_stored_within_bounds_or_refused_plainly(base, points):
    args, db = base
    before, _ = _stored(db)
    result = _adjust(args, points)
    after, _ = _stored(db)
    if result.exit_code == 0:
        assert abs(after - before) <= bounds.MAX_POINTS and after != before
        _adjust(args, str(before - after))  # back to where it was
    else:
        _refused_plainly(result)
        assert after == before


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(amount=numbers)
def test_any_deposit_figure_is_stored_within_bounds_or_refused_plainly(base, amount):
    args, db = base
    _, before = _stored(db)
    result = _deposit(args, amount)
    _, after = _stored(db)
    if result.exit_code == 0:
        assert 0 < after - before <= bounds.MAX_AMOUNT
    else:
        _refused_plainly(result)
        assert after == before
