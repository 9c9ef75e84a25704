"""Subscribing to a topic: decode each event, hand it to a handler, commit the offset after."""

from collections.abc import Awaitable, Callable

from faststream.kafka import KafkaBroker

from ardoise.events import Event
from ardoise.kafka import subscriber_options
from ardoise.worker import pause_before_retry, read_event

EventHandler = Callable[[Event], Awaitable[None]]


def subscribe_events(broker: KafkaBroker, topic: str, group_id: str, handle: EventHandler) -> None:
    """Register a subscriber whose offset is committed only once `handle` returned.

    `handle` applies the event and records it in the inbox in one transaction; when it
    raises, the message is delivered again after a pause (the transaction rolled back).
    """

    @broker.subscriber(topic, **subscriber_options(group_id))
    async def on_message(body: dict) -> None:
        event = read_event(body)
        if event is None:
            return
        try:
            await handle(event)
        except Exception as error:
            await pause_before_retry(error)
            raise
