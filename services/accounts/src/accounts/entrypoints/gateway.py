"""The accounts gateway process: uvicorn serving the app `bootstrap.create_app` builds."""

from accounts.bootstrap import create_app
from accounts.config import Settings
from ardoise.runtime import serve_gateway


def main() -> None:
    settings = Settings()
    serve_gateway(create_app(settings), settings, "accounts")
