"""The project's generic payment-gateway report (CSV, decimal point, amounts in major units).

An intraday notification carries transaction rows only, without fee, net or payout. A daily
settlement carries the same transactions with their fee, the tax on the fee, the net and the
payout, plus one `payout` row per payout. In a settlement each transaction must satisfy
gross - fee - fee tax = net, and each payout must equal the net of its transactions, or the
file is refused: a payout that does not add up cannot be reconciled with the bank credit.
"""

import logging
from collections import defaultdict
from decimal import Decimal

from ingest.parsed import ParsedFile
from ingest.parsers._csv import CsvRow, read_csv, require_columns
from ingest.parsers._gateway import repeated_transactions

log = logging.getLogger(__name__)

SOURCE_FORMAT = "gateway_csv"
COLUMNS = (
    "record_type",
    "gateway",
    "merchant_account",
    "transaction_id",
    "transaction_type",
    "created_at",
    "merchant_reference",
    "payment_method",
    "payer_name",
    "payer_email",
    "currency",
    "gross_amount",
    "fee_amount",
    "fee_tax_amount",
    "net_amount",
    "payout_id",
    "payout_date",
)
RECORD_TYPES = ("transaction", "payout")
TRANSACTION_TYPES = ("charge", "refund")
SETTLEMENT_AMOUNTS = ("fee_amount", "fee_tax_amount", "net_amount")


def parse(content: bytes, file_name: str) -> ParsedFile:
    header, rows = read_csv(content, file_name)
    warnings = require_columns(header, COLUMNS, file_name)

    transactions: list[dict] = []
    payout_rows: list[CsvRow] = []
    for row in rows:
        record_type = row.record.one_of("record_type", row["record_type"], RECORD_TYPES)
        if record_type == "transaction":
            transactions.append(_transaction(row))
        else:
            payout_rows.append(row)
    warnings += repeated_transactions(transactions, file_name)

    payouts = [_payout(row, transactions) for row in payout_rows]
    _check_payouts(payouts, payout_rows, transactions)
    warnings += _payouts_missing(payouts, transactions, file_name)

    merchants = dict.fromkeys(
        (row["gateway"], row["merchant_account"]) for row in [*transactions, *payouts]
    )
    log.debug(
        "parsed %d transactions and %d payouts from gateway file %s",
        len(transactions),
        len(payouts),
        file_name,
    )
    return ParsedFile(
        source_format=SOURCE_FORMAT,
        rows={"gateway_transactions": transactions, "gateway_payouts": payouts},
        owner_keys=tuple(("merchant_account", merchant) for merchant in merchants),
        warnings=warnings,
    )


def _transaction(row: CsvRow) -> dict:
    record = row.record
    transaction = {
        "record_number": row.line_number,
        "gateway": record.required("gateway", row["gateway"]),
        "merchant_account": record.required("merchant_account", row["merchant_account"]),
        "transaction_id": record.required("transaction_id", row["transaction_id"]),
        "transaction_type": record.one_of(
            "transaction_type", row["transaction_type"], TRANSACTION_TYPES
        ),
        "created_at": record.timestamp("created_at", row["created_at"]),
        "merchant_reference": row["merchant_reference"],
        "payment_method": row["payment_method"],
        "payer_name": row["payer_name"],
        "payer_email": row["payer_email"],
        "currency": record.currency("currency", row["currency"]),
        "gross_amount": record.amount("gross_amount", row["gross_amount"]),
        "fee_amount": record.optional_amount("fee_amount", row["fee_amount"]),
        "fee_tax_amount": record.optional_amount("fee_tax_amount", row["fee_tax_amount"]),
        # A fixed fee larger than a small charge leaves a negative net.
        "net_amount": (
            None
            if row["net_amount"] is None
            else record.amount("net_amount", row["net_amount"], signed=True)
        ),
        "payout_id": row["payout_id"],
    }

    settled = [column for column in SETTLEMENT_AMOUNTS if transaction[column] is not None]
    if settled and len(settled) != len(SETTLEMENT_AMOUNTS):
        missing = [column for column in SETTLEMENT_AMOUNTS if column not in settled]
        raise record.error(
            ", ".join(missing),
            "fee, fee tax and net all given (settlement) or all blank",
            "blank",
        )
    if settled:
        computed_net = (
            transaction["gross_amount"] - transaction["fee_amount"] - transaction["fee_tax_amount"]
        )
        if computed_net != transaction["net_amount"]:
            raise record.error(
                "net_amount",
                f"{computed_net} (gross - fee - fee tax)",
                transaction["net_amount"],
            )
    return transaction


def _payout(row: CsvRow, transactions: list[dict]) -> dict:
    """A payout row may leave gateway and merchant blank: its transactions name them."""
    record = row.record
    payout_id = record.required("payout_id", row["payout_id"])
    members = [item for item in transactions if item["payout_id"] == payout_id]
    gateway = row["gateway"] or next((item["gateway"] for item in members), None)
    merchant = row["merchant_account"] or next((item["merchant_account"] for item in members), None)
    return {
        "record_number": row.line_number,
        "gateway": record.required("gateway", gateway),
        "merchant_account": record.required("merchant_account", merchant),
        "payout_id": payout_id,
        "payout_date": record.iso_date("payout_date", row["payout_date"]),
        "currency": record.currency("currency", row["currency"]),
        "payout_amount": record.amount("net_amount", row["net_amount"], signed=True),
        "transaction_count": len(members),
    }


def _check_payouts(
    payouts: list[dict], payout_rows: list[CsvRow], transactions: list[dict]
) -> None:
    """Each payout pays out the net of its charges less the net of its refunds."""
    net_by_payout: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    currencies_by_payout: dict[str, set[str]] = defaultdict(set)
    for transaction in transactions:
        if transaction["payout_id"] is None or transaction["net_amount"] is None:
            continue
        sign = 1 if transaction["transaction_type"] == "charge" else -1
        net_by_payout[transaction["payout_id"]] += sign * transaction["net_amount"]
        currencies_by_payout[transaction["payout_id"]].add(transaction["currency"])

    seen: set[str] = set()
    for payout, row in zip(payouts, payout_rows, strict=True):
        payout_id = payout["payout_id"]
        if payout_id in seen:
            raise row.record.error("payout_id", "one payout row per payout", payout_id)
        seen.add(payout_id)
        other_currencies = currencies_by_payout[payout_id] - {payout["currency"]}
        if other_currencies:
            raise row.record.error(
                "currency",
                f"the currency of its transactions, {sorted(other_currencies)[0]}",
                payout["currency"],
            )
        expected = net_by_payout[payout_id]
        if payout["payout_amount"] != expected:
            raise row.record.error(
                "net_amount",
                f"{expected}, the net of the {payout['transaction_count']} transactions "
                f"of payout {payout_id}",
                payout["payout_amount"],
            )


def _payouts_missing(payouts: list[dict], transactions: list[dict], file_name: str) -> list[str]:
    listed = {payout["payout_id"] for payout in payouts}
    missing = sorted(
        {
            item["payout_id"]
            for item in transactions
            if item["payout_id"] is not None and item["payout_id"] not in listed
        }
    )
    return [
        f"{file_name}: payout {payout_id} has transactions here but no payout row"
        for payout_id in missing
    ]
