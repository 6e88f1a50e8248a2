"""Gateway exports read through a column layout of config/gateway_layouts.yml (Wompi, PayU,
ePayco): one parser, many layouts.

The layout whose `identified_by` columns all appear in the header reads the file (the one
naming most of them, when several do). Amounts are printed positive, as in the project's
gateway CSV, and the type column, when the layout has one, says whether a row is a charge, a
refund or a chargeback; without it every row is a charge. Rows whose status the layout lists
as skipped (declined, pending, voided) are not money and are not loaded.

When a row has a net, gross - fee - fee tax - withholdings must equal it. Rows sharing a
payout id are that payout's transactions; if the export repeats the payout's amount on each
of them, it must be the same on every row and equal the net of the transactions, or the file
is refused. Without that column the payout is the net of its transactions.
"""

from collections import defaultdict
from datetime import tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from ingest.errors import ParseError
from ingest.gateway_layouts import ISO8601, REQUIRED_FIELDS, GatewayLayout, load_layouts, normalised
from ingest.gateway_reports import GATEWAY_MAPPED_CSV, header_columns
from ingest.parsed import ParsedFile
from ingest.parsers._csv import CsvRow, read_csv
from ingest.parsers._gateway import (
    ZERO,
    Header,
    amount,
    amount_in_cents,
    gateway_file,
    iso_timestamp,
    link_payout,
    local_date,
    local_timestamp,
    net_of,
    payout_mismatch,
    payout_row,
    repeated_transactions,
    transaction_row,
)

SOURCE_FORMAT = GATEWAY_MAPPED_CSV
ENCODINGS = ("utf-8", "cp1252")
SETTLEMENT_AMOUNTS = ("fee_amount", "fee_tax_amount")


def parse(content: bytes, file_name: str) -> ParsedFile:
    layout = layout_for(content, file_name)
    columns, rows = read_csv(content, file_name, delimiter=layout.delimiter, encodings=ENCODINGS)
    reader = _RowReader(layout, Header.of(columns, file_name))

    transactions, skipped = [], 0
    for row in rows:
        if reader.skipped(row):
            skipped += 1
            continue
        transactions.append(reader.transaction(row))
    warnings = repeated_transactions(transactions, file_name)
    payouts = _payouts(reader, rows, transactions, warnings)
    if skipped:
        warnings.append(
            f"{file_name}: {skipped} of {len(rows)} rows not loaded: their status moves no "
            f"money (layout {layout.name})"
        )
    return gateway_file(SOURCE_FORMAT, file_name, transactions, payouts, warnings)


def layout_for(content: bytes, file_name: str) -> GatewayLayout:
    """The configured layout that recognises the most of the file's header."""
    columns = set(header_columns(content))
    matching = [layout for layout in load_layouts() if layout.identified_by <= columns]
    if not matching:
        raise ParseError(
            file_name, "line 1", "header", "the columns of a layout in gateway_layouts.yml", None
        )
    best = max(len(layout.identified_by) for layout in matching)
    chosen = [layout for layout in matching if len(layout.identified_by) == best]
    if len(chosen) > 1:
        raise ParseError(
            file_name,
            "line 1",
            "header",
            "the columns of one layout in gateway_layouts.yml",
            f"columns of the layouts {', '.join(layout.name for layout in chosen)}",
        )
    return chosen[0]


class _RowReader:
    """Reads rows through one layout, with the columns as this file writes them."""

    def __init__(self, layout: GatewayLayout, header: Header) -> None:
        self.layout = layout
        self.zone: tzinfo = ZoneInfo(layout.timezone)
        self.columns = {raw: header.find(name) for raw, name in layout.columns.items()}
        if not header.has(layout.columns["merchant_account"]):
            raise ParseError(
                header.file_name,
                "line 1",
                "header",
                f"a column {layout.columns['merchant_account']} naming the {layout.gateway} "
                "merchant account: the export does not say whose it is, so add it to every row",
                "none",
            )
        for raw in REQUIRED_FIELDS:
            header.require(layout.columns[raw])
        if "currency" in layout.columns and layout.currency is None:
            header.require(layout.columns["currency"])
        self.withholdings = [header.find(name) for name in layout.withholding_columns]
        self.status = header.require(layout.status_column) if layout.status_column else None
        self.type = header.require(layout.type_column) if layout.type_column else None

    def column(self, raw: str) -> str | None:
        return self.columns.get(raw)

    def value(self, row: CsvRow, raw: str) -> str | None:
        column = self.columns.get(raw)
        return row[column] if column else None

    def skipped(self, row: CsvRow) -> bool:
        if self.status is None:
            return False
        status = normalised(row.record.required(self.status, row[self.status]))
        if status in self.layout.loaded_statuses:
            return False
        if status in self.layout.skipped_statuses:
            return True
        known = ", ".join(self.layout.status_values)
        raise row.record.error(self.status, f"one of {known}", row[self.status])

    def amount(self, row: CsvRow, raw: str, *, signed=False) -> Decimal | None:
        column = self.columns.get(raw)
        return self.money(row, column, signed=signed)

    def money(self, row: CsvRow, column: str | None, *, signed=False) -> Decimal | None:
        text = row[column] if column else None
        if text is None:
            return None
        if self.layout.amounts_in_cents:
            return amount_in_cents(row.record, column, text, signed=signed)
        return amount(
            row.record,
            column,
            text,
            decimal_separator=self.layout.decimal_separator,
            signed=signed,
        )

    def transaction(self, row: CsvRow) -> dict:
        record = row.record
        gross = self.amount(row, "gross_amount")
        if gross is None:
            record.required(self.column("gross_amount"), None)
        net = self.amount(row, "net_amount", signed=True)
        fee, fee_tax = (self.amount(row, raw) for raw in SETTLEMENT_AMOUNTS)
        if net is None and (fee is not None or fee_tax is not None):
            raise record.error(
                self.column("net_amount") or "net_amount",
                "the net beside the fee (settlement) or no fee either",
                "blank",
            )
        if net is not None:
            fee, fee_tax = fee or ZERO, fee_tax or ZERO
            self.check_net(row, gross, fee, fee_tax, net)
        return transaction_row(
            record_number=row.line_number,
            gateway=self.layout.gateway,
            merchant_account=record.required(
                self.column("merchant_account"), self.value(row, "merchant_account")
            ),
            transaction_id=record.required(
                self.column("transaction_id"), self.value(row, "transaction_id")
            ),
            transaction_type=self.transaction_type(row),
            created_at=self.created_at(row),
            currency=record.currency(
                self.column("currency") or "currency",
                self.value(row, "currency") if self.column("currency") else self.layout.currency,
            ),
            amounts={
                "gross_amount": gross,
                "fee_amount": fee,
                "fee_tax_amount": fee_tax,
                "net_amount": net,
            },
            merchant_reference=self.value(row, "merchant_reference"),
            payment_method=self.value(row, "payment_method"),
            payer_name=self.value(row, "payer_name"),
            payer_email=self.value(row, "payer_email"),
            payout_id=self.value(row, "payout_id"),
        )

    def check_net(self, row, gross, fee, fee_tax, net) -> None:
        withheld = sum(
            (self.money(row, column) or ZERO for column in self.withholdings if column), ZERO
        )
        expected = gross - fee - fee_tax - withheld
        if expected != net:
            raise row.record.error(
                self.column("net_amount"),
                f"{expected} (gross - fee - fee tax - withholdings)",
                self.value(row, "net_amount"),
            )

    def transaction_type(self, row: CsvRow) -> str:
        if self.type is None:
            return "charge"
        value = normalised(row.record.required(self.type, row[self.type]))
        if value not in self.layout.types_by_value:
            raise row.record.error(
                self.type, f"one of {', '.join(sorted(self.layout.types_by_value))}", row[self.type]
            )
        return self.layout.types_by_value[value]

    def created_at(self, row: CsvRow):
        column, text = self.column("created_at"), self.value(row, "created_at")
        if self.layout.timestamp_format == ISO8601:
            return iso_timestamp(row.record, column, text, self.zone)
        return local_timestamp(row.record, column, text, self.layout.timestamp_format, self.zone)


def _payouts(
    reader: _RowReader, rows: list[CsvRow], transactions: list[dict], warnings: list[str]
) -> list[dict]:
    """One payout per payout id, dated and, when the export states it, checked."""
    row_by_line = {row.line_number: row for row in rows}
    members_by_payout: dict[str, list[dict]] = defaultdict(list)
    for transaction in transactions:
        if transaction["payout_id"]:
            members_by_payout[transaction["payout_id"]].append(transaction)

    payouts = []
    for payout_id, members in members_by_payout.items():
        member_rows = [row_by_line[member["record_number"]] for member in members]
        first = member_rows[0]
        if reader.column("payout_date") is None:
            warnings.append(
                f"{first.record.file_name}: payout {payout_id} has no payout date column in "
                f"layout {reader.layout.name}; its {len(members)} transactions name it but no "
                "payout is loaded"
            )
            continue
        for member, row in zip(members, member_rows, strict=True):
            if member["net_amount"] is None:
                raise row.record.error(
                    reader.column("net_amount") or "net_amount",
                    f"the net of a transaction paid out by {payout_id}",
                    "blank",
                )
        payout = payout_row(
            record_number=first.line_number,
            gateway=members[0]["gateway"],
            merchant_account=members[0]["merchant_account"],
            payout_id=payout_id,
            payout_date=_same_on_every_row(reader, member_rows, "payout_date", payout_id),
            currency=members[0]["currency"],
            payout_amount=(
                _same_on_every_row(reader, member_rows, "payout_amount", payout_id)
                if reader.column("payout_amount")
                else net_of(members)
            ),
        )
        if link_payout(payout, members, first.record):
            column = reader.column("payout_amount")
            raise payout_mismatch(first.record, column, payout, members, first[column])
        payouts.append(payout)
    return payouts


def _same_on_every_row(reader: _RowReader, rows: list[CsvRow], raw: str, payout_id: str):
    """A payout's date or amount, which the export repeats on each of its transactions."""
    column = reader.column(raw)

    def read(row: CsvRow):
        if raw == "payout_date":
            return local_date(row.record, column, row[column], reader.layout.date_format)
        value = reader.money(row, column, signed=True)
        return row.record.required(column, None) if value is None else value

    first_value = read(rows[0])
    for row in rows[1:]:
        if read(row) != first_value:
            raise row.record.error(
                column,
                f"{first_value}, as line {rows[0].line_number} gives payout {payout_id}",
                row[column],
            )
    return first_value
