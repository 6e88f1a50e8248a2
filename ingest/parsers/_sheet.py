"""Exports read through a declared layout (invoices, bank statements): the rows of a CSV or an
XLSX sheet as cells by column, and amounts and dates read as the layout says the source
writes them, each failing with an error that names the file, the row, the column and what the
layout expected."""

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import openpyxl

from ingest.parsers._csv import read_csv
from ingest.parsers._values import CENT, Record, clean

# Excel keeps numbers as binary doubles: a cached formula result such as 190000.00000000003
# is the cent amount 190000.00 plus representation noise, far below this bound.
FLOAT_NOISE = Decimal("0.000001")

Cell = str | int | float | Decimal | date | datetime | None


@dataclass(frozen=True)
class SheetRow:
    """One data row: where it sits (file line or sheet row) and its cells by header."""

    record: Record
    record_number: int
    cells: dict[str, Cell]


def csv_rows(
    content: bytes,
    file_name: str,
    *,
    delimiter: str,
    encodings: tuple[str, ...] = ("utf-8",),
    text: str | None = None,
    skip_rows: int = 0,
) -> tuple[list[str], list[SheetRow]]:
    header, rows = read_csv(
        content,
        file_name,
        delimiter=delimiter,
        encodings=encodings,
        text=text,
        skip_rows=skip_rows,
    )
    return header, [SheetRow(row.record, row.line_number, dict(row.values)) for row in rows]


def xlsx_rows(
    content: bytes, file_name: str, *, sheet_name: str | None, skip_rows: int = 0
) -> tuple[list[str], list[SheetRow]]:
    """The rows under the header of the named sheet (the first when unnamed); blank rows are
    left out. Cells keep their types: Excel dates arrive as datetimes, numbers as numbers."""
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
        rows = sheet.iter_rows(min_row=skip_rows + 1, values_only=True)
        header = [None if value is None else str(value).strip() for value in next(rows, ())]
        read = []
        for row_number, values in enumerate(rows, start=skip_rows + 2):
            if all(clean(str(value)) is None for value in values if value is not None):
                continue
            cells = {
                column: value
                for column, value in zip(header, values, strict=False)
                if column is not None
            }
            read.append(
                SheetRow(
                    Record(file_name, f"sheet {sheet.title} row {row_number}"), row_number, cells
                )
            )
        return [column for column in header if column is not None], read
    finally:
        workbook.close()


def cell_text(value: Cell) -> str | None:
    """A cell as text: a whole number that Excel stored as a float loses its `.0`."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value))


class ValueReader:
    """Reads the amounts and dates of one layout's rows as its source writes them."""

    def __init__(
        self,
        layout_name: str,
        decimal_separator: str,
        thousands_separator: str | None,
        date_format: str,
    ) -> None:
        self.layout_name = layout_name
        self.decimal_separator = decimal_separator
        self.thousands_separator = thousands_separator
        self.date_format = date_format
        thousands = re.escape(thousands_separator or "")
        grouped = rf"\d{{1,3}}({thousands}\d{{3}})+|" if thousands_separator else ""
        self.amount_pattern = re.compile(
            rf"[+-]?({grouped}\d+)({re.escape(decimal_separator)}\d+)?"
        )

    def amount(
        self, record: Record, column: str, value: Cell, *, required: bool = True
    ) -> Decimal | None:
        """A signed amount exact to the cent; None for a blank cell that may be blank."""
        if value is None or (isinstance(value, str) and clean(value) is None):
            if required:
                raise record.error(column, "an amount", "nothing")
            return None
        if isinstance(value, bool | date | datetime):
            raise record.error(column, "an amount", value)
        if isinstance(value, int | Decimal):
            return record.checked_amount(column, Decimal(value), str(value), signed=True)
        if isinstance(value, float):
            exact = Decimal(repr(value))
            in_cents = exact.quantize(CENT)
            if abs(exact - in_cents) < FLOAT_NOISE:
                exact = in_cents
            return record.checked_amount(column, exact, repr(value), signed=True)
        return self._printed_amount(record, column, str(value).strip())

    def _printed_amount(self, record: Record, column: str, printed: str) -> Decimal:
        if not self.amount_pattern.fullmatch(printed):
            example = "1.234.567,89" if self.decimal_separator == "," else "1,234,567.89"
            if not self.thousands_separator:
                example = example.replace("." if self.decimal_separator == "," else ",", "")
            raise record.error(
                column, f"an amount written as {example} (layout {self.layout_name})", printed
            )
        normalised = printed.replace(self.thousands_separator or "", "").replace(
            self.decimal_separator, "."
        )
        try:
            amount = Decimal(normalised)
        except InvalidOperation as error:
            raise record.error(column, "an amount", printed) from error
        return record.checked_amount(column, amount, printed, signed=True)

    def date(
        self, record: Record, column: str, value: Cell, *, required: bool = True
    ) -> date | None:
        """A date cell, or text in the layout's date format; None for a blank optional cell."""
        if value is None or (isinstance(value, str) and clean(value) is None):
            if required:
                raise record.error(column, "a date", "nothing")
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        printed = str(value).strip()
        try:
            return datetime.strptime(printed, self.date_format).date()
        except ValueError as error:
            example = date(2026, 5, 14).strftime(self.date_format)
            raise record.error(
                column,
                f"a date as {self.date_format}, such as {example} (layout {self.layout_name})",
                printed,
            ) from error
