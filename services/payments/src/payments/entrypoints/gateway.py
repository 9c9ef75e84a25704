"""The payments gateway process: uvicorn serving the app `bootstrap.create_app` builds."""

from ardoise.runtime import serve_gateway
from payments.bootstrap import create_app
from payments.config import Settings


def main() -> None:
    settings = Settings()
    serve_gateway(create_app(settings), settings, "payments")
