"""The payments HTTP gateway (FastAPI on uvicorn)."""

from ardoise.runtime import serve_gateway
from payments.bootstrap import create_app
from payments.config import Settings


def main() -> None:
    settings = Settings()
    serve_gateway(create_app(settings), settings, "payments")
