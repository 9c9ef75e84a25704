"""What a customer's pages read of their producer's settings: read once as the producer for the
zone and the online offer together, kept a little; a failed read is not kept. No server."""

from types import SimpleNamespace

from web.gateways import Unavailable
from web.pages import producer_settings as kept
from web.pages.producer_settings import offers_online, producer_settings, zone_of


class Payments:
    def __init__(self, answers: list) -> None:
        self.answers, self.asked = answers, []

    async def json(self, principal, service, method, path):
        self.asked.append((principal.role, principal.producer_id, service, method, path))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def request_with(payments: Payments):
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(gateways=payments)))


async def test_the_settings_are_read_once_as_the_producer_and_kept_a_little(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(kept.time, "monotonic", lambda: clock[0])
    payments = Payments([Unavailable("payments"),
                         {"time_zone": "America/Cayenne", "payment_tracking": True,
                          "accepted_modes": ["cash", "online"]},
                         {"time_zone": "Europe/Paris", "payment_tracking": False}])
    request = request_with(payments)
    assert await producer_settings(request, "p1") is None  # down: not kept
    settings = await producer_settings(request, "p1")
    assert (zone_of(settings), offers_online(settings)) == ("America/Cayenne", True)
    clock[0] += kept.KEPT_S - 1
    assert await producer_settings(request, "p1") is settings  # kept: no read
    clock[0] += 2
    later = await producer_settings(request, "p1")
    assert (zone_of(later), offers_online(later)) == ("Europe/Paris", False)
    assert payments.asked == [("operator", "p1", "payments", "GET",
                               "/v1/producers/p1/settings")] * 3


def test_without_settings_the_zone_is_paris_and_nothing_is_offered_online():
    assert (zone_of(None), offers_online(None)) == ("Europe/Paris", False)
    assert offers_online({"payment_tracking": False, "accepted_modes": ["online"]}) is False
