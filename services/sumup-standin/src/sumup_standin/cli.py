"""The `sumup-standin` command: serve the stand-in with uvicorn where the environment says."""

from __future__ import annotations

import uvicorn

from sumup_standin.app import create_app
from sumup_standin.config import Settings


def main() -> None:
    """Serve on `SUMUP_STANDIN_HOST`:`SUMUP_STANDIN_PORT` (127.0.0.1:8009 by default)."""
    settings = Settings.from_env()
    print(f"SumUp stand-in listening on http://{settings.host}:{settings.port}", flush=True)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


if __name__ == "__main__":
    main()
