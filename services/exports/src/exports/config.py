"""Settings of the exports processes, from the environment."""

from pydantic import Field, SecretStr

from ardoise.settings import ServiceSettings, service_alias


class Settings(ServiceSettings):
    """`EXPORTS_DATABASE_URL` (or `DATABASE_URL`) connects as the exports role; SMTP for e-mail."""

    service_name: str = "exports"
    database_url: str = Field(validation_alias=service_alias("exports", "DATABASE_URL"))
    http_port: int = Field(8004, validation_alias=service_alias("exports", "HTTP_PORT"))
    metrics_port: int = Field(9104, validation_alias=service_alias("exports", "METRICS_PORT"))
    """The worker's /metrics and /health."""
    smtp_host: str = Field("127.0.0.1", validation_alias="SMTP_HOST")
    smtp_port: int = Field(8025, validation_alias="SMTP_PORT")
    smtp_username: str | None = Field(None, validation_alias="SMTP_USERNAME")
    smtp_password: SecretStr | None = Field(None, validation_alias="SMTP_PASSWORD")
    smtp_tls: bool = Field(False, validation_alias="SMTP_TLS")
    smtp_starttls: bool = Field(False, validation_alias="SMTP_STARTTLS")
    mail_from: str = Field("ardoise@localhost", validation_alias="MAIL_FROM")
    weekly_send_hour: int = Field(6, validation_alias="WEEKLY_EMAIL_HOUR")
    weekly_check_interval_s: float = Field(60.0, validation_alias="WEEKLY_EMAIL_CHECK_S")
