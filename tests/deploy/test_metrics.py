"""The running system's /metrics move with real traffic; its logs follow a request and an event."""

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from ardoise import topics
from ardoise.auth import Principal, issue_token
from ardoise_tools.testing.polling import eventually

pytestmark = pytest.mark.e2e


async def scrape(url: str) -> dict[tuple[str, frozenset], float]:
    async with httpx.AsyncClient(timeout=10) as client:
        text = (await client.get(f"{url}/metrics")).text
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def answering(url: str) -> None:
    """A worker serves /metrics once its broker connection is up: wait for it."""

    async def health() -> int:
        try:
            async with httpx.AsyncClient() as client:
                return (await client.get(f"{url}/health")).status_code
        except httpx.HTTPError:
            return 0

    await eventually(health, lambda status: status == 200, timeout_s=60, interval_s=0.2)


async def test_a_gateway_counts_its_requests_and_logs_them_with_their_request_id(system,
                                                                                producer_id):
    url = system.urls["accounts"]
    whoami = {"method": "GET", "route": "/v1/whoami", "status": "200"}
    before = value(await scrape(url), "ardoise_http_requests_total", **whoami)
    token = issue_token(system.env["ARDOISE_JWT_SECRET"], Principal("operator", producer_id))
    async with httpx.AsyncClient() as client:
        for attempt in range(3):
            answer = await client.get(f"{url}/v1/whoami", headers={
                "Authorization": f"Bearer {token}", "X-Request-ID": f"{producer_id}-{attempt}"})
            assert answer.headers["X-Request-ID"] == f"{producer_id}-{attempt}"
    after = await scrape(url)
    assert value(after, "ardoise_http_requests_total", **whoami) == before + 3
    assert value(after, "ardoise_http_request_duration_seconds_count", method="GET",
                 route="/v1/whoami") >= 3
    logged = [line for line in system.log_lines("accounts-gateway")
              if line.get("request_id") == f"{producer_id}-2"]
    assert logged and logged[-1]["route"] == "/v1/whoami" and logged[-1]["status"] == 200


async def test_workers_count_what_they_relay_and_handle_and_log_each_event(system, producer_id):
    accounts_worker = system.metrics_urls["accounts-worker"]
    exports_worker = system.metrics_urls["exports-worker"]
    for url in (accounts_worker, exports_worker):
        await answering(url)
    relayed_before = value(await scrape(accounts_worker), "ardoise_outbox_published_total")
    handled_before = value(await scrape(exports_worker), "ardoise_events_handled_total",
                           topic=topics.ACCOUNTS)
    token = issue_token(system.env["ARDOISE_JWT_SECRET"], Principal("operator", producer_id))
    async with httpx.AsyncClient() as client:
        registered = await client.put(
            f"{system.urls['accounts']}/v1/producers/{producer_id}/customers/c1",
            json={"name": "Claire Martin"}, headers={"Authorization": f"Bearer {token}"})
    assert registered.status_code in (200, 201)

    async def both() -> tuple[float, float]:
        return (value(await scrape(accounts_worker), "ardoise_outbox_published_total"),
                value(await scrape(exports_worker), "ardoise_events_handled_total",
                      topic=topics.ACCOUNTS))

    await eventually(both, lambda counts: counts[0] > relayed_before
                     and counts[1] > handled_before, timeout_s=60, interval_s=0.5)
    samples = await scrape(accounts_worker)
    assert ("ardoise_outbox_backlog_rows", frozenset()) in samples
    assert value(samples, "ardoise_outbox_probe_success") == 1
    assert value(samples, "ardoise_outbox_oldest_age_seconds") >= 0
    assert any(name == "ardoise_consumer_lag_records" for name, _ in samples), "lag per partition"
    async def handled_lines() -> list[dict]:
        # other tests' events may be handled first: wait for this producer's own line
        return [line for line in system.log_lines("exports-worker")
                if line.get("event") == "event handled" and line.get("producer_id") == producer_id]

    handled = await eventually(handled_lines, bool, timeout_s=60, interval_s=0.5)
    assert handled[0]["event_type"] == "CustomerRegistered"
    assert handled[0]["event_id"] and handled[0]["topic"] == topics.ACCOUNTS
