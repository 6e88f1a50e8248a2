"""Adyen's Settlement details report (CSV), one or more batches of one or more merchant accounts.

Each row has a record `Type` (Settled, Refunded, Chargeback, Fee, MerchantPayout, ...) and its
money in the settlement currency: net = `Net Credit (NC)` - `Net Debit (NC)`, and the costs in
`Commission`, `Markup`, `Scheme Fees` and `Interchange` (NC). Gross is net plus those costs;
where the gross currency is the settlement currency it must equal the printed gross.

Rows are grouped by merchant account, `Batch Number` and currency. The `MerchantPayout` row of a
batch is its payout (a net debit) and must equal the net of the batch's other rows, or the file
is refused. A `Balancetransfer` row moves a balance to or from another batch; it is no
transaction, and a payout that differs from its transactions by exactly the batch's balance
transfers is loaded with a warning saying so.
"""

from collections import defaultdict
from decimal import Decimal

from ingest.gateway_layouts import normalised
from ingest.gateway_reports import ADYEN
from ingest.parsed import ParsedFile
from ingest.parsers._csv import CsvRow
from ingest.parsers._gateway import (
    ZERO,
    Header,
    business_date,
    gateway_file,
    link_payout,
    local_timestamp,
    net_of,
    payout_row,
    read_report,
    repeated_transactions,
    stored_amounts,
    transaction_row,
    zone,
)
from ingest.parsers._values import Record

SOURCE_FORMAT = ADYEN
GATEWAY = "adyen"
CREATION_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"

# Journal types of docs.adyen.com (settlement detail report, journal types), compared in
# lower case. Those of a payment carry the modification's PSP reference, unique per event.
PAYMENT_TYPES = {
    "settled": "charge",
    "refunded": "refund",
    "chargeback": "chargeback",
    "secondchargeback": "chargeback",
    "chargebackreversed": "chargeback_reversal",
    "refundedreversed": "adjustment",
}
FEE_TYPES = frozenset({"fee", "misccosts", "paymentcost", "authorisationschemefee"})
KNOWN_ADJUSTMENTS = frozenset(
    {
        "depositcorrection",
        "invoicededuction",
        "matchedstatement",
        "manualcorrected",
        "bankinstructionreturned",
        "epapaid",
        "paidout",
        "paidoutreversed",
        "reserveadjustment",
    }
)
KNOWN_TYPES = frozenset({*PAYMENT_TYPES, *FEE_TYPES, *KNOWN_ADJUSTMENTS})
PAYOUT_TYPE = "merchantpayout"
BALANCE_TRANSFER_TYPE = "balancetransfer"
COST_COLUMNS = ("Commission (NC)", "Markup (NC)", "Scheme Fees (NC)", "Interchange (NC)")


def parse(content: bytes, file_name: str) -> ParsedFile:
    header, rows = read_report(content, file_name)
    columns = _Columns(header)

    transactions: list[dict] = []
    batch_keys: list[tuple] = []
    payouts: list[tuple[dict, Record, tuple]] = []
    transfers: dict[tuple, list[tuple[Decimal, int]]] = defaultdict(list)
    unknown_types: set[str] = set()
    for row in rows:
        record = row.record
        record_type = normalised(record.required(columns.type, row[columns.type])).replace(" ", "")
        batch_key = _batch_key(row, columns)
        if record_type == PAYOUT_TYPE:
            payouts.append((_payout(row, columns), record, batch_key))
        elif record_type == BALANCE_TRANSFER_TYPE:
            transfers[batch_key].append((_net(row, columns), row.line_number))
        else:
            if record_type not in KNOWN_TYPES:
                unknown_types.add(row[columns.type])
            transactions.append(_transaction(row, columns, record_type, batch_key))
            batch_keys.append(batch_key)
    warnings = repeated_transactions(transactions, file_name)
    warnings += _check_batches(transactions, batch_keys, payouts, transfers, columns, file_name)
    if unknown_types:
        warnings.append(
            f"{file_name}: record types loaded as adjustments: {', '.join(sorted(unknown_types))}"
        )
    return gateway_file(
        SOURCE_FORMAT, file_name, transactions, [payout for payout, _, _ in payouts], warnings
    )


class _Columns:
    """The report's columns by role, as the file writes them."""

    def __init__(self, header: Header) -> None:
        self.merchant_account = header.require("Merchant Account")
        self.type = header.require("Type")
        self.batch = header.require("Batch Number")
        self.created = header.require("Creation Date")
        self.time_zone = header.require("TimeZone", "Time Zone")
        self.modification_reference = header.require("Modification Reference")
        self.net_currency = header.require("Net Currency")
        self.net_debit = header.require("Net Debit (NC)")
        self.net_credit = header.require("Net Credit (NC)")
        self.costs = [column for column in map(header.find, COST_COLUMNS) if column]
        self.gross_currency = header.find("Gross Currency")
        self.gross_debit = header.find("Gross Debit (GC)")
        self.gross_credit = header.find("Gross Credit (GC)")
        self.merchant_reference = header.find("Merchant Reference")
        self.payment_method = header.find("Payment Method")


def _batch_key(row: CsvRow, columns: _Columns) -> tuple[str, str, str]:
    record = row.record
    return (
        record.required(columns.merchant_account, row[columns.merchant_account]),
        record.required(columns.batch, row[columns.batch]),
        record.currency(columns.net_currency, row[columns.net_currency]),
    )


def _net(row: CsvRow, columns: _Columns) -> Decimal:
    """Net Credit less Net Debit; a row must fill at least one of them."""
    record = row.record
    credit, debit = row[columns.net_credit], row[columns.net_debit]
    if credit is None and debit is None:
        raise record.error(f"{columns.net_credit} or {columns.net_debit}", "an amount", "nothing")
    credit_amount = record.optional_amount(columns.net_credit, credit) or ZERO
    debit_amount = record.optional_amount(columns.net_debit, debit) or ZERO
    return credit_amount - debit_amount


def _transaction(row: CsvRow, columns: _Columns, record_type: str, batch_key: tuple) -> dict:
    record = row.record
    merchant_account, batch, currency = batch_key
    net = _net(row, columns)
    costs = sum(
        (record.optional_amount(column, row[column]) or ZERO for column in columns.costs), ZERO
    )
    _check_gross(row, columns, currency, costs)
    gross = net + costs

    modification_reference = row[columns.modification_reference]
    if record_type in PAYMENT_TYPES:
        transaction_type = PAYMENT_TYPES[record_type]
        transaction_id = record.required(columns.modification_reference, modification_reference)
    else:
        transaction_type = "fee" if record_type in FEE_TYPES else "adjustment"
        # Fees and corrections repeat their text (Transaction Fees May 2026) in every batch.
        transaction_id = f"batch {batch} {modification_reference or f'line {row.line_number}'}"
    return transaction_row(
        record_number=row.line_number,
        gateway=GATEWAY,
        merchant_account=merchant_account,
        transaction_id=transaction_id,
        transaction_type=transaction_type,
        created_at=_created_at(row, columns),
        currency=currency,
        amounts=stored_amounts(transaction_type, gross=gross, fee=costs, fee_tax=ZERO, net=net),
        merchant_reference=row[columns.merchant_reference] if columns.merchant_reference else None,
        payment_method=row[columns.payment_method] if columns.payment_method else None,
    )


def _check_gross(row: CsvRow, columns: _Columns, currency: str, costs: Decimal) -> None:
    """In the settlement currency, the printed gross less the costs is the net."""
    record = row.record
    if not (columns.gross_currency and row[columns.gross_currency] == currency):
        return
    if not any(row[column] for column in (columns.gross_credit, columns.gross_debit) if column):
        return
    credit = record.optional_amount(columns.gross_credit, row[columns.gross_credit]) or ZERO
    debit = record.optional_amount(columns.gross_debit, row[columns.gross_debit]) or ZERO
    expected = credit - debit - costs
    if expected != _net(row, columns):
        net_column = columns.net_credit if expected >= 0 else columns.net_debit
        raise record.error(
            net_column,
            f"{abs(expected)}, the gross less commission, markup, scheme fees and interchange",
            row[net_column] or "nothing",
        )


def _created_at(row: CsvRow, columns: _Columns):
    record = row.record
    local_zone = zone(record, columns.time_zone, row[columns.time_zone])
    return local_timestamp(
        record, columns.created, row[columns.created], CREATION_DATE_FORMAT, local_zone
    )


def _payout(row: CsvRow, columns: _Columns) -> dict:
    record = row.record
    merchant_account, _, currency = _batch_key(row, columns)
    return payout_row(
        record_number=row.line_number,
        gateway=GATEWAY,
        merchant_account=merchant_account,
        # The reference Adyen gives the bank transfer, which banks copy into the narrative.
        payout_id=record.required(
            columns.modification_reference, row[columns.modification_reference]
        ),
        payout_date=business_date(_created_at(row, columns)),
        currency=currency,
        payout_amount=-_net(row, columns) + ZERO,
    )


def _check_batches(
    transactions: list[dict],
    batch_keys: list[tuple],
    payouts: list[tuple[dict, Record, tuple]],
    transfers: dict[tuple, list[tuple[Decimal, int]]],
    columns: _Columns,
    file_name: str,
) -> list[str]:
    members_by_batch: dict[tuple, list[dict]] = defaultdict(list)
    for transaction, batch_key in zip(transactions, batch_keys, strict=True):
        members_by_batch[batch_key].append(transaction)

    warnings = []
    paid_batches: dict[tuple, int] = {}
    for payout, record, batch_key in payouts:
        if batch_key in paid_batches:
            raise record.error(
                columns.type,
                f"one MerchantPayout per batch and currency, as on line {paid_batches[batch_key]}",
                "MerchantPayout",
            )
        paid_batches[batch_key] = payout["record_number"]
        members = members_by_batch.get(batch_key, [])
        carried = sum((amount for amount, _ in transfers.get(batch_key, [])), ZERO)
        difference = link_payout(payout, members, record)
        batch = batch_key[1]
        if difference != carried:
            transfer_note = f" and {carried} of balance transfers" if carried else ""
            raise record.error(
                columns.net_debit,
                f"{net_of(members) + carried}, the net of the {len(members)} transactions "
                f"of batch {batch}{transfer_note}",
                payout["payout_amount"],
            )
        if carried:
            lines = ", ".join(str(line) for _, line in transfers[batch_key])
            warnings.append(
                f"{file_name}: payout {payout['payout_id']} of batch {batch} pays "
                f"{payout['payout_amount']} {payout['currency']}, the net of its "
                f"{len(members)} transactions ({net_of(members)}) with {carried} carried by "
                f"the balance transfer on line {lines}"
            )

    for batch_key, members in members_by_batch.items():
        if batch_key not in paid_batches:
            merchant_account, batch, currency = batch_key
            warnings.append(
                f"{file_name}: batch {batch} of {merchant_account} has no MerchantPayout in "
                f"{currency}; its {len(members)} transactions are loaded as not paid out"
            )
    return warnings
