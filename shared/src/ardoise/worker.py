"""What every worker shares: a FastStream app that also runs the outbox relay and timers."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from faststream import FastStream
from faststream.kafka import KafkaBroker
from pydantic import ValidationError

from ardoise.events import Event, decode_event
from ardoise.observability import get_logger
from ardoise.offsets import commit_all

log = logging.getLogger(__name__)
Background = Callable[[], Awaitable[None]]


def worker_app(
    broker: KafkaBroker, background: list[Background], banner: str, cleanup: list[Background]
) -> FastStream:
    """The app starts the background loops (relay, expiry timers) once the broker is up."""
    app = FastStream(broker, logger=logging.getLogger("ardoise.worker"))
    tasks: list[asyncio.Task] = []

    @app.after_startup
    async def start_background() -> None:
        tasks.extend(asyncio.create_task(loop()) for loop in background)
        get_logger("ardoise.worker").info(banner)

    @app.on_shutdown
    async def stop_background() -> None:
        await commit_all(broker)  # while the consumers still run
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for step in cleanup:
            await step()

    return app


def read_event(body: object) -> Event | None:
    """Decode a consumed message. Skipped (retrying them would hold up their partition forever):
    unknown event types (newer producers), and, logged as errors, bodies that are no event."""
    if not isinstance(body, dict):
        log.error("skipping a message that is not a JSON object: %.200r", body)
        return None
    try:
        event = decode_event(body)
    except ValidationError as error:
        log.error("skipping a malformed %s event: %s", body.get("event_type"), error)
        return None
    if event is None:
        # skipped for good: a publisher newer than this worker, which should have come first
        # (deploy/README, "An upgrade that adds an event type")
        log.warning("skipping an event of a type this code does not know: %s (a newer "
                    "publisher's; upgrade this service)", body.get("event_type"))
    return event


async def pause_before_retry(error: BaseException, seconds: float = 1.0) -> None:
    """A failing handler waits before the message is redelivered, so an outage is not a busy loop."""
    log.warning("handler failed (%s: %s); the message will be redelivered", type(error).__name__, error)
    await asyncio.sleep(seconds)
