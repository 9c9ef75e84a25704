"""Settings of the exports processes, from the environment."""

from pydantic import Field

from ardoise.settings import ServiceSettings, service_alias


class Settings(ServiceSettings):
    """`EXPORTS_DATABASE_URL` (or `DATABASE_URL`) connects as the exports role."""

    service_name: str = "exports"
    database_url: str = Field(validation_alias=service_alias("exports", "DATABASE_URL"))
    http_port: int = Field(8004, validation_alias=service_alias("exports", "HTTP_PORT"))
