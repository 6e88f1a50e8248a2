"""Invoice exports in a declared layout: CSV or XLSX files from billing systems that do not
write the project's billing CSV, read through `config/invoice_layouts.yml`.

The layout names the column of each field and how the source writes values: its date format,
decimal and thousands separators, encoding and sign convention. A layout either prints every
amount positive (a type column tells credit notes apart) or prints credit notes negative
(`negative_is_credit`); either way the rows follow the shared sign rule in `_invoices.py`.
Of net, tax and total, a layout may leave out net or tax: the other two give it.
"""

import io
import logging
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import openpyxl

from ingest.errors import ParseError
from ingest.invoice_layouts import (
    NEGATIVE_IS_CREDIT,
    XLSX,
    InvoiceLayout,
    find_layout,
    load_layouts,
)
from ingest.parsed import ParsedFile
from ingest.parsers._csv import read_csv
from ingest.parsers._invoices import (
    CREDIT_NOTE,
    INVOICE,
    InvoiceDocument,
    invoice_row,
    tax_id_base,
)
from ingest.parsers._values import CENT, Record, clean

log = logging.getLogger(__name__)

SOURCE_FORMAT = "invoices_mapped"

# Excel keeps numbers as binary doubles: a cached formula result such as 190000.00000000003
# is the cent amount 190000.00 plus representation noise, far below this bound.
FLOAT_NOISE = Decimal("0.000001")

Cell = str | int | float | Decimal | date | datetime | None


def parse(content: bytes, file_name: str, layouts: list[InvoiceLayout] | None = None) -> ParsedFile:
    layouts = load_layouts() if layouts is None else layouts
    layout = find_layout(content, file_name, layouts)
    if layout is None:
        raise ParseError(
            file_name,
            "line 1",
            "header",
            "the columns of a layout in config/invoice_layouts.yml "
            f"({', '.join(known.layout_id for known in layouts) or 'none declared'})",
            "a header no layout matches",
        )

    reader = _RowReader(layout, file_name)
    rows = (
        _xlsx_rows(content, file_name, layout)
        if layout.file_type == XLSX
        else _csv_rows(content, file_name, layout)
    )
    invoices = [reader.read(record, number, values) for record, number, values in rows]

    owners = dict.fromkeys(reader.owner_tax_ids)
    if not owners and "company_tax_id" not in layout.columns:
        # A layout that names its company owns even an export without rows.
        owners = {reader.layout_company(): None}
    log.debug(
        "parsed %d invoices from %s file %s in layout %s",
        len(invoices),
        SOURCE_FORMAT,
        file_name,
        layout.layout_id,
    )
    return ParsedFile(
        source_format=SOURCE_FORMAT,
        rows={"invoices": invoices},
        owner_keys=tuple(("company_tax_id", owner) for owner in owners),
        warnings=reader.warnings,
    )


def _csv_rows(
    content: bytes, file_name: str, layout: InvoiceLayout
) -> list[tuple[Record, int, dict[str, Cell]]]:
    _, rows = read_csv(content, file_name, delimiter=layout.delimiter, encodings=(layout.encoding,))
    return [(row.record, row.line_number, dict(row.values)) for row in rows]


def _xlsx_rows(
    content: bytes, file_name: str, layout: InvoiceLayout
) -> list[tuple[Record, int, dict[str, Cell]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = workbook[layout.sheet] if layout.sheet else workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [None if value is None else str(value).strip() for value in next(rows, ())]
        read = []
        for row_number, values in enumerate(rows, start=2):
            if all(clean(str(value)) is None for value in values if value is not None):
                continue
            record = Record(file_name, f"sheet {sheet.title} row {row_number}")
            cells = {
                column: value
                for column, value in zip(header, values, strict=False)
                if column is not None
            }
            read.append((record, row_number, cells))
        return read
    finally:
        workbook.close()


class _RowReader:
    """Turns one row of a mapped export into an `invoices` row, collecting owners and
    warnings."""

    def __init__(self, layout: InvoiceLayout, file_name: str) -> None:
        self.layout = layout
        self.file_name = file_name
        self.owner_tax_ids: list[str] = []
        self.warnings: list[str] = []
        thousands = re.escape(layout.thousands_separator or "")
        grouped = rf"\d{{1,3}}({thousands}\d{{3}})+|" if layout.thousands_separator else ""
        self.amount_pattern = re.compile(
            rf"[+-]?({grouped}\d+)({re.escape(layout.decimal_separator)}\d+)?"
        )

    def read(self, record: Record, record_number: int, values: dict[str, Cell]) -> dict:
        layout = self.layout
        cell = _Cells(layout, values)
        self.owner_tax_ids.append(self._company(record, cell))

        total = self.amount(record, cell, "total_amount")
        net = self.amount(record, cell, "net_amount", required=False)
        tax = self.amount(record, cell, "tax_amount", required=False)
        net = total - tax if net is None else net
        tax = total - net if tax is None else tax
        issue_date = self.date(record, cell, "issue_date")
        due_date = self.date(record, cell, "due_date", required=False)
        if due_date is None and layout.payment_terms_days is not None:
            due_date = issue_date + timedelta(days=layout.payment_terms_days)

        document = InvoiceDocument(
            document_id=self.text(record, cell, "document_id"),
            document_type=self.document_type(record, cell),
            customer_id=self.text(record, cell, "customer_id"),
            issue_date=issue_date,
            due_date=due_date,
            currency=record.currency(
                cell.column("currency"), cell.text("currency") or layout.default_currency
            ),
            net_amount=net,
            tax_amount=tax,
            total_amount=total,
            prepaid_amount=self.amount(record, cell, "prepaid_amount", required=False),
            related_document_id=cell.text("related_document_id"),
            payment_reference=cell.text("payment_reference"),
            collection_reference=cell.text("collection_reference"),
        )
        document = self._apply_sign_convention(record, cell, document)
        return invoice_row(document, record, record_number, self.warnings, cell.source_fields())

    def _company(self, record: Record, cell: "_Cells") -> str:
        if "company_tax_id" in self.layout.columns:
            column = cell.column("company_tax_id")
            return tax_id_base(record, column, self.text(record, cell, "company_tax_id"))
        return self.layout_company()

    def layout_company(self) -> str:
        record = Record(self.file_name, f"layout {self.layout.layout_id}")
        return tax_id_base(record, "company_tax_id", str(self.layout.company_tax_id))

    def _apply_sign_convention(
        self, record: Record, cell: "_Cells", document: InvoiceDocument
    ) -> InvoiceDocument:
        """Under negative_is_credit a negative row is a credit note printed as such, so its
        amounts turn positive without the warning the shared sign rule gives a surprise."""
        if self.layout.sign_convention != NEGATIVE_IS_CREDIT:
            return document
        if document.total_amount >= 0:
            if document.document_type == CREDIT_NOTE:
                raise record.error(
                    cell.column("total_amount"),
                    f"a negative total: layout {self.layout.layout_id} prints credit notes "
                    "negative",
                    document.total_amount,
                )
            return document
        printed_as_credit = document.document_type == CREDIT_NOTE or not cell.has("document_type")
        if not printed_as_credit:
            return document
        return replace(
            document,
            document_type=CREDIT_NOTE,
            net_amount=-document.net_amount,
            tax_amount=-document.tax_amount,
            total_amount=-document.total_amount,
            prepaid_amount=None if document.prepaid_amount is None else -document.prepaid_amount,
        )

    def document_type(self, record: Record, cell: "_Cells") -> str:
        if not cell.has("document_type"):
            return INVOICE
        value = self.text(record, cell, "document_type")
        by_value = {
            printed.casefold(): kind for printed, kind in self.layout.document_types.items()
        }
        kind = by_value.get(value.casefold())
        if kind is None:
            raise record.error(
                cell.column("document_type"),
                f"one of {', '.join(self.layout.document_types) or 'the declared document types'}",
                value,
            )
        return kind

    def text(self, record: Record, cell: "_Cells", name: str) -> str:
        return record.required(cell.column(name), cell.text(name))

    def amount(
        self, record: Record, cell: "_Cells", name: str, *, required: bool = True
    ) -> Decimal | None:
        column = cell.column(name)
        value = cell.raw(name)
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
        layout = self.layout
        if not self.amount_pattern.fullmatch(printed):
            example = "1.234.567,89" if layout.decimal_separator == "," else "1,234,567.89"
            if not layout.thousands_separator:
                example = example.replace("." if layout.decimal_separator == "," else ",", "")
            raise record.error(
                column, f"an amount written as {example} (layout {layout.layout_id})", printed
            )
        normalised = printed.replace(layout.thousands_separator or "", "").replace(
            layout.decimal_separator, "."
        )
        try:
            amount = Decimal(normalised)
        except InvalidOperation as error:
            raise record.error(column, "an amount", printed) from error
        return record.checked_amount(column, amount, printed, signed=True)

    def date(
        self, record: Record, cell: "_Cells", name: str, *, required: bool = True
    ) -> date | None:
        column = cell.column(name)
        value = cell.raw(name)
        if value is None or (isinstance(value, str) and clean(value) is None):
            if required:
                raise record.error(column, "a date", "nothing")
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        printed = str(value).strip()
        date_format = self.layout.date_format
        try:
            return datetime.strptime(printed, date_format).date()
        except ValueError as error:
            example = date(2026, 5, 14).strftime(date_format)
            raise record.error(
                column, f"a date as {date_format}, such as {example}", printed
            ) from error


class _Cells:
    """A row's values reached by field name through the layout's column mapping."""

    def __init__(self, layout: InvoiceLayout, values: dict[str, Cell]) -> None:
        self.layout = layout
        self.values = values

    def has(self, name: str) -> bool:
        return name in self.layout.columns

    def column(self, name: str) -> str:
        return self.layout.columns.get(name, name)

    def raw(self, name: str) -> Cell:
        if not self.has(name):
            return None
        return self.values.get(self.layout.columns[name])

    def text(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return clean(str(value))

    def source_fields(self) -> dict[str, str]:
        return dict(self.layout.columns)
