"""Recognises a file's format from its content, never from its name: banks and gateways name
files as they please."""

import re

from ingest import bank_layouts
from ingest.errors import ParseError
from ingest.gateway_reports import gateway_report_format
from ingest.invoice_layouts import ZIP_MAGIC, find_layout

SNIFF_BYTES = 8192
# The bank and billing formats the parsers read (see ingest/parsers/).
CAMT053 = "camt053"
MT940 = "mt940"
ASOBANCARIA2001 = "asobancaria2001"
GATEWAY_CSV = "gateway_csv"
BILLING_CSV = "billing_csv"
# The other bank formats: intraday and notification camt, MT942 interim reports, BAI2, OFX.
CAMT052 = "camt052"
CAMT054 = "camt054"
MT942 = "mt942"
BAI2 = "bai2"
OFX = "ofx"
# The invoice formats: UBL (PEPPOL), DIAN's UBL, Factur-X and exports in a declared layout.
UBL = "ubl"
DIAN_UBL = "dian_ubl"
FACTURX = "facturx"
INVOICES_MAPPED = "invoices_mapped"
# Bank statement exports in CSV or XLSX, in a layout declared in config/bank_layouts.yml.
BANK_MAPPED = "bank_mapped"

_ISO20022_MESSAGE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3})\.\d{3}\.\d{2}")
CAMT_MESSAGES = {"camt.052": CAMT052, "camt.053": CAMT053, "camt.054": CAMT054}
# OFX 1 opens with its OFXHEADER lines, OFX 2 with XML declarations; some banks send neither.
_OFX_START = re.compile(r"\s*(OFXHEADER:|(<\?[^>]*\?>\s*)*<OFX>)", re.IGNORECASE)
# An MT942 interim report has a floor limit or a report time where a statement has balances.
MT942_TAGS = {"34F", "13D"}
MT940_OPENING_TAGS = {"60F", "60M"}
GATEWAY_MARKERS = {"record_type", "transaction_id", "gross_amount"}
BILLING_MARKER = "company_tax_id"
_UBL_DOCUMENT = re.compile(
    r'xmlns(?::\w+)?="urn:oasis:names:specification:ubl:schema:xsd:'
    r'(AttachedDocument|Invoice|CreditNote|DebitNote)-2"'
)
CII_NAMESPACE = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
# DIAN's UBL declares DIAN's extension namespace, or its ProfileID names DIAN.
DIAN_MARKERS = ("dian:gov:co:facturaelectronica", "DIAN 2.1")
PDF_MAGIC = b"%PDF-"
# MT940 banks may put a few header lines (sender BIC, "940") before the first tag.
MT940_HEADER_LINES = 10


def detect_format(content: bytes, file_name: str) -> str:
    """One of the formats in `ingest.parsers.PARSERS`; else ParseError."""
    if not content.strip():
        raise ParseError(
            file_name,
            "line 1",
            "file",
            "a bank, collection, gateway or billing file",
            f"empty file ({len(content)} bytes)",
        )
    if content.lstrip().startswith(PDF_MAGIC):
        return FACTURX
    if content.startswith(ZIP_MAGIC):
        return _workbook_format(content, file_name)
    text = content[:SNIFF_BYTES].decode("utf-8", errors="replace").removeprefix("\ufeff")
    lines = [line.rstrip("\r") for line in text.lstrip().splitlines()]
    first_line = lines[0]

    if _OFX_START.match(text):
        return OFX
    if first_line.startswith("<"):
        return _xml_format(text, file_name)
    if first_line.startswith("{1:") or any(
        line.startswith(":20:") for line in lines[:MT940_HEADER_LINES]
    ):
        return _swift_format(lines)
    if first_line.startswith("01,"):
        return BAI2
    if _looks_like_asobancaria(lines):
        return ASOBANCARIA2001

    columns = {column.strip().strip('"') for column in first_line.split(",")}
    if GATEWAY_MARKERS.issubset(columns):
        return GATEWAY_CSV
    if BILLING_MARKER in columns:
        return BILLING_CSV
    gateway_report = gateway_report_format(content)
    if gateway_report is not None:
        return gateway_report
    if bank_layouts.find_layout(content, file_name) is not None:
        return BANK_MAPPED
    if find_layout(content, file_name) is not None:
        return INVOICES_MAPPED
    raise ParseError(
        file_name,
        "line 1",
        "format",
        "camt.052/053/054 XML, MT940, MT942, BAI2, OFX, Asobancaria 2001, the gateway CSV, "
        "a billing CSV, or a CSV in a layout of config/bank_layouts.yml or "
        "config/invoice_layouts.yml",
        first_line[:60],
    )


def _workbook_format(content: bytes, file_name: str) -> str:
    """An XLSX workbook is read only through a declared layout."""
    if bank_layouts.find_layout(content, file_name) is not None:
        return BANK_MAPPED
    if find_layout(content, file_name) is not None:
        return INVOICES_MAPPED
    raise ParseError(
        file_name,
        "workbook",
        "format",
        "a sheet with the columns of a layout of config/bank_layouts.yml or "
        "config/invoice_layouts.yml",
        "a workbook no layout matches",
    )


def _xml_format(text: str, file_name: str) -> str:
    invoice_format = _xml_invoice_format(text)
    if invoice_format is not None:
        return invoice_format
    match = _ISO20022_MESSAGE.search(text)
    if match and match.group(1) in CAMT_MESSAGES:
        return CAMT_MESSAGES[match.group(1)]
    raise ParseError(
        file_name,
        "Document",
        "xmlns",
        "an ISO 20022 camt.052, camt.053 or camt.054 message",
        match.group(0) if match else "XML without an ISO 20022 namespace",
    )


def _xml_invoice_format(text: str) -> str | None:
    """An AttachedDocument is DIAN's; it declares its own namespace before the invoice's."""
    if CII_NAMESPACE in text:
        return FACTURX
    match = _UBL_DOCUMENT.search(text)
    if match is None:
        return None
    if match.group(1) == "AttachedDocument" or any(marker in text for marker in DIAN_MARKERS):
        return DIAN_UBL
    return UBL


def _swift_format(lines: list[str]) -> str:
    tags = {line[1:4] for line in lines if line.startswith(":")}
    if tags & MT942_TAGS and not tags & MT940_OPENING_TAGS:
        return MT942
    return MT940


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
