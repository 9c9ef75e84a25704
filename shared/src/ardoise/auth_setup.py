"""A process's way of telling tokens and of calling other services, from its settings."""

import httpx

from ardoise.service_tokens import ServiceTokens
from ardoise.settings import ServiceSettings
from ardoise.token_verifier import KeySet, Revocations, TokenVerifier


def _dev_secret(settings: ServiceSettings) -> str | None:
    if not settings.auth_dev_hs256:
        return None
    if settings.jwt_secret is None:
        raise ValueError("ARDOISE_AUTH_DEV_HS256 is on but ARDOISE_JWT_SECRET is not set")
    return settings.jwt_secret.get_secret_value()


def token_verifier(settings: ServiceSettings, client: httpx.AsyncClient) -> TokenVerifier:
    """The gateway's verifier: the issuer's keys when one is configured, HS256 too only with
    the development setting; a clear error at start when neither is."""
    keys = None
    if settings.auth_issuer or settings.auth_jwks_url:
        keys = KeySet(client, settings.auth_jwks_url, settings.auth_issuer)
    revocations = (Revocations(client, settings.auth_revocations_url,
                               settings.auth_revocations_every_s)
                   if settings.auth_revocations_url else None)
    dev_secret = _dev_secret(settings)
    if keys is None and dev_secret is None:
        raise ValueError("no way to verify tokens: set ARDOISE_AUTH_ISSUER (or "
                         "ARDOISE_AUTH_JWKS_URL); HS256 is for development only "
                         "(ARDOISE_AUTH_DEV_HS256=true with ARDOISE_JWT_SECRET)")
    issuer = settings.auth_issuer.rstrip("/") if settings.auth_issuer else None
    # the web signs `iss` without a trailing slash; an address written with one still matches
    return TokenVerifier(settings.auth_audience, keys, issuer, dev_secret, revocations)


def service_tokens(settings: ServiceSettings, service: str,
                   client: httpx.AsyncClient | None = None) -> ServiceTokens:
    """This service's credentials for its calls to others: the issuer's client credentials
    when a client secret is set, else (development) the HS256 secret."""
    secret = settings.client_secret.get_secret_value() if settings.client_secret else None
    if secret and (settings.auth_token_url or settings.auth_issuer):
        return ServiceTokens(service, client=client, token_url=settings.auth_token_url,
                             issuer=settings.auth_issuer, client_secret=secret)
    return ServiceTokens(service, dev_secret=_dev_secret(settings))
