"""What a file is, by its first bytes (its "magic number"), never by its name or by the type
the browser sent: both are chosen by whoever uploads it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileKind:
    content_type: str
    magic: bytes
    extensions: tuple[str, ...]  # the endings a file of this kind may have, lower case
    label: object  # translated, for messages: "a PDF document"


PDF = FileKind("application/pdf", b"%PDF-", (".pdf",), _("a PDF document"))
PNG = FileKind("image/png", b"\x89PNG\r\n\x1a\n", (".png",), _("a PNG image"))
JPEG = FileKind("image/jpeg", b"\xff\xd8\xff", (".jpg", ".jpeg"), _("a JPEG image"))
DOCUMENT_KINDS = (PDF, PNG, JPEG)
MAGIC_LENGTH = max(len(kind.magic) for kind in DOCUMENT_KINDS)


def sniff(head: bytes, kinds=DOCUMENT_KINDS) -> FileKind | None:
    """The kind whose magic bytes ``head`` starts with, or None."""
    return next((kind for kind in kinds if head.startswith(kind.magic)), None)


def kind_of_name(name: str, kinds=DOCUMENT_KINDS) -> FileKind | None:
    """The kind a file name claims by its ending (``.PDF`` as ``.pdf``), or None."""
    lowered = name.lower()
    return next((kind for kind in kinds if lowered.endswith(kind.extensions)), None)
