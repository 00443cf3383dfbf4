"""What the server refuses, apart from HTTP: shared by the store and the per-entity appliers."""

from __future__ import annotations

from till.errors import TillError


class ServerError(TillError):
    """The server database could not be opened, or a till command was refused."""


class Conflict(ServerError):
    """A change contradicts what the server holds; the whole batch is refused."""
