"""The event envelope every service publishes: id, time, producer, type and schema version."""

import json
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from ardoise.ids import ProducerId

_REGISTRY: dict[str, type["Event"]] = {}


def _now() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """Something that happened, told once; `event_id` makes a redelivery recognisable."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    topic: ClassVar[str]
    schema_version: ClassVar[int] = 1

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    occurred_at: datetime = Field(default_factory=_now)
    producer_id: ProducerId

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__name__.startswith("_"):
            return
        if cls.__name__ in _REGISTRY:
            raise TypeError(f"event {cls.__name__} is defined twice")
        _REGISTRY[cls.__name__] = cls

    @property
    def key(self) -> str:
        """The aggregate id: events with the same key keep their order on the topic."""
        raise NotImplementedError


def event_types() -> dict[str, type[Event]]:
    """Every event class by name, for decoding and for the event catalogue."""
    return dict(_REGISTRY)


def encode_event(event: Event) -> dict[str, Any]:
    """The JSON document published on the topic: the fields plus type and version."""
    body = event.model_dump(mode="json")
    body["event_type"] = type(event).__name__
    body["schema_version"] = event.schema_version
    return body


def decode_event(raw: bytes | str | dict[str, Any]) -> Event | None:
    """Parse a published event; None for a type this code does not know (a newer producer)."""
    body = json.loads(raw) if isinstance(raw, bytes | str) else dict(raw)
    cls = _REGISTRY.get(body.pop("event_type", ""))
    if cls is None:
        return None
    body.pop("schema_version", None)
    return cls.model_validate(body)
