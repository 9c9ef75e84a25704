"""Settings of the payments processes, from the environment."""

from pydantic import Field

from ardoise.settings import ServiceSettings, service_alias


class Settings(ServiceSettings):
    """`PAYMENTS_DATABASE_URL` (or `DATABASE_URL`) connects as the payments role."""

    service_name: str = "payments"
    database_url: str = Field(validation_alias=service_alias("payments", "DATABASE_URL"))
    http_port: int = Field(8003, validation_alias=service_alias("payments", "HTTP_PORT"))
