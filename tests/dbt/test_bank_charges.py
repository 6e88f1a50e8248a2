"""Charges a bank took out of a batch credit, end to end in dbt.

The bank credited two transfers of 1,000,000 and 1,500,000 as one entry of 2,495,000: ingest
splits the entry into its two details and a debit line of the 5,000 of charges the entry
states (as `tests/fixtures/ingest/valid/camt053_v08_batch_with_charges.xml` does). The
transfers pay their invoices in full and the charges are booked as bank charges.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from stdnum.co import nit

BOOKED = date(2026, 5, 15)
ARRIVED_AT = datetime(2026, 5, 16, 11, 0, tzinfo=UTC)
BANK, BANK_CHARGES = "111005", "530505"

# customer_id, name, NIT base, invoice, amount
PAYERS = [
    ("C123", "Inversiones El Porvenir S.A.S.", "860034313", "FEA-000123", "1000000.00"),
    ("C124", "Distribuidora Andina Ltda.", "900555666", "FEA-000124", "1500000.00"),
]


def customer_row(customer_id, name, tax_base, _invoice, _amount) -> dict:
    return {
        "customer_id": customer_id,
        "customer_name": name,
        "tax_id": f"{tax_base}-{nit.calc_check_digit(tax_base)}",
        "tax_id_base": tax_base,
        "tax_id_check_digit": nit.calc_check_digit(tax_base),
        "segment": "retail",
        "email": None,
        "phone": None,
        "bank_account": None,
        "payment_terms_days": 30,
    }


def invoice_row(customer_id, _name, _tax_base, invoice, amount) -> dict:
    return {
        "document_id": invoice,
        "document_type": "invoice",
        "related_document_id": None,
        "customer_id": customer_id,
        "issue_date": date(2026, 5, 1),
        "due_date": date(2026, 5, 31),
        "currency": "COP",
        "net_amount": Decimal(amount),
        "tax_amount": Decimal("0.00"),
        "total_amount": Decimal(amount),
        "payment_reference": None,
        "collection_reference": None,
        "prepaid_amount": None,
        "document_uuid": None,
        "related_document_uuid": None,
    }


def bank_line(reference, direction, amount, code, name=None, text=None) -> dict:
    return {
        "source_format": "camt053",
        "bank_account": "10029384756",
        "statement_id": "CHRG-STMT-20260515",
        "entry_reference": reference,
        "booking_date": BOOKED,
        "value_date": BOOKED,
        "direction": direction,
        "amount": Decimal(amount),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": code,
        "counterparty_name": name,
        "counterparty_account": None,
        "end_to_end_id": None,
        "structured_reference": None,
        "remittance_text": text,
    }


STATEMENT = [
    bank_line(
        "CHRG-0001/1",
        "credit",
        "1000000.00",
        "PMNT-RCDT-ESCT",
        "INVERSIONES EL PORVENIR SAS",
        "PAGO FACTURA FEA-000123",
    ),
    bank_line(
        "CHRG-0001/2",
        "credit",
        "1500000.00",
        "PMNT-RCDT-ESCT",
        "DISTRIBUIDORA ANDINA LTDA",
        "PAGO FACTURA FEA-000124",
    ),
    bank_line(
        "CHRG-0001/charges",
        "debit",
        "5000.00",
        "ACMT-MDOP-CHRG",
        text="Bank charges of entry CHRG-0001: its details add up to 2500000.00, the entry "
        "to 2495000.00",
    ),
]


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    raw_dataset.write(
        "customers",
        "customers",
        datetime(2026, 5, 1, tzinfo=UTC),
        [customer_row(*payer) for payer in PAYERS],
    )
    raw_dataset.write(
        "invoices",
        "invoices",
        datetime(2026, 5, 1, 23, tzinfo=UTC),
        [invoice_row(*payer) for payer in PAYERS],
    )
    raw_dataset.write("bank_lines", "statement", ARRIVED_AT, STATEMENT)
    return dbt_build(raw_dataset.data_dir, "+fct_journal_entries", "assert_journal_entries_balance")


def test_the_charges_line_is_a_bank_charge_and_not_a_payment(warehouse):
    charges = warehouse.query("select entry_reference, charge_amount from int_bank_charges")
    payments = warehouse.query("select source_reference from int_payments order by 1")

    assert charges == [("CHRG-0001/charges", Decimal("5000.00"))]
    assert payments == [("CHRG-0001/1",), ("CHRG-0001/2",)]


def test_each_detail_pays_its_invoice_in_full(warehouse):
    applications = warehouse.query(
        """
        select document_id, applied_amount, match_rule
        from int_payment_applications order by document_id
        """
    )

    assert applications == [
        ("FEA-000123", Decimal("1000000.00"), "reference_exact"),
        ("FEA-000124", Decimal("1500000.00"), "reference_exact"),
    ]


def test_the_charges_are_booked_as_an_expense_and_the_bank_account_moves_by_the_entry(
    warehouse,
):
    charge_lines = warehouse.query(
        """
        select account_code, debit_amount, credit_amount from fct_journal_entries
        where event_type = 'bank_charge_booked' order by line_number
        """
    )
    [(bank_movement,)] = warehouse.query(
        "select sum(debit_amount - credit_amount) from fct_journal_entries where account_code = ?",
        [BANK],
    )

    assert charge_lines == [
        (BANK_CHARGES, Decimal("5000.00"), 0),
        (BANK, 0, Decimal("5000.00")),
    ]
    assert bank_movement == Decimal("2495000.00")
