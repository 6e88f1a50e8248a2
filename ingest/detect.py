"""Recognises a file's format from its content, never from its name: banks and gateways name
files as they please."""

import re

from ingest.errors import ParseError

SNIFF_BYTES = 8192
# The bank and billing formats the parsers read (see ingest/parsers/).
CAMT053 = "camt053"
MT940 = "mt940"
ASOBANCARIA2001 = "asobancaria2001"
GATEWAY_CSV = "gateway_csv"
BILLING_CSV = "billing_csv"

_ISO20022_MESSAGE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3})\.\d{3}\.\d{2}")
GATEWAY_MARKERS = {"record_type", "transaction_id", "gross_amount"}
BILLING_MARKER = "company_tax_id"
# MT940 banks may put a few header lines (sender BIC, "940") before the first tag.
MT940_HEADER_LINES = 10


def detect_format(content: bytes, file_name: str) -> str:
    """One of camt053, mt940, asobancaria2001, gateway_csv, billing_csv; else ParseError."""
    if not content.strip():
        raise ParseError(
            file_name,
            "line 1",
            "file",
            "a bank, collection, gateway or billing file",
            f"empty file ({len(content)} bytes)",
        )
    text = content[:SNIFF_BYTES].decode("utf-8", errors="replace").removeprefix("\ufeff")
    lines = [line.rstrip("\r") for line in text.lstrip().splitlines()]
    first_line = lines[0]

    if first_line.startswith("<"):
        return _xml_format(text, file_name)
    if first_line.startswith("{1:") or any(
        line.startswith(":20:") for line in lines[:MT940_HEADER_LINES]
    ):
        return MT940
    if _looks_like_asobancaria(lines):
        return ASOBANCARIA2001

    columns = {column.strip().strip('"') for column in first_line.split(",")}
    if GATEWAY_MARKERS.issubset(columns):
        return GATEWAY_CSV
    if BILLING_MARKER in columns:
        return BILLING_CSV
    raise ParseError(
        file_name,
        "line 1",
        "format",
        "camt.053 XML, MT940, Asobancaria 2001, the gateway CSV or a billing CSV",
        first_line[:60],
    )


def _xml_format(text: str, file_name: str) -> str:
    match = _ISO20022_MESSAGE.search(text)
    if match and match.group(1) == "camt.053":
        return CAMT053
    raise ParseError(
        file_name,
        "Document",
        "xmlns",
        "an ISO 20022 camt.053 statement",
        match.group(0) if match else "XML without an ISO 20022 namespace",
    )


def _looks_like_asobancaria(lines: list[str]) -> bool:
    """A file header 01 of at most 162 columns that opens with the biller's NIT and a date."""
    header = lines[0].rstrip()
    followed_by_batch = len(lines) < 2 or lines[1].startswith("05")
    return (
        header.startswith("01")
        and header[:20].isdigit()
        and len(header) <= 162
        and followed_by_batch
    )
