"""The sale screen's footer is rebuilt when its keys change; rebuilding must not leak."""

from textual.app import App
from textual.binding import Binding
from textual.widgets import Footer

from till.widgets.footer import TillFooter


def stale_watchers(footer: Footer) -> int:
    entries = getattr(footer, "__watchers", {}).values()
    return sum(1 for watchers in entries for node, _ in watchers if not node.is_attached)


class Flipping(App):
    BINDINGS = [Binding("f2", "one", "One"), Binding("f3", "two", "Two")]
    shown = True

    def __init__(self, footer: type[Footer]) -> None:
        super().__init__()
        self.footer = footer

    def compose(self):
        yield self.footer(compact=True)

    def check_action(self, action, parameters):
        return self.shown or action != "two"


async def rebuild_often(footer: type[Footer]) -> int:
    app = Flipping(footer)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(20):
            app.shown = not app.shown
            app.refresh_bindings()
            await pilot.pause()
        return stale_watchers(app.query_one(Footer))


async def test_textuals_footer_leaks_a_watcher_per_old_key_and_ours_does_not():
    assert await rebuild_often(Footer) >= 20  # if this fails, Textual fixed it: drop TillFooter
    assert await rebuild_often(TillFooter) == 0
