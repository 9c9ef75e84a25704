"""Faults a test can inject into the next API calls: error statuses and slow answers."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sumup_standin.errors import injected_failure


@dataclass
class FaultPlan:
    """The next `fail_next` API calls answer `status`; the next `delay_next` wait `seconds`."""

    fail_next: int = 0
    status: int = 503
    after_processing: bool = False
    delay_next: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Fault:
    """What one call suffers."""

    delay_s: float = 0.0
    status: int | None = None
    after_processing: bool = False


class Faults:
    """The armed fault plan, consumed one API call at a time."""

    def __init__(self) -> None:
        self.plan = FaultPlan()

    def arm(self, plan: FaultPlan) -> None:
        """Replace the plan."""
        self.plan = plan

    def clear(self) -> None:
        """Let every call through again."""
        self.plan = FaultPlan()

    def take(self) -> Fault:
        """The fault for the call starting now, counted off the plan."""
        plan = self.plan
        delay_s = 0.0
        if plan.delay_next > 0:
            plan.delay_next -= 1
            delay_s = plan.seconds
        if plan.fail_next > 0:
            plan.fail_next -= 1
            return Fault(delay_s, plan.status, plan.after_processing)
        return Fault(delay_s)

    def to_json(self) -> dict[str, object]:
        """The plan as it stands."""
        return asdict(self.plan)


def is_api_call(path: str) -> bool:
    """Faults hit SumUp's own endpoints, not the stand-in's controls (simulate, hosted page)."""
    return path.startswith(("/v0.1/", "/v1.0/", "/v2.1/")) and not path.endswith("/simulate")


class FaultMiddleware:
    """Delays or fails API calls; with `after_processing` a failed call still takes effect."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api_call(scope["path"]):
            await self.app(scope, receive, send)
            return
        fault = self.faults.take()
        if fault.delay_s:
            await asyncio.sleep(fault.delay_s)
        if fault.status is None:
            await self.app(scope, receive, send)
            return
        if fault.after_processing:
            await self.app(scope, receive, _discard)
        await injected_failure(fault.status)(scope, receive, send)


async def _discard(message: Message) -> None:
    return None
