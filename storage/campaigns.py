"""Campaigns (docs/campaigns.md): making one from a segment's customers who consented to its
channel, each with a coupon code when it has an offer; its export for a mailing tool; its
results; a customer's campaigns; coupons looked up and used on a sale. Every change goes to
the outbox in its own transaction, as the ledgers' do."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from storage import outbox
from storage.customer_export import spreadsheet_text
from storage.customer_pointer import ids_counted_as, survivor_id
from storage.ids import new_id
from storage.models import database
from till.core.coupons import (
    CONSENT_OF,
    EXPIRED,
    NOT_YET,
    UNKNOWN,
    USED,
    AppliedCoupon,
    Coupon,
    Offer,
    Received,
    new_code,
)
from till.core.customer import display_name
from till.core.words import N_
from till.errors import InvalidSale, TillError

CHUNK = 900
"""Ids per ``IN (…)`` look-up: under SQLite's 999 variables of older builds."""


EXPORT_HEADER = [
    "customer_code",
    "name",
    "email",
    "mobile",
    "address1",
    "address2",
    "address3",
    "postcode",
    "city",
    "country",
    "language",
    "consent_at",
    "coupon_code",
]


@dataclass(frozen=True)
class CampaignRow:
    """A campaign as stored."""

    id: str
    name: str
    segment: str
    channel: str
    starts: str
    ends: str
    offer: Offer | None
    valid_until: str
    created_by: str
    created_at: str


@dataclass(frozen=True)
class Made:
    """What creating a campaign did: its recipients, and the segment's customers left out
    for want of the channel's consent."""

    campaign: CampaignRow
    recipients: int
    without_consent: int


@dataclass(frozen=True)
class Results:
    """A campaign's figures: recipients, coupons used (codes; and codes used more than once,
    on tills that were offline), and what the recipients spent during the campaign and over
    as many days just before it (minor units, refunds netted)."""

    recipients: int
    coupons_used: int
    used_twice: int
    spent_during: int
    spent_before: int
    days: int


_CAMPAIGN_COLUMNS = (
    "id, name, segment, channel, starts, ends, offer_kind, offer_value, valid_until,"
    " created_by, created_at"
)


def _campaign(row: tuple) -> CampaignRow:
    offer = Offer(row[6], row[7]) if row[6] else None
    id_, name, segment, channel, starts, ends = row[:6]
    valid_until, created_by, created_at = row[8:]
    return CampaignRow(
        id_, name, segment, channel, starts, ends, offer, valid_until, created_by, created_at
    )


def campaign_named(name: str) -> CampaignRow | None:
    row = database.execute_sql(
        f"SELECT {_CAMPAIGN_COLUMNS} FROM campaign WHERE name = ? ORDER BY created_at, id LIMIT 1",
        (name,),
    ).fetchone()
    return _campaign(row) if row else None


def campaigns() -> list[CampaignRow]:
    rows = database.execute_sql(f"SELECT {_CAMPAIGN_COLUMNS} FROM campaign ORDER BY starts, name")
    return [_campaign(row) for row in rows]


def create_campaign(campaign: CampaignRow, customer_ids: Iterable[str]) -> Made:
    """Store ``campaign`` with the customers of ``customer_ids`` who consented to its channel
    (their consent's date kept), each with a new coupon code when it has an offer. One
    transaction; TillError if the name is taken."""
    consent = CONSENT_OF[campaign.channel]
    at = campaign.created_at
    recipients = left_out = 0
    with database.atomic():
        cursor = database.cursor()
        if cursor.execute("SELECT 1 FROM campaign WHERE name = ?", (campaign.name,)).fetchone():
            raise TillError(N_("A campaign is already named {name}."), name=campaign.name)
        header = _campaign_payload(campaign)
        cursor.execute(
            f"INSERT INTO campaign ({_CAMPAIGN_COLUMNS}) VALUES ({', '.join('?' * 11)})",
            tuple(_campaign_values(campaign)),
        )
        outbox.append("campaign", campaign.id, "create", header, at, cursor=cursor)
        for chunk in _chunks(customer_ids):
            marks = ", ".join("?" * len(chunk))
            consenting = cursor.execute(
                f"SELECT id, {consent}_at FROM customer WHERE id IN ({marks}) AND {consent} = 1"
                " AND active = 1 AND merged_into IS NULL AND anonymised_at = ''",
                chunk,
            ).fetchall()
            left_out += len(set(chunk)) - len(consenting)
            rows = [
                (campaign.id, cid, consent_at, new_code() if campaign.offer else None)
                for cid, consent_at in consenting
            ]
            cursor.executemany(
                "INSERT INTO campaign_recipient (campaign_id, customer_id, consent_at,"
                " coupon_code) VALUES (?, ?, ?, ?)",
                rows,
            )
            for campaign_id, cid, consent_at, code in rows:
                payload = {
                    "campaign_id": campaign_id,
                    "customer_id": cid,
                    "consent_at": consent_at,
                    "coupon_code": code,
                    "at": at,
                }
                entity_id = f"{campaign_id}:{cid}"
                outbox.append("campaign_recipient", entity_id, "create", payload, at, cursor=cursor)
            recipients += len(rows)
    return Made(campaign, recipients, left_out)


def _campaign_values(campaign: CampaignRow) -> list[Any]:
    offer = campaign.offer
    return [
        campaign.id,
        campaign.name,
        campaign.segment,
        campaign.channel,
        campaign.starts,
        campaign.ends,
        offer.kind if offer else "",
        offer.value if offer else 0,
        campaign.valid_until,
        campaign.created_by,
        campaign.created_at,
    ]


def _campaign_payload(campaign: CampaignRow) -> dict[str, Any]:
    names = _CAMPAIGN_COLUMNS.replace(" ", "").split(",")
    payload = dict(zip(names, _campaign_values(campaign), strict=True))
    payload["at"] = payload.pop("created_at")
    return payload


def _chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    for customer_id in ids:
        chunk.append(customer_id)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def recipient_rows(campaign: CampaignRow) -> Iterator[list[str]]:
    """The export's rows, one a recipient, in customer code order, cells as text: those who
    still accept the channel (a consent withdrawn since, or a person erased, is not mailed)."""
    consent = CONSENT_OF[campaign.channel]
    cursor = database.execute_sql(
        "SELECT c.code, c.kind, c.last_name, c.first_name, c.company, c.email, c.mobile,"
        " c.address1, c.address2, c.address3, c.postcode, c.city, c.country, c.language,"
        " r.consent_at, COALESCE(r.coupon_code, '')"
        " FROM campaign_recipient r JOIN customer c ON c.id = r.customer_id"
        f" WHERE r.campaign_id = ? AND c.{consent} = 1 AND c.anonymised_at = ''"
        " AND c.merged_into IS NULL AND c.active = 1"
        " ORDER BY c.code",
        (campaign.id,),
    )
    for row in cursor:
        name = display_name(row[1], row[2], row[3], row[4])
        yield [row[0], name, *row[5:]]


def export_recipients(campaign: CampaignRow, path: Path) -> int:
    """Write the recipients to ``path`` (CSV, UTF-8), each cell a spreadsheet keeps as text;
    written beside and renamed, so a mailing tool never reads half a file. How many rows."""
    partial = path.with_name(f".{path.name}.partial")
    count = 0
    try:
        with partial.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(EXPORT_HEADER)
            for row in recipient_rows(campaign):
                writer.writerow([spreadsheet_text(cell) for cell in row])
                count += 1
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def results(campaign: CampaignRow) -> Results:
    """The campaign's figures as this till knows them (every till's sales and coupon uses
    once synced)."""
    first, last = date.fromisoformat(campaign.starts), date.fromisoformat(campaign.ends)
    days = (last - first).days + 1
    before = first - timedelta(days=days)
    recipients = database.execute_sql(
        "SELECT COUNT(*) FROM campaign_recipient WHERE campaign_id = ?", (campaign.id,)
    ).fetchone()[0]
    used, twice = database.execute_sql(
        "SELECT COUNT(*), COALESCE(SUM(uses > 1), 0) FROM (SELECT code, COUNT(*) AS uses"
        " FROM coupon_redemption WHERE campaign_id = ? GROUP BY code)",
        (campaign.id,),
    ).fetchone()
    return Results(
        recipients,
        used,
        twice,
        _spent(campaign.id, first, last + timedelta(days=1)),
        _spent(campaign.id, before, first),
        days,
    )


_SPENT = (
    # sales of this till and of the others (synced), refunds netted; a customer merged since
    # counts as the one kept (storage/customer_pointer.py)
    "WITH people AS (SELECT DISTINCT COALESCE(c.merged_into, r.customer_id) AS id"
    " FROM campaign_recipient r LEFT JOIN customer c ON c.id = r.customer_id"
    " WHERE r.campaign_id = ?1),"
    " spent AS (SELECT customer_id, total FROM sale WHERE created_at >= ?2 AND created_at < ?3"
    " UNION ALL SELECT customer_id, total FROM remote_sale"
    " WHERE created_at >= ?2 AND created_at < ?3)"
    " SELECT COALESCE(SUM(s.total), 0) FROM spent s LEFT JOIN customer c ON c.id = s.customer_id"
    " WHERE COALESCE(c.merged_into, s.customer_id) IN (SELECT id FROM people)"
)


def _spent(campaign_id: str, since: date, until: date) -> int:
    """What the campaign's recipients spent from ``since`` up to (not including) ``until``."""
    row = database.execute_sql(
        _SPENT, (campaign_id, since.isoformat(), until.isoformat())
    ).fetchone()
    return int(row[0])


def received(customer_id: str) -> list[Received]:
    """The campaigns a customer received, newest first, with whether the coupon was used."""
    ids = ids_counted_as(customer_id)  # with those merged into them
    rows = database.execute_sql(
        "SELECT c.name, c.channel, c.starts, c.ends, c.offer_kind, c.offer_value,"
        " COALESCE(r.coupon_code, ''),"
        " COALESCE((SELECT MIN(u.at) FROM coupon_redemption u WHERE u.code = r.coupon_code), '')"
        " FROM campaign_recipient r JOIN campaign c ON c.id = r.campaign_id"
        f" WHERE r.customer_id IN ({', '.join('?' * len(ids))})"
        " ORDER BY c.starts DESC, c.name",
        ids,
    )
    return [
        Received(name, channel, starts, ends, Offer(kind, value) if kind else None, code, used)
        for name, channel, starts, ends, kind, value, code, used in rows
    ]


_COUPON = (
    "SELECT r.coupon_code, c.name, r.customer_id, cu.kind, cu.last_name, cu.first_name,"
    " cu.company, c.offer_kind, c.offer_value, c.starts, c.valid_until,"
    " EXISTS (SELECT 1 FROM coupon_redemption u WHERE u.code = r.coupon_code)"
    " FROM campaign_recipient r JOIN campaign c ON c.id = r.campaign_id"
    " LEFT JOIN customer cu ON cu.id = r.customer_id"
)


def _coupon(row: tuple) -> Coupon:
    name = display_name(row[3] or "", row[4] or "", row[5] or "", row[6] or "")
    offer = Offer(row[7], row[8])
    return Coupon(row[0], row[1], row[2], name, offer, row[9], row[10], bool(row[11]))


def coupon(code: str) -> Coupon | None:
    """The coupon ``code`` names, with whether it was used (here or on a till synced since);
    a recipient merged into another customer since: the coupon is the survivor's."""
    row = database.execute_sql(f"{_COUPON} WHERE r.coupon_code = ?", (code,)).fetchone()
    if row is None:
        return None
    found = _coupon(row)
    return replace(found, customer_id=survivor_id(found.customer_id))


def unused_coupon(customer_id: str, today: date) -> Coupon | None:
    """A coupon of the customer's, valid today and not used, the soonest to expire."""
    day, ids = today.isoformat(), ids_counted_as(customer_id)
    marks = ", ".join("?" * len(ids))
    row = database.execute_sql(
        f"{_COUPON} WHERE r.customer_id IN ({marks}) AND r.coupon_code IS NOT NULL"
        " AND c.starts <= ? AND c.valid_until >= ?"
        " AND NOT EXISTS (SELECT 1 FROM coupon_redemption u WHERE u.code = r.coupon_code)"
        " ORDER BY c.valid_until, c.name LIMIT 1",
        (*ids, day, day),
    ).fetchone()
    return replace(_coupon(row), customer_id=ids[0]) if row else None


def redeem(applied: AppliedCoupon, sale_id: str, till: str, at: str, cursor: Any) -> str:
    """Write the coupon's use with its sale, inside the sale's transaction, and its outbox
    row. A coupon used since it was taken (on a sale parked meanwhile, or on another till and
    pulled since), or
    no longer valid on the sale's day (parked overnight): InvalidSale, the sale is not saved
    and the cashier takes the coupon off."""
    import sqlite3

    found = cursor.execute(
        "SELECT r.campaign_id, c.starts, c.valid_until,"
        " EXISTS (SELECT 1 FROM coupon_redemption u WHERE u.code = r.coupon_code)"
        " FROM campaign_recipient r JOIN campaign c ON c.id = r.campaign_id"
        " WHERE r.coupon_code = ?",
        (applied.code,),
    ).fetchone()
    if found is None:
        raise InvalidSale(UNKNOWN, code=applied.code)
    campaign_id, starts, valid_until, used = found
    if used:  # here, or on another till and pulled since the coupon was taken
        raise InvalidSale(USED, code=applied.code)
    day = datetime.fromisoformat(at).astimezone().date()
    if day < date.fromisoformat(starts):
        raise InvalidSale(NOT_YET, code=applied.code, date=starts)
    if day > date.fromisoformat(valid_until):
        raise InvalidSale(EXPIRED, code=applied.code, date=valid_until)
    entry = {
        "id": new_id(),
        "code": applied.code,
        "campaign_id": campaign_id,
        "customer_id": applied.customer_id,
        "sale_id": sale_id,
        "till": till,
        "at": at,
    }
    try:
        insert_redemption(entry, cursor, from_feed=False)
    except sqlite3.IntegrityError:
        raise InvalidSale(USED, code=applied.code) from None
    outbox.append("coupon_redemption", entry["id"], "create", entry, at, cursor=cursor)
    return entry["id"]


def insert_redemption(entry: dict[str, Any], cursor: Any, *, from_feed: bool) -> bool:
    """Write one coupon use unless one with its id is here; True when written."""
    cursor.execute(
        "INSERT INTO coupon_redemption (id, code, campaign_id, customer_id, sale_id, till, at,"
        " from_feed) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        (
            entry["id"],
            entry["code"],
            entry["campaign_id"],
            entry["customer_id"],
            entry["sale_id"],
            entry["till"],
            entry["at"],
            int(from_feed),
        ),
    )
    return bool(cursor.rowcount == 1)
