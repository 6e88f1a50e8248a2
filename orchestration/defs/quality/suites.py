"""Expectation suites for the raw Parquet layer, one per source kind that feeds the ledger.

Each suite is built by a pure function from the Bogota date it is checked on, so a test can
pin the date. A rule whose breach makes a row wrong to post (a missing key, an unknown
direction, a negative amount) is critical; a rule that only flags a doubtful row (a date far
from today) is a warning and is reported as such by the Dagster check.
"""

from collections.abc import Callable
from datetime import date, timedelta

import great_expectations as gx
import great_expectations.expectations as gxe
import iso4217
from great_expectations.expectations.row_conditions import Column, Condition

CRITICAL = "critical"
WARNING = "warning"

# Stamped by the landing step on every row: a row without them cannot be traced to its file.
LINEAGE_KEYS = ["company_id", "file_id", "record_number"]

# No receivable this project reads predates the year 2000 (the peso's two-decimal era).
EARLIEST_DATE = date(2000, 1, 1)
# A bank or a gateway reports what happened; a week covers value dates set a few days ahead.
EVENT_DATE_SLACK = timedelta(days=7)
# Payment terms and instalment plans seldom run past five years.
DUE_DATE_HORIZON = timedelta(days=5 * 366)

CURRENCY_CODES = sorted(currency.code for currency in iso4217.Currency)


def bank_lines_suite(today: date) -> gx.ExpectationSuite:
    return _suite(
        "bank_lines",
        [
            *_not_null(["bank_account", "statement_id", "direction", "amount", "currency"]),
            _in_set("direction", ["credit", "debit"]),
            _in_set("status", ["booked", "pending"]),
            _currency(),
            _not_negative("amount"),
            _event_date("booking_date", today),
            _event_date("value_date", today),
            _printed_dates_are_calendar_dates(),
        ],
    )


def collection_lines_suite(today: date) -> gx.ExpectationSuite:
    return _suite(
        "collection_lines",
        [
            *_not_null(["bank_account", "payment_reference", "amount", "currency"]),
            _currency(),
            _not_negative("amount"),
            _event_date("collection_date", today),
            _printed_dates_are_calendar_dates(),
        ],
    )


def gateway_transactions_suite(today: date) -> gx.ExpectationSuite:
    return _suite(
        "gateway_transactions",
        [
            *_not_null(["gateway", "merchant_account", "transaction_id", "gross_amount"]),
            # The balance effects the gateway parsers write (ingest/parsers/_gateway.py).
            _in_set(
                "transaction_type",
                ["charge", "refund", "chargeback", "chargeback_reversal", "fee", "adjustment"],
            ),
            _currency(),
            # Stored as the event states them, the sign in transaction_type; only an adjustment
            # is signed, and a fee given back on a refund or chargeback may be negative.
            _not_negative("gross_amount", Column("transaction_type") != "adjustment"),
            _not_negative("fee_amount", Column("transaction_type") == "charge"),
        ],
    )


def invoices_suite(today: date) -> gx.ExpectationSuite:
    return _suite(
        "invoices",
        [
            *_not_null(["document_id", "document_type", "customer_id", "total_amount"]),
            _in_set("document_type", ["invoice", "credit_note", "debit_note"]),
            _currency(),
            # Positive as printed: document_type carries the sign (ingest/schemas.py).
            _not_negative("net_amount"),
            _not_negative("tax_amount"),
            _not_negative("total_amount"),
            _event_date("issue_date", today),
            _date_between("due_date", EARLIEST_DATE, today + DUE_DATE_HORIZON),
        ],
    )


def customers_suite(today: date) -> gx.ExpectationSuite:
    return _suite(
        "customers",
        [
            *_not_null(["customer_id", "customer_name"]),
            gxe.ExpectColumnValuesToBeBetween(
                column="payment_terms_days", min_value=0, max_value=365, severity=WARNING
            ),
        ],
    )


SUITES: dict[str, Callable[[date], gx.ExpectationSuite]] = {
    "bank_lines": bank_lines_suite,
    "collection_lines": collection_lines_suite,
    "gateway_transactions": gateway_transactions_suite,
    "invoices": invoices_suite,
    "customers": customers_suite,
}


def _suite(kind: str, expectations: list[gxe.Expectation]) -> gx.ExpectationSuite:
    """Every kind shares the lineage rules: keys present, one row per record of a file."""
    lineage = [
        *_not_null(LINEAGE_KEYS),
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["file_id", "record_number"], severity=CRITICAL
        ),
    ]
    return gx.ExpectationSuite(name=f"raw_{kind}", expectations=[*lineage, *expectations])


def _not_null(columns: list[str]) -> list[gxe.Expectation]:
    return [
        gxe.ExpectColumnValuesToNotBeNull(column=column, severity=CRITICAL) for column in columns
    ]


def _in_set(column: str, values: list[str]) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values, severity=CRITICAL)


def _currency() -> gxe.Expectation:
    return _in_set("currency", CURRENCY_CODES)


def _not_negative(column: str, row_condition: Condition | None = None) -> gxe.Expectation:
    """Over every row, or only the rows the condition selects."""
    return gxe.ExpectColumnValuesToBeBetween(
        column=column, min_value=0, row_condition=row_condition, severity=CRITICAL
    )


def _printed_dates_are_calendar_dates() -> gxe.Expectation:
    """A line whose file printed a date no calendar has (`date_issue`) is doubtful, even when
    a rule declared for its account dated it."""
    return gxe.ExpectColumnValuesToBeNull(column="date_issue", severity=WARNING)


def _event_date(column: str, today: date) -> gxe.Expectation:
    return _date_between(column, EARLIEST_DATE, today + EVENT_DATE_SLACK)


def _date_between(column: str, earliest: date, latest: date) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeBetween(
        column=column, min_value=earliest, max_value=latest, severity=WARNING
    )
