"""Files encrypted at rest (core/documents.py) and told apart by content (core/sniffing.py)."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from core import documents, sniffing


@pytest.fixture(autouse=True)
def root(settings, tmp_path):
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    return settings.DOCUMENTS_ROOT


def test_a_file_is_stored_encrypted_under_a_random_name_and_read_back(root):
    name = documents.store(b"%PDF-1.4 secret")
    (path,) = [p for p in root.rglob("*") if p.is_file()]
    assert path.name == name and len(name) == 48
    assert b"secret" not in path.read_bytes() and b"%PDF" not in path.read_bytes()
    assert documents.read(name) == b"%PDF-1.4 secret"
    documents.delete(name)
    assert not any(p.is_file() for p in root.rglob("*"))


@pytest.mark.parametrize("name", ["../etc/passwd", "", "a/b", "x.pdf"])
def test_only_stored_names_are_read(name):
    with pytest.raises(ValueError):
        documents.read(name)


@pytest.mark.django_db
def test_key_rotation_re_encrypts_the_files(settings):
    old = settings.PORTAL_ENCRYPTION_KEYS[0]
    name = documents.store(b"%PDF-1.4")
    settings.PORTAL_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "documents: 1 files" in out.getvalue()
    settings.PORTAL_ENCRYPTION_KEYS = settings.PORTAL_ENCRYPTION_KEYS[:1]
    assert documents.read(name) == b"%PDF-1.4"


@pytest.mark.parametrize(
    "head, kind",
    [
        (b"%PDF-1.7\n", sniffing.PDF),
        (b"\x89PNG\r\n\x1a\n\x00", sniffing.PNG),
        (b"\xff\xd8\xff\xe0", sniffing.JPEG),
        (b"PK\x03\x04", None),  # a .docx
        (b"%PDF", None),  # too short to be sure
        (b"", None),
    ],
)
def test_a_file_is_known_by_its_first_bytes(head, kind):
    assert sniffing.sniff(head) is kind


def test_a_name_claims_a_kind_by_its_ending():
    assert sniffing.kind_of_name("SCAN.JPEG") is sniffing.JPEG
    assert sniffing.kind_of_name("a.pdf.exe") is None


def test_the_documents_may_not_be_served_by_the_web_server(settings, tmp_path):
    from core.checks import check_documents_outside_the_web_root

    assert check_documents_outside_the_web_root(None) == []
    settings.STATIC_ROOT = tmp_path / "static"
    settings.DOCUMENTS_ROOT = tmp_path / "static" / "documents"
    (error,) = check_documents_outside_the_web_root(None)
    assert error.id == "portal.E002"
