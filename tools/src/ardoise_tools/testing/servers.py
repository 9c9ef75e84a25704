"""Servers for the tests: from the environment, else the project's local test stack."""

import os

from ardoise_tools.devservers.stack import Stack


def test_stack() -> Stack:
    """`.run/test/`, or another instance named by ARDOISE_TEST_INSTANCE (parallel test runs)."""
    return Stack(os.environ.get("ARDOISE_TEST_INSTANCE", "test"))


def start_test_servers() -> tuple[dict[str, str], Stack | None]:
    """The environment the processes under test get, and the stack to stop afterwards (if ours).

    KAFKA_BOOTSTRAP and DATABASE_URL given in the environment are used as they are;
    otherwise the project starts its own PostgreSQL and broker under `.run/test/`.
    """
    stack = test_stack()
    started_here = not (os.environ.get("KAFKA_BOOTSTRAP") and os.environ.get("DATABASE_URL"))
    env = stack.up()
    return env, (stack if started_here else None)
