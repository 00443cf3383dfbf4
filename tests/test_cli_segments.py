"""``till customers segment``: saved with its count and preview, shown again counted now,
listed, the figures rebuilt; a bad filter or name is one ``till:`` line; saving and
rebuilding need a manager's PIN, looking does not."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from storage import customers
from storage.db import close_database, open_database
from storage.models import database
from till.cli import cli
from till.core.pin import NO_MANAGER_PIN, hash_pin

from .cli_shop import MANAGER_PIN


@pytest.fixture
def shop(db_path: Path, tmp_path: Path) -> list[str]:
    for last, city, consent in (
        ("Lee", "Lyon", True),
        ("Roy", "Lyon", False),
        ("Abel", "Metz", True),
    ):
        customers.create_customer(
            {"last_name": last, "city": city, "consent_email": consent},
            actor="t",
            till_no=1,
            region="FR",
        )
    close_database()
    config = tmp_path / "till.toml"
    config.write_text(
        f'[security]\nmanager_pin = "{hash_pin(MANAGER_PIN)}"\n'
        f'[database]\npath = "{db_path.name}"\n',
        encoding="utf-8",
    )
    return ["--config", str(config)]


def _till(shop: list[str], *args: str, pin: str = MANAGER_PIN):
    """``till customers segment ARGS``, the PIN typed if it is asked."""
    result = CliRunner().invoke(cli, [*shop, "customers", "segment", *args], input=f"{pin}\n")
    close_database()
    return result


def test_a_segment_is_saved_counted_shown_and_listed(shop):
    saved = _till(shop, "Lyon mail", "--where", "city=lyon consent_email=yes", "--preview", "5")
    assert saved.exit_code == 0, saved.output
    lines = saved.output.splitlines()
    assert lines[:3] == [
        "Segment Lyon mail saved.",
        "Lyon mail: city=lyon consent_email=yes",
        "1 customer.",
    ]
    assert lines[3].split()[:2] == ["C01-000001", "LEE"] and len(lines) == 4

    again = _till(shop, "LYON MAIL")  # names ignore case
    assert again.output.splitlines() == ["Lyon mail: city=lyon consent_email=yes", "1 customer."]
    _till(shop, "Everyone", "--where", "visits>=0")
    assert _till(shop, "--list").output.split() == [
        "Everyone",
        "visits>=0",
        "Lyon",
        "mail",
        "city=lyon",
        "consent_email=yes",
    ]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["x", "--where", "town=Lyon"], "till: Unknown field town: the fields are city,"),
        (["x", "--where", "spend>=ten"], "till: spend: 'ten' is not an amount."),
        (["x", "--where", "city<Lyon"], "till: city takes = != only."),
        (["x", "--where", "birth_month=13"], "till: birth_month is a month, 1 to 12."),
        (["x", "--where", 'city="Lyon'], "till: A quote of the filter is not closed."),
        (["x" * 41, "--where", "city=Lyon"], "till: A segment's name is 1 to 40"),
        (["nobody"], "till: No segment is named nobody."),
    ],
)
def test_a_bad_filter_or_name_is_one_till_line(shop, args, said):
    result = _till(shop, *args)
    assert result.exit_code != 0
    assert result.output.startswith(said) and result.output.count("\n") == 1, result.output
    assert "Traceback" not in result.output


def test_the_figures_are_rebuilt_from_the_sales(shop, db_path):
    open_database(db_path)
    lee = database.execute_sql("SELECT id FROM customer WHERE last_name = 'Lee'").fetchone()[0]
    database.execute_sql(  # a sale written without its figures, as a restore could leave
        "INSERT INTO sale (id, till_no, receipt_no, receipt_code, created_at, seller, currency,"
        " total, item_count, change_given, previous_hash, journal_hash, customer_id)"
        " VALUES ('s1', 1, 1, '01-000001', ?, 'Ann', 'EUR', 2500, 1, 0, '', '', ?)",
        (datetime.now(UTC).isoformat(), lee),
    )
    close_database()
    assert _till(shop, "buyers", "--where", "visits>=1").output.endswith("0 customers.\n")

    assert _till(shop, "--rebuild-stats").output == "Figures rebuilt for 1 customer.\n"
    assert _till(shop, "buyers").output.endswith("1 customer.\n")


def test_saving_and_rebuilding_need_a_managers_pin_looking_does_not(shop, db_path):
    assert _till(shop, "vip", "--where", "city=Lyon").exit_code == 0
    for args in (["vip", "--where", "city=Paris"], ["hacked", "--where", "visits>=0"],
                 ["--rebuild-stats"]):  # fmt: skip
        refused = _till(shop, *args, pin="0000")
        assert refused.exit_code != 0 and "till: Wrong PIN" in refused.output, refused.output
    looked = _till(shop, "vip", "--preview", "1", pin="")  # a cashier's shell may look up
    assert looked.output.splitlines()[:2] == ["vip: city=Lyon", "2 customers."]
    assert _till(shop, "--list", pin="").output.split() == ["vip", "city=Lyon"]


def test_a_till_without_a_manager_pin_saves_no_segment(shop, db_path):
    Path(shop[1]).write_text(f'[database]\npath = "{db_path.name}"\n', encoding="utf-8")
    refused = _till(shop, "vip", "--where", "city=Lyon", pin="1234")
    assert refused.exit_code != 0 and refused.output == f"till: {NO_MANAGER_PIN}\n"
    assert _till(shop, "--list").output == ""
