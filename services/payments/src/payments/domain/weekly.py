"""The weekly payments page's totals: what was received per mode, for the cash drawer and bank."""

from collections.abc import Iterable


def totals_per_mode(rows: Iterable[tuple[str, int]],
                    offered_modes: Iterable[str]) -> dict[str, int]:
    """The amounts received summed per mode: every offered mode (0 when none), then any other
    mode still found (a mode the producer stopped accepting after settling with it)."""
    totals = dict.fromkeys(offered_modes, 0)
    for mode, amount_paid_cents in rows:
        totals[mode] = totals.get(mode, 0) + amount_paid_cents
    return totals
