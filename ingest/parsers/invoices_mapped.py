"""Invoice exports in a declared layout: CSV or XLSX files from billing systems that do not
write the project's billing CSV, read through `config/invoice_layouts.yml`.

The layout names the column of each field and how the source writes values: its date format,
decimal and thousands separators, encoding and sign convention. A layout either prints every
amount positive (a type column tells credit notes apart) or prints credit notes negative
(`negative_is_credit`); either way the rows follow the shared sign rule in `_invoices.py`.
Of net, tax and total, a layout may leave out net or tax: the other two give it.
"""

import logging
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from ingest.errors import ParseError
from ingest.invoice_layouts import (
    NEGATIVE_IS_CREDIT,
    XLSX,
    InvoiceLayout,
    find_layout,
    load_layouts,
)
from ingest.parsed import ParsedFile
from ingest.parsers._invoices import (
    CREDIT_NOTE,
    INVOICE,
    InvoiceDocument,
    invoice_row,
    tax_id_base,
)
from ingest.parsers._sheet import Cell, SheetRow, ValueReader, cell_text, csv_rows, xlsx_rows
from ingest.parsers._values import Record

log = logging.getLogger(__name__)

SOURCE_FORMAT = "invoices_mapped"


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
    invoices = [reader.read(row) for row in _rows(content, file_name, layout)]

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


def _rows(content: bytes, file_name: str, layout: InvoiceLayout) -> list[SheetRow]:
    if layout.file_type == XLSX:
        return xlsx_rows(content, file_name, sheet_name=layout.sheet)[1]
    return csv_rows(content, file_name, delimiter=layout.delimiter, encodings=(layout.encoding,))[1]


class _RowReader:
    """Turns one row of a mapped export into an `invoices` row, collecting owners and
    warnings."""

    def __init__(self, layout: InvoiceLayout, file_name: str) -> None:
        self.layout = layout
        self.file_name = file_name
        self.owner_tax_ids: list[str] = []
        self.warnings: list[str] = []
        self.values = ValueReader(
            layout.layout_id,
            layout.decimal_separator,
            layout.thousands_separator,
            layout.date_format,
        )

    def read(self, row: SheetRow) -> dict:
        layout = self.layout
        record = row.record
        cell = _Cells(layout, row.cells)
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
        return invoice_row(document, record, row.record_number, self.warnings, cell.source_fields())

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
        return self.values.amount(record, cell.column(name), cell.raw(name), required=required)

    def date(
        self, record: Record, cell: "_Cells", name: str, *, required: bool = True
    ) -> date | None:
        return self.values.date(record, cell.column(name), cell.raw(name), required=required)


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
        return cell_text(self.raw(name))

    def source_fields(self) -> dict[str, str]:
        return dict(self.layout.columns)
