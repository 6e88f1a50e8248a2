"""Declared layouts of bank statement exports in CSV or XLSX.

Banks let their customers download movements as a spreadsheet as well as MT940 or camt, and
every bank writes its own columns. `config/bank_layouts.yml` (or the file RECAUDO_BANK_LAYOUTS
names) gives one layout per export: which column holds each field of the `bank_lines` raw
table, how dates and amounts are written, which sign convention tells credits from debits,
the encoding, the rows above the header, and the account the file belongs to. A file belongs
to the layout whose columns all appear in its header row, compared without case or accents;
format detection and the parser apply the same test.
"""

import codecs
import csv
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.config import PROJECT_ROOT
from ingest.errors import ParseError
from ingest.gateway_layouts import normalised
from ingest.invoice_layouts import (
    CSV,
    FILE_TYPES,
    SNIFF_BYTES,
    XLSX,
    ZIP_MAGIC,
    layout_entries,
    reads_back_a_date,
    xlsx_rows_head,
)

# How a row says whether money came in or went out.
#   signed_amount         one amount column, negative for a debit
#   debit_credit_columns  a debit column and a credit column, one of them filled per row
#   amount_and_indicator  an unsigned amount and a column whose values say credit or debit
SIGNED_AMOUNT = "signed_amount"
DEBIT_CREDIT_COLUMNS = "debit_credit_columns"
AMOUNT_AND_INDICATOR = "amount_and_indicator"
AMOUNT_COLUMNS = {
    SIGNED_AMOUNT: ("amount",),
    DEBIT_CREDIT_COLUMNS: ("debit_amount", "credit_amount"),
    AMOUNT_AND_INDICATOR: ("amount", "indicator"),
}
# Tried in order when neither the layout nor the account declares an encoding.
GUESSED_ENCODINGS = ("utf-8", "cp1252")
# Tried in order to recognise a header row when the layout declares no encoding: cp850 too,
# so an export in a DOS code page its account declares is recognised as well.
HEADER_ENCODINGS = (*GUESSED_ENCODINGS, "cp850")
OLDEST_FIRST = "oldest_first"
NEWEST_FIRST = "newest_first"

# Fields of ingest.schemas.BANK_LINES a layout can read from a column, besides the amounts.
TEXT_FIELDS = (
    "entry_reference",
    "bank_transaction_code",
    "counterparty_name",
    "counterparty_account",
    "end_to_end_id",
    "structured_reference",
)
MAPPABLE_FIELDS = (
    "booking_date",
    "value_date",
    "bank_account",
    "currency",
    "amount",
    "debit_amount",
    "credit_amount",
    "indicator",
    "balance",
    *TEXT_FIELDS,
    "remittance_text",
)
# Exports often split the description over several columns; they are joined with spaces.
MULTI_COLUMN_FIELDS = ("remittance_text",)


def bank_layouts_file() -> Path:
    return Path(
        os.environ.get("RECAUDO_BANK_LAYOUTS", PROJECT_ROOT / "config" / "bank_layouts.yml")
    )


@dataclass(frozen=True)
class BankLayout:
    """How one bank writes its statement export."""

    layout_id: str
    file_type: str
    # field of bank_lines -> column headers as declared (several only for remittance_text)
    columns: dict[str, tuple[str, ...]]
    date_format: str
    decimal_separator: str
    thousands_separator: str | None
    sign_convention: str
    # None: the encoding the account declares in config/companies.yml, else guessed
    encoding: str | None = None
    delimiter: str = ","
    sheet: str | None = None
    skip_rows: int = 0
    bank_account: str | None = None
    currency: str | None = None
    row_order: str = OLDEST_FIRST
    # normalised value of the indicator column -> credit | debit
    indicators: dict[str, str] = field(default_factory=dict)
    # the same values as the layout writes them, for error messages
    indicator_values: tuple[str, ...] = ()

    @property
    def header_row(self) -> int:
        """The file's line or the sheet's row that holds the column names."""
        return self.skip_rows + 1

    def declared_columns(self) -> set[str]:
        return {normalised(column) for columns in self.columns.values() for column in columns}

    def matches(self, header: list[str]) -> bool:
        return self.declared_columns() <= {normalised(column) for column in header}


def load_layouts(path: Path | None = None) -> list[BankLayout]:
    """The declared layouts; none when the file does not exist (no bank exports a sheet)."""
    path = path or bank_layouts_file()
    if not path.exists():
        return []
    return list(_load(str(path), path.stat().st_mtime_ns))


def find_layout(
    content: bytes, file_name: str, layouts: list[BankLayout] | None = None
) -> BankLayout | None:
    """The one layout whose columns all appear in the file's header row, or None. When several
    match, the one naming the most columns wins: it is the more specific."""
    layouts = load_layouts() if layouts is None else layouts
    matching = [layout for layout in layouts if matching_header(content, layout) is not None]
    if not matching:
        return None
    matching.sort(key=lambda layout: len(layout.declared_columns()), reverse=True)
    best = len(matching[0].declared_columns())
    if len(matching) > 1 and len(matching[1].declared_columns()) == best:
        raise ParseError(
            file_name,
            f"line {matching[0].header_row}",
            "header",
            "the columns of one layout of config/bank_layouts.yml",
            f"columns that fit the layouts {matching[0].layout_id} and {matching[1].layout_id}",
        )
    return matching[0]


def matching_header(content: bytes, layout: BankLayout) -> list[str] | None:
    """The columns of the layout's header row, read in the first encoding in which they
    include every declared column; None when no reading does, the file has no such row, or
    it is not of the layout's file type."""
    is_zip = content.startswith(ZIP_MAGIC)
    if layout.file_type == XLSX:
        rows = xlsx_rows_head(content, layout.sheet, layout.header_row) if is_zip else None
        if rows is None or len(rows) < layout.header_row:
            return None
        header = [str(value).strip() for value in rows[-1] if value is not None]
        return header if layout.matches(header) else None
    lines = content[:SNIFF_BYTES].removeprefix(codecs.BOM_UTF8).splitlines()
    if is_zip or len(lines) < layout.header_row:
        return None
    for encoding in (layout.encoding,) if layout.encoding else HEADER_ENCODINGS:
        try:
            text = lines[layout.skip_rows].decode(encoding)
        except UnicodeDecodeError:
            continue
        header = next(csv.reader([text], delimiter=layout.delimiter), [])
        if layout.matches(header):
            return header
    return None


@lru_cache(maxsize=4)
def _load(path: str, modified_ns: int) -> tuple[BankLayout, ...]:
    """Read once per version of the file: detection asks for every file in the inbox."""
    entries = layout_entries(path)
    return tuple(_layout(path, number, entry) for number, entry in enumerate(entries, start=1))


def _layout(path: str, number: int, entry: dict) -> BankLayout:
    layout_id = str(entry.get("layout_id") or f"#{number}")

    def fail(setting: str, expected: str, found: object) -> ParseError:
        return ParseError(
            path, f"layout {layout_id}", setting, expected, None if found is None else str(found)
        )

    sign_convention = entry.get("sign_convention")
    if sign_convention not in AMOUNT_COLUMNS:
        raise fail("sign_convention", " or ".join(AMOUNT_COLUMNS), sign_convention)
    return BankLayout(
        layout_id=layout_id,
        sign_convention=sign_convention,
        columns=_checked_columns(entry, sign_convention, fail),
        indicators=_checked_indicators(entry, sign_convention, fail),
        indicator_values=tuple(
            f"{value} ({direction})"
            for direction, values in (entry.get("indicator_values") or {}).items()
            for value in (values if isinstance(values, list) else [values])
        ),
        sheet=entry.get("sheet"),
        bank_account=None if entry.get("bank_account") is None else str(entry["bank_account"]),
        currency=entry.get("currency"),
        **_checked_formats(entry, fail),
    )


def _checked_columns(
    entry: dict, sign_convention: str, fail: Callable[..., ParseError]
) -> dict[str, tuple[str, ...]]:
    columns = entry.get("columns") or {}
    unknown = sorted(set(columns) - set(MAPPABLE_FIELDS))
    if unknown:
        raise fail("columns", f"fields among {', '.join(MAPPABLE_FIELDS)}", unknown)
    required = ("booking_date", *AMOUNT_COLUMNS[sign_convention])
    missing = [name for name in required if not columns.get(name)]
    if missing:
        raise fail(
            "columns", f"a column for each of {', '.join(required)} ({sign_convention})", missing
        )
    other_amounts = {name for names in AMOUNT_COLUMNS.values() for name in names} - set(required)
    if other_amounts & set(columns):
        raise fail(
            "columns",
            f"only the amount columns of {sign_convention}: {', '.join(required)}",
            sorted(other_amounts & set(columns)),
        )
    if "bank_account" not in columns and not entry.get("bank_account"):
        raise fail(
            "bank_account", "the account the export belongs to, or a column holding it", None
        )
    if "currency" not in columns and not entry.get("currency"):
        raise fail("currency", "a currency code, or a column holding it", None)

    checked = {}
    for name, declared in columns.items():
        several = isinstance(declared, list)
        if several and name not in MULTI_COLUMN_FIELDS:
            raise fail(f"columns.{name}", "one column header", declared)
        checked[name] = tuple(str(column) for column in (declared if several else [declared]))
    return checked


def _checked_indicators(
    entry: dict, sign_convention: str, fail: Callable[..., ParseError]
) -> dict[str, str]:
    values = entry.get("indicator_values") or {}
    if sign_convention != AMOUNT_AND_INDICATOR:
        if values:
            raise fail("indicator_values", f"none under {sign_convention}", values)
        return {}
    if set(values) != {"credit", "debit"}:
        raise fail("indicator_values", "the values meaning credit and those meaning debit", values)
    indicators = {}
    for direction, printed in values.items():
        for value in printed if isinstance(printed, list) else [printed]:
            if normalised(str(value)) in indicators:
                raise fail("indicator_values", "each value under one direction", value)
            indicators[normalised(str(value))] = direction
    return indicators


def _checked_formats(entry: dict, fail: Callable[..., ParseError]) -> dict:
    """How the bank writes its file and values, each setting checked."""
    file_type = entry.get("file_type", CSV)
    if file_type not in FILE_TYPES:
        raise fail("file_type", " or ".join(FILE_TYPES), file_type)
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

    encoding = entry.get("encoding")
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise fail(
                "encoding", "a Python codec name such as utf-8 or latin-1", encoding
            ) from error
    skip_rows = entry.get("skip_rows", 0)
    if not isinstance(skip_rows, int) or skip_rows < 0:
        raise fail("skip_rows", "the number of rows above the header, 0 or more", skip_rows)
    row_order = entry.get("row_order", OLDEST_FIRST)
    if row_order not in (OLDEST_FIRST, NEWEST_FIRST):
        raise fail("row_order", f"{OLDEST_FIRST} or {NEWEST_FIRST}", row_order)
    return {
        "file_type": file_type,
        "date_format": date_format,
        "decimal_separator": decimal_separator,
        "thousands_separator": thousands_separator,
        "encoding": encoding,
        "delimiter": entry.get("delimiter", ","),
        "skip_rows": skip_rows,
        "row_order": row_order,
    }
