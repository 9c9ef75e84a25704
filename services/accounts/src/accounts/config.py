"""Settings of the accounts processes, from the environment."""

from pydantic import Field

from ardoise.settings import ServiceSettings, service_alias


class Settings(ServiceSettings):
    """`ACCOUNTS_DATABASE_URL` (or `DATABASE_URL`) connects as the accounts role."""

    service_name: str = "accounts"
    database_url: str = Field(validation_alias=service_alias("accounts", "DATABASE_URL"))
    http_port: int = Field(8002, validation_alias=service_alias("accounts", "HTTP_PORT"))
    metrics_port: int = Field(9102, validation_alias=service_alias("accounts", "METRICS_PORT"))
    """The worker's /metrics and /health."""
