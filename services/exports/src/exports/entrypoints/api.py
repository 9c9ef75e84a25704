"""The exports HTTP gateway (FastAPI on uvicorn)."""

from ardoise.runtime import serve_gateway
from exports.bootstrap import create_app
from exports.config import Settings


def main() -> None:
    settings = Settings()
    serve_gateway(create_app(settings), settings, "exports")
