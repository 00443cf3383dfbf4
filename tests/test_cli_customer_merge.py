"""``till customers merge KEEP OTHER``: the plan shown, the question, the manager PIN, and one
``till:`` line for each refusal."""

import pytest
from click.testing import CliRunner

from tests.cli_shop import MANAGER_PIN, shop_with_manager_pin
from till.cli import cli


@pytest.fixture
def base(tmp_path):
    base = shop_with_manager_pin(tmp_path)
    runner = CliRunner()
    add = [*base, "customers", "add", "--last-name", "Dupont"]
    assert runner.invoke(cli, [*add, "--phone", "06 12 34 56 78"]).exit_code == 0
    assert runner.invoke(cli, [*add, "--email", "jd@example.fr", "--force"]).exit_code == 0
    return base


def test_the_plan_is_shown_and_a_no_merges_nothing(base):
    runner = CliRunner()
    shown = runner.invoke(
        cli, [*base, "customers", "merge", "C01-000001", "C01-000002"], input="n\n"
    )
    assert shown.exit_code == 0, shown.output
    assert "Keep   C01-000001" in shown.output and "fills E-mail: jd@example.fr" in shown.output
    assert "Nothing merged." in shown.output
    still = runner.invoke(cli, [*base, "customers", "show", "C01-000002", "--json"])
    assert '"active": true' in still.output


def test_a_wrong_pin_refuses_and_the_right_one_merges(base):
    runner = CliRunner()
    merge = [*base, "customers", "merge", "C01-000001", "C01-000002"]
    wrong = runner.invoke(cli, [*merge, "--yes"], input="0000\n")
    assert wrong.exit_code == 2 and "till: Wrong PIN" in wrong.output
    still = runner.invoke(cli, [*base, "customers", "show", "C01-000002", "--json"])
    assert '"active": true' in still.output
    done = runner.invoke(cli, merge, input=f"y\n{MANAGER_PIN}\n")
    assert done.exit_code == 0, done.output
    assert "C01-000002 is merged into C01-000001" in done.output
    found = runner.invoke(cli, [*base, "customers", "show", "C01-000002", "--json"])
    assert '"code": "C01-000001"' in found.output and "jd@example.fr" in found.output
    again = runner.invoke(cli, [*merge, "--yes"], input=f"{MANAGER_PIN}\n")
    assert again.exit_code == 2
    assert [line for line in again.output.splitlines() if line.startswith("till:")] == [
        "till: C01-000002 is C01-000001 already (merged before, or the same)."
    ]
    missing = runner.invoke(cli, [*base, "customers", "merge", "C01-000001", "C09-000009"])
    assert missing.exit_code == 2 and "till: No customer has the code or card C09" in missing.output
