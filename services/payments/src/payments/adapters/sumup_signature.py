"""SumUp's signed webhooks: `X-SumUp-Webhook-Signature: t=<unix time>,v1=<hex HMAC-SHA256>` over
`v1:<t>:<raw body>` with the webhook's signing secret, within five minutes of our clock. A valid
signature only says SumUp sent it: the checkout is still read back before anything is recorded."""

import hashlib
import hmac
import json
import re
import time

SIGNATURE_HEADER = "X-SumUp-Webhook-Signature"
TOLERANCE_S = 300
_HEADER = re.compile(r"t=(?P<t>[0-9]{1,15}),v1=(?P<v1>[0-9a-fA-F]{64})")


class BadSignature(Exception):
    """Missing, malformed, stale or wrong: the notification is ignored."""


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The header value SumUp would send for this body at this time."""
    digest = hmac.digest(secret.encode(), b"v1:%d:" % timestamp + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hex()}"


def verify(secret: str, body: bytes, header: str | None, now: float | None = None) -> None:
    """Raise BadSignature unless `header` signs exactly these bytes, recently, with `secret`."""
    match = _HEADER.fullmatch((header or "").strip())
    if match is None:
        raise BadSignature("malformed signature header")
    timestamp = int(match["t"])
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE_S:
        raise BadSignature("signed more than five minutes away from our clock")
    expected = hmac.digest(secret.encode(), b"v1:" + match["t"].encode() + b":" + body,
                           hashlib.sha256)
    if not hmac.compare_digest(expected, bytes.fromhex(match["v1"])):
        raise BadSignature("signature does not match")


def checkout_id_of(body: bytes) -> str | None:
    """The checkout a signed event is about (`{"type": "checkouts.…", "object": {"type":
    "checkout", "id": …}}`), or None for any other event."""
    try:
        event = json.loads(body)
        subject = event["object"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(subject, dict) or subject.get("type") != "checkout":
        return None
    checkout_id = subject.get("id")
    return checkout_id if isinstance(checkout_id, str) and checkout_id else None
