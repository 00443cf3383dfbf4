"""Saved segments for the manager screen and ``till customers segment``: read a filter in the
shop's currency, count and preview it, save it under a name, rebuild the sales figures.

The acting user is checked: a segment is a campaign's audience, so saving (or replacing) one
and rebuilding the figures are a manager's (``Permission.RUN_CAMPAIGNS``); counting, previewing
and listing are looking customers up (``Permission.LOOK_UP``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage import customer_stats, segments
from storage.segments import PreviewRow, Segment
from till.core.people import Actor, Permission, Session, session_of
from till.core.segment_filter import SegmentFilter, parse_filter


@dataclass(frozen=True)
class SegmentAnswer:
    """What a filter finds now: how many customers, and the first few."""

    text: str
    """The filter as typed: the screen drops an answer to a filter typed over since."""
    count: int
    preview: tuple[PreviewRow, ...]


class SegmentService:
    """The segment operations, with the currency's decimals and who is acting (``approver``:
    whoever allowed it by PIN, when the session's user may not)."""

    def __init__(self, precision: int, actor: str | Session, approver: Actor | None = None) -> None:
        self.precision = precision
        self.session = session_of(actor)
        self.approver = approver

    def read(self, text: str) -> SegmentFilter:
        """The filter, or ``FilterRefused`` saying what is wrong with it."""
        return parse_filter(text, self.precision)

    def answer(self, text: str, preview: int = 10, now: datetime | None = None) -> SegmentAnswer:
        self._may(Permission.LOOK_UP)
        return self._answer(text, self.read(text), preview, now)

    def answer_saved(self, segment: Segment, preview: int = 10) -> SegmentAnswer:
        """A saved segment counted now, its amounts read as they were typed."""
        self._may(Permission.LOOK_UP)
        return self._answer(segment.where, segment.filter, preview, None)

    def _answer(
        self, text: str, segment_filter: SegmentFilter, preview: int, now: datetime | None
    ) -> SegmentAnswer:
        # The preview first: when it finds fewer than asked it has read every customer and
        # is the count (docs/segments.md, "Speed", says why not the count first).
        rows = segments.preview(segment_filter, preview, now) if preview else []
        if len(rows) < preview:
            return SegmentAnswer(text, len(rows), tuple(rows))
        return SegmentAnswer(text, segments.count(segment_filter, now), tuple(rows))

    def save(self, name: str, text: str) -> Segment:
        by = self.session.described(Permission.RUN_CAMPAIGNS, self.approver)
        return segments.save_segment(name, self.read(text), by, self.precision)

    def saved(self, name: str) -> Segment:
        self._may(Permission.LOOK_UP)
        return segments.get_segment(name)

    def every_saved(self) -> list[Segment]:
        self._may(Permission.LOOK_UP)
        return segments.list_segments()

    def rebuild_figures(self) -> int:
        self._may(Permission.RUN_CAMPAIGNS)
        return customer_stats.rebuild()

    def _may(self, permission: Permission) -> None:
        self.session.authorise(permission, self.approver)
