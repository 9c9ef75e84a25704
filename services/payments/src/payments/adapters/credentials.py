"""Producers' SumUp API keys at rest: sealed with Fernet (the `cryptography` package:
AES-128-CBC and HMAC-SHA256), under keys that come from the environment, never the database.

`ARDOISE_SECRETS_KEYS` lists Fernet keys, comma-separated: the first seals, every one opens.
Rotation: put a new key first and keep the old one after it, restart, run
`ardoise secrets rotate` (every sealed value is sealed again under the first key), then drop
the old key.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class UnreadableSecret(ValueError):
    """A sealed value none of the configured keys opens (a key dropped too early, or tampering)."""


class SecretBox:
    """Seals and opens short secrets with the configured keys."""

    def __init__(self, keys: str) -> None:
        names = [key.strip() for key in keys.split(",") if key.strip()]
        if not names:
            raise ValueError("ARDOISE_SECRETS_KEYS holds no key: generate one with "
                             "`python -c 'from cryptography.fernet import Fernet; "
                             "print(Fernet.generate_key().decode())'`")
        self._fernet = MultiFernet([Fernet(name.encode()) for name in names])

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise UnreadableSecret("no configured key opens this secret") from None

    def reseal(self, sealed: str) -> str:
        """The same secret sealed under the first key (key rotation)."""
        try:
            return self._fernet.rotate(sealed.encode()).decode()
        except InvalidToken:
            raise UnreadableSecret("no configured key opens this secret") from None


def new_key() -> str:
    return Fernet.generate_key().decode()
