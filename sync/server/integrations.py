"""Integrations (a web shop, an ERP): tokens for the web service, each with its own scopes.

An integration is a row of the ``till`` table (one namespace of names, one token hash, the
same ``revoke``) that has rows in ``integration_scope``. Its token opens the web service and
nothing else; a till's token opens the sync protocol and not the web service."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sync.server import store
from sync.server.errors import ServerError
from sync.server.models import IntegrationScope, database
from till.core.words import N_


class Scope(StrEnum):
    """What an integration may do through the web service."""

    CUSTOMERS_READ = "customers:read"
    """Look customers up by code and search them."""
    CUSTOMERS_WRITE = "customers:write"
    """Create and update customers (they reach every till through the feed)."""
    LOYALTY_READ = "loyalty:read"
    """Read a customer's points and account balances."""
    SALES_READ = "sales:read"
    """Read a customer's purchase history from every till."""


@dataclass(frozen=True)
class Integration:
    """Who a web service request comes from, and what it may do."""

    name: str
    scopes: frozenset[Scope]
    """Empty for a till's token: a till has no business in the web service."""


def parse_scopes(text: str) -> frozenset[Scope]:
    """``customers:read,loyalty:read`` → the scopes; ServerError naming an unknown one."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise ServerError(N_("Give at least one scope: {scopes}."), scopes=", ".join(Scope))
    known = {str(scope) for scope in Scope}
    for name in names:
        if name not in known:
            raise ServerError(
                N_("{name} is not a scope; the scopes are {scopes}."),
                name=name,
                scopes=", ".join(Scope),
            )
    return frozenset(Scope(name) for name in names)


def add_integration(name: str, scopes: frozenset[Scope]) -> str:
    """Register an integration; returns its token (shown once: only its hash is kept)."""
    if not scopes:
        raise ServerError(N_("Give at least one scope: {scopes}."), scopes=", ".join(Scope))
    with database.atomic():
        token = store.add_till(name)
        IntegrationScope.insert_many(
            [{"name": name, "scope": str(scope)} for scope in sorted(scopes)]
        ).execute()
    return token


def scopes_by_name() -> dict[str, frozenset[Scope]]:
    """Every integration's scopes (a name missing here is a till)."""
    found: dict[str, set[Scope]] = {}
    for row in IntegrationScope.select():
        found.setdefault(row.name, set()).add(Scope(row.scope))
    return {name: frozenset(scopes) for name, scopes in found.items()}


def _scopes(name: str) -> frozenset[Scope]:
    rows = IntegrationScope.select().where(IntegrationScope.name == name)
    return frozenset(Scope(row.scope) for row in rows)


def authenticate_integration(token: str) -> Integration | None:
    """Who holds ``token`` (a till: no scopes); None for an unknown or revoked token."""
    name = store.authenticate(token)
    return None if name is None else Integration(name, _scopes(name))


def is_integration(name: str) -> bool:
    return IntegrationScope.select().where(IntegrationScope.name == name).exists()
