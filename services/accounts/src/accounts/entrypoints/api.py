"""The accounts HTTP gateway (FastAPI on uvicorn)."""

from ardoise.runtime import serve_gateway
from accounts.bootstrap import create_app
from accounts.config import Settings


def main() -> None:
    settings = Settings()
    serve_gateway(create_app(settings), settings, "accounts")
