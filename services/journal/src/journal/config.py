"""Settings of the journal processes, from the environment."""

from pydantic import Field, SecretStr

from ardoise.settings import ServiceSettings, service_alias


class Settings(ServiceSettings):
    """`JOURNAL_DATABASE_URL` (or `DATABASE_URL`) connects as the journal role;
    `JOURNAL_SIGNING_SECRET` derives each producer's archive-signing key (never stored)."""

    service_name: str = "journal"
    database_url: str = Field(validation_alias=service_alias("journal", "DATABASE_URL"))
    http_port: int = Field(8005, validation_alias=service_alias("journal", "HTTP_PORT"))
    metrics_port: int = Field(9105, validation_alias=service_alias("journal", "METRICS_PORT"))
    """The worker's /metrics and /health."""
    signing_secret: SecretStr = Field(validation_alias="JOURNAL_SIGNING_SECRET")
    closing_check_s: float = Field(60.0, gt=0, validation_alias="JOURNAL_CLOSING_CHECK_S")
    """How often the worker looks for periods that are over and closes them."""
