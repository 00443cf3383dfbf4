"""Times as stored: ISO 8601 text in UTC, so times written on any till compare as text."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_text(moment: str) -> str:
    """``moment`` (ISO 8601 with its offset) as UTC text of one fixed width, microseconds
    always written: such times sort as text in time order, even under a database collation
    that ignores punctuation (PostgreSQL in most locales)."""
    return datetime.fromisoformat(moment).astimezone(UTC).isoformat(timespec="microseconds")
