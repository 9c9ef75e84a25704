"""Settings every process reads from its environment when it starts (never at import)."""

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from ardoise.auth import API_AUDIENCE
from ardoise.db import plain_dsn
from ardoise.kafka import (
    FETCH_MAX_WAIT_MS,
    READ_MODEL_FETCH_MAX_WAIT_MS,
    SAGA_FETCH_MAX_WAIT_MS,
)


def service_alias(service: str, name: str) -> AliasChoices:
    """`ACCOUNTS_DATABASE_URL` wins over `DATABASE_URL`, so one env file can serve every process."""
    return AliasChoices(f"{service.upper()}_{name}", name)


class ServiceSettings(BaseSettings):
    """What every gateway and worker needs: its database, the broker, how tokens are told."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str = "ardoise"
    kafka_bootstrap: str = Field("127.0.0.1:59092", validation_alias="KAFKA_BOOTSTRAP")
    jwt_secret: SecretStr | None = Field(None, validation_alias="ARDOISE_JWT_SECRET")
    """The development HS256 secret: used only where `auth_dev_hs256` is on."""
    auth_dev_hs256: bool = Field(False, validation_alias="ARDOISE_AUTH_DEV_HS256")
    """Development only: gateways also accept HS256 tokens signed with `ARDOISE_JWT_SECRET`,
    and services sign their calls to each other with it. Off in compose and Kubernetes."""
    auth_issuer: str | None = Field(None, validation_alias="ARDOISE_AUTH_ISSUER")
    """The issuer whose EdDSA/ES256 tokens are accepted (`iss`); its OpenID Connect discovery
    gives the keys' address and the token endpoint."""
    auth_jwks_url: str | None = Field(None, validation_alias="ARDOISE_AUTH_JWKS_URL")
    auth_token_url: str | None = Field(None, validation_alias="ARDOISE_AUTH_TOKEN_URL")
    auth_audience: str = Field(API_AUDIENCE, validation_alias="ARDOISE_AUTH_AUDIENCE")
    auth_revocations_url: str | None = Field(None,
                                             validation_alias="ARDOISE_AUTH_REVOCATIONS_URL")
    """The issuer's list of revoked operators (the local issuer's `/auth/revocations`)."""
    auth_revocations_every_s: float | None = Field(
        None, gt=0, le=60, validation_alias="ARDOISE_AUTH_REVOCATIONS_EVERY_S")
    """How often at most the gateway reads that list again (default `Revocations.EVERY_S`,
    30 s): a revoked operator is refused within this time. At most a minute."""
    client_secret: SecretStr | None = Field(None, validation_alias="ARDOISE_CLIENT_SECRET")
    """This service's secret at the issuer's token endpoint, for its calls to other services."""
    http_host: str = Field("127.0.0.1", validation_alias="HTTP_HOST")
    trusted_proxies: str = Field("", validation_alias="TRUSTED_PROXIES")
    """Reverse proxies whose `X-Forwarded-For` names the client that rate limits count
    (`ardoise.rate_limit`): addresses or networks, comma-separated; none by default."""
    metrics_port: int = Field(9100, validation_alias="METRICS_PORT")
    """A worker's /metrics and /health (each service gives its own default)."""
    group_prefix: str = Field("", validation_alias="KAFKA_GROUP_PREFIX")
    log_level: str = Field("INFO", validation_alias="LOG_LEVEL")
    # How long a consumer's fetch may wait for records. Records that reach the local broker
    # while a fetch waits go out up to about half the wait later, so the subscribers a customer
    # waits on (the online-payment saga) wait little while events come (`ardoise.fetch_pace`),
    # the other wait otherwise; Apache Kafka answers as soon as records arrive, so there both
    # can be long (compose, k8s).
    fetch_max_wait_ms: int = Field(FETCH_MAX_WAIT_MS, ge=1, le=60_000,
                                   validation_alias="KAFKA_FETCH_MAX_WAIT_MS")
    saga_fetch_max_wait_ms: int = Field(SAGA_FETCH_MAX_WAIT_MS, ge=1, le=60_000,
                                        validation_alias="KAFKA_SAGA_FETCH_MAX_WAIT_MS")
    read_model_fetch_max_wait_ms: int = Field(
        READ_MODEL_FETCH_MAX_WAIT_MS, ge=1, le=60_000,
        validation_alias="KAFKA_READ_MODEL_FETCH_MAX_WAIT_MS")

    @property
    def asyncpg_dsn(self) -> str:
        """The same database URL without SQLAlchemy's driver suffix, for asyncpg itself."""
        return plain_dsn(self.database_url)  # type: ignore[attr-defined]
