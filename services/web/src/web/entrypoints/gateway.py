"""The web process: uvicorn serving the pages `app.create_app` builds."""

from ardoise.runtime import serve_gateway
from web.app import create_app
from web.config import Settings


def main() -> None:
    settings = Settings()
    serve_gateway(create_app(settings), settings, "web")
