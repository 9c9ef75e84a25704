"""The per-address limiter: a sliding window that says how long to wait, forgets what no longer
counts, keeps a bounded number of keys, and reads X-Forwarded-For only from trusted proxies."""

import pytest

from ardoise.rate_limit import (
    SlidingWindow,
    client_address,
    parse_networks,
    too_many_requests,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_the_requests_over_the_limit_within_the_window_are_refused_with_the_wait(clock):
    limiter = SlidingWindow(5, 60, clock=clock)
    for second in range(5):
        clock.now = 1000.0 + second * 10
        assert limiter.hit("203.0.113.7") == 0
    clock.now = 1045.0
    assert limiter.hit("203.0.113.7") == 15  # the first leaves the window at 1060
    assert limiter.hit("198.51.100.1") == 0  # another address has its own count


def test_the_window_slides_one_request_at_a_time(clock):
    limiter = SlidingWindow(3, 60, clock=clock)
    for at in (0, 20, 40):
        clock.now = 1000.0 + at
        assert limiter.hit("a") == 0
    clock.now = 1059.5
    assert limiter.hit("a") == 1  # never less than a second
    clock.now = 1060.0
    assert limiter.hit("a") == 0  # the first is a window old: its place is free
    assert limiter.hit("a") == 20  # the second leaves at 1080
    clock.now = 1080.0
    assert limiter.hit("a") == 0


def test_a_refused_request_is_not_counted(clock):
    limiter = SlidingWindow(1, 60, clock=clock)
    assert limiter.hit("a") == 0
    for second in range(1, 60, 5):
        clock.now = 1000.0 + second
        assert limiter.hit("a") > 0
    clock.now = 1060.0
    assert limiter.hit("a") == 0


def test_keys_are_forgotten_once_their_last_request_is_a_window_old(clock):
    limiter = SlidingWindow(2, 60, clock=clock)
    for key in ("a", "b", "c"):
        limiter.hit(key)
    clock.now = 1030.0
    limiter.hit("b")
    assert len(limiter) == 3
    clock.now = 1061.0
    limiter.hit("d")
    assert len(limiter) == 2  # a and c gone; b, last seen at 1030, and d kept
    assert limiter.hit("b") == 0 and limiter.hit("b") == 29  # its 1030 request still counts


def test_no_more_keys_than_the_cap_are_kept_the_least_recent_given_up_first(clock):
    limiter = SlidingWindow(1, 60, max_keys=100, clock=clock)
    for n in range(1000):
        assert limiter.hit(f"10.0.{n // 256}.{n % 256}") == 0
    assert len(limiter) == 100
    assert limiter.hit("10.0.3.231") > 0  # among the last 100: still counted
    assert limiter.hit("10.0.0.0") == 0  # given up: starts afresh


def test_a_limit_needs_a_request_a_window_and_room():
    for bad in ((0, 60), (1, 0), (1, 60, 0)):
        with pytest.raises(ValueError):
            SlidingWindow(*bad)


def scope(peer: str | None, *forwarded: str) -> dict:
    return {"type": "http", "client": (peer, 50000) if peer else None,
            "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded]}


PROXIES = parse_networks(" 10.0.0.0/8, 192.0.2.7 ,2001:db8:ff::/48,")


def test_trusted_proxies_are_read_as_addresses_or_networks():
    assert [str(p) for p in PROXIES] == ["10.0.0.0/8", "192.0.2.7/32", "2001:db8:ff::/48"]
    assert parse_networks("") == () and parse_networks(" , ") == ()
    with pytest.raises(ValueError, match="'proxy.local' is not an address"):
        parse_networks("10.0.0.1, proxy.local")


def test_without_a_trusted_proxy_the_peer_is_the_client_whatever_it_forwards():
    assert client_address(scope("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    assert client_address(scope("203.0.113.7", "198.51.100.1"), PROXIES) == "203.0.113.7"


def test_behind_trusted_proxies_the_first_untrusted_hop_from_the_right_is_the_client():
    assert client_address(scope("10.1.2.3", "198.51.100.1"), PROXIES) == "198.51.100.1"
    # what a client writes itself stands left of what the proxies add: never believed
    assert client_address(scope("10.1.2.3", "1.1.1.1, 198.51.100.1"), PROXIES) == "198.51.100.1"
    assert client_address(scope("10.1.2.3", "1.1.1.1, 198.51.100.1, 192.0.2.7"),
                          PROXIES) == "198.51.100.1"
    assert client_address(scope("10.1.2.3", "1.1.1.1", "198.51.100.1"),
                          PROXIES) == "198.51.100.1"  # two header lines, read as one list
    assert client_address(scope("10.1.2.3", "198.51.100.1:4711"), PROXIES) == "198.51.100.1"


def test_a_trusted_proxy_that_forwards_nothing_readable_is_its_own_client():
    assert client_address(scope("10.1.2.3"), PROXIES) == "10.1.2.3"
    assert client_address(scope("10.1.2.3", "unknown"), PROXIES) == "10.1.2.3"
    assert client_address(scope("10.1.2.3", "garbage, 10.9.9.9"), PROXIES) == "10.9.9.9"
    assert client_address(scope("10.1.2.3", "10.4.4.4, 10.9.9.9"), PROXIES) == "10.4.4.4"


def test_ipv6_clients_are_counted_by_their_slash_64_and_mapped_ipv4_as_ipv4():
    assert client_address(scope("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64"
    assert client_address(scope("2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::/64"
    assert client_address(scope("::ffff:203.0.113.7")) == "203.0.113.7"
    assert client_address(scope("2001:db8:ff::1", "[2001:db8:5::7]:443"),
                          PROXIES) == "2001:db8:5::/64"


def test_a_peer_that_is_no_ip_address_is_a_bucket_of_its_own():
    assert client_address(scope("testclient")) == "testclient"
    assert client_address(scope(None)) == "unknown"


def test_the_429_is_documented_with_its_retry_after():
    answer = too_many_requests("too many")[429]
    assert "Retry-After" in answer["headers"]
    assert answer["content"]["application/json"]["schema"]["required"] == ["detail"]
