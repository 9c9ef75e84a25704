"""Hostile input at every gateway: what schemathesis makes of each OpenAPI document, with a valid
operator token, never gets a 5xx or an answer outside the document; oversized and deeply nested
bodies are refused before they cost anything."""

import json
import os
import time

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from ardoise.auth import Principal, issue_token

GATEWAYS = ("orders", "accounts", "payments", "exports")
EXAMPLES_PER_OPERATION = int(os.environ.get("ARDOISE_FUZZ_EXAMPLES", "12"))
RANDOM = bool(os.environ.get("ARDOISE_FUZZ_RANDOM"))
"""The same cases on every run (CI stays reproducible) unless ARDOISE_FUZZ_RANDOM is set, for
a search of new ones: `ARDOISE_FUZZ_RANDOM=1 ARDOISE_FUZZ_EXAMPLES=100 pytest ...`."""
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def fuzz_gateway(system, gateway: str, producer: str) -> tuple[int, int, list[str]]:
    """Every operation of the gateway's document, EXAMPLES_PER_OPERATION generated cases each,
    sent with the operator token of `producer` (and that producer in the path, so the handlers
    behind the auth are reached). Returns operations, cases, and every failure seen."""
    schema = schemathesis.openapi.from_url(f"{system.urls[gateway]}/openapi.json")
    token = issue_token(system.env["ARDOISE_JWT_SECRET"], Principal("operator", producer))
    headers = {"Authorization": f"Bearer {token}"}
    operations, cases, failures = 0, 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  derandomize=not RANDOM, suppress_health_check=list(HealthCheck))
        @given(operation.as_strategy())
        def send(case) -> None:
            nonlocal cases
            if "producer" in (case.path_parameters or {}):
                case.path_parameters["producer"] = producer
            cases += 1
            try:
                case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)
            except AssertionError as failure:  # schemathesis' check failures are assertions
                failures.append(f"{case.method} {case.formatted_path}: {failure}"[:500])

        send()
    return operations, cases, failures


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_any_input_gets_an_answer_within_the_gateways_document(system, gateway):
    producer = f"p-fuzz-{gateway}-{int(time.time())}"
    operations, cases, failures = fuzz_gateway(system, gateway, producer)
    assert operations >= 3 and cases >= operations, (operations, cases)
    assert failures == [], "\n".join(failures[:10])
    print(f"schemathesis({gateway}): {operations} operations, {cases} cases, 0 5xx, "
          f"0 answers outside the document")


def nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


@pytest.mark.parametrize("gateway", GATEWAYS)
def test_oversized_and_deeply_nested_bodies_are_refused_cheaply(system, producer_id, gateway):
    token = issue_token(system.env["ARDOISE_JWT_SECRET"], Principal("operator", producer_id))
    url = {"orders": f"/v1/producers/{producer_id}/orders",
           "accounts": f"/v1/producers/{producer_id}/customers/c1/movements",
           "payments": f"/v1/producers/{producer_id}/settlements",
           "exports": f"/v1/producers/{producer_id}/exports/payments.xlsx"}[gateway]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    base = system.urls[gateway]
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        huge = b'{"label": "' + b"x" * (8 * 1024 * 1024) + b'"}'
        started = time.perf_counter()
        answer = client.post(url, content=huge)
        assert answer.status_code == 413, (answer.status_code, answer.text[:200])
        big_s = time.perf_counter() - started

        def chunks():
            yield b'{"label": "'
            for _ in range(64):
                yield b"y" * (128 * 1024)
            yield b'"}'

        answer = client.post(url, content=chunks())  # no Content-Length: counted as it comes
        assert answer.status_code == 413, (answer.status_code, answer.text[:200])

        for depth in (100, 10_000, 100_000):
            answer = client.post(url, content=nested(depth))
            assert answer.status_code in (400, 422), (depth, answer.status_code, answer.text[:200])
            assert "detail" in json.loads(answer.text)
        assert client.get("/health").status_code == 200
    print(f"hostile({gateway}): 8 MiB body 413 in {big_s * 1000:.0f} ms, 8 MiB chunked 413, "
          f"JSON nested 100/10000/100000 deep refused with 4xx")
