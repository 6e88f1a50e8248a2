"""Canonical row schemas of the raw layer, one per kind of record.

Parsers return rows as dicts keyed by these column names; the landing step stamps the lineage
columns and writes one Parquet file per source file and kind. dbt reads these files as sources,
so a column renamed here must be renamed in `dbt_project/models/staging/` too.
"""

import pyarrow as pa

# Money is exact: 18 digits with 2 decimals covers any COP amount with cents.
MONEY = pa.decimal128(18, 2)
TIMESTAMP = pa.timestamp("us", tz="UTC")

# Stamped by the landing step on every row, never by a parser.
LINEAGE_FIELDS = [
    pa.field("company_id", pa.string(), nullable=False),
    pa.field("file_id", pa.string(), nullable=False),
    pa.field("record_number", pa.int64(), nullable=False),
    pa.field("arrived_at", TIMESTAMP, nullable=False),
]


def _schema(*fields: pa.Field) -> pa.Schema:
    return pa.schema([*LINEAGE_FIELDS, *fields])


CUSTOMERS = _schema(
    pa.field("customer_id", pa.string(), nullable=False),
    pa.field("customer_name", pa.string(), nullable=False),
    pa.field("tax_id", pa.string()),
    pa.field("tax_id_base", pa.string()),
    pa.field("tax_id_check_digit", pa.string()),
    pa.field("segment", pa.string(), nullable=False),
    pa.field("email", pa.string()),
    pa.field("phone", pa.string()),
    pa.field("bank_account", pa.string()),
    pa.field("payment_terms_days", pa.int32()),
)

INVOICES = _schema(
    pa.field("document_id", pa.string(), nullable=False),
    # invoice | credit_note | debit_note
    pa.field("document_type", pa.string(), nullable=False),
    pa.field("related_document_id", pa.string()),
    pa.field("customer_id", pa.string(), nullable=False),
    pa.field("issue_date", pa.date32(), nullable=False),
    pa.field("due_date", pa.date32(), nullable=False),
    pa.field("currency", pa.string(), nullable=False),
    # Amounts are positive as printed on the document; document_type carries the sign. A
    # document printed with a negative total arrives as the opposite kind (parsers/_invoices.py).
    pa.field("net_amount", MONEY, nullable=False),
    pa.field("tax_amount", MONEY, nullable=False),
    pa.field("total_amount", MONEY, nullable=False),
    pa.field("payment_reference", pa.string()),
    pa.field("collection_reference", pa.string()),
    # Paid before the document was issued (an advance it consumes); negative when the document
    # adds an earlier balance. The document opens total_amount - prepaid_amount.
    pa.field("prepaid_amount", MONEY),
    # The DIAN CUFE (invoice) or CUDE (note): the document's key at the tax authority.
    pa.field("document_uuid", pa.string()),
    pa.field("related_document_uuid", pa.string()),
)

BANK_LINES = _schema(
    pa.field("source_format", pa.string(), nullable=False),
    pa.field("bank_account", pa.string(), nullable=False),
    pa.field("statement_id", pa.string(), nullable=False),
    pa.field("entry_reference", pa.string()),
    pa.field("booking_date", pa.date32()),
    pa.field("value_date", pa.date32()),
    # A printed date that is not a calendar date (30 February): the field and its text, the
    # date left empty unless `date_rule` names the declared rule that set it (ingest/dates.py).
    pa.field("date_issue", pa.string()),
    pa.field("date_rule", pa.string()),
    # credit | debit
    pa.field("direction", pa.string(), nullable=False),
    pa.field("amount", MONEY, nullable=False),
    pa.field("currency", pa.string(), nullable=False),
    # booked | pending
    pa.field("status", pa.string(), nullable=False),
    pa.field("bank_transaction_code", pa.string()),
    pa.field("counterparty_name", pa.string()),
    pa.field("counterparty_account", pa.string()),
    pa.field("end_to_end_id", pa.string()),
    pa.field("structured_reference", pa.string()),
    pa.field("remittance_text", pa.string()),
    # The bank marks the line as undoing an earlier one (camt RvslInd, MT940 RC/RD); null when
    # the format cannot say.
    pa.field("is_reversal", pa.bool_()),
)

BANK_STATEMENTS = _schema(
    pa.field("source_format", pa.string(), nullable=False),
    pa.field("bank_account", pa.string(), nullable=False),
    pa.field("statement_id", pa.string(), nullable=False),
    pa.field("currency", pa.string(), nullable=False),
    pa.field("opening_balance_date", pa.date32()),
    pa.field("opening_balance_amount", MONEY),
    pa.field("closing_balance_date", pa.date32()),
    pa.field("closing_balance_amount", MONEY),
    pa.field("entry_count", pa.int64(), nullable=False),
    pa.field("credit_total_amount", MONEY, nullable=False),
    pa.field("debit_total_amount", MONEY, nullable=False),
    # true when opening + credits - debits = closing
    pa.field("balances_tie", pa.bool_()),
)

COLLECTION_LINES = _schema(
    pa.field("source_format", pa.string(), nullable=False),
    pa.field("biller_tax_id", pa.string(), nullable=False),
    pa.field("collecting_bank_code", pa.string(), nullable=False),
    pa.field("bank_account", pa.string(), nullable=False),
    # Empty only when the file printed no calendar date and no rule settled it (date_issue).
    pa.field("collection_date", pa.date32()),
    pa.field("date_issue", pa.string()),
    pa.field("date_rule", pa.string()),
    pa.field("service_code", pa.string(), nullable=False),
    pa.field("batch_number", pa.string(), nullable=False),
    pa.field("payment_reference", pa.string(), nullable=False),
    pa.field("amount", MONEY, nullable=False),
    pa.field("currency", pa.string(), nullable=False),
    pa.field("payment_origin_code", pa.string()),
    pa.field("payment_method_code", pa.string()),
    pa.field("operation_number", pa.string()),
    pa.field("authorization_number", pa.string()),
    pa.field("debited_bank_code", pa.string()),
    pa.field("branch_code", pa.string()),
    pa.field("sequence_number", pa.string()),
    pa.field("return_reason_code", pa.string()),
)

GATEWAY_TRANSACTIONS = _schema(
    pa.field("gateway", pa.string(), nullable=False),
    pa.field("merchant_account", pa.string(), nullable=False),
    pa.field("transaction_id", pa.string(), nullable=False),
    # charge | refund | chargeback | chargeback_reversal | fee | adjustment; signs: _gateway.py
    pa.field("transaction_type", pa.string(), nullable=False),
    pa.field("created_at", TIMESTAMP, nullable=False),
    pa.field("merchant_reference", pa.string()),
    # card | pse | nequi | ...
    pa.field("payment_method", pa.string()),
    pa.field("payer_name", pa.string()),
    pa.field("payer_email", pa.string()),
    pa.field("currency", pa.string(), nullable=False),
    pa.field("gross_amount", MONEY, nullable=False),
    # Null in an intraday notification; known once the settlement report arrives.
    pa.field("fee_amount", MONEY),
    pa.field("fee_tax_amount", MONEY),
    pa.field("net_amount", MONEY),
    pa.field("payout_id", pa.string()),
)

GATEWAY_PAYOUTS = _schema(
    pa.field("gateway", pa.string(), nullable=False),
    pa.field("merchant_account", pa.string(), nullable=False),
    pa.field("payout_id", pa.string(), nullable=False),
    pa.field("payout_date", pa.date32(), nullable=False),
    pa.field("currency", pa.string(), nullable=False),
    pa.field("payout_amount", MONEY, nullable=False),
    pa.field("transaction_count", pa.int64(), nullable=False),
)

PAYMENT_PROMISES = _schema(
    pa.field("promise_id", pa.string(), nullable=False),
    pa.field("customer_id", pa.string(), nullable=False),
    pa.field("document_id", pa.string(), nullable=False),
    pa.field("promised_amount", MONEY, nullable=False),
    pa.field("currency", pa.string(), nullable=False),
    pa.field("promise_made_date", pa.date32(), nullable=False),
    pa.field("promised_payment_date", pa.date32(), nullable=False),
    pa.field("contact_channel", pa.string()),
    pa.field("cancelled_date", pa.date32()),
)

PAYMENT_AGREEMENTS = _schema(
    pa.field("agreement_id", pa.string(), nullable=False),
    pa.field("customer_id", pa.string(), nullable=False),
    pa.field("document_id", pa.string(), nullable=False),
    pa.field("agreement_date", pa.date32(), nullable=False),
    pa.field("instalment_number", pa.int32(), nullable=False),
    pa.field("instalment_due_date", pa.date32(), nullable=False),
    pa.field("instalment_amount", MONEY, nullable=False),
    pa.field("currency", pa.string(), nullable=False),
)

# One row per inbox file the landing step has seen, loaded or not. Written by the landing step.
FILE_RECEIPTS = pa.schema(
    [
        pa.field("file_id", pa.string(), nullable=False),
        pa.field("file_name", pa.string(), nullable=False),
        pa.field("source_format", pa.string()),
        pa.field("company_id", pa.string()),
        pa.field("arrived_at", TIMESTAMP, nullable=False),
        pa.field("landed_at", TIMESTAMP, nullable=False),
        pa.field("size_bytes", pa.int64(), nullable=False),
        # loaded | duplicate | quarantined
        pa.field("outcome", pa.string(), nullable=False),
        pa.field("row_count", pa.int64(), nullable=False),
        pa.field("error_message", pa.string()),
        pa.field("warning_message", pa.string()),
    ]
)

# Reminders written to the outbox by the reminder sensor; read back by dbt for contact costs.
REMINDER_LOG = pa.schema(
    [
        pa.field("company_id", pa.string(), nullable=False),
        pa.field("reminder_id", pa.string(), nullable=False),
        pa.field("document_id", pa.string(), nullable=False),
        pa.field("customer_id", pa.string(), nullable=False),
        pa.field("cadence_step", pa.string(), nullable=False),
        pa.field("contact_channel", pa.string(), nullable=False),
        pa.field("reminder_date", pa.date32(), nullable=False),
        pa.field("outbox_path", pa.string(), nullable=False),
        pa.field("written_at", TIMESTAMP, nullable=False),
    ]
)

# Business-day calendar per country, written from the `holidays` package.
CALENDAR = pa.schema(
    [
        pa.field("calendar_date", pa.date32(), nullable=False),
        pa.field("country_code", pa.string(), nullable=False),
        pa.field("is_business_day", pa.bool_(), nullable=False),
        pa.field("holiday_name", pa.string()),
    ]
)

KINDS: dict[str, pa.Schema] = {
    "customers": CUSTOMERS,
    "invoices": INVOICES,
    "bank_lines": BANK_LINES,
    "bank_statements": BANK_STATEMENTS,
    "collection_lines": COLLECTION_LINES,
    "gateway_transactions": GATEWAY_TRANSACTIONS,
    "gateway_payouts": GATEWAY_PAYOUTS,
    "payment_promises": PAYMENT_PROMISES,
    "payment_agreements": PAYMENT_AGREEMENTS,
}

# Written by Python steps other than a parser; still read by dbt as sources.
SYSTEM_TABLES: dict[str, pa.Schema] = {
    "file_receipts": FILE_RECEIPTS,
    "reminder_log": REMINDER_LOG,
    "calendar": CALENDAR,
}
