"""``till customers duplicates``: the pairs of a real file, in words and as JSON."""

import json

import pytest
from click.testing import CliRunner

from storage import customers
from storage.db import close_database, open_database
from till.cli import cli
from till.core.duplicates import PROBABLE


@pytest.fixture
def shop(tmp_path):
    db = tmp_path / "shop.db"
    open_database(db)
    for fields in (
        {"last_name": "Dupont", "first_name": "Jean", "mobile": "0612345678"},
        {"last_name": "Dupond", "first_name": "Jean", "mobile": "+33 6 12 34 56 78"},
        {"last_name": "Martin", "first_name": "Zoé", "postcode": "75011"},
        {"last_name": "Martinn", "first_name": "Zoe", "postcode": "75011"},
        {"last_name": "Roux", "first_name": "Paul", "email": "home@example.fr"},
        {"last_name": "Blanc", "first_name": "Claire", "email": "home@example.fr"},
        {"last_name": "Martin", "first_name": "Zoé", "postcode": "13001"},
    ):
        customers.create_customer(fields, actor="setup", till_no=1, region="FR")
    close_database()
    yield db
    close_database()


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), "customers", "duplicates", *args])


def test_pairs_in_words(shop):
    result = run(shop)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].split()[1:3] == ["C01-000001", "DUPONT"]
    assert "C01-000002" in lines[0] and "same phone number, similar name" in lines[0]
    assert "C01-000003" in lines[1] and "C01-000004" in lines[1]
    assert "MARTINN Zoe" in lines[1] and "similar name, same postcode" in lines[1]
    assert "2 possible duplicates." in result.stderr


def test_json_and_a_lower_score(shop):
    result = run(shop, "--json", "--min-score", "0")
    assert result.exit_code == 0, result.output
    phone, names, household = json.loads(result.stdout)
    assert phone == {
        "first": "C01-000001",
        "second": "C01-000002",
        "score": phone["score"],
        "reasons": ["same_phone", "similar_name"],
    }
    assert (names["first"], names["second"]) == ("C01-000003", "C01-000004")
    # a shared e-mail under other names: a household, listed only below the threshold
    assert household == {
        "first": "C01-000005",
        "second": "C01-000006",
        "score": household["score"],
        "reasons": ["same_email"],
    }
    assert phone["score"] > names["score"] >= PROBABLE > household["score"]
    plain = run(shop).stdout.splitlines()
    assert [int(line.split()[0]) for line in plain] == [phone["score"], names["score"]]


@pytest.mark.parametrize("score", ["101", "-1", "many"])
def test_a_score_out_of_bounds_is_one_line(shop, score):
    result = CliRunner().invoke(
        cli, ["--db", str(shop), "customers", "duplicates", "--min-score", score]
    )
    assert result.exit_code == 2
    assert "--min-score" in result.output and "Traceback" not in result.output
