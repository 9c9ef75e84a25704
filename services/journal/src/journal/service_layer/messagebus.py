"""What the journal does with the events it hears of, in one place: it records them
(recording.record_events), a poll's worth at a time."""

from journal.service_layer.recording import KEPT, record_events

CONSUMED = KEPT.__args__
handle_batch = record_events

__all__ = ["CONSUMED", "handle_batch"]
