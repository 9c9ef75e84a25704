"""The journal worker (FastStream): records the events, closes the periods that are over."""

from functools import partial

from ardoise.runtime import run_worker
from journal.adapters.orm import SCHEMA
from journal.bootstrap import background, subscribe
from journal.config import Settings


def main() -> None:
    settings = Settings()
    run_worker(settings, SCHEMA, partial(subscribe, settings=settings), background(settings))
