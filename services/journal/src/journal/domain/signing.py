"""The public half of an archive-signing key as text: written into each archive's manifest,
read back to check a signature, and its short fingerprint to compare by eye. No I/O.

The text is the base64 of the key's raw 32 bytes, so that it can be printed, published and
pasted on a command line; the fingerprint is the first 16 hex digits of their SHA-256.
"""

import base64
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Base64 of the raw 32 bytes of the public key (of a private key: its public half)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return base64.b64encode(public.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def load_public_key(text: str) -> Ed25519PublicKey:
    """The public key written by `public_key_text`; ValueError if it is not one."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (ValueError, TypeError):
        raise ValueError("the public key is not base64 text") from None
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key has 32 bytes, this one has {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def fingerprint(public: Ed25519PublicKey | Ed25519PrivateKey | str) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key, short enough to compare by
    eye between a page and a printed report."""
    text = public if isinstance(public, str) else public_key_text(public)
    return hashlib.sha256(load_public_key(text).public_bytes(
        Encoding.Raw, PublicFormat.Raw)).hexdigest()[:16]
