"""How a gateway tells who is calling: tokens signed by the issuer (EdDSA or ES256) checked
against its published keys, HS256 ones only where the development setting is on, and the
operators the issuer revoked refused within `Revocations.EVERY_S`. A token already verified is
not verified again until it expires (`TokenVerifier.KEPT`): a shop page sends the same one with
every request.

The issuer is found by configuration alone: its URL (OpenID Connect discovery gives the JWKS
address) or the JWKS address itself. The keys are kept; a token naming a key not among them
fetches them again (a rotation), at most once every `KeySet.MIN_REFRESH_S`, so tokens with
made-up key ids cannot make a gateway hammer the issuer."""

import asyncio
import logging
import time
from dataclasses import dataclass

import httpx
import jwt

from ardoise.auth import (
    API_AUDIENCE,
    ASYMMETRIC,
    DEV_ALGORITHM,
    Principal,
    Unauthenticated,
    decode,
    principal_of,
)

log = logging.getLogger(__name__)
DISCOVERY = "/.well-known/openid-configuration"


async def discover(client: httpx.AsyncClient, issuer: str) -> dict:
    """The issuer's OpenID Connect configuration (its `jwks_uri`, `token_endpoint`…)."""
    answer = await client.get(issuer.rstrip("/") + DISCOVERY)
    answer.raise_for_status()
    configuration = answer.json()
    if configuration.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
        raise ValueError(f"{issuer} describes another issuer: {configuration.get('issuer')!r}")
    return configuration


class KeySet:
    """The issuer's public keys by `kid`."""

    MIN_REFRESH_S = 10.0
    MAX_AGE_S = 300.0

    def __init__(self, client: httpx.AsyncClient, jwks_url: str | None = None,
                 issuer: str | None = None) -> None:
        if jwks_url is None and issuer is None:
            raise ValueError("a JWKS URL or an issuer to discover it from")
        self.client, self.jwks_url, self.issuer = client, jwks_url, issuer
        self.keys: dict[str, jwt.PyJWK] = {}
        self.fetched_at = float("-inf")
        self.started_at = float("-inf")
        """When the last read of the keys began."""
        self.extra_at = float("-inf")
        """When the last read beyond the rate began (see `_refresh`)."""
        self.fetches = 0
        self._lock = asyncio.Lock()

    def holds(self, kid: str) -> bool:
        """Whether this key is among the published ones as last read, and that read is recent."""
        return kid in self.keys and time.monotonic() - self.fetched_at <= self.MAX_AGE_S

    async def key(self, kid: object) -> jwt.PyJWK:
        if not isinstance(kid, str) or not kid:
            raise Unauthenticated("token names no key (kid)")
        asked_at = time.monotonic()
        stale = asked_at - self.fetched_at > self.MAX_AGE_S
        if kid not in self.keys or stale:
            await self._refresh(force=stale, asked_at=asked_at)
        found = self.keys.get(kid)
        if found is None:
            raise Unauthenticated(f"unknown signing key {kid!r}")
        return found

    async def _refresh(self, force: bool, asked_at: float) -> None:
        """Read the published keys again: at most once per MIN_REFRESH_S, plus one read more in
        that time for a key asked for after the last read began. An issuer that publishes a
        new key and signs with it at once (or a read in flight at that moment) would otherwise
        have its new tokens refused until MIN_REFRESH_S passed; made-up key ids still cost at
        most two reads per MIN_REFRESH_S."""
        async with self._lock:
            now = time.monotonic()
            if not force and now - self.fetched_at < self.MIN_REFRESH_S:
                if self.started_at >= asked_at or now - self.extra_at < self.MIN_REFRESH_S:
                    return
                self.extra_at = now
            self.started_at = now
            try:
                if self.jwks_url is None:
                    self.jwks_url = (await discover(self.client, self.issuer))["jwks_uri"]
                answer = await self.client.get(self.jwks_url)
                answer.raise_for_status()
                found = jwt.PyJWKSet.from_dict(answer.json())
            except (httpx.HTTPError, ValueError, KeyError, jwt.PyJWTError) as error:
                log.warning("the issuer's keys could not be read (%r); the ones known are kept",
                            error)
                self.fetched_at = time.monotonic()  # no second try before MIN_REFRESH_S
                return
            self.keys = {key.key_id: key for key in found.keys if key.key_id}
            self.fetched_at = time.monotonic()
            self.fetches += 1


class Revocations:
    """The operators the issuer revoked (their `sub`), read from it at most every `every_s`
    (`ARDOISE_AUTH_REVOCATIONS_EVERY_S`, else `EVERY_S`): a revoked operator's next request is
    refused within that time, whatever its token."""

    EVERY_S = 30.0

    def __init__(self, client: httpx.AsyncClient, url: str, every_s: float | None = None) -> None:
        self.client, self.url, self.every_s = client, url, every_s
        self.revoked: frozenset[str] = frozenset()
        self.read_at = float("-inf")
        self._lock = asyncio.Lock()

    @property
    def _every_s(self) -> float:
        return self.EVERY_S if self.every_s is None else self.every_s

    async def is_revoked(self, person: str) -> bool:
        if time.monotonic() - self.read_at > self._every_s:
            await self._read()
        return person in self.revoked

    async def _read(self) -> None:
        async with self._lock:
            if time.monotonic() - self.read_at <= self._every_s:
                return
            try:
                answer = await self.client.get(self.url)
                answer.raise_for_status()
                self.revoked = frozenset(entry["sub"] for entry in answer.json()["revoked"])
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
                log.warning("revoked operators not read (%r); the last list is kept", error)
            self.read_at = time.monotonic()


@dataclass(frozen=True)
class Verified:
    """What a verified token says, until when, and the key that signed it (None: HS256)."""

    principal: Principal
    expires_at: float
    kid: str | None


class TokenVerifier:
    """The principal of a bearer token, or Unauthenticated."""

    KEPT = 10_000
    """Verified tokens kept (the oldest go first): checking a signature again took 60 µs
    (HS256) to 130 µs (EdDSA) of every request. A kept token is taken while it has not
    expired and its key is still among the issuer's as last read (`KeySet.holds`); a revoked
    operator is refused whether its token was kept or not."""

    def __init__(self, audience: str = API_AUDIENCE, keys: KeySet | None = None,
                 issuer: str | None = None, dev_secret: str | None = None,
                 revocations: Revocations | None = None) -> None:
        if keys is None and dev_secret is None:
            raise ValueError("no way to verify tokens: configure the issuer (or, in "
                             "development only, HS256 with a secret)")
        self.audience, self.keys, self.issuer = audience, keys, issuer
        self.dev_secret, self.revocations = dev_secret, revocations
        self._verified: dict[str, Verified] = {}

    async def read(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is None or not self._still_good(known):
            known = await self._verify(token)
        principal = known.principal
        if (self.revocations is not None and principal.role == "operator"
                and principal.person is not None
                and await self.revocations.is_revoked(principal.person)):
            raise Unauthenticated("this operator's access was revoked")
        return principal

    def _still_good(self, known: Verified) -> bool:
        return time.time() < known.expires_at and (
            known.kid is None or (self.keys is not None and self.keys.holds(known.kid)))

    async def _verify(self, token: str) -> Verified:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Unauthenticated(str(error)) from error
        algorithm = header.get("alg")
        if algorithm == DEV_ALGORITHM and self.dev_secret is not None:
            claims = decode(token, self.dev_secret, [DEV_ALGORITHM], self.audience)
            kid = None
        elif algorithm in ASYMMETRIC and self.keys is not None:
            key = await self.keys.key(header.get("kid"))
            if key.algorithm_name != algorithm:
                raise Unauthenticated(f"key {key.key_id} does not sign with {algorithm}")
            claims = decode(token, key.key, [algorithm], self.audience, self.issuer)
            kid = key.key_id
        else:
            raise Unauthenticated(f"tokens signed with {algorithm!r} are not accepted here")
        verified = Verified(principal_of(claims), claims["exp"], kid)
        if len(self._verified) >= self.KEPT:
            del self._verified[next(iter(self._verified))]
        self._verified[token] = verified
        return verified
