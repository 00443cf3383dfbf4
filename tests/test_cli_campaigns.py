"""``till campaign create|export|results|list`` on a shop with a saved segment."""

from __future__ import annotations

import csv
from datetime import date, timedelta

from click.testing import CliRunner

from storage.customers import create_customer
from storage.db import close_database, open_database
from storage.models import database
from storage.segments import save_segment
from till.cli import cli
from till.core.segment_filter import parse_filter

from .cli_shop import MANAGER_PIN, shop_with_manager_pin


def test_a_campaign_from_the_shell(tmp_path):
    shop = shop_with_manager_pin(tmp_path)
    open_database(tmp_path / "shop.db")
    try:
        for name, city, consent in (("Lyonnais", "Lyon", True), ("Muet", "Lyon", False),
                                    ("Parisien", "Paris", True)):  # fmt: skip
            fields = {"last_name": name, "city": city, "consent_email": consent}
            create_customer(fields, actor="t", till_no=1, region="FR")
        save_segment("lyon", parse_filter("city=Lyon"), "t")
    finally:
        close_database()
    today = date.today()

    def till(*args: str):
        return CliRunner().invoke(cli, [*shop, "campaign", *args], input=f"{MANAGER_PIN}\n")

    made = till("create", "Noel", "--segment", "lyon", "--channel", "email",
                "--from", today.isoformat(), "--to", (today + timedelta(days=9)).isoformat(),
                "--coupon", "10%")  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "Campaign Noel: 1 recipient; 1 without consent to email." in made.output
    open_database(tmp_path / "shop.db")
    try:  # who ran the command, and the manager who allowed it
        [(created_by,)] = database.execute_sql("SELECT created_by FROM campaign").fetchall()
    finally:
        close_database()
    assert ", approved by " in created_by and not created_by.startswith(", approved")
    again = till("create", "Noel", "--segment", "lyon", "--channel", "sms", "--from", "2026-01-01",
                 "--to", "2026-01-02")  # fmt: skip
    assert again.exit_code != 0 and "already named Noel" in again.output
    bare = till("create", "Bare", "--segment", "lyon", "--channel", "email", "--from",
                "2026-01-01", "--to", "2026-01-02", "--valid-until", "2026-02-01")  # fmt: skip
    assert bare.exit_code != 0
    assert "--valid-until is the coupon's last day: give --coupon too" in bare.output
    assert "Bare" not in till("list").output
    out = tmp_path / "noel.csv"
    exported = till("export", "Noel", str(out))
    assert exported.exit_code == 0 and "1 recipient written" in exported.output
    [row] = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert row["name"] == "LYONNAIS" and row["city"] == "Lyon" and row["coupon_code"][:3] == "CPN"
    results = till("results", "Noel")
    assert "Recipients: 1" in results.output and "Coupons used: 0" in results.output
    assert "Noel" in till("list").output
    wrong = CliRunner().invoke(cli, [*shop, "campaign", "list"], input="0000\n")
    assert wrong.exit_code != 0
