"""``till server add-integration``: the token alone on the last line, its scopes listed with
the tills, revoked like a till's; a bad scope is one ``till: …`` line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sync.server import integrations, store
from sync.server.integrations import Scope
from till.cli import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_an_integration_gets_a_token_with_its_scopes_listed_and_revocable(runner, tmp_path):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    runner.invoke(cli, ["server", "add-till", "--db", url, "north"])
    added = runner.invoke(
        cli,
        [
            "server",
            "add-integration",
            "--db",
            url,
            "webshop",
            "--scope",
            "customers:read, customers:write,loyalty:read",
        ],
    )
    assert added.exit_code == 0, added.output
    token = added.stdout.splitlines()[-1]
    assert len(token) >= 43 and " " not in token
    who = integrations.authenticate_integration(token)
    assert who is not None
    assert who.name == "webshop"
    assert who.scopes == {Scope.CUSTOMERS_READ, Scope.CUSTOMERS_WRITE, Scope.LOYALTY_READ}

    listed = runner.invoke(cli, ["server", "tills", "--db", url]).stdout.splitlines()
    assert [line.split()[0] for line in listed] == ["north", "webshop"]
    assert "integration" not in listed[0]
    assert listed[1].endswith("integration: customers:read,customers:write,loyalty:read")

    revoked = runner.invoke(cli, ["server", "revoke", "--db", url, "webshop"])
    assert revoked.exit_code == 0, revoked.output
    assert integrations.authenticate_integration(token) is None
    assert store.authenticate(token) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["webshop", "--scope", "customers:delete"], "customers:delete is not a scope"),
        (["webshop", "--scope", " , "], "Give at least one scope"),
        (["north", "--scope", "customers:read"], "A till named north exists already."),
    ],
)
def test_refusals_are_one_line_with_status_2(runner, tmp_path, args, message):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    runner.invoke(cli, ["server", "add-till", "--db", url, "north"])
    result = runner.invoke(cli, ["server", "add-integration", "--db", url, *args])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("till: ")
    assert message in result.stderr
    assert integrations.scopes_by_name() == {}


def test_a_bad_region_for_the_web_service_is_one_line(runner, tmp_path):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    result = runner.invoke(cli, ["server", "run", "--db", url, "--region", "France"])
    assert result.exit_code == 2
    assert result.stderr == "till: 'France' is not a two-letter country code such as FR.\n"
