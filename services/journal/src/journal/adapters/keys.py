"""Each producer's archive-signing key, derived from the deployment's secret: nothing secret is
stored in the database, and a producer's key is the same after every restart.

The key is the Ed25519 key whose 32-byte seed is HKDF-SHA256 of `JOURNAL_SIGNING_SECRET`, with
the producer id as `info`. The secret is text of at least 32 characters holding at least 256
bits of entropy; generate one with

    python -c "import secrets; print(secrets.token_urlsafe(32))"

(43 characters) or `openssl rand -base64 32`, and keep it with the deployment's other secrets:
losing it loses no data, but the archives signed afterwards carry new keys; leaking it lets
anyone sign an archive in a producer's name, so it is then replaced and the new public keys
published.
"""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from journal.domain.signing import fingerprint, public_key_text

__all__ = ["MIN_SECRET_LENGTH", "fingerprint", "public_key_text", "signing_key"]

MIN_SECRET_LENGTH = 32
_SALT = b"ardoise/journal/archive-signing/v1"
"""Keeps these keys apart from anything else one might derive from the same secret."""


def signing_key(secret: str, producer_id: str) -> Ed25519PrivateKey:
    """The producer's signing key; ValueError for a secret too short to be one."""
    if len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"JOURNAL_SIGNING_SECRET has {len(secret)} characters, at least "
            f"{MIN_SECRET_LENGTH} are needed: generate one with "
            "`python -c \"import secrets; print(secrets.token_urlsafe(32))\"`")
    if not producer_id:
        raise ValueError("a signing key belongs to a producer: the producer id is empty")
    seed = HKDF(algorithm=SHA256(), length=32, salt=_SALT,
                info=producer_id.encode()).derive(secret.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)
