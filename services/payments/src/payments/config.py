"""Settings of the payments processes, from the environment."""

from pydantic import Field, SecretStr

from ardoise.settings import ServiceSettings, service_alias


class Settings(ServiceSettings):
    """`PAYMENTS_DATABASE_URL` (or `DATABASE_URL`) connects as the payments role."""

    service_name: str = "payments"
    database_url: str = Field(validation_alias=service_alias("payments", "DATABASE_URL"))
    http_port: int = Field(8003, validation_alias=service_alias("payments", "HTTP_PORT"))
    orders_url: str = Field("http://127.0.0.1:8001", validation_alias="ORDERS_URL")
    sumup_api_url: str = Field("http://127.0.0.1:8009", validation_alias="SUMUP_API_URL")
    sumup_api_key: SecretStr = Field(SecretStr("standin"), validation_alias="SUMUP_API_KEY")
    public_base_url: str = Field("http://127.0.0.1:8003", validation_alias="PUBLIC_BASE_URL")
