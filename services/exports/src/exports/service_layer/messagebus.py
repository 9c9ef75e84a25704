"""What the exports service does with the events it hears of, in one place: it keeps its read
model from them, a poll's worth at a time (read_model.apply_events)."""

from exports.service_layer.read_model import KEPT, apply_events

CONSUMED = KEPT.__args__
handle_batch = apply_events

__all__ = ["CONSUMED", "handle_batch"]
