"""Settings of the payments processes, from the environment."""

from pydantic import Field, SecretStr

from ardoise.settings import ServiceSettings, service_alias


class Settings(ServiceSettings):
    """`PAYMENTS_DATABASE_URL` (or `DATABASE_URL`) connects as the payments role."""

    service_name: str = "payments"
    database_url: str = Field(validation_alias=service_alias("payments", "DATABASE_URL"))
    http_port: int = Field(8003, validation_alias=service_alias("payments", "HTTP_PORT"))
    metrics_port: int = Field(9103, validation_alias=service_alias("payments", "METRICS_PORT"))
    """The worker's /metrics and /health."""
    orders_url: str = Field("http://127.0.0.1:8001", validation_alias="ORDERS_URL")
    sumup_api_url: str = Field("http://127.0.0.1:8009", validation_alias="SUMUP_API_URL")
    """SumUp's API (or the stand-in's); each producer's own account gives the key and merchant."""
    secrets_keys: SecretStr = Field(validation_alias="ARDOISE_SECRETS_KEYS")
    """Fernet keys that seal the producers' SumUp API keys (adapters/credentials.py)."""
    sumup_webhook_secret: SecretStr | None = Field(None, validation_alias="SUMUP_WEBHOOK_SECRET")
    """The signing secret of SumUp's signed webhooks; without it, a signed one is ignored."""
    sumup_webhook_limit: int = Field(60, ge=1, validation_alias="SUMUP_WEBHOOK_LIMIT")
    sumup_webhook_window_s: int = Field(60, ge=1, validation_alias="SUMUP_WEBHOOK_WINDOW_S")
    """At most `sumup_webhook_limit` notifications per client address in this many seconds,
    per replica; more get a 429 (SumUp retries, and pending checkouts are read back anyway)."""
    public_base_url: str | None = Field(None, validation_alias="PUBLIC_BASE_URL")

    @property
    def webhook_url(self) -> str:
        """Where SumUp notifies (its `return_url`): this gateway's public address."""
        base = self.public_base_url or f"http://{self.http_host}:{self.http_port}"
        return f"{base.rstrip('/')}/v1/sumup/webhook"
