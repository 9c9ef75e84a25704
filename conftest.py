"""Test tiers by folder, and the real servers for the tiers that need them."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ardoise_tools.testing.servers import start_test_servers

os.environ.setdefault("ARDOISE_AUTH_DEV_HS256", "true")
"""The tests are development: gateways built in process accept the tooling's HS256 tokens
(`ardoise.auth.issue_token`); the whole system also runs the issuer's (the `system` fixture)."""

TIERS = {"unit": "unit", "integration": "integration", "e2e": "e2e", "reliability": "reliability",
         "browser": "browser"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # the outages last: the local broker comes back without the topics' history, which the
    # other reliability tests (redelivery replays every topic from its start) want whole
    items.sort(key=lambda item: "test_outage" in item.nodeid)
    for item in items:
        parts = Path(str(item.fspath)).parts
        for folder, marker in TIERS.items():
            if folder in parts:
                item.add_marker(getattr(pytest.mark, marker))


_FIGURES: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """What each reliability test printed (what it exercised, what it found) is kept..."""
    if report.when == "call" and "reliability" in report.keywords and report.capstdout:
        _FIGURES.extend(line for line in report.capstdout.splitlines() if line.strip())


def pytest_terminal_summary(terminalreporter) -> None:
    """...and shown at the end of every run, passed or failed."""
    if _FIGURES:
        terminalreporter.section("reliability figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def servers() -> Iterator[dict[str, str]]:
    """The environment of a running PostgreSQL and broker, migrated; stopped at the end if ours."""
    env, stack = start_test_servers()
    yield env
    if stack is not None:
        stack.down()


@pytest.fixture
def producer_id() -> str:
    """A producer of its own for each test: isolation by unique ids, not by wiping tables."""
    return f"p-{uuid.uuid4().hex[:12]}"


REVOCATIONS_EVERY_S = "5"
"""How often the running system's gateways read the revoked operators (`system`)."""


@pytest.fixture(scope="session")
def system(servers) -> Iterator["RunningSystem"]:
    """Every gateway and worker (and the SumUp stand-in) running against the test servers."""
    from ardoise_tools.testing.servers import test_stack
    from ardoise_tools.testing.system import RunningSystem

    stack = test_stack()
    # a revocation reaches every gateway within seconds, not the production default's 30
    env = {**servers, "ARDOISE_AUTH_REVOCATIONS_EVERY_S": REVOCATIONS_EVERY_S}
    running = RunningSystem(env, stack.home / "logs",
                            issuer_environment=stack.issuer_environment).start()
    yield running
    running.stop()
