"""Application status from the rule's score: automatic, suggested for a controller, or nothing.

The build raises the thresholds (automatic from 90, suggested from 85) so the three rule scores
of this world fall in the three bands: an RF reference scores 100, a bare invoice number with
the exact amount from an unknown payer 85, and a known customer's unreferenced payment of the
amount of its only open invoice 80. Amounts are in COP.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from stdnum.co import nit
from stdnum.iso7064 import mod_97_10

BANK_ACCOUNT = "10029384756"
ISSUE_DATE = date(2025, 3, 3)
PAYMENT_DATE = date(2025, 3, 10)
BOGOTA_OFFSET = timedelta(hours=5)
THRESHOLDS = {"automatic_min_score": 90, "suggested_min_score": 85}
RF_301 = "RF" + mod_97_10.calc_check_digits("FEA000301RF") + "FEA000301"

# customer_id, name, NIT base, account the customer pays from
CUSTOMERS = [
    ("C300", "Distribuidora Norte S.A.S.", "900300400", "300300300"),
    ("C400", "Papeleria Sur Ltda.", "800400500", "400400400"),
]

# document_id, customer, total, payment reference
INVOICES = [
    ("FEA-000301", "C300", "119000.00", RF_301),
    ("FEA-000302", "C300", "59500.00", None),
    ("FEA-000401", "C400", "23800.00", None),
]

# entry reference, amount, payer name, payer account, structured reference, free text
PAYMENTS = [
    ("E301", "119000.00", "DISTRIBUIDORA NORTE", None, RF_301, None),
    ("E302", "59500.00", "JUAN GOMEZ", "999000111", None, "FACTURA FEA-000302"),
    ("E401", "23800.00", "PAPELERIA SUR", "400400400", None, "PAGO"),
]


def local(calendar_day: date, hour: int) -> datetime:
    """The UTC instant of `hour` o'clock in Bogota on `calendar_day`."""
    wall_clock = datetime(calendar_day.year, calendar_day.month, calendar_day.day, hour)
    return (wall_clock + BOGOTA_OFFSET).replace(tzinfo=UTC)


def customer_row(customer_id, name, tax_base, account) -> dict:
    return {
        "customer_id": customer_id,
        "customer_name": name,
        "tax_id": f"{tax_base}-{nit.calc_check_digit(tax_base)}",
        "tax_id_base": tax_base,
        "tax_id_check_digit": nit.calc_check_digit(tax_base),
        "segment": "sme",
        "email": f"{customer_id.lower()}@example.co",
        "phone": None,
        "bank_account": account,
        "payment_terms_days": 30,
    }


def invoice_row(document_id, customer_id, total, payment_reference) -> dict:
    total_amount = Decimal(total)
    net_amount = (total_amount / Decimal("1.19")).quantize(Decimal("0.01"))
    return {
        "document_id": document_id,
        "document_type": "invoice",
        "related_document_id": None,
        "customer_id": customer_id,
        "issue_date": ISSUE_DATE,
        "due_date": ISSUE_DATE + timedelta(days=30),
        "currency": "COP",
        "net_amount": net_amount,
        "tax_amount": total_amount - net_amount,
        "total_amount": total_amount,
        "payment_reference": payment_reference,
        "collection_reference": None,
        "prepaid_amount": None,
        "document_uuid": None,
        "related_document_uuid": None,
    }


def bank_credit_row(entry_reference, amount, payer, account, reference, text) -> dict:
    return {
        "source_format": "camt053",
        "bank_account": BANK_ACCOUNT,
        "statement_id": f"STMT-{PAYMENT_DATE.isoformat()}",
        "entry_reference": entry_reference,
        "booking_date": PAYMENT_DATE,
        "value_date": PAYMENT_DATE,
        "direction": "credit",
        "amount": Decimal(amount),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": "PMNT-RCDT-ESCT",
        "counterparty_name": payer,
        "counterparty_account": account,
        "end_to_end_id": None,
        "structured_reference": reference,
        "remittance_text": text,
    }


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    customers = [customer_row(*row) for row in CUSTOMERS]
    raw_dataset.write("customers", "customers-1", local(date(2025, 3, 1), 8), customers)
    invoices = [invoice_row(*row) for row in INVOICES]
    raw_dataset.write("invoices", "invoices-1", local(ISSUE_DATE, 18), invoices)
    credits = [bank_credit_row(*row) for row in PAYMENTS]
    raw_dataset.write("bank_lines", "camt-1", local(PAYMENT_DATE, 20), credits)
    return dbt_build(raw_dataset.data_dir, dbt_vars=THRESHOLDS)


def open_amount_of(warehouse, document_id: str) -> Decimal:
    rows = warehouse.query(
        "select open_amount from fct_open_items where document_id = ?", [document_id]
    )
    return rows[0][0] if rows else Decimal(0)


def payment_of(warehouse, entry_reference: str) -> tuple:
    [row] = warehouse.query(
        """
        select payment_status, applied_amount, unapplied_amount, exception_reason_code
        from fct_payments where source_reference = ?
        """,
        [entry_reference],
    )
    return row


def posted_applications_of(warehouse, entry_reference: str) -> list[tuple]:
    return warehouse.query(
        """
        select account_code, debit_amount, credit_amount
        from fct_journal_entries
        where event_type = 'payment_applied' and description like ?
        order by line_number
        """,
        [f"Payment {entry_reference} %"],
    )


def test_a_score_at_the_automatic_threshold_or_above_applies_and_posts_without_review(
    warehouse,
):
    assert warehouse.query(
        """
        select document_id, applied_amount, match_score, application_status
        from fct_payment_applications
        """
    ) == [("FEA-000301", Decimal("119000.00"), 100, "automatic")]
    assert open_amount_of(warehouse, "FEA-000301") == 0
    assert posted_applications_of(warehouse, "E301") == [
        ("281505", Decimal("119000.00"), 0),
        ("130505", 0, Decimal("119000.00")),
    ]


def test_a_score_between_the_thresholds_is_a_suggestion_listed_for_a_controller(warehouse):
    assert warehouse.query(
        """
        select source_reference, document_id, suggested_amount, document_open_amount,
            match_rule, match_score, evidence
        from fct_suggested_applications
        """
    ) == [
        (
            "E302",
            "FEA-000302",
            Decimal("59500.00"),
            Decimal("59500.00"),
            "reference_exact",
            85,
            "invoice_number FEA-000302 in remittance_text; amount equals open amount",
        )
    ]


def test_a_suggestion_moves_no_balance_posts_no_journal_and_leaves_the_payment_unapplied(
    warehouse,
):
    assert open_amount_of(warehouse, "FEA-000302") == Decimal("59500.00")
    assert posted_applications_of(warehouse, "E302") == []
    assert payment_of(warehouse, "E302") == (
        "unapplied",
        0,
        Decimal("59500.00"),
        "suggestion_awaiting_review",
    )


def test_the_exception_of_a_suggested_payment_names_the_rule_document_and_score(warehouse):
    [(reason,)] = warehouse.query(
        """
        select exceptions.reason
        from fct_payment_exceptions as exceptions
        where exceptions.source_reference = 'E302'
        """
    )
    assert reason == (
        "Awaiting review: reference_exact suggests 59500.00 to FEA-000302 (score 85), below the"
        " automatic threshold of 90; a controller confirms or rejects it."
    )


def test_a_score_below_the_suggestion_threshold_proposes_nothing(warehouse):
    assert warehouse.query(
        """
        select count(*) from int_payment_applications as applications
        inner join int_payments as payments using (payment_id)
        where payments.source_reference = 'E401'
        """
    ) == [(0,)]
    assert open_amount_of(warehouse, "FEA-000401") == Decimal("23800.00")
    assert payment_of(warehouse, "E401")[:3] == ("unapplied", 0, Decimal("23800.00"))
