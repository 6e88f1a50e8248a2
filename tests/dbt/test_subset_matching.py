"""Payments without a reference that pay several documents: combinations and payment groups.

Every payment here comes from a customer identified by the account it pays from and says
only "PAGO PROVEEDORES", and no single open document owes its amount, so only the search for
combinations of the customer's documents can place it. One customer per situation; each
document is issued 30 days before it falls due. Amounts are in COP.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from stdnum.co import nit

BANK_ACCOUNT = "10029384756"
MONDAY = date(2025, 3, 3)
UNREFERENCED_TEXT = "PAGO PROVEEDORES"


def day(offset: int) -> date:
    """The date `offset` days after Monday 3 March 2025."""
    return MONDAY + timedelta(days=offset)


def at(calendar_day: date, hour: int) -> datetime:
    return datetime(calendar_day.year, calendar_day.month, calendar_day.day, hour, tzinfo=UTC)


# customer_id, name, NIT base, account the customer pays from
CUSTOMERS = [
    ("S01", "Distribuidora Uno S.A.S.", "900200101", "500100101"),
    ("S02", "Comercial Dos Ltda.", "900200202", "500100202"),
    ("S03", "Mayorista Tres S.A.", "900200303", "500100303"),
    ("S04", "Tienda Cuatro", "900200404", "500100404"),
    ("S05", "Almacen Cinco S.A.S.", "900200505", "500100505"),
    ("S06", "Papeleria Seis", "900200606", "500100606"),
]

# document_id, customer_id, total, due in days from Monday
INVOICES = [
    ("FEA-000201", "S01", "30000.00", 0),
    ("FEA-000202", "S01", "45000.00", 5),
    ("FEA-000203", "S01", "70000.00", 10),
    ("FEA-000211", "S02", "10000.00", 0),
    ("FEA-000212", "S02", "20000.00", 1),
    ("FEA-000213", "S02", "30000.00", 2),
    ("FEA-000214", "S02", "40000.00", 3),
    *[(f"FEA-00022{n}", "S03", "100000.00", n) for n in range(1, 6)],
    ("FEA-000231", "S04", "25000.00", -120),
    ("FEA-000232", "S04", "35000.00", 0),
    ("FEA-000241", "S05", "11000.00", 0),
    ("FEA-000242", "S05", "22000.00", 1),
    ("FEA-000243", "S05", "44000.00", 2),
    ("FEA-000251", "S06", "80000.00", 0),
    ("FEA-000252", "S06", "80000.00", 7),
]

# entry reference, booked (days from Monday), amount, customer paying
PAYMENTS = [
    ("E21", 6, "75000.00", "S01"),
    ("E22", 3, "50000.00", "S02"),
    ("E23", 5, "500000.00", "S03"),
    ("E24", 1, "60000.00", "S04"),
    ("E25", 2, "33000.00", "S05"),
    ("E26", 3, "66000.00", "S05"),
    ("E27", 7, "160000.00", "S06"),
]


def customer_row(customer_id, name, tax_base, account) -> dict:
    return {
        "customer_id": customer_id,
        "customer_name": name,
        "tax_id": f"{tax_base}-{nit.calc_check_digit(tax_base)}",
        "tax_id_base": tax_base,
        "tax_id_check_digit": nit.calc_check_digit(tax_base),
        "segment": "wholesale",
        "email": f"{customer_id.lower()}@example.co",
        "phone": None,
        "bank_account": account,
        "payment_terms_days": 30,
    }


def invoice_row(document_id, customer_id, total, due_offset) -> dict:
    total_amount = Decimal(total)
    net_amount = (total_amount / Decimal("1.19")).quantize(Decimal("0.01"))
    return {
        "document_id": document_id,
        "document_type": "invoice",
        "related_document_id": None,
        "customer_id": customer_id,
        "issue_date": day(due_offset - 30),
        "due_date": day(due_offset),
        "currency": "COP",
        "net_amount": net_amount,
        "tax_amount": total_amount - net_amount,
        "total_amount": total_amount,
        "payment_reference": None,
        "collection_reference": None,
    }


def bank_credit_row(entry_reference, booked_offset, amount, customer_id) -> dict:
    name, account = next((row[1], row[3]) for row in CUSTOMERS if row[0] == customer_id)
    return {
        "source_format": "camt053",
        "bank_account": BANK_ACCOUNT,
        "statement_id": f"STMT-{day(booked_offset).isoformat()}",
        "entry_reference": entry_reference,
        "booking_date": day(booked_offset),
        "value_date": day(booked_offset),
        "direction": "credit",
        "amount": Decimal(amount),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": "PMNT-RCDT-ESCT",
        "counterparty_name": name.upper(),
        "counterparty_account": account,
        "end_to_end_id": None,
        "structured_reference": None,
        "remittance_text": UNREFERENCED_TEXT,
    }


def write_subset_dataset(dataset) -> None:
    customers = [customer_row(*row) for row in CUSTOMERS]
    dataset.write("customers", "customers-1", at(day(-200), 5), customers)
    invoices = [invoice_row(*row) for row in INVOICES]
    dataset.write("invoices", "invoices-1", at(day(-200), 5), invoices)
    statement = [bank_credit_row(*row) for row in PAYMENTS]
    dataset.write("bank_lines", "camt-1", at(day(8), 11), statement)


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    write_subset_dataset(raw_dataset)
    return dbt_build(raw_dataset.data_dir, "path:models/staging", "path:models/intermediate")


@pytest.fixture(scope="module")
def warehouse_searching_five(warehouse, raw_dataset, dbt_build):
    """The same dataset, searched for combinations of up to five documents."""
    return dbt_build(
        raw_dataset.data_dir,
        "path:models/staging",
        "path:models/intermediate",
        dbt_vars={"subset_sum_max_combination_size": 5},
    )


def applications_of(warehouse, customer_id: str) -> list[tuple]:
    return warehouse.query(
        """
        select payments.source_reference, applications.document_id,
            applications.applied_amount, applications.match_rule
        from int_payment_applications as applications
        inner join int_payments as payments using (payment_id)
        where applications.customer_id = ?
        order by payments.payment_date, payments.source_reference, applications.document_id
        """,
        [customer_id],
    )


def exception_of(warehouse, source_reference: str) -> tuple:
    rows = warehouse.query(
        """
        select exceptions.reason_code, exceptions.candidate_count,
            exceptions.unapplied_amount, exceptions.reason
        from int_payment_exceptions as exceptions
        inner join int_payments as payments using (payment_id)
        where payments.source_reference = ?
        """,
        [source_reference],
    )
    assert len(rows) == 1, rows
    return rows[0]


def test_the_only_combination_of_documents_owing_the_amount_is_applied(warehouse):
    assert applications_of(warehouse, "S01") == [
        ("E21", "FEA-000201", Decimal("30000.00"), "customer_subset_sum"),
        ("E21", "FEA-000202", Decimal("45000.00"), "customer_subset_sum"),
    ]
    [(score, evidence)] = warehouse.query(
        """
        select distinct match_score, evidence from int_payment_applications
        where customer_id = 'S01'
        """
    )
    assert score == 80
    assert "FEA-000201, FEA-000202 are the only combination" in evidence
    assert "bank_account" in evidence
    open_amounts = warehouse.query(
        """
        select document_id, open_amount from int_document_balances
        where customer_id = 'S01' order by document_id
        """
    )
    assert open_amounts == [
        ("FEA-000201", 0),
        ("FEA-000202", 0),
        ("FEA-000203", Decimal("70000.00")),
    ]


def test_two_combinations_owing_the_amount_are_an_exception_and_nothing_is_applied(warehouse):
    assert applications_of(warehouse, "S02") == []
    reason_code, candidate_count, unapplied_amount, reason = exception_of(warehouse, "E22")
    assert (reason_code, candidate_count) == ("ambiguous_candidates", 2)
    assert unapplied_amount == Decimal("50000.00")
    assert "FEA-000211, FEA-000214" in reason
    assert "FEA-000212, FEA-000213" in reason


def test_a_combination_of_more_documents_than_the_bound_is_not_searched(warehouse):
    assert applications_of(warehouse, "S03") == []
    reason_code, _, unapplied_amount, reason = exception_of(warehouse, "E23")
    assert (reason_code, unapplied_amount) == ("amount_mismatch", Decimal("500000.00"))
    assert "nor any combination of up to 4 of them" in reason


def test_with_the_bound_raised_to_five_one_payment_pays_five_invoices(
    warehouse_searching_five,
):
    assert applications_of(warehouse_searching_five, "S03") == [
        ("E23", f"FEA-00022{n}", Decimal("100000.00"), "customer_subset_sum") for n in range(1, 6)
    ]
    assert applications_of(warehouse_searching_five, "S02") == []


def test_a_document_due_outside_the_window_is_not_searched(warehouse):
    assert applications_of(warehouse, "S04") == []
    reason_code, _, unapplied_amount, _ = exception_of(warehouse, "E24")
    assert (reason_code, unapplied_amount) == ("amount_mismatch", Decimal("60000.00"))


def test_two_payments_whose_combinations_share_a_document_apply_only_the_earlier(warehouse):
    assert applications_of(warehouse, "S05") == [
        ("E25", "FEA-000241", Decimal("11000.00"), "customer_subset_sum"),
        ("E25", "FEA-000242", Decimal("22000.00"), "customer_subset_sum"),
    ]
    reason_code, candidate_count, unapplied_amount, reason = exception_of(warehouse, "E26")
    assert (reason_code, candidate_count) == ("ambiguous_candidates", 1)
    assert unapplied_amount == Decimal("66000.00")
    assert "FEA-000242, FEA-000243" in reason


def test_two_documents_of_the_same_amount_paid_together_are_one_combination(warehouse):
    assert applications_of(warehouse, "S06") == [
        ("E27", "FEA-000251", Decimal("80000.00"), "customer_subset_sum"),
        ("E27", "FEA-000252", Decimal("80000.00"), "customer_subset_sum"),
    ]
