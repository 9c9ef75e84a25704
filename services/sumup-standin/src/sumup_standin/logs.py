"""The stand-in's log lines as JSON objects, one per line, with the services' field names."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any


class JsonLines(logging.Formatter):
    """`event`, `level`, `logger`, `timestamp` and `process`, as the services write them."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "event": record.getMessage(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat().replace(
                "+00:00", "Z"),
            "process": "sumup-standin",
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": JsonLines}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json",
                            "stream": "ext://sys.stdout"}},
    "loggers": {name: {"handlers": ["stdout"], "level": "INFO", "propagate": False}
                for name in ("uvicorn", "uvicorn.access", "sumup_standin")},
}
"""uvicorn's own lines (its access log included) and the stand-in's, through `JsonLines`."""
