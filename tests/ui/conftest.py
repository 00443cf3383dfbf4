"""Helpers for driving the real app with Pilot."""

from __future__ import annotations

import pytest

from till.app import TillApp, make_app
from till.config import Settings
from till.messages import Scanned


@pytest.fixture
def app(settings: Settings) -> TillApp:
    return make_app(settings)


def error_notifications(app: TillApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def scan(pilot, code: str) -> None:
    """Inject a scan the way every scanner path delivers it, then let the screen update."""
    pilot.app.screen.post_message(Scanned(code))
    await pilot.pause()


def message(app: TillApp) -> str:
    return str(app.screen.query_one("#message").render())
