"""Settings of the orders processes, from the environment."""

from pydantic import Field

from ardoise.settings import ServiceSettings, service_alias


class Settings(ServiceSettings):
    """`ORDERS_DATABASE_URL` (or `DATABASE_URL`) connects as the orders role."""

    service_name: str = "orders"
    database_url: str = Field(validation_alias=service_alias("orders", "DATABASE_URL"))
    http_port: int = Field(8001, validation_alias=service_alias("orders", "HTTP_PORT"))
    metrics_port: int = Field(9101, validation_alias=service_alias("orders", "METRICS_PORT"))
    """The worker's /metrics and /health."""
    accounts_url: str = Field("http://127.0.0.1:8002", validation_alias="ACCOUNTS_URL")
