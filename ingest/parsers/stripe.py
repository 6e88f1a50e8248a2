"""Stripe's itemised reports as CSV: payout reconciliation and balance (Reports API columns).

Every row is a balance transaction: `gross`, `fee` and `net` in major units of `currency`
(lower case, as Stripe writes it), with `net` = `gross` - `fee`, and a `reporting_category`
that says what moved the balance. Rows of the category `payout` are payouts, as the balance
reports list them; the payout reconciliation report has none and names each transaction's
payout in `automatic_payout_id` instead, so its payouts are built from those groups and dated
by `automatic_payout_effective_at`. When a file has both, a payout that is not the net of its
transactions is a warning: the balance report reads Stripe as an account whose balance carries
over, and a payout's earlier transactions may fall before the report's period.

Stripe's reports do not say which Stripe account they belong to; the file needs an
`account_id` column for the landing step to find the company.
"""

from collections import defaultdict
from datetime import UTC, date

from ingest.gateway_reports import STRIPE
from ingest.parsed import ParsedFile
from ingest.parsers._csv import CsvRow
from ingest.parsers._gateway import (
    ZERO,
    Header,
    business_date,
    gateway_file,
    iso_timestamp,
    link_payout,
    net_of,
    payout_row,
    read_report,
    repeated_transactions,
    stored_amounts,
    transaction_row,
)
from ingest.parsers._values import Record

SOURCE_FORMAT = STRIPE
GATEWAY = "stripe"

# Stripe's zero-decimal currencies (docs.stripe.com/currencies#zero-decimal): whole amounts.
ZERO_DECIMAL_CURRENCIES = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)
# docs.stripe.com/reports/reporting-categories; every other category is loaded as an
# adjustment, signed as it moves the balance.
TYPES_BY_CATEGORY = {
    "charge": "charge",
    "refund": "refund",
    "partial_capture_reversal": "refund",
    "dispute": "chargeback",
    "dispute_reversal": "chargeback_reversal",
    "fee": "fee",
    "network_cost": "fee",
    "tax": "fee",
}
KNOWN_ADJUSTMENTS = frozenset(
    {
        "other_adjustment",
        "refund_failure",
        "payout_reversal",
        "charge_failure",
        "transfer",
        "transfer_reversal",
        "platform_earning",
        "platform_earning_refund",
        "connect_reserved_funds",
        "risk_reserved_funds",
        "topup",
        "topup_reversal",
        "contribution",
        "anticipation_repayment",
    }
)
PAYOUT_CATEGORY = "payout"
# Where checkouts usually put the company's own reference in a payment's metadata.
MERCHANT_REFERENCE_COLUMNS = (
    "payment_metadata[merchant_reference]",
    "payment_metadata[reference]",
    "payment_metadata[invoice_number]",
    "payment_metadata[invoice]",
    "payment_metadata[order_id]",
)
PAYOUT_DATE_COLUMNS = (
    "effective_at",
    "effective_at_utc",
    "automatic_payout_effective_at",
    "automatic_payout_effective_at_utc",
    "available_on",
    "available_on_utc",
)


def parse(content: bytes, file_name: str) -> ParsedFile:
    header, rows = read_report(content, file_name)
    columns = _Columns(header)

    transactions, payouts, payout_records = [], [], []
    unknown_categories: set[str] = set()
    for row in rows:
        category = row.record.required(columns.category, row[columns.category]).lower()
        if category == PAYOUT_CATEGORY:
            payouts.append(_payout(row, columns))
            payout_records.append(row.record)
            continue
        if category not in TYPES_BY_CATEGORY and category not in KNOWN_ADJUSTMENTS:
            unknown_categories.add(category)
        transactions.append(_transaction(row, columns, category))
    warnings = repeated_transactions(transactions, file_name)
    warnings += _link_payouts(payouts, payout_records, transactions, file_name)
    payouts += _payouts_named_by_transactions(transactions, rows, payouts, columns, warnings)
    if unknown_categories:
        warnings.append(
            f"{file_name}: reporting categories loaded as adjustments: "
            f"{', '.join(sorted(unknown_categories))}"
        )
    return gateway_file(SOURCE_FORMAT, file_name, transactions, payouts, warnings)


class _Columns:
    """The report's columns by role, as the file writes them."""

    def __init__(self, header: Header) -> None:
        self.transaction_id = header.require("balance_transaction_id")
        self.created = header.require("created_utc", "created (utc)")
        self.currency = header.require("currency")
        self.gross = header.require("gross")
        self.fee = header.require("fee")
        self.net = header.require("net")
        self.category = header.require("reporting_category")
        self.account = header.account("Stripe", "stripe_account_id")
        self.payout_id = header.find("automatic_payout_id")
        self.payout_effective = header.find(
            "automatic_payout_effective_at", "automatic_payout_effective_at_utc"
        )
        self.payout_row_id = header.find("payout_id", "source_id")
        self.payout_row_dates = [header.find(name) for name in PAYOUT_DATE_COLUMNS]
        self.merchant_reference = [header.find(name) for name in MERCHANT_REFERENCE_COLUMNS]
        self.payment_method = header.find("payment_method_type")
        self.payer_name = header.find("customer_name")
        self.payer_email = header.find("customer_email")


def _transaction(row: CsvRow, columns: _Columns, category: str) -> dict:
    record = row.record
    currency, gross, fee, net = _amounts(row, columns)
    transaction_type = TYPES_BY_CATEGORY.get(category, "adjustment")
    if category == "tax":
        # Tax Stripe charges on its own fees: the fee row's cost is all fee tax.
        amounts = stored_amounts("fee", gross=ZERO, fee=ZERO, fee_tax=fee - gross, net=net)
    else:
        amounts = stored_amounts(transaction_type, gross=gross, fee=fee, fee_tax=ZERO, net=net)
    return transaction_row(
        record_number=row.line_number,
        gateway=GATEWAY,
        merchant_account=record.required(columns.account, row[columns.account]),
        transaction_id=record.required(columns.transaction_id, row[columns.transaction_id]),
        transaction_type=transaction_type,
        created_at=iso_timestamp(record, columns.created, row[columns.created], UTC),
        currency=currency,
        amounts=amounts,
        merchant_reference=next(
            (row[column] for column in columns.merchant_reference if column and row[column]),
            None,
        ),
        payment_method=row[columns.payment_method] if columns.payment_method else None,
        payer_name=row[columns.payer_name] if columns.payer_name else None,
        payer_email=row[columns.payer_email] if columns.payer_email else None,
        payout_id=row[columns.payout_id] if columns.payout_id else None,
    )


def _amounts(row: CsvRow, columns: _Columns):
    """Currency, gross, fee and net of a row, checked against each other."""
    record = row.record
    currency = record.currency(columns.currency, (row[columns.currency] or "").upper() or None)
    gross, fee, net = (
        _major_units(record, column, row[column], currency)
        for column in (columns.gross, columns.fee, columns.net)
    )
    if gross - fee != net:
        raise record.error(columns.net, f"{gross - fee} (gross - fee)", row[columns.net])
    return currency, gross, fee, net


def _major_units(record: Record, column: str, text: str | None, currency: str):
    value = record.amount(column, text, signed=True)
    if currency in ZERO_DECIMAL_CURRENCIES and value != value.to_integral_value():
        raise record.error(column, f"a whole amount: {currency} has no minor unit", text)
    return value


def _payout(row: CsvRow, columns: _Columns) -> dict:
    record = row.record
    currency, _, _, net = _amounts(row, columns)
    date_column = next((column for column in columns.payout_row_dates if row[column]), None)
    if date_column is not None:
        payout_date = record.iso_date(date_column, row[date_column][:10])
    else:
        created = iso_timestamp(record, columns.created, row[columns.created], UTC)
        payout_date = business_date(created)
    return payout_row(
        record_number=row.line_number,
        gateway=GATEWAY,
        merchant_account=record.required(columns.account, row[columns.account]),
        payout_id=record.required(columns.payout_row_id or "payout_id", row[columns.payout_row_id]),
        payout_date=payout_date,
        currency=currency,
        # A payout takes money out of the balance, so Stripe writes its net negative.
        payout_amount=-net + ZERO,
    )


def _link_payouts(
    payouts: list[dict], records: list[Record], transactions: list[dict], file_name: str
) -> list[str]:
    members_by_payout = _members_by_payout(transactions)
    warnings = []
    seen: set[str] = set()
    for payout, record in zip(payouts, records, strict=True):
        if payout["payout_id"] in seen:
            raise record.error("payout_id", "one row per payout", payout["payout_id"])
        seen.add(payout["payout_id"])
        members = members_by_payout.get(payout["payout_id"], [])
        difference = link_payout(payout, members, record)
        if members and difference:
            warnings.append(
                f"{file_name}: payout {payout['payout_id']} of {payout['payout_amount']} "
                f"{payout['currency']} differs by {difference} from the net of its "
                f"{len(members)} transactions in this report; Stripe's balance report carries "
                "the balance over, so the rest falls outside the report's period"
            )
    return warnings


def _payouts_named_by_transactions(
    transactions: list[dict],
    rows: list[CsvRow],
    payouts: list[dict],
    columns: _Columns,
    warnings: list[str],
) -> list[dict]:
    """Payouts of the reconciliation report, which lists only their transactions."""
    listed = {payout["payout_id"] for payout in payouts}
    row_by_line = {row.line_number: row for row in rows}
    derived = []
    for payout_id, members in _members_by_payout(transactions).items():
        if payout_id in listed:
            continue
        first = row_by_line[members[0]["record_number"]]
        member_rows = [(row_by_line[member["record_number"]], member) for member in members]
        effective = [
            (row, member)
            for row, member in member_rows
            if columns.payout_effective and row[columns.payout_effective]
        ]
        if not effective:
            warnings.append(
                f"{first.record.file_name}: payout {payout_id} has no payout row and no "
                f"{columns.payout_effective or 'automatic_payout_effective_at'}; its "
                f"{len(members)} transactions name it but no payout is loaded"
            )
            continue
        payout_date = _one_effective_date(effective, columns.payout_effective)
        payout = payout_row(
            record_number=first.line_number,
            gateway=GATEWAY,
            merchant_account=members[0]["merchant_account"],
            payout_id=payout_id,
            payout_date=payout_date,
            currency=members[0]["currency"],
            payout_amount=net_of(members),
        )
        link_payout(payout, members, first.record)
        derived.append(payout)
    return derived


def _one_effective_date(effective: list[tuple[CsvRow, dict]], column: str) -> date:
    """The one date all transactions of a payout give for it."""
    first_row, _ = effective[0]
    payout_date = first_row.record.iso_date(column, first_row[column][:10])
    for row, member in effective[1:]:
        if row.record.iso_date(column, row[column][:10]) != payout_date:
            raise row.record.error(
                column,
                f"{payout_date}, the date line {first_row.line_number} gives "
                f"payout {member['payout_id']}",
                row[column],
            )
    return payout_date


def _members_by_payout(transactions: list[dict]) -> dict[str, list[dict]]:
    members: dict[str, list[dict]] = defaultdict(list)
    for transaction in transactions:
        if transaction["payout_id"]:
            members[transaction["payout_id"]].append(transaction)
    return members
