"""Errors a parser raises when a file cannot be read as its format promises."""

from dataclasses import dataclass


@dataclass
class ParseError(Exception):
    """A file that does not follow its format: names the file, the record and the field."""

    file_name: str
    record: str
    field: str
    expected: str
    found: str | None = None

    def __str__(self) -> str:
        found = f", found {self.found!r}" if self.found is not None else ""
        return (
            f"{self.file_name}: record {self.record}, field {self.field}: "
            f"expected {self.expected}{found}"
        )
