"""The sale in progress on each till, kept on disk as it changes: one small row per till, so a
crash, a kill or a power cut does not lose the lines, the customer or the payments taken."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from storage.models import OpenSale, database
from till.core.sale import Cart, cart_document, cart_from_document
from till.core.words import N_
from till.errors import TillError

log = logging.getLogger(__name__)

_SAVE = """INSERT INTO open_sale (till_no, revision, cart, saved_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (till_no) DO UPDATE SET revision = excluded.revision, cart = excluded.cart,
    saved_at = excluded.saved_at WHERE excluded.revision > open_sale.revision"""


def save(till_no: int, revision: int, cart: Cart | None) -> bool:
    """Keep ``cart`` as the till's open sale (None or a cart without lines: no sale open), unless a
    newer revision is stored already; True when written. Inside a transaction, it is part of
    it; outside, it commits on its own (durably: the database runs with synchronous=FULL)."""
    document = None
    if cart is not None and cart.lines:
        document = json.dumps(cart_document(cart), ensure_ascii=False)
    now = datetime.now(UTC).isoformat()
    return database.execute_sql(_SAVE, (till_no, revision, document, now)).rowcount > 0


def clear(till_no: int, revision: int) -> bool:
    """No sale open on the till any more (it was saved or parked) as of ``revision``."""
    return save(till_no, revision, None)


def revision(till_no: int) -> int:
    """The revision last stored for the till; 0 before its first sale."""
    stored = OpenSale.select(OpenSale.revision).where(OpenSale.till_no == till_no).scalar()
    return stored or 0


def load(till_no: int) -> Cart | None:
    """The sale that was open on the till when the register stopped, if any."""
    document = OpenSale.select(OpenSale.cart).where(OpenSale.till_no == till_no).scalar()
    if document is None:
        return None
    try:
        return cart_from_document(json.loads(document))
    except (TypeError, KeyError, ValueError):
        log.error(  # shown: the TillError below is what the cashier reads
            "the open sale of till %d cannot be read back: %s",
            till_no,
            document,
            extra={"shown": True},
        )
        raise TillError(
            N_(
                "The sale in progress before the register stopped cannot be read back; "
                "it is written in full to the log."
            )
        ) from None
