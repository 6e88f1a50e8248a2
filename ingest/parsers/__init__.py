"""One parser per file format; each turns a file's bytes into a ParsedFile.

Parsers never touch the warehouse or the filesystem, and a file that breaks its format raises
`ingest.errors.ParseError` naming the file, the record and the field.
"""

from collections.abc import Callable

from ingest.detect import detect_format
from ingest.parsed import ParsedFile
from ingest.parsers import asobancaria2001, billing_csv, camt053, gateway_csv, mt940

PARSERS: dict[str, Callable[[bytes, str], ParsedFile]] = {
    camt053.SOURCE_FORMAT: camt053.parse,
    mt940.SOURCE_FORMAT: mt940.parse,
    asobancaria2001.SOURCE_FORMAT: asobancaria2001.parse,
    gateway_csv.SOURCE_FORMAT: gateway_csv.parse,
    billing_csv.SOURCE_FORMAT: billing_csv.parse,
}


def parse_file(content: bytes, file_name: str) -> ParsedFile:
    """Recognises the format from the content and reads the file with its parser."""
    return PARSERS[detect_format(content, file_name)](content, file_name)


__all__ = ["PARSERS", "ParsedFile", "parse_file"]
