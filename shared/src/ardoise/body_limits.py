"""Request bodies refused before they cost anything: too large (413), JSON nested too deep (422),
JSON that is not UTF-8 (422, where the parser would answer 400), or JSON text PostgreSQL cannot
store (NUL characters, lone surrogates: 422, not a 500 at the database).

An ASGI middleware in front of every gateway. A declared Content-Length over the limit is refused
without reading a byte; a body without one is counted as it arrives and refused once over. A JSON
body is checked for its nesting before any parser sees it, so no request can make the server
recurse (the largest body the contract needs, 10 000 order ids, is about 400 KB and 2 deep).
"""

import json
import re
from functools import partial
from itertools import accumulate

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32
_OPENING, _CLOSING = b"{[", b"}]"
_NOT_BRACKETS = bytes(b for b in range(256) if bytes([b]) not in b"{}[]\"\\")


_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def unstorable_text(body: bytes) -> bool:
    """Whether a JSON string in the body holds a NUL or a lone surrogate (exact, and only parsed
    when an escape that could make one is present)."""
    if _SUSPECT_ESCAPE.search(body) is None:
        return False
    try:
        stack = [json.loads(body)]
    except ValueError:
        return False  # not JSON: the route's own validation says so
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            if "\x00" in value:
                return True
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
    return False


def utf8(body: bytes | bytearray) -> bool:
    """Whether the body is UTF-8 text (a parser would otherwise fail with a 400, not a 422)."""
    if body.isascii():
        return True
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def json_depth_over(body: bytes, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than `limit` (linear, in C for the most part)."""
    kept = body.translate(None, _NOT_BRACKETS)  # brackets, quotes and backslashes only
    if kept.count(b"{") + kept.count(b"[") <= limit:
        return False  # cannot be deeper than the number of openings: the usual, cheap answer
    steps, in_string, escaped = [], False, False
    for byte in kept:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in _OPENING:
            steps.append(1)
        elif byte in _CLOSING:
            steps.append(-1)
    return max(accumulate(steps), default=0) > limit


class BodyLimits:
    """`always_2xx`: paths whose contract is a 2xx whatever comes (SumUp's webhook); a body
    refused elsewhere is dropped there with an empty 204, nothing read further, nothing done."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES,
                 max_depth: int = MAX_JSON_DEPTH, always_2xx: frozenset[str] = frozenset(),
                 large_bodies: dict[str, int] | None = None) -> None:
        self.app, self.max_bytes, self.max_depth = app, max_bytes, max_depth
        self.always_2xx = always_2xx
        self.large_bodies = large_bodies or {}
        """Paths ending so take files up to that many bytes (a bank statement)."""

    def _limit(self, path: str) -> int:
        return next((size for suffix, size in self.large_bodies.items()
                     if path.endswith(suffix)), self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        refuse = partial(_refuse, send, scope["path"] in self.always_2xx)
        max_bytes = self._limit(scope["path"])
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
            await refuse(413, f"request body over {max_bytes} bytes")
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > max_bytes:
                await refuse(413, f"request body over {max_bytes} bytes")
                return
        if b"json" in headers.get(b"content-type", b""):
            if not utf8(body):
                await refuse(422, "a JSON body must be UTF-8 (RFC 8259)")
                return
            if json_depth_over(bytes(body), self.max_depth):
                await refuse(422, f"JSON nested deeper than {self.max_depth} levels")
                return
            if unstorable_text(bytes(body)):
                await refuse(422, "text may not contain NUL characters or lone surrogates")
                return
        await self.app(scope, _replay(bytes(body), receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # then the disconnect, when it comes

    return replayed


async def _refuse(send: Send, quietly: bool, status: int, detail: str) -> None:
    """A 422 in the list form FastAPI documents for it (like every other 422 here); `quietly`,
    an empty 204 instead."""
    if quietly:
        await send({"type": "http.response.start", "status": 204,
                    "headers": [(b"connection", b"close")]})
        await send({"type": "http.response.body", "body": b""})
        return
    body = detail if status != 422 else [{"loc": ["body"], "msg": detail, "type": "value_error"}]
    content = json.dumps({"detail": body}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(content)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": content})
