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


def test_the_gate_locks_out_after_repeated_wrong_pins():
    from till.core.pin import PinGate

    gate = PinGate(hash_pin("4821"), tries=3, lockout_seconds=60)
    assert gate.check("0000", now=0) == (False, "Wrong PIN (2 tries left).")
    assert gate.check("0000", now=1)[0] is False
    assert gate.check("0000", now=2) == (False, "Wrong PIN. Locked for 60 s.")
    approved, message = gate.check("4821", now=30)
    assert not approved and "try again in" in message  # even the right PIN, while locked
    assert gate.check("4821", now=63) == (True, "Approved.")
    assert PinGate("").check("4821", now=0)[1].startswith("No manager PIN is set")
