"""The journal gateway process: uvicorn serving the app `bootstrap.create_app` builds."""

from ardoise.runtime import serve_gateway
from journal.bootstrap import create_app
from journal.config import Settings


def main() -> None:
    settings = Settings()
    serve_gateway(create_app(settings), settings, "journal")
