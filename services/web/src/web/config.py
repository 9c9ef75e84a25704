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
    # sign-in link requests, per replica (docs/security.md): per client address, and per
    # e-mail address whether or not it is known, so a 429 tells no one who is a customer
    signin_per_address: int = Field(5, ge=1, validation_alias="WEB_SIGNIN_PER_ADDRESS")
    signin_address_window_s: int = Field(60, ge=1,
                                         validation_alias="WEB_SIGNIN_ADDRESS_WINDOW_S")
    signin_per_email: int = Field(3, ge=1, validation_alias="WEB_SIGNIN_PER_EMAIL")
    signin_email_window_s: int = Field(15 * 60, ge=1, validation_alias="WEB_SIGNIN_EMAIL_WINDOW_S")

    signing_keys: SecretStr | None = Field(None, validation_alias="ARDOISE_SIGNING_KEYS")
    """The issuer's Ed25519 private keys (PEM; the first signs, all are published): the web
    signs the tokens of signed-in people and of services. Without them (development), tokens
    are HS256 with `ARDOISE_JWT_SECRET`."""
    client_secrets: SecretStr | None = Field(None, validation_alias="ARDOISE_CLIENT_SECRETS")
    """The services' secrets at the token endpoint, JSON: `{"orders": "…", "payments": "…"}`."""

    @property
    def issuer(self) -> str:
        """The `iss` of the tokens it signs: its public address."""
        return self.public_url.rstrip("/")

    def gateway_urls(self) -> dict[str, str]:
        return {"orders": self.orders_url, "accounts": self.accounts_url,
                "payments": self.payments_url, "exports": self.exports_url,
                "journal": self.journal_url}
