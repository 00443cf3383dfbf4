import pytest

from till.core.pin import hash_pin, verify_pin


def test_a_pin_is_stored_only_as_a_salted_scrypt_hash():
    stored = hash_pin("4821")
    assert stored.startswith("scrypt$") and "4821" not in stored
    assert hash_pin("4821") != stored  # salted
    assert verify_pin("4821", stored)
    assert not verify_pin("4822", stored)
    assert not verify_pin("4821", "plain-text")
    assert not verify_pin("4821", "scrypt$x$y$z$00$00")


@pytest.mark.parametrize("pin", ["", "12", "abcd", "12 34"])
def test_short_or_non_digit_pins_are_refused(pin):
    with pytest.raises(ValueError, match="at least 4 digits"):
        hash_pin(pin)
