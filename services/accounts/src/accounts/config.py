"""Settings of the accounts processes, from the environment."""

from pydantic import Field, SecretStr

from ardoise.settings import ServiceSettings, service_alias


class Settings(ServiceSettings):
    """`ACCOUNTS_DATABASE_URL` (or `DATABASE_URL`) connects as the accounts role."""

    service_name: str = "accounts"
    database_url: str = Field(validation_alias=service_alias("accounts", "DATABASE_URL"))
    http_port: int = Field(8002, validation_alias=service_alias("accounts", "HTTP_PORT"))
    metrics_port: int = Field(9102, validation_alias=service_alias("accounts", "METRICS_PORT"))
    """The worker's /metrics and /health."""
    # reminders of debts go through the same SMTP server, with the same settings, as the
    # weekly e-mail; their link to pay online is the web's account page
    smtp_host: str = Field("127.0.0.1", validation_alias="SMTP_HOST")
    smtp_port: int = Field(8025, validation_alias="SMTP_PORT")
    smtp_username: str | None = Field(None, validation_alias="SMTP_USERNAME")
    smtp_password: SecretStr | None = Field(None, validation_alias="SMTP_PASSWORD")
    smtp_tls: bool = Field(False, validation_alias="SMTP_TLS")
    smtp_starttls: bool = Field(False, validation_alias="SMTP_STARTTLS")
    mail_from: str = Field("ardoise@localhost", validation_alias="MAIL_FROM")
    web_public_url: str = Field("http://127.0.0.1:8000", validation_alias="WEB_PUBLIC_URL")
    reminders_check_s: float = Field(300.0, gt=0, validation_alias="REMINDERS_CHECK_S")
    """How often the worker looks for reminders due."""
