"""Prepaid amounts end to end: a document opens its total less what was prepaid, in matching,
open items and journals alike, and `dbt build` (every data test included) still passes.

One company (andina), four invoices and a credit note issued on Monday 3 March 2025, and one
bank transfer quoting an invoice's RF reference. Amounts are in COP.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from stdnum.co import nit
from stdnum.iso7064 import mod_97_10

MONDAY = date(2025, 3, 3)
RF_FEA_2 = "RF" + mod_97_10.calc_check_digits("FEA2RF") + "FEA2"
RECEIVABLE = "130505"
REVENUE = "413595"
VAT_PAYABLE = "240805"
CUSTOMER_ADVANCES = "281505"

# document_id, type, customer, net, tax, prepaid, related document, payment reference
DOCUMENTS = [
    # Paid in full before it was issued: opens nothing.
    ("FEA-1", "invoice", "C001", "100000.00", "19000.00", "119000.00", None, None),
    # 38,000.00 prepaid: the customer still owes 200,000.00 and pays exactly that.
    ("FEA-2", "invoice", "C001", "200000.00", "38000.00", "38000.00", None, RF_FEA_2),
    # 70,000.00 prepaid leaves 49,000.00, which a credit note of 59,500.00 more than covers.
    ("FEA-3", "invoice", "C002", "100000.00", "19000.00", "70000.00", None, None),
    ("NC-1", "credit_note", "C002", "50000.00", "9500.00", None, "FEA-3", None),
    # A negative prepaid amount adds an earlier balance of 10,000.00 to the 50,000.00 billed.
    ("FEA-4", "invoice", "C002", "42016.81", "7983.19", "-10000.00", None, None),
]


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def customer_row(customer_id: str, name: str, tax_base: str) -> dict:
    return {
        "customer_id": customer_id,
        "customer_name": name,
        "tax_id": f"{tax_base}-{nit.calc_check_digit(tax_base)}",
        "tax_id_base": tax_base,
        "tax_id_check_digit": nit.calc_check_digit(tax_base),
        "segment": "corporate",
        "email": None,
        "phone": None,
        "bank_account": None,
        "payment_terms_days": 30,
    }


def document_row(
    document_id, document_type, customer_id, net, tax, prepaid, related, reference
) -> dict:
    return {
        "document_id": document_id,
        "document_type": document_type,
        "related_document_id": related,
        "customer_id": customer_id,
        "issue_date": MONDAY,
        "due_date": MONDAY + timedelta(days=30),
        "currency": "COP",
        "net_amount": Decimal(net),
        "tax_amount": Decimal(tax),
        "total_amount": Decimal(net) + Decimal(tax),
        "prepaid_amount": None if prepaid is None else Decimal(prepaid),
        "payment_reference": reference,
        "collection_reference": None,
    }


def bank_credit_row() -> dict:
    booked = MONDAY + timedelta(days=1)
    return {
        "source_format": "camt053",
        "bank_account": "10029384756",
        "statement_id": f"STMT-{booked.isoformat()}",
        "entry_reference": "E01",
        "booking_date": booked,
        "value_date": booked,
        "direction": "credit",
        "amount": Decimal("200000.00"),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": "PMNT-RCDT-ESCT",
        "counterparty_name": "FERRETERIA EL TORNILLO",
        "counterparty_account": None,
        "end_to_end_id": None,
        "structured_reference": RF_FEA_2,
        "remittance_text": None,
    }


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    customers = [
        customer_row("C001", "Ferreteria El Tornillo S.A.S.", "900123456"),
        customer_row("C002", "Almacenes La Rebaja Ltda.", "800111222"),
    ]
    raw_dataset.write("customers", "customers-1", at(MONDAY, 5), customers)
    documents = [document_row(*document) for document in DOCUMENTS]
    raw_dataset.write("invoices", "invoices-1", at(MONDAY, 5), documents)
    raw_dataset.write(
        "bank_lines", "camt-1", at(MONDAY + timedelta(days=2), 11), [bank_credit_row()]
    )
    return dbt_build(raw_dataset.data_dir)


def test_each_invoice_opens_its_total_less_credit_notes_less_what_was_prepaid(warehouse):
    assert warehouse.query(
        "select document_id, opening_open_amount from int_payable_documents order by 1"
    ) == [
        ("FEA-1", Decimal("0.00")),
        ("FEA-2", Decimal("200000.00")),
        ("FEA-3", Decimal("0.00")),
        ("FEA-4", Decimal("60000.00")),
    ]


def test_a_reference_payment_of_what_is_left_after_the_prepayment_settles_the_invoice(
    warehouse,
):
    assert warehouse.query(
        "select document_id, applied_amount, match_rule from int_payment_applications"
    ) == [("FEA-2", Decimal("200000.00"), "reference_exact")]


def test_a_credit_note_takes_only_what_the_prepaid_invoice_left_and_the_rest_is_owed_back(
    warehouse,
):
    assert warehouse.query(
        "select credit_note_id, document_id, applied_amount from int_credit_note_applications"
    ) == [("NC-1", "FEA-3", Decimal("49000.00"))]
    assert warehouse.query(
        "select document_id, open_amount from fct_open_items order by document_id"
    ) == [("FEA-4", Decimal("60000.00")), ("NC-1", Decimal("-10500.00"))]


def test_a_fully_prepaid_invoice_is_issued_against_the_customer_s_advances_only(warehouse):
    assert warehouse.query(
        """
        select account_code, debit_amount, credit_amount
        from fct_journal_entries
        where source_id = 'FEA-1' order by line_number
        """
    ) == [
        (REVENUE, Decimal("0.00"), Decimal("100000.00")),
        (VAT_PAYABLE, Decimal("0.00"), Decimal("19000.00")),
        (CUSTOMER_ADVANCES, Decimal("119000.00"), Decimal("0.00")),
    ]


def test_a_negative_prepaid_amount_adds_to_the_receivable_and_credits_the_advances(warehouse):
    assert warehouse.query(
        """
        select account_code, debit_amount, credit_amount
        from fct_journal_entries
        where source_id = 'FEA-4' order by line_number
        """
    ) == [
        (RECEIVABLE, Decimal("60000.00"), Decimal("0.00")),
        (REVENUE, Decimal("0.00"), Decimal("42016.81")),
        (VAT_PAYABLE, Decimal("0.00"), Decimal("7983.19")),
        (CUSTOMER_ADVANCES, Decimal("0.00"), Decimal("10000.00")),
    ]


def test_the_advances_account_shows_what_prepaid_documents_consumed(warehouse):
    # 119,000 + 38,000 + 70,000 consumed, 10,000 added back; the transfer in and its
    # application cancel out.
    assert warehouse.query(
        f"""
        select sum(credit_amount - debit_amount) from fct_journal_entries
        where account_code = '{CUSTOMER_ADVANCES}'
        """
    ) == [(Decimal("-217000.00"),)]


def test_no_reminder_falls_due_for_a_document_that_opened_nothing(warehouse):
    assert warehouse.query(
        "select count(*) from fct_reminder_schedule where document_id = 'FEA-1' and is_due"
    ) == [(0,)]
