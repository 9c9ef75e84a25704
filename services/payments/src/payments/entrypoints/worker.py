"""The payments worker (FastStream): read models in, outbox out."""

from functools import partial

from ardoise.runtime import run_worker
from payments.adapters.orm import SCHEMA
from payments.bootstrap import subscribe
from payments.config import Settings


def main() -> None:
    settings = Settings()
    run_worker(settings, SCHEMA, partial(subscribe, settings=settings))
