"""Times as stored: ISO 8601 text in UTC, so times written on any till compare as text."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_text(moment: str) -> str:
    """``moment`` (ISO 8601 with its offset) as the UTC text stored sales carry."""
    return datetime.fromisoformat(moment).astimezone(UTC).isoformat()
