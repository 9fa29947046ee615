"""Files kept encrypted at rest, outside the web root.

Each file is encrypted with the portal's Fernet keys (``core.encryption``) before it is
written, under a random name in ``settings.DOCUMENTS_ROOT`` (never the name it was uploaded
with, which may itself be personal data), and decrypted only when a permitted person opens it.
The directory is not under ``STATIC_ROOT`` nor any URL the web server serves; the only way to a
file is a view that checks the permission.

Key rotation: ``manage.py rotate_encryption_keys`` re-encrypts every file with the newest key
(``rotate_all``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

from . import encryption


def _root() -> Path:
    return Path(settings.DOCUMENTS_ROOT)


def _path(name: str) -> Path:
    if not name or not name.isalnum():  # only names made by ``store``: no path tricks
        raise ValueError("not a stored document name")
    return _root() / name[:2] / name


def store(content: bytes) -> str:
    """Encrypt and write ``content``; return its random stored name."""
    name = secrets.token_hex(24)
    path = _path(name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _write(path, encryption.encrypt_bytes(content))
    return name


def read(name: str) -> bytes:
    return encryption.decrypt_bytes(_path(name).read_bytes())


def delete(name: str) -> None:
    _path(name).unlink(missing_ok=True)


def _write(path: Path, encrypted: bytes) -> None:
    """Write whole to a temporary name first, then rename: a reader never sees half a file."""
    partial = path.with_suffix(".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(encrypted)
    partial.replace(path)


def rotate_all() -> int:
    """Re-encrypt every stored file with the newest key (``rotate_encryption_keys``)."""
    count = 0
    root = _root()
    if not root.exists():
        return 0
    for path in root.glob("*/*"):
        if path.is_file() and path.name.isalnum():
            _write(path, encryption.rotate_bytes(path.read_bytes()))
            count += 1
    return count
