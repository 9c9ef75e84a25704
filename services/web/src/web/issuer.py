"""The web service as the issuer of tokens: its keys (JWKS) and OpenID Connect configuration,
the token endpoint where services trade their secret for a short token of their scopes (OAuth 2
client credentials), and the list of operators whose access was revoked.

The gateways find all of it from the issuer's address alone (ARDOISE_AUTH_ISSUER)."""

import json
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from ardoise.auth import ASYMMETRIC
from ardoise.issuer import SERVICE_TOKEN_S
from ardoise.service_tokens import CLIENT_SCOPES, ServiceTokens
from web.adapters.orm import operators

router = APIRouter()
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/.well-known/openid-configuration", include_in_schema=False)
async def configuration(request: Request) -> JSONResponse:
    issuer = request.app.state.settings.issuer
    return JSONResponse({
        "issuer": issuer, "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "token_endpoint": f"{issuer}/oauth/token",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "id_token_signing_alg_values_supported": list(ASYMMETRIC[:1]),
        "revocation_list_uri": f"{issuer}/auth/revocations"},
        headers={"Cache-Control": "max-age=300"})


@router.get("/.well-known/jwks.json", include_in_schema=False)
async def jwks(request: Request) -> JSONResponse:
    keys = request.app.state.signing_keys
    return JSONResponse(keys.jwks() if keys is not None else {"keys": []},
                        headers={"Cache-Control": "max-age=60"})


def _token_error(error: str, status: int) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status, headers=NO_STORE)


@router.post("/oauth/token", include_in_schema=False)
async def token(request: Request, grant_type: Annotated[str, Form(max_length=50)] = "",
                client_id: Annotated[str, Form(max_length=50)] = "",
                client_secret: Annotated[str, Form(max_length=200)] = "") -> JSONResponse:
    """RFC 6749 §4.4: a service's name and secret give a token of its scopes, for 5 minutes."""
    if grant_type != "client_credentials":
        return _token_error("unsupported_grant_type", 400)
    known = request.app.state.client_secrets
    expected = known.get(client_id)
    if (request.app.state.signing_keys is None or expected is None
            or not secrets.compare_digest(client_secret.encode(), expected.encode())):
        return _token_error("invalid_client", 401)
    tokens = ServiceTokens(client_id, signer=request.app.state.sign_service)
    return JSONResponse({"access_token": await tokens.token(), "token_type": "Bearer",
                         "expires_in": SERVICE_TOKEN_S,
                         "scope": " ".join(sorted(CLIENT_SCOPES[client_id]))},
                        headers=NO_STORE)


@router.get("/auth/revocations", include_in_schema=False)
async def revocations(request: Request) -> JSONResponse:
    """The operators whose access was revoked: their tokens are refused by every gateway."""
    async with request.app.state.sessionmaker() as session:
        rows = (await session.execute(select(operators.c.person_id, operators.c.revoked_at)
                                      .where(operators.c.revoked_at.is_not(None)))).all()
    return JSONResponse({"revoked": [{"sub": row.person_id, "at": row.revoked_at.isoformat()}
                                     for row in rows]}, headers=NO_STORE)


def client_secrets(text: str | None) -> dict[str, str]:
    """The configured services' secrets, only for services that have scopes."""
    if not text:
        return {}
    found = json.loads(text)
    if not isinstance(found, dict) or not all(isinstance(v, str) and len(v) >= 16
                                              for v in found.values()):
        raise ValueError("ARDOISE_CLIENT_SECRETS: a JSON object of secrets of 16+ characters")
    unknown = set(found) - set(CLIENT_SCOPES)
    if unknown:
        raise ValueError(f"ARDOISE_CLIENT_SECRETS names services without scopes: {unknown}")
    return found
