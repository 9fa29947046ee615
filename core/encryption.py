"""Encryption at rest of personal data, with keys from the environment that can be rotated.

``PORTAL_ENCRYPTION_KEYS`` lists Fernet keys (AES-128-CBC with an HMAC-SHA256), newest first:
a value is encrypted with the first key and decrypted with whichever key made it. To rotate,
put a new key first, run ``manage.py rotate_encryption_keys`` (which re-encrypts every value
with it), then remove the old key.

An encrypted column cannot be searched, so an address that staff look up by is also kept as a
*blind index*: an HMAC of its normalised form under ``PORTAL_SEARCH_KEYS`` (newest first, the
same rotation). An exact search compares the HMAC under every key.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

# Every Fernet token starts with its version byte 0x80, which base64 makes "gAAAAA".
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 (a format marker, not a secret)


def generate_key() -> str:
    return Fernet.generate_key().decode()


@cache
def _fernet() -> MultiFernet:
    keys = settings.PORTAL_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("Set PORTAL_ENCRYPTION_KEYS to at least one Fernet key.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "Each key in PORTAL_ENCRYPTION_KEYS must be 32 url-safe base64-encoded bytes "
            "(make one with: python manage.py generate_encryption_key)."
        ) from error


@cache
def _search_keys() -> tuple[bytes, ...]:
    keys = settings.PORTAL_SEARCH_KEYS
    if not keys:
        raise ImproperlyConfigured("Set PORTAL_SEARCH_KEYS to at least one secret.")
    return tuple(key.encode() for key in keys)


def _forget_keys(*, setting: str, **kwargs) -> None:
    if setting in {"PORTAL_ENCRYPTION_KEYS", "PORTAL_SEARCH_KEYS"}:
        _fernet.cache_clear()
        _search_keys.cache_clear()


setting_changed.connect(_forget_keys)


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        # Never fall back to showing the token: the key that made it is missing.
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted with any key in PORTAL_ENCRYPTION_KEYS."
        ) from error


def encrypt_bytes(plaintext: bytes) -> bytes:
    """A file's content encrypted with the newest key (``core.documents`` stores it)."""
    return _fernet().encrypt(plaintext)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(token)
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A stored file cannot be decrypted with any key in PORTAL_ENCRYPTION_KEYS."
        ) from error


def rotate_bytes(token: bytes) -> bytes:
    return _fernet().rotate(token)


def is_encrypted(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def rotate(token: str) -> str:
    """The same value encrypted with the newest key (no plaintext leaves this function)."""
    return _fernet().rotate(token.encode()).decode()


def _digest(key: bytes, value: str) -> str:
    return hmac.new(key, value.strip().casefold().encode(), hashlib.sha256).hexdigest()


def blind_index(value: str) -> str:
    """The searchable stand-in for ``value`` under the newest search key ("" for "")."""
    return _digest(_search_keys()[0], value) if value else ""


def token_hash(token: str) -> str | None:
    """What is stored of a personal link's secret: its SHA-256 (None for none).

    The secret has 256 random bits, so neither a key nor a salt is needed: a copy of the
    database alone gives no working link, and a link is looked up by this hash.
    """
    return hashlib.sha256(token.encode()).hexdigest() if token else None


def blind_indexes(value: str) -> list[str]:
    """The stand-ins under every key, for a search that must also find not-yet-rotated rows."""
    return [_digest(key, value) for key in _search_keys()] if value.strip() else []
