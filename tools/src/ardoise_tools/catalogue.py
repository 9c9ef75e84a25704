"""The event catalogue (docs/events.md), written from the code: each event, the service that
publishes it, the services that consume it, its fields, its version.

    .venv/bin/python -m ardoise_tools.catalogue > docs/events.md

tests/unit/test_event_catalogue.py fails when the file no longer says what the code does.
"""

import importlib
import typing

from ardoise import topics
from ardoise.events import Event, event_types

PUBLISHERS = {topics.ORDERS: "orders", topics.ACCOUNTS: "accounts", topics.PAYMENTS: "payments"}
CONSUMERS = {service: f"{service}.service_layer.messagebus"
             for service in ("orders", "accounts", "payments", "exports", "journal")}


def _type_name(annotation) -> str:
    text = getattr(annotation, "__name__", None) if not typing.get_args(annotation) else None
    return text or str(annotation).replace("typing.", "").replace("ardoise.events.vocabulary.",
                                                                   "").replace("uuid.", "")


def contract_events() -> list[type[Event]]:
    """The events of the contract (shared/src/ardoise/events/), not those a test may define."""
    return sorted((kind for kind in event_types().values()
                   if kind.__module__.startswith("ardoise.events.")),
                  key=lambda kind: (kind.topic, kind.__name__))


def consumers_of(kind: type[Event]) -> list[str]:
    return [service for service, module in CONSUMERS.items()
            if kind in importlib.import_module(module).CONSUMED]


def catalogue() -> str:
    lines = [
        "# Events",
        "",
        "The contract between the services: versioned pydantic models in `shared/src/ardoise/"
        "events/`, published through each service's outbox on the topic of their aggregate "
        "(key = the aggregate id, so one order's or one customer's events keep their order), "
        "consumed idempotently (inbox). Written from the code by `python -m "
        "ardoise_tools.catalogue`; a test keeps it so.",
        "",
        "Every event also carries `event_id` (a redelivery is recognised by it), `occurred_at` "
        "(UTC) and `producer_id`; on the topic, its JSON adds `event_type` and "
        "`schema_version`.",
        "",
        "| event | topic | published by | consumed by | version |",
        "|---|---|---|---|---|",
    ]
    kinds = contract_events()
    for kind in kinds:
        lines.append(f"| [{kind.__name__}](#{kind.__name__.lower()}) | `{kind.topic}` | "
                     f"{PUBLISHERS[kind.topic]} | {', '.join(consumers_of(kind)) or '—'} | "
                     f"{kind.schema_version} |")
    for kind in kinds:
        lines += ["", f"## {kind.__name__}", "", " ".join((kind.__doc__ or "").split()), "",
                  "| field | type |", "|---|---|"]
        for name, field in kind.model_fields.items():
            if name in Event.model_fields:
                continue
            type_name = _type_name(field.annotation).replace("|", "\\|")  # a table's cell
            lines.append(f"| `{name}` | `{type_name}` |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(catalogue(), end="")
