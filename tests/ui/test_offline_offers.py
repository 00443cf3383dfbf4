"""What the payment screen says and refuses when the till is offline or the customer is
overdrawn (the offers are plain data: the services computed the limits)."""

from __future__ import annotations

import pytest

from till.core.money import MoneyFormat
from till.errors import InvalidSale
from till.screens.payment import AccountOffer, PointsOffer

MONEY = MoneyFormat("EUR", "fr_FR")
OFFLINE = "Offline since 11:40: at most 350 points can be spent until the till syncs."


def test_an_offline_points_offer_says_why_and_refuses_more_in_the_same_words():
    offer = PointsOffer(spendable=350, point_value=1, balance=900, threshold=100, note=OFFLINE)
    assert offer.describe(MONEY).splitlines()[1] == OFFLINE
    offer.check(350, MONEY)
    with pytest.raises(InvalidSale, match=r"^Offline since 11:40: at most 350 points"):
        offer.check(351, MONEY)
    assert offer.after(100).note == OFFLINE  # still said after a part is paid


def test_an_overdrawn_customer_is_offered_no_points():
    offer = PointsOffer(spendable=0, point_value=1, balance=-120, threshold=100)
    assert offer.describe(MONEY) == "Overdrawn by 120 points: none can be spent."
    with pytest.raises(InvalidSale):
        offer.check(1, MONEY)


def test_an_offline_account_offer_says_why():
    note = "Offline since 11:40: the account can pay at most 20,00 € until the till syncs."
    offer = AccountOffer(available=2000, balance=4000, note=note)
    assert offer.describe(MONEY).splitlines()[1] == note
    with pytest.raises(InvalidSale, match=r"^Offline since 11:40: the account can pay"):
        offer.check(2001, MONEY)
    assert "Overdrawn" in AccountOffer(available=0, balance=-500).describe(MONEY)
    assert "Overdrawn" not in AccountOffer(balance=-500, credit_limit=1000).describe(MONEY)
