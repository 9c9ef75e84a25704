"""Settings of the SumUp stand-in, read from the environment when it starts."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_RETRY_DELAYS_S = (0.1, 0.2, 0.5, 1.0)
"""Pauses between notification attempts, short for tests (SumUp: about 1, 5, 20, 120 min)."""


@dataclass(frozen=True)
class Settings:
    """Where the stand-in listens, how it retries notifications, how it names its hosted pages."""

    host: str = "127.0.0.1"
    port: int = 8009
    retry_delays_s: tuple[float, ...] = DEFAULT_RETRY_DELAYS_S
    public_url: str | None = None
    notify_timeout_s: float = 5.0
    state_file: str | None = None
    """Where its memory is kept across a restart (`sumup_standin.memory`); None: not kept."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read `SUMUP_STANDIN_HOST`, `_PORT`, `_RETRY_DELAYS`, `_PUBLIC_URL` and
        `_STATE_FILE`."""
        env = os.environ if environ is None else environ
        return cls(
            host=env.get("SUMUP_STANDIN_HOST") or cls.host,
            port=int(env.get("SUMUP_STANDIN_PORT") or cls.port),
            retry_delays_s=parse_delays(env.get("SUMUP_STANDIN_RETRY_DELAYS")),
            public_url=(env.get("SUMUP_STANDIN_PUBLIC_URL") or "").rstrip("/") or None,
            state_file=env.get("SUMUP_STANDIN_STATE_FILE") or None,
        )


def parse_delays(text: str | None) -> tuple[float, ...]:
    """Read seconds between notification attempts from `"0.2,0.5,1,2"`; empty means the defaults."""
    if text is None or not text.strip():
        return DEFAULT_RETRY_DELAYS_S
    delays = tuple(float(part) for part in text.split(",") if part.strip())
    if any(not math.isfinite(delay) or delay < 0 for delay in delays):
        raise ValueError(f"retry delays must be non-negative seconds, not {text!r}")
    return delays
