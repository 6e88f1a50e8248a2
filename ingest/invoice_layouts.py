"""Declared layouts of invoice exports that do not follow the project's billing CSV.

`config/invoice_layouts.yml` (or the file RECAUDO_INVOICE_LAYOUTS names) gives one layout per
source system: which column holds each field, the date format, the decimal and thousands
separators, the sign convention and the encoding. A file belongs to the layout whose columns
all appear in its header row; format detection and the mapped parser apply the same test.
"""

import csv
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import openpyxl
import yaml
from openpyxl.utils.exceptions import InvalidFileException

from ingest.config import PROJECT_ROOT
from ingest.errors import ParseError

CSV = "csv"
XLSX = "xlsx"
FILE_TYPES = (CSV, XLSX)
ZIP_MAGIC = b"PK\x03\x04"

# Amounts as printed: credit notes positive (the type column tells them apart), or credit
# notes printed negative, which a type column may then omit.
POSITIVE = "positive"
NEGATIVE_IS_CREDIT = "negative_is_credit"
SIGN_CONVENTIONS = (POSITIVE, NEGATIVE_IS_CREDIT)

REQUIRED_FIELDS = ("document_id", "customer_id", "issue_date", "total_amount")
OPTIONAL_FIELDS = (
    "document_type",
    "related_document_id",
    "due_date",
    "currency",
    "net_amount",
    "tax_amount",
    "prepaid_amount",
    "payment_reference",
    "collection_reference",
    "company_tax_id",
)
DOCUMENT_TYPES = ("invoice", "credit_note", "debit_note")
SNIFF_BYTES = 8192


def layouts_file() -> Path:
    return Path(
        os.environ.get("RECAUDO_INVOICE_LAYOUTS", PROJECT_ROOT / "config" / "invoice_layouts.yml")
    )


@dataclass(frozen=True)
class InvoiceLayout:
    """How one source system writes its invoice export."""

    layout_id: str
    file_type: str
    # field of the invoices schema -> column header in the file
    columns: dict[str, str]
    date_format: str
    decimal_separator: str
    thousands_separator: str | None
    sign_convention: str
    encoding: str = "utf-8"
    delimiter: str = ","
    sheet: str | None = None
    company_tax_id: str | None = None
    default_currency: str | None = None
    payment_terms_days: int | None = None
    # value of the document type column -> invoice | credit_note | debit_note
    document_types: dict[str, str] = field(default_factory=dict)

    def matches(self, header: list[str]) -> bool:
        return set(self.columns.values()) <= {column.strip() for column in header}


def load_layouts(path: Path | None = None) -> list[InvoiceLayout]:
    """The declared layouts; none when the file does not exist (no source needs mapping)."""
    path = path or layouts_file()
    if not path.exists():
        return []
    return list(_load(str(path), path.stat().st_mtime_ns))


def find_layout(
    content: bytes, file_name: str, layouts: list[InvoiceLayout] | None = None
) -> InvoiceLayout | None:
    """The one layout whose columns all appear in the file's header row, or None.

    When several match, the one naming the most columns wins: it is the more specific.
    """
    layouts = load_layouts() if layouts is None else layouts
    matching = [
        layout
        for layout in layouts
        if (header := _header(content, layout)) and layout.matches(header)
    ]
    if not matching:
        return None
    matching.sort(key=lambda layout: len(layout.columns), reverse=True)
    if len(matching) > 1 and len(matching[0].columns) == len(matching[1].columns):
        raise ParseError(
            file_name,
            "line 1",
            "header",
            "the columns of one layout of config/invoice_layouts.yml",
            f"columns that fit the layouts {matching[0].layout_id} and {matching[1].layout_id}",
        )
    return matching[0]


def _header(content: bytes, layout: InvoiceLayout) -> list[str] | None:
    is_zip = content.startswith(ZIP_MAGIC)
    if layout.file_type == XLSX:
        return xlsx_header(content, layout) if is_zip else None
    if is_zip:
        return None
    text = content[:SNIFF_BYTES].decode(layout.encoding, errors="replace").removeprefix("\ufeff")
    first_line = next(iter(text.splitlines()), "")
    return next(csv.reader([first_line], delimiter=layout.delimiter), [])


def xlsx_header(content: bytes, layout: InvoiceLayout) -> list[str] | None:
    """The first row of the layout's sheet; None for a workbook that cannot be opened."""
    rows = xlsx_rows_head(content, layout.sheet, 1)
    if rows is None:
        return None
    first_row = rows[0] if rows else ()
    return [str(value).strip() for value in first_row if value is not None]


def xlsx_rows_head(content: bytes, sheet_name: str | None, row_count: int) -> list[tuple] | None:
    """The first rows of a sheet (the first sheet when unnamed); None for a workbook that
    cannot be opened or has no such sheet."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        return None
    try:
        if sheet_name is not None and sheet_name not in workbook.sheetnames:
            return None
        sheet = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
        return list(sheet.iter_rows(max_row=row_count, values_only=True))
    finally:
        workbook.close()


def layout_entries(path: str) -> list[dict]:
    """The `layouts` list of a layout file, refused when it is not a list."""
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle) or {}
    entries = document.get("layouts") or []
    if not isinstance(entries, list):
        raise ParseError(path, "layouts", "layouts", "a list of layouts", type(entries).__name__)
    return entries


@lru_cache(maxsize=4)
def _load(path: str, modified_ns: int) -> tuple[InvoiceLayout, ...]:
    """Read once per version of the file: detection asks for every file in the inbox."""
    entries = layout_entries(path)
    return tuple(_layout(path, number, entry) for number, entry in enumerate(entries, start=1))


def _layout(path: str, number: int, entry: dict) -> InvoiceLayout:
    layout_id = str(entry.get("layout_id") or f"#{number}")

    def fail(setting: str, expected: str, found: object) -> ParseError:
        return ParseError(
            path, f"layout {layout_id}", setting, expected, None if found is None else str(found)
        )

    return InvoiceLayout(
        layout_id=layout_id,
        columns=_checked_columns(entry, fail),
        sheet=entry.get("sheet"),
        company_tax_id=entry.get("company_tax_id"),
        default_currency=entry.get("default_currency"),
        payment_terms_days=entry.get("payment_terms_days"),
        **_checked_formats(entry, fail),
    )


def _checked_columns(entry: dict, fail: Callable[..., ParseError]) -> dict[str, str]:
    columns = entry.get("columns") or {}
    unknown = sorted(set(columns) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise fail(
            "columns", f"fields among {', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)}", unknown
        )
    missing = [name for name in REQUIRED_FIELDS if name not in columns]
    if missing:
        raise fail("columns", f"a column for each of {', '.join(REQUIRED_FIELDS)}", f"no {missing}")
    if "net_amount" not in columns and "tax_amount" not in columns:
        raise fail("columns", "a column for net_amount or tax_amount", "neither")
    if "company_tax_id" not in columns and not entry.get("company_tax_id"):
        raise fail("company_tax_id", "the issuing company's NIT, or a column holding it", None)
    if "currency" not in columns and not entry.get("default_currency"):
        raise fail("default_currency", "a currency code, or a column holding it", None)
    return {name: str(column) for name, column in columns.items()}


def _checked_formats(entry: dict, fail: Callable[..., ParseError]) -> dict:
    """How the source writes its file and values, each setting checked."""
    file_type = entry.get("file_type", CSV)
    if file_type not in FILE_TYPES:
        raise fail("file_type", " or ".join(FILE_TYPES), file_type)
    sign_convention = entry.get("sign_convention")
    if sign_convention not in SIGN_CONVENTIONS:
        raise fail("sign_convention", " or ".join(SIGN_CONVENTIONS), sign_convention)
    date_format = entry.get("date_format")
    if not reads_back_a_date(date_format):
        raise fail(
            "date_format", "a format with day, month and year, such as %d/%m/%Y", date_format
        )

    decimal_separator = entry.get("decimal_separator")
    thousands_separator = entry.get("thousands_separator") or None
    if decimal_separator not in (".", ","):
        raise fail("decimal_separator", ". or ,", decimal_separator)
    if thousands_separator == decimal_separator:
        raise fail("thousands_separator", "a character other than the decimal separator", None)
    encoding = entry.get("encoding", "utf-8")
    try:
        "".encode(encoding)
    except LookupError as error:
        raise fail("encoding", "a Python codec name such as utf-8 or cp1252", encoding) from error

    document_types = {
        str(value): kind for value, kind in (entry.get("document_types") or {}).items()
    }
    wrong_types = sorted(kind for kind in document_types.values() if kind not in DOCUMENT_TYPES)
    if wrong_types:
        raise fail("document_types", f"values among {', '.join(DOCUMENT_TYPES)}", wrong_types)
    return {
        "file_type": file_type,
        "sign_convention": sign_convention,
        "date_format": date_format,
        "decimal_separator": decimal_separator,
        "thousands_separator": thousands_separator,
        "encoding": encoding,
        "delimiter": entry.get("delimiter", ","),
        "document_types": document_types,
    }


def reads_back_a_date(date_format: object) -> bool:
    """A format that prints a date and reads the same date back names its day, month and year."""
    sample = datetime(2026, 12, 31)
    try:
        return datetime.strptime(sample.strftime(date_format), date_format) == sample
    except (TypeError, ValueError):
        return False
