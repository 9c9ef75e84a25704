"""Rate limits per client address (or any key), counted in the process: each replica keeps its
own counts, so N replicas let N times the limit through at most.

A sliding window: at most `limit` requests accepted in any `window_s` seconds; a refused one is
told how long until the oldest accepted leaves the window (its Retry-After). Memory is bounded:
a key is forgotten once its last accepted request is a window old (its count is then zero, so
nothing changes), and at most `max_keys` keys are kept, the least recently accepted given up
first (should it come back, it starts afresh). Synchronous and without awaits, so a check and
its count are one step in the event loop.

The client address is the connection's peer, or, only when that peer is a trusted proxy, the
address that proxy says it was asked by (`X-Forwarded-For`): a client cannot pick its own bucket.
IPv6 clients are counted by their /64, which one subscriber usually has whole.
"""

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from ipaddress import (
    IPv4Address,
    IPv4Network,
    IPv6Address,
    IPv6Network,
    ip_address,
    ip_network,
)
from typing import Any

from starlette.types import Scope

MAX_KEYS = 10_000
"""Per limiter: about 100 bytes a key and a few per request counted, a few MB at most."""
Network = IPv4Network | IPv6Network


class SlidingWindow:
    """`hit(key)`: 0 when the request is accepted (and counted), else the whole seconds to wait."""

    def __init__(self, limit: int, window_s: float, max_keys: int = MAX_KEYS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1 or window_s <= 0 or max_keys < 1:
            raise ValueError("a limit needs at least one request, a window and room for a key")
        self.limit, self.window_s, self.max_keys, self.clock = limit, window_s, max_keys, clock
        # each key's accepted times, oldest first; keys in the order of their last accepted
        self._accepted: OrderedDict[str, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        """How many keys are tracked."""
        return len(self._accepted)

    def hit(self, key: str) -> int:
        now = self.clock()
        since = now - self.window_s
        self._forget_idle(since)
        times = self._accepted.get(key)
        if times is None:
            times = self._accepted[key] = deque(maxlen=self.limit)
        while times and times[0] <= since:
            times.popleft()
        if len(times) >= self.limit:
            return max(1, math.ceil(times[0] - since))
        times.append(now)
        self._accepted.move_to_end(key)
        if len(self._accepted) > self.max_keys:
            self._accepted.popitem(last=False)
        return 0

    def _forget_idle(self, since: float) -> None:
        """Keys whose last accepted request left the window; the first one found still in it
        ends the search, as every key after it was accepted later."""
        while self._accepted:
            times = next(iter(self._accepted.values()))
            if times and times[-1] > since:
                return
            self._accepted.popitem(last=False)


def parse_networks(text: str) -> tuple[Network, ...]:
    """`TRUSTED_PROXIES`: addresses or networks, comma-separated (`10.0.0.0/8, 192.0.2.7`)."""
    networks = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            networks.append(ip_network(part, strict=False))
        except ValueError as error:
            raise ValueError(f"TRUSTED_PROXIES: {part!r} is not an address or a network") \
                from error
    return tuple(networks)


def _parsed(text: str) -> IPv4Address | IPv6Address | None:
    """A bare address, `[v6]:port`, `v4:port`, or None when it is none of these."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":")[0]
    try:
        found = ip_address(text)
    except ValueError:
        return None
    if isinstance(found, IPv6Address) and found.ipv4_mapped:
        return found.ipv4_mapped
    return found


def _trusted(address: IPv4Address | IPv6Address, proxies: Iterable[Network]) -> bool:
    return any(address.version == proxy.version and address in proxy for proxy in proxies)


def bucket_of(address: IPv4Address | IPv6Address) -> str:
    if isinstance(address, IPv6Address):
        return str(IPv6Network((address, 64), strict=False))
    return str(address)


def client_address(scope: Scope, trusted_proxies: tuple[Network, ...] = ()) -> str:
    """The key of the client of this request (an ASGI scope, e.g. `request.scope`).

    Behind trusted proxies, `X-Forwarded-For` is read from its right end: each proxy appends the
    address it was asked by, so the first address that is not a trusted proxy's is the client's,
    whatever a client wrote further left."""
    peer_text = (scope.get("client") or ("unknown", 0))[0] or "unknown"
    peer = _parsed(peer_text)
    if peer is None:
        return peer_text  # not an IP (a test client's name, a Unix socket): its own bucket
    if not trusted_proxies or not _trusted(peer, trusted_proxies):
        return bucket_of(peer)
    forwarded = b",".join(value for name, value in scope.get("headers", ())
                          if name == b"x-forwarded-for").decode("latin-1")
    nearest = peer
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = _parsed(hop)
        if address is None:
            break  # a proxy wrote nothing readable: count its nearest trusted hop
        nearest = address
        if not _trusted(address, trusted_proxies):
            break
    return bucket_of(nearest)


def too_many_requests(description: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI answer of a route that may be refused so (`responses=` of the route)."""
    return {429: {
        "description": description,
        "headers": {"Retry-After": {"description": "seconds to wait before trying again",
                                    "schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": {
            "type": "object", "required": ["detail"],
            "properties": {"detail": {"type": "string"}}}}}}}
