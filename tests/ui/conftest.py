"""Helpers for driving the real app with Pilot."""

from __future__ import annotations

from typing import Any

import pytest

from till.app import TillApp, make_app
from till.config import Settings
from till.messages import Scanned


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "expect_errors(*texts): the test means to raise error notifications (each containing "
        "one of ``texts``, or any with none given)",
    )


@pytest.fixture(autouse=True)
def no_unexpected_errors(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Fail any UI test whose app raised an error notification it did not declare with
    ``@pytest.mark.expect_errors``: worker failures and logged errors become error
    notifications (TillApp), so none goes unnoticed. Unhandled exceptions already fail the
    test: Pilot raises them again."""
    raised: list[str] = []
    notify = TillApp.notify

    def noting_errors(self: TillApp, message: str, **options: Any) -> None:
        if options.get("severity") == "error":
            raised.append(str(message))
        notify(self, message, **options)

    monkeypatch.setattr(TillApp, "notify", noting_errors)
    run_test = TillApp.run_test

    def showing_toasts(self: TillApp, *args: Any, **options: Any):
        # Pilot hides toasts unless asked: a toast that cannot be drawn (markup in a name)
        # would then never fail a test.
        options.setdefault("notifications", True)
        return run_test(self, *args, **options)

    monkeypatch.setattr(TillApp, "run_test", showing_toasts)
    yield
    marker = request.node.get_closest_marker("expect_errors")
    expected = marker.args if marker else None
    unexpected = [
        text
        for text in raised
        if expected is None or (expected and not any(e in text for e in expected))
    ]
    if unexpected:
        pytest.fail(f"unexpected error notifications: {unexpected}", pytrace=False)


@pytest.fixture
def app(settings: Settings) -> TillApp:
    return make_app(settings)


def as_manager(app: TillApp) -> TillApp:
    """Log a manager in: what needs one (deleting a customer) goes on without a PIN."""
    from till.core.people import Actor, Role

    app.register.session.user = Actor("m1", "Maud", Role.MANAGER, app.register.till_no)
    return app


def error_notifications(app: TillApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def settle(pilot) -> None:
    """Let the workers a key started (writes and reads off the event loop) finish, then the
    screen take what they said."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def scan(pilot, code: str) -> None:
    """Inject a scan the way every scanner path delivers it, then let the screen update."""
    pilot.app.screen.post_message(Scanned(code))
    await pilot.pause()


def message(app: TillApp) -> str:
    return str(app.screen.query_one("#message").render())


def footer_text(app) -> str:
    """The keys the footer offers, as shown."""
    return " ".join(str(widget.render()) for widget in app.screen.query("FooterKey"))
