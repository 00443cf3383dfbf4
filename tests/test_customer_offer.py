"""Quick add's "already on file?" offer and the duplicates list, through CustomerService."""

import pytest

from storage import customers
from till.core.duplicates import PROBABLE
from till.customer_service import CustomerService


@pytest.fixture
def service(settings):
    return CustomerService(settings, actor="test")


def add(**fields):
    return customers.create_customer(fields, actor="setup", till_no=1, region="FR")


def test_a_complete_phone_under_a_misspelt_name_is_offered(service):
    jean = add(last_name="Dupont", first_name="Jean", mobile="0612345678")
    typed = {"last_name": "Dupnot", "first_name": "Jean", "mobile": "06 12 34 56 78"}
    offered = service.offer(typed)
    assert offered is not None and offered.code == jean.code
    # the prefix rule alone would not: "Dupnot" is not the start of "Dupont"
    assert service.offer({**typed, "mobile": "06 12 34 56 7"}) is None


def test_an_email_in_other_capitals_is_offered(service):
    zoe = add(last_name="Lefèvre", first_name="Zoé", email="zoe@example.fr")
    offered = service.offer({"last_name": "Lefevre", "email": "ZOE@Example.fr"})
    assert offered is not None and offered.code == zoe.code


def test_someone_else_sharing_the_phone_is_not_offered(service):
    add(last_name="Dupont", first_name="Jean", mobile="0612345678")
    assert service.offer({"last_name": "Durand", "mobile": "0612345678"}) is None


def test_typing_a_name_still_offers_as_before(service):
    jean = add(last_name="Dupont", first_name="Jean", mobile="0612345678")
    offered = service.offer({"last_name": "Dup", "first_name": "Je"})
    assert offered is not None and offered.code == jean.code
    assert service.offer({"last_name": "Du"}) is None  # fewer than 3 characters


def test_duplicates_for_the_screens(service):
    one = add(last_name="Martin", first_name="Anna", postcode="75011")
    other = add(last_name="Martinn", first_name="Anna", postcode="75011")
    add(last_name="Martin", first_name="Anna", postcode="13001")
    [pair] = service.duplicates()
    assert (pair.first.code, pair.second.code) == (one.code, other.code)
    assert pair.second.display_name == "MARTINN Anna"
    assert pair.score >= PROBABLE and pair.words == "similar name, same postcode"
    assert service.duplicates(min_score=100) == []
