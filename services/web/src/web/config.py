"""Settings of the web process, from the environment."""

from pydantic import Field, SecretStr

from ardoise.settings import ServiceSettings, service_alias


class Settings(ServiceSettings):
    """`WEB_DATABASE_URL` (or `DATABASE_URL`) connects as the web role, which owns sign-in
    links and sessions only; every business figure comes from the gateways."""

    service_name: str = "web"
    database_url: str = Field(validation_alias=service_alias("web", "DATABASE_URL"))
    http_port: int = Field(8000, validation_alias=service_alias("web", "HTTP_PORT"))
    orders_url: str = Field("http://127.0.0.1:8001", validation_alias="ORDERS_URL")
    accounts_url: str = Field("http://127.0.0.1:8002", validation_alias="ACCOUNTS_URL")
    payments_url: str = Field("http://127.0.0.1:8003", validation_alias="PAYMENTS_URL")
    exports_url: str = Field("http://127.0.0.1:8004", validation_alias="EXPORTS_URL")
    journal_url: str = Field("http://127.0.0.1:8005", validation_alias="JOURNAL_URL")
    public_url: str = Field("http://127.0.0.1:8000", validation_alias="WEB_PUBLIC_URL")
    """Where people reach the pages: sign-in links start with it."""
    secure_cookies: bool = Field(False, validation_alias="WEB_SECURE_COOKIES")
    """`Secure` session cookies: on wherever the pages are served over HTTPS (compose's and
    Kubernetes' manifests set it); off for http://127.0.0.1 in development."""
    session_lifetime_s: int = Field(12 * 3600, validation_alias="WEB_SESSION_LIFETIME_S")
    link_lifetime_s: int = Field(15 * 60, validation_alias="WEB_LINK_LIFETIME_S")
    # sign-in links go through the same SMTP server, with the same settings, as the weekly e-mail
    smtp_host: str = Field("127.0.0.1", validation_alias="SMTP_HOST")
    smtp_port: int = Field(8025, validation_alias="SMTP_PORT")
    smtp_username: str | None = Field(None, validation_alias="SMTP_USERNAME")
    smtp_password: SecretStr | None = Field(None, validation_alias="SMTP_PASSWORD")
    smtp_tls: bool = Field(False, validation_alias="SMTP_TLS")
    smtp_starttls: bool = Field(False, validation_alias="SMTP_STARTTLS")
    mail_from: str = Field("ardoise@localhost", validation_alias="MAIL_FROM")

    def gateway_urls(self) -> dict[str, str]:
        return {"orders": self.orders_url, "accounts": self.accounts_url,
                "payments": self.payments_url, "exports": self.exports_url,
                "journal": self.journal_url}
