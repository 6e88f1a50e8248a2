"""Mercado Pago's released-money report (reporte de Liberaciones), as CSV with `,` or `;`.

Every row has a `RECORD_TYPE` and moves the available balance by `NET_CREDIT_AMOUNT` -
`NET_DEBIT_AMOUNT`. `release` rows are the movements: payments, refunds, chargebacks and
mediations, shipping and fee charges, taxes, and the payouts to the bank (`payout`, formerly
`withdrawal`). `block` and `unblock` rows hold money for a dispute and give it back: they move
no cash and are not loaded. `initial_available_balance`, `subtotal`, `total` and
`available_balance` rows are the report's own controls and are checked: each subtotal and the
total must equal the rows they sum, and the balance after a payout must be the balance before
it less the payout. On a release row, `GROSS_AMOUNT` plus the deductions Mercado Pago writes
as negative amounts (`MP_FEE_AMOUNT` with its VAT, `FINANCING_FEE_AMOUNT`,
`SHIPPING_FEE_AMOUNT`, `TAXES_AMOUNT`) must be the net; withholdings in `TAXES_AMOUNT` have no
raw column and stay as the difference between gross less fees and net.

The report names neither the seller's account nor, in most countries, the currency: the file
needs an account column, and a file without `CURRENCY` is read as COP (Mercado Pago
Colombia). Mercado Pago pays out from a balance, so each payout pays the releases since the
previous one, and a difference is a warning: the report's own balances explain it.
"""

import re
from collections import Counter
from decimal import Decimal

from ingest.errors import ParseError
from ingest.gateway_reports import MERCADOPAGO
from ingest.parsed import ParsedFile
from ingest.parsers._csv import CsvRow
from ingest.parsers._gateway import (
    BUSINESS_TIMEZONE,
    ZERO,
    BalanceEvent,
    Header,
    amount,
    business_date,
    decimal_separator_of,
    gateway_file,
    iso_timestamp,
    optional_amount,
    pay_out_in_order,
    payout_row,
    read_report,
    repeated_transactions,
    stored_amounts,
    transaction_row,
)

SOURCE_FORMAT = MERCADOPAGO
GATEWAY = "mercadopago"
DEFAULT_CURRENCY = "COP"

RELEASE, TOTAL, SUBTOTAL = "release", "total", "subtotal"
INITIAL_BALANCE, AVAILABLE_BALANCE = "initial_available_balance", "available_balance"
HOLDS = frozenset({"block", "unblock", "fullblock"})
PAYOUT_DESCRIPTIONS = frozenset({"payout", "withdrawal"})
# DESCRIPTION values of release rows in Mercado Pago's report glossary; others are adjustments.
TYPES_BY_DESCRIPTION = {
    "payment": "charge",
    "refund": "refund",
    "mediation": "chargeback",
    "mediation_cancel": "chargeback_reversal",
    "shipping": "fee",
    "shipping_cancel": "fee",
    "fee-release_in_advance": "fee",
    "fee_release_in_advance": "fee",
    "credit_payment": "fee",
}
FEE_COLUMNS = ("MP_FEE_AMOUNT", "FINANCING_FEE_AMOUNT", "SHIPPING_FEE_AMOUNT")
TAX_COLUMN = "TAXES_AMOUNT"
_BALANCE_AROUND_PAYOUT = re.compile(r"(pre|pos)_(?:payout|withdrawal)_(.+)")


def parse(content: bytes, file_name: str) -> ParsedFile:
    header, rows = read_report(content, file_name)
    columns = _Columns(header)
    separator = decimal_separator_of(
        (
            (row.line_number, row[column])
            for row in rows
            for column in (columns.credit, columns.debit, columns.gross)
            if column
        ),
        file_name,
    )
    report = _Report(columns, separator)
    for row in rows:
        report.add(row)
    if report.total is None:
        raise ParseError(
            file_name,
            f"line {rows[-1].line_number + 1 if rows else 2}",
            columns.record_type,
            "a total row closing the report",
            "the end of the file",
        )
    report.check_controls()

    transactions = [event.transaction for event in report.events if event.transaction]
    payouts = [event.payout for event in report.events if event.payout]
    warnings = repeated_transactions(transactions, file_name)
    warnings += pay_out_in_order(report.events, file_name, "Mercado Pago")
    report.check_balances_around_payouts(payouts)
    if report.held_lines:
        warnings.append(
            f"{file_name}: {len(report.held_lines)} block and unblock rows hold money without "
            f"moving it and are not loaded: lines {', '.join(map(str, report.held_lines))}"
        )
    return gateway_file(SOURCE_FORMAT, file_name, transactions, payouts, warnings)


class _Columns:
    """The report's columns by role, as the file writes them."""

    def __init__(self, header: Header) -> None:
        self.date = header.require("DATE")
        self.source_id = header.require("SOURCE_ID")
        self.record_type = header.require("RECORD_TYPE")
        self.description = header.require("DESCRIPTION")
        self.credit = header.require("NET_CREDIT_AMOUNT")
        self.debit = header.require("NET_DEBIT_AMOUNT")
        self.gross = header.find("GROSS_AMOUNT")
        self.fees = [column for column in map(header.find, FEE_COLUMNS) if column]
        self.taxes = header.find(TAX_COLUMN)
        self.account = header.account("Mercado Pago", "USER_ID", "COLLECTOR_ID")
        self.currency = header.find("CURRENCY")
        self.external_reference = header.find("EXTERNAL_REFERENCE")
        self.payment_method = header.find("PAYMENT_METHOD", "PAYMENT METHOD")
        self.payer_name = header.find("PAYER_NAME")


class _Report:
    """The rows of one report, read in file order, with the sums its controls state."""

    def __init__(self, columns: _Columns, decimal_separator: str) -> None:
        self.columns = columns
        self.decimal_separator = decimal_separator
        self.events: list[BalanceEvent] = []
        self.section_sums: dict[str, Decimal] = {}
        self.initial = ZERO
        self.controls: list[tuple[CsvRow, str, Decimal]] = []
        self.total: tuple[CsvRow, Decimal] | None = None
        self.balances: dict[tuple[str, str], tuple[CsvRow, Decimal]] = {}
        self.held_lines: list[int] = []
        self.ids_seen: Counter[str] = Counter()

    def amount(self, row: CsvRow, column: str | None) -> Decimal:
        text = row[column] if column else None
        value = optional_amount(row.record, column, text, decimal_separator=self.decimal_separator)
        return value if value is not None else ZERO

    def net(self, row: CsvRow) -> Decimal:
        if row[self.columns.credit] is None and row[self.columns.debit] is None:
            raise row.record.error(
                f"{self.columns.credit} or {self.columns.debit}", "an amount", "nothing"
            )
        return self.amount(row, self.columns.credit) - self.amount(row, self.columns.debit)

    def add(self, row: CsvRow) -> None:
        record = row.record
        record_type = record.required(self.columns.record_type, row[self.columns.record_type])
        record_type = record_type.lower()
        description = (row[self.columns.description] or "").lower()
        net = self.net(row)
        if record_type == INITIAL_BALANCE:
            self.initial += net
        elif record_type == TOTAL:
            self.total = (row, net)
        elif record_type == SUBTOTAL:
            self.controls.append((row, description, net))
        elif record_type == AVAILABLE_BALANCE:
            around = _BALANCE_AROUND_PAYOUT.fullmatch(description)
            if around:
                self.balances[(around.group(1), around.group(2))] = (row, net)
        elif record_type in HOLDS:
            self.section_sums[record_type] = self.section_sums.get(record_type, ZERO) + net
            self.held_lines.append(row.line_number)
        elif record_type == RELEASE:
            self.section_sums[RELEASE] = self.section_sums.get(RELEASE, ZERO) + net
            self.events.append(self.release(row, description, net))
        else:
            raise record.error(
                self.columns.record_type,
                "initial_available_balance, release, block, unblock, subtotal, total "
                "or available_balance",
                row[self.columns.record_type],
            )

    def release(self, row: CsvRow, description: str, net: Decimal) -> BalanceEvent:
        record = row.record
        created_at = iso_timestamp(
            record, self.columns.date, row[self.columns.date], BUSINESS_TIMEZONE
        )
        currency = record.currency(
            self.columns.currency or "CURRENCY",
            row[self.columns.currency] if self.columns.currency else DEFAULT_CURRENCY,
        )
        source_id = record.required(self.columns.source_id, row[self.columns.source_id])
        merchant = record.required(self.columns.account, row[self.columns.account])
        if description in PAYOUT_DESCRIPTIONS:
            payout = payout_row(
                record_number=row.line_number,
                gateway=GATEWAY,
                merchant_account=merchant,
                payout_id=source_id,
                payout_date=business_date(created_at),
                currency=currency,
                payout_amount=-net + ZERO,
            )
            return BalanceEvent(created_at, row.line_number, payout=payout, record=record)

        transaction_type = TYPES_BY_DESCRIPTION.get(description, "adjustment")
        if description == "chargeback":
            # A chargeback row is written both for and against the seller.
            transaction_type = "chargeback" if net < 0 else "chargeback_reversal"
        gross, fees = self.gross_and_fees(row, net)
        transaction = transaction_row(
            record_number=row.line_number,
            gateway=GATEWAY,
            merchant_account=merchant,
            transaction_id=self.transaction_id(source_id, description),
            transaction_type=transaction_type,
            created_at=created_at,
            currency=currency,
            amounts=stored_amounts(transaction_type, gross=gross, fee=fees, fee_tax=ZERO, net=net),
            merchant_reference=self.value(row, self.columns.external_reference),
            payment_method=self.value(row, self.columns.payment_method),
            payer_name=self.value(row, self.columns.payer_name),
        )
        return BalanceEvent(created_at, row.line_number, transaction=transaction)

    @staticmethod
    def value(row: CsvRow, column: str | None) -> str | None:
        return row[column] if column else None

    def gross_and_fees(self, row: CsvRow, net: Decimal) -> tuple[Decimal, Decimal]:
        """Gross and the fees as charged (positive), checked against the net."""
        if not (self.columns.gross and row[self.columns.gross]):
            return net, ZERO
        gross = amount(
            row.record,
            self.columns.gross,
            row[self.columns.gross],
            decimal_separator=self.decimal_separator,
        )
        deductions = [self.amount(row, column) for column in self.columns.fees]
        taxes = self.amount(row, self.columns.taxes)
        expected = gross + sum(deductions, ZERO) + taxes
        if expected != net:
            column = self.columns.credit if expected >= 0 else self.columns.debit
            raise row.record.error(
                column,
                f"{abs(expected)}, the gross plus the fees and taxes written beside it",
                row[column] or "nothing",
            )
        return gross, -sum(deductions, ZERO) + ZERO

    def transaction_id(self, source_id: str, description: str) -> str:
        """A payment keeps its operation id; a refund or chargeback of it shares that id, so
        its description is added, and a number when the same pair repeats."""
        base = source_id if description == "payment" else f"{source_id}-{description}"
        self.ids_seen[base] += 1
        return base if self.ids_seen[base] == 1 else f"{base}-{self.ids_seen[base]}"

    def check_controls(self) -> None:
        for row, section, stated in self.controls:
            self.check(row, stated, self.section_sums.get(section, ZERO), f"{section} rows")
        row, stated = self.total
        self.check(row, stated, sum(self.section_sums.values(), ZERO), "release and block rows")

    def check(self, row: CsvRow, stated: Decimal, summed: Decimal, what: str) -> None:
        # Reports differ on whether the release section counts the opening balance.
        if stated in (summed, summed + self.initial):
            return
        column = self.columns.credit if stated >= 0 else self.columns.debit
        with_opening = (
            f" ({summed + self.initial} with the opening balance)" if self.initial else ""
        )
        raise row.record.error(
            column, f"{summed}{with_opening}, the sum of the {what} above it", row[column]
        )

    def check_balances_around_payouts(self, payouts: list[dict]) -> None:
        for payout in payouts:
            before = self.balances.get(("pre", payout["payout_id"]))
            after = self.balances.get(("pos", payout["payout_id"]))
            if before is None or after is None:
                continue
            expected = before[1] - payout["payout_amount"]
            if after[1] != expected:
                row = after[0]
                raise row.record.error(
                    self.columns.credit,
                    f"{expected}, the balance of line {before[0].line_number} less payout "
                    f"{payout['payout_id']}",
                    after[1],
                )
