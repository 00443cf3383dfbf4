"""The segment service checks who acts: a cashier alone may count and look, never save a
segment (a campaign's audience) nor rebuild the figures; a manager's approval allows it."""

from __future__ import annotations

import pytest

from storage import customers, segments
from till.core.people import Actor, NotPermitted, Role, Session
from till.segment_service import SegmentService

CASHIER = Actor("c1", "Cleo", Role.CASHIER, 1)
MANAGER = Actor("m1", "Maud", Role.MANAGER, 1)


def test_a_cashier_alone_may_look_but_not_save_or_rebuild(db_path):
    customers.create_customer(
        {"last_name": "Lee", "city": "Lyon"}, actor="t", till_no=1, region="FR"
    )
    service = SegmentService(2, Session(CASHIER))
    assert service.answer("city=Lyon").count == 1
    with pytest.raises(NotPermitted, match=r"Cleo \(cashier\) may not create and export campaigns"):
        service.save("vip", "city=Lyon")
    with pytest.raises(NotPermitted):
        service.rebuild_figures()
    assert segments.list_segments() == []

    approved = SegmentService(2, Session(CASHIER), approver=MANAGER)
    assert approved.save("vip", "city=Lyon").created_by == "till 1 (Cleo), approved by Maud"
    assert approved.rebuild_figures() == 0


def test_a_viewer_looks_and_an_unknown_label_saves_nothing(db_path):
    viewer = SegmentService(2, Session(Actor("v1", "Vic", Role.VIEWER, 1)))
    assert viewer.answer("city=Lyon").count == 0 and viewer.every_saved() == []
    with pytest.raises(NotPermitted):
        SegmentService(2, "cli (eve)").save("vip", "city=Paris")
