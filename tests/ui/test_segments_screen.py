"""The manager's segments screen at 80x24: the count and preview follow the filter as it is
typed (counted off the event loop), a bad filter says why, and the segment is saved."""

from __future__ import annotations

import threading

from storage import customers, segments
from till.app import make_app
from till.screens import segments as segments_screen
from till.screens.segments import SegmentsScreen
from till.segment_service import SegmentAnswer, SegmentService

from .conftest import as_manager, settle


def _count_line(app) -> str:
    return str(app.screen.query_one("#segment-count").render())


async def test_the_count_follows_the_filter_and_the_segment_is_saved(
    settings, printer_file, monkeypatch
):
    monkeypatch.setattr(segments_screen, "PAUSE", 0.01)
    counted_on: list[int] = []  # the thread of each count
    answer = SegmentService.answer

    def answer_noting_the_thread(service, *args, **kwargs):
        counted_on.append(threading.get_ident())
        return answer(service, *args, **kwargs)

    monkeypatch.setattr(SegmentService, "answer", answer_noting_the_thread)
    for last, city in (("Lee", "Lyon"), ("Roy", "Lyon"), ("Abel", "Metz")):
        customers.create_customer(
            {"last_name": last, "city": city}, actor="t", till_no=1, region="FR"
        )
    app = as_manager(make_app(settings))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+backslash")
        await settle(pilot)
        await pilot.press(*"segments")
        await pilot.pause(0.3)  # the palette's own search
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SegmentsScreen)
        await settle(pilot)
        assert _count_line(app) == "3 customers"

        await pilot.press(*"city=lyon")
        await pilot.pause(0.05)  # the pause in typing that starts a count
        await settle(pilot)
        assert _count_line(app) == "2 customers"
        assert len(counted_on) >= 2 and threading.get_ident() not in counted_on
        preview = app.screen.query_one("#segment-preview")
        assert [row[1] for row in map(preview.get_row_at, range(preview.row_count))] == [
            "LEE",
            "ROY",
        ]
        app.screen._show(SegmentAnswer("city=metz", 1, ()))  # a count typed over since
        assert _count_line(app) == "2 customers" and preview.row_count == 2

        await pilot.press(*" town=x")
        await pilot.pause(0.05)
        await settle(pilot)
        assert _count_line(app).startswith("Unknown field town")
        assert preview.row_count == 0
        for _ in " town=x":
            await pilot.press("backspace")
        await pilot.press("tab", *"Lyon", "f10")
        await settle(pilot)
        assert "Segment Lyon saved." in str(app.screen.query_one("#segment-message").render())
    assert segments.get_segment("lyon").where == "city=lyon"
