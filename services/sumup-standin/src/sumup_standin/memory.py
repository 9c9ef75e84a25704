"""The stand-in's memory kept across a restart, when `SUMUP_STANDIN_STATE_FILE` names a file
(`ardoise up` names one in its stack's directory): its checkouts and their transactions and
refunds, which merchant each API key belongs to, and what was paid out. Written when the
stand-in stops, read when it starts; a developer's `make up` stopped and started again then
finds the checkouts its orders name, and `ardoise reconcile` finds no drift for it.

A pickle of the stand-in's own objects, written by the stand-in for itself in the developer's
own `.run/` directory (a file it did not write is not read: the version must match); written
aside and moved into place, so a stop midway leaves the last whole memory."""

from __future__ import annotations

import logging
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from sumup_standin.payouts import PayoutBook
from sumup_standin.store import ApiKeys, CheckoutStore

log = logging.getLogger(__name__)
VERSION = 1


@dataclass
class Memory:
    checkouts: CheckoutStore
    keys: ApiKeys
    payouts: PayoutBook


def load(path: Path | None) -> Memory | None:
    """The memory the stand-in left in `path`; None when there is none (or not one it wrote)."""
    if path is None or not path.exists():
        return None
    try:
        version, memory = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError,
            AttributeError) as error:
        log.warning("SumUp stand-in memory %s not read (%s): starting empty", path, error)
        return None
    if version != VERSION or not isinstance(memory, Memory):
        log.warning("SumUp stand-in memory %s is of another version: starting empty", path)
        return None
    return memory


def save(path: Path | None, memory: Memory) -> None:
    if path is None:
        return
    aside = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    aside.write_bytes(pickle.dumps((VERSION, memory)))
    os.replace(aside, path)
