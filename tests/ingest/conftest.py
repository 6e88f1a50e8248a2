"""Shared paths for the ingest tests: hand-written fixtures under tests/fixtures/ingest/."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@pytest.fixture
def valid_file():
    """Reads a fixture from valid/: (bytes, file name)."""

    def read(name: str) -> tuple[bytes, str]:
        return (FIXTURES / "valid" / name).read_bytes(), name

    return read


@pytest.fixture
def invalid_file():
    """Reads a fixture from invalid/: (bytes, file name)."""

    def read(name: str) -> tuple[bytes, str]:
        return (FIXTURES / "invalid" / name).read_bytes(), name

    return read
