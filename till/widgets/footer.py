"""The footer of the screens that stay up all day."""

from __future__ import annotations

from textual.widgets import Footer


class TillFooter(Footer):
    """Textual's Footer, without its slow leak: every rebuild (each time the keys that apply
    change) binds the new keys to the footer's ``compact`` setting and never unbinds the old
    ones, which Textual prunes only when ``compact`` changes, as it never does here. Over a
    day of sales the stale keys pile up and make every full garbage collection slower."""

    async def recompose(self) -> None:
        await super().recompose()
        self.prune_watchers()

    def prune_watchers(self) -> None:
        for entries in getattr(self, "__watchers", {}).values():
            entries[:] = [(node, callback) for node, callback in entries if node.is_attached]
