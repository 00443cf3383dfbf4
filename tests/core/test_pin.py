import pytest

from till.core.pin import (
    hash_pin,
    hash_user_pin,
    pin_tag,
    verify_pin,
    verify_user_pin,
    wrong_pin,
)
from till.errors import worded

PEPPER = bytes(range(32))


def test_a_pin_is_stored_only_as_a_salted_scrypt_hash():
    stored = hash_pin("4821")
    assert stored.startswith("scrypt$") and "4821" not in stored
    assert hash_pin("4821") != stored  # salted
    assert verify_pin("4821", stored)
    assert not verify_pin("4822", stored)
    assert not verify_pin("4821", "plain-text")
    assert not verify_pin("4821", "scrypt$x$y$z$00$00")


@pytest.mark.parametrize("pin", ["", "12", "abcd", "12 34", "1234567890123", "١٢٣٤"])
def test_short_long_or_non_digit_pins_are_refused(pin):
    with pytest.raises(ValueError, match="4 to 12 digits"):
        hash_pin(pin)
    with pytest.raises(ValueError, match="4 to 12 digits"):
        hash_user_pin(pin, PEPPER)


def test_a_user_s_pin_needs_the_pepper_kept_outside_the_database():
    stored = hash_user_pin("4821", PEPPER)
    assert verify_user_pin("4821", PEPPER, stored)
    assert not verify_user_pin("4821", bytes(32), stored)  # the database alone is not enough
    assert not verify_pin("4821", stored)  # nor is scrypt of the bare PIN
    assert hash_user_pin("4821", PEPPER) != stored  # a salt of its own


def test_the_tag_that_finds_a_pin_s_user_depends_on_the_pepper():
    assert pin_tag("4821", PEPPER) == pin_tag("4821", PEPPER)
    assert pin_tag("4821", PEPPER) != pin_tag("4822", PEPPER)
    assert pin_tag("4821", PEPPER) != pin_tag("4821", bytes(32))
    assert "4821" not in pin_tag("4821", PEPPER)


def test_wrong_pins_are_told_plainly():
    assert worded(*wrong_pin(1, 0)) == "Wrong PIN (1 try left)."
    assert worded(*wrong_pin(0, 300)) == "Wrong PIN. Locked for 300 s."
