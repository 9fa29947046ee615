import pytest


@pytest.fixture(autouse=True)
def documents_root(settings, tmp_path):
    """Each test's uploaded documents in a folder of its own."""
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    return settings.DOCUMENTS_ROOT
