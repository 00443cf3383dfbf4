"""The journal key's public PEM file, read and written without cryptography (storage/keys.py),
checked against cryptography's own encoder and parser."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from storage import keys
from till.errors import StorageError


def cryptography_pem(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_the_pem_written_is_byte_for_byte_cryptography_s():
    """The back office compares a till's PEM text with the one it first saw: a till upgraded
    from cryptography's encoder must send the very same text."""
    for _ in range(50):
        private = Ed25519PrivateKey.generate()
        raw = private.public_key().public_bytes_raw()
        assert keys.public_pem(raw) == cryptography_pem(private)


def test_the_file_made_with_the_key_is_read_back_by_both(tmp_path: Path):
    made = keys.signing_key(tmp_path, create=True)
    pem = (tmp_path / keys.PUBLIC).read_bytes()
    assert serialization.load_pem_public_key(pem).public_bytes_raw() == made.public_raw
    assert keys.public_raw(tmp_path) == made.public_raw
    assert keys.public_key(tmp_path).public_bytes_raw() == made.public_raw


ED448_PEM = (
    Ed448PrivateKey.generate()
    .public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
)
SHORT_ED25519_PEM = b"\n".join(
    (keys.PEM_BEGIN, base64.b64encode(keys.ED25519_SPKI_PREFIX + bytes(31)), keys.PEM_END)
)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"not a key at all\n", "not a PEM public key"),
        (b"-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n", "not a PEM public key"),
        (b"-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n", "not a PEM public key"),
        (ED448_PEM, "not an Ed25519 public key"),
        (SHORT_ED25519_PEM, "not an Ed25519 public key"),
    ],
)
def test_a_damaged_public_key_file_is_named_not_read(tmp_path: Path, content: bytes, said: str):
    (tmp_path / keys.PUBLIC).write_bytes(content)
    with pytest.raises(StorageError, match=said):
        keys.public_raw(tmp_path)
    with pytest.raises(StorageError, match=said):
        keys.public_key(tmp_path)


SENT_AS_THE_REGISTER_SYNCS = """
import json, sys
from pathlib import Path
import httpx
from sync.client import SyncClient
from till.cli import _open
from till.demo import demo_settings
from till.register_journal import started
settings = demo_settings(Path(sys.argv[1]))
_open(settings, create=True)
started(settings)  # a journal event, sealed: the till has heads to send
sent = []

def back_office(request):
    sent.append(json.loads(request.content))
    return httpx.Response(200, json={"kept": {}})

SyncClient("http://127.0.0.1:9", "token", "01", transport=httpx.MockTransport(back_office)
           ).send_journal_heads()
print(json.dumps([sent[0]["public_key"], str(settings.key_dir), "cryptography" in sys.modules]))
"""


def test_the_register_sends_its_public_key_to_the_back_office_without_cryptography(
    tmp_path: Path,
):
    """The register signs with PyNaCl so that cryptography (11 MB resident) stays out of its
    process; its sync client sends the public key's PEM text, read without it."""
    done = subprocess.run(
        [sys.executable, "-c", SENT_AS_THE_REGISTER_SYNCS, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    pem, key_dir, loaded = json.loads(done.stdout.splitlines()[-1])
    assert pem == (Path(key_dir) / keys.PUBLIC).read_text()
    assert not loaded
