"""A bank line whose file printed a date no calendar has, and whose account declares no rule
that dates it, lands undated: dbt never applies it, lists it as an `undated_payment`
exception, and still posts the money into unapplied cash so the journals balance. A raw file
landed before `date_issue` existed is still read, its lines dated as before.

One company (andina), two invoices issued on Monday 3 March 2025, and two bank credits quoting
their RF references: one undated, one from a file written without the new columns.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from stdnum.co import nit
from stdnum.iso7064 import mod_97_10

from ingest.schemas import BANK_LINES

MONDAY = date(2025, 3, 3)
ARRIVED_AT = datetime(2025, 3, 5, 11, tzinfo=UTC)
UNAPPLIED_CASH = "281505"
DATE_ISSUE = ":61: value date '250230' is not a calendar date"


def rf(document_id: str) -> str:
    body = document_id.replace("-", "")
    return "RF" + mod_97_10.calc_check_digits(body + "RF") + body


def document_row(document_id: str) -> dict:
    return {
        "document_id": document_id,
        "document_type": "invoice",
        "related_document_id": None,
        "customer_id": "C001",
        "issue_date": MONDAY,
        "due_date": MONDAY + timedelta(days=30),
        "currency": "COP",
        "net_amount": Decimal("100000.00"),
        "tax_amount": Decimal("19000.00"),
        "total_amount": Decimal("119000.00"),
        "prepaid_amount": None,
        "payment_reference": rf(document_id),
        "collection_reference": None,
    }


def bank_credit_row(reference: str, booking_date: date | None) -> dict:
    return {
        "source_format": "mt940",
        "bank_account": "0550012345678",
        "statement_id": "DAV2025030400/00042/001",
        "entry_reference": f"DAV-{reference}",
        "booking_date": booking_date,
        "value_date": booking_date,
        "direction": "credit",
        "amount": Decimal("119000.00"),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": "NTRF",
        "counterparty_name": "FERRETERIA EL TORNILLO",
        "counterparty_account": None,
        "end_to_end_id": None,
        "structured_reference": reference,
        "remittance_text": None,
    }


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    customer = {
        "customer_id": "C001",
        "customer_name": "Ferreteria El Tornillo S.A.S.",
        "tax_id": f"900123456-{nit.calc_check_digit('900123456')}",
        "tax_id_base": "900123456",
        "tax_id_check_digit": nit.calc_check_digit("900123456"),
        "segment": "corporate",
        "email": None,
        "phone": None,
        "bank_account": None,
        "payment_terms_days": 30,
    }
    raw_dataset.write("customers", "customers-1", datetime(2025, 3, 3, 5, tzinfo=UTC), [customer])
    raw_dataset.write(
        "invoices",
        "invoices-1",
        datetime(2025, 3, 3, 5, tzinfo=UTC),
        [document_row("FEA-1"), document_row("FEA-2")],
    )
    undated = {**bank_credit_row(rf("FEA-1"), None), "date_issue": DATE_ISSUE}
    raw_dataset.write("bank_lines", "mt940-undated", ARRIVED_AT, [undated])

    # Landed before the raw schema had date_issue and date_rule.
    old_schema = pa.schema(
        [field for field in BANK_LINES if field.name not in ("date_issue", "date_rule")]
    )
    old_row = {
        "company_id": "andina",
        "file_id": "mt940-old",
        "record_number": 1,
        "arrived_at": ARRIVED_AT,
        **bank_credit_row(rf("FEA-2"), date(2025, 3, 4)),
    }
    pq.write_table(
        pa.Table.from_pylist([old_row], schema=old_schema),
        raw_dataset.data_dir / "raw" / "parquet" / "bank_lines" / "mt940-old.parquet",
    )
    return dbt_build(raw_dataset.data_dir)


def test_an_undated_payment_is_never_applied_even_when_its_reference_names_an_open_invoice(
    warehouse,
):
    assert warehouse.query("select document_id, applied_amount from int_payment_applications") == [
        ("FEA-2", Decimal("119000.00"))
    ]
    assert warehouse.query("select document_id, open_amount from fct_open_items") == [
        ("FEA-1", Decimal("119000.00"))
    ]


def test_an_undated_payment_is_an_exception_saying_which_printed_date_failed(warehouse):
    [(reason_code, reason, payment_date, unapplied_amount)] = warehouse.query(
        """
        select reason_code, reason, payment_date, unapplied_amount
        from fct_payment_exceptions
        """
    )
    assert (reason_code, payment_date, unapplied_amount) == (
        "undated_payment",
        None,
        Decimal("119000.00"),
    )
    assert reason.startswith(f"The payment has no date: {DATE_ISSUE}, and no rule declared")


def test_the_undated_payment_waits_in_unapplied_cash_posted_on_the_day_its_file_arrived(
    warehouse,
):
    assert warehouse.query(
        f"""
        select entry_date, sum(credit_amount - debit_amount)
        from fct_journal_entries
        where account_code = '{UNAPPLIED_CASH}'
        group by entry_date
        having sum(credit_amount - debit_amount) <> 0
        """
    ) == [(date(2025, 3, 5), Decimal("119000.00"))]


def test_a_line_from_a_file_landed_before_the_date_columns_existed_reads_them_as_empty(
    warehouse,
):
    assert warehouse.query(
        "select booking_date, date_issue, date_rule from stg_bank__bank_lines order by file_id"
    ) == [(date(2025, 3, 4), None, None), (None, DATE_ISSUE, None)]
