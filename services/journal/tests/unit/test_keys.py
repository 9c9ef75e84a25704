"""Producers' signing keys, derived from the deployment's secret."""

import base64

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from journal.adapters.keys import fingerprint, public_key_text, signing_key
from journal.domain.signing import load_public_key

SECRET = "Jx3k9VbQ2mT7wR4yZ8nP1sL6dF0hG5aE"  # 32 characters


def raw_private(key) -> bytes:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def test_a_producers_key_is_the_same_each_time_it_is_derived():
    assert raw_private(signing_key(SECRET, "ferme-des-saules")) == raw_private(
        signing_key(SECRET, "ferme-des-saules"))


def test_each_producer_has_its_own_key():
    assert public_key_text(signing_key(SECRET, "ferme-des-saules")) != public_key_text(
        signing_key(SECRET, "les-jardins-de-marie"))


def test_another_secret_gives_other_keys():
    assert public_key_text(signing_key(SECRET, "ferme-des-saules")) != public_key_text(
        signing_key(SECRET[:-1] + "F", "ferme-des-saules"))


def test_a_signature_verifies_with_the_public_key_text_and_with_nothing_else():
    key = signing_key(SECRET, "ferme-des-saules")
    signature = key.sign(b"manifest")
    public = load_public_key(public_key_text(key))
    public.verify(signature, b"manifest")
    with pytest.raises(InvalidSignature):
        public.verify(signature, b"manifest!")
    with pytest.raises(InvalidSignature):
        load_public_key(public_key_text(signing_key(SECRET, "autre"))).verify(signature,
                                                                             b"manifest")


def test_the_public_key_text_is_base64_of_32_bytes_and_the_same_from_either_half():
    key = signing_key(SECRET, "ferme-des-saules")
    text = public_key_text(key)
    assert len(base64.b64decode(text, validate=True)) == 32
    assert public_key_text(key.public_key()) == text


def test_the_fingerprint_is_short_hex_and_the_same_from_the_key_or_its_text():
    key = signing_key(SECRET, "ferme-des-saules")
    shown = fingerprint(key.public_key())
    assert len(shown) == 16 and int(shown, 16) >= 0
    assert fingerprint(public_key_text(key)) == shown
    assert fingerprint(signing_key(SECRET, "autre").public_key()) != shown


def test_a_secret_shorter_than_32_characters_is_refused():
    with pytest.raises(ValueError, match="JOURNAL_SIGNING_SECRET has 31 characters, at least 32"):
        signing_key(SECRET[:31], "ferme-des-saules")


def test_an_empty_producer_id_is_refused():
    with pytest.raises(ValueError, match="producer id"):
        signing_key(SECRET, "")
