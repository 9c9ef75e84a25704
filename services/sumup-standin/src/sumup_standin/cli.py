"""The `sumup-standin` command: serve the stand-in with uvicorn where the environment says."""

from __future__ import annotations

import logging
import logging.config

import uvicorn

from sumup_standin.app import create_app
from sumup_standin.config import Settings
from sumup_standin.logs import LOG_CONFIG


def main() -> None:
    """Serve on `SUMUP_STANDIN_HOST`:`SUMUP_STANDIN_PORT` (127.0.0.1:8009 by default)."""
    settings = Settings.from_env()
    logging.config.dictConfig(LOG_CONFIG)
    logging.getLogger("sumup_standin").info(
        f"SumUp stand-in listening on http://{settings.host}:{settings.port}")
    # logging is configured above, once, for uvicorn's loggers too
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


if __name__ == "__main__":
    main()
