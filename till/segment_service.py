"""Saved segments for the manager screen and ``till customers segment``: read a filter in the
shop's currency, count and preview it, save it under a name, rebuild the sales figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage import customer_stats, segments
from storage.segments import PreviewRow, Segment
from till.core.segment_filter import SegmentFilter, parse_filter


@dataclass(frozen=True)
class SegmentAnswer:
    """What a filter finds now: how many customers, and the first few."""

    text: str
    """The filter as typed: the screen drops an answer to a filter typed over since."""
    count: int
    preview: tuple[PreviewRow, ...]


class SegmentService:
    """The segment operations, with the currency's decimals and who is acting."""

    def __init__(self, precision: int, actor: str) -> None:
        self.precision = precision
        self.actor = actor

    def read(self, text: str) -> SegmentFilter:
        """The filter, or ``FilterRefused`` saying what is wrong with it."""
        return parse_filter(text, self.precision)

    def answer(self, text: str, preview: int = 10, now: datetime | None = None) -> SegmentAnswer:
        return self._answer(text, self.read(text), preview, now)

    def answer_saved(self, segment: Segment, preview: int = 10) -> SegmentAnswer:
        """A saved segment counted now, its amounts read as they were typed."""
        return self._answer(segment.where, segment.filter, preview, None)

    def _answer(
        self, text: str, segment_filter: SegmentFilter, preview: int, now: datetime | None
    ) -> SegmentAnswer:
        rows = segments.preview(segment_filter, preview, now) if preview else []
        if len(rows) < preview:  # the preview read every customer already
            return SegmentAnswer(text, len(rows), tuple(rows))
        return SegmentAnswer(text, segments.count(segment_filter, now), tuple(rows))

    def save(self, name: str, text: str) -> Segment:
        return segments.save_segment(name, self.read(text), self.actor, self.precision)

    def saved(self, name: str) -> Segment:
        return segments.get_segment(name)

    def every_saved(self) -> list[Segment]:
        return segments.list_segments()

    def rebuild_figures(self) -> int:
        return customer_stats.rebuild()
