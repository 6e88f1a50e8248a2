"""Cash application end to end: raw rows in, applications and exceptions out of dbt.

One small dataset for the company `andina` holds one situation per customer, so each test
reads the rows of one customer's documents and payments. Amounts are in COP.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from stdnum import luhn
from stdnum.co import nit
from stdnum.iso7064 import mod_97_10

COLLECTION_ACCOUNT = "20098765432"
CAMT_ACCOUNT = "10029384756"
MONDAY = date(2025, 3, 3)


def creditor_reference(base: str) -> str:
    """An ISO 11649 RF reference for `base`, check digits included."""
    return "RF" + mod_97_10.calc_check_digits(base + "RF") + base


def tax_id(base: str) -> str:
    return f"{base}-{nit.calc_check_digit(base)}"


def at(calendar_day: date, hour: int) -> datetime:
    """A UTC instant on `calendar_day`; Bogota is five hours behind."""
    return datetime(calendar_day.year, calendar_day.month, calendar_day.day, hour, tzinfo=UTC)


def day(offset: int) -> date:
    """The date `offset` days after Monday 3 March 2025."""
    return MONDAY + timedelta(days=offset)


COLLECTION_BASE = "4500115"
COLLECTION_REFERENCE = COLLECTION_BASE + luhn.calc_check_digit(COLLECTION_BASE)
RF_101 = creditor_reference("FEA000101")
RF_118 = creditor_reference("FEA000118")

# customer_id, name, NIT base, account the customer pays from, e-mail
CUSTOMERS = [
    ("C001", "Ferreteria El Tornillo S.A.S.", "900123456", "111222333", "a@t.co"),
    ("C002", "Almacenes La Rebaja Ltda.", "800111222", "222333444", "b@r.co"),
    ("C003", "Supermercado Don Pepe", "830555666", None, "c@p.co"),
    ("C004", "Drogueria Central", "901777888", None, "d@c.co"),
    ("C005", "Maria Lopez", "52123456", None, "maria.lopez@example.com"),
    ("C006", "Constructora Horizonte S.A.", "860999000", "666777888", "f@h.co"),
    ("C007", "Panaderia San Jorge", "890444555", "777888999", "g@j.co"),
]

# document_id, customer_id, total, due in days from Monday, payment / collection reference
INVOICES = [
    ("FEA-000101", "C001", "119000.00", 0, RF_101, None),
    ("FEA-000102", "C002", "100000.00", 0, None, None),
    *[(f"FEA-00010{n}", "C003", "100000.00", n, None, None) for n in range(3, 8)],
    ("FEA-000108", "C004", "80000.00", 0, None, None),
    ("FEA-000109", "C004", "80000.00", 7, None, None),
    ("FEA-000110", "C002", "95000.00", 0, None, None),
    ("FEA-000111", "C006", "75000.00", 0, None, None),
    ("FEA-000112", "C005", "50000.00", 0, None, None),
    ("FEA-000113", "C005", "30000.00", 0, "PAY-113", None),
    ("FEA-000114", "C005", "20000.00", 0, None, None),
    ("FEA-000115", "C001", "64000.00", 0, None, COLLECTION_REFERENCE),
    ("FEA-000116", "C001", "119000.00", 0, None, None),
    ("FEA-000117", "C001", "33000.00", 0, None, None),
    ("FEA-000118", "C001", "119000.00", 0, RF_118, None),
    ("FEA-000119", "C007", "45000.00", 0, None, None),
    ("FEA-000120", "C007", "45000.00", 7, None, None),
]
CREDIT_NOTE = ("NCA-000001", "C001", "19000.00", "FEA-000116")

FIVE_INVOICES_TEXT = f"PAGO NIT {tax_id('830555666')} " + " ".join(
    f"FEA-00010{n}" for n in range(3, 8)
)

# entry reference, booked (days from Monday), amount, payer, payer account, RF, free text
FIRST_STATEMENT = [
    ("E01", 0, "119000.00", "FERRETERIA EL TORNILLO", None, RF_101, None),
    ("E02", 0, "50000.00", "ALMACENES LA REBAJA", "0222333444", None, "ABONO FACTURA FEA000102"),
    ("E04", 0, "500000.00", "SUPERMERCADO DON PEPE", None, None, FIVE_INVOICES_TEXT),
    ("E05", 0, "80000.00", "DROGUERIA CENTRAL", None, None, f"PAGO NIT {tax_id('901777888')}"),
    ("E06", 0, "70000.00", "CONSTRUCTORA HORIZONTE", "666777888", None, "PAGO FACT FEA-000110"),
    ("E07", 0, "100000.00", "FERRETERIA EL TORNILLO", "111222333", None, "FACTURA FEA-000116"),
    ("E08", 0, "33000.00", "FERRETERIA EL TORNILLO", "111222333", None, "PAGO PROVEEDORES"),
    ("E09", 0, "12345.00", "JUAN PEREZ", None, None, "TRANSFERENCIA"),
    ("E10", 0, "150000.00", "FERRETERIA EL TORNILLO", None, RF_118, None),
    ("E13", 0, "45000.00", "PANADERIA SAN JORGE", "777888999", None, "PAGO"),
]
SECOND_STATEMENT = [
    ("E03", 2, "50000.00", "ALMACENES LA REBAJA", "0222333444", None, "SEGUNDO ABONO FEA-000102"),
    ("E14", 2, "45000.00", "PANADERIA SAN JORGE", None, None, "FACTURA FEA-000120"),
]

# transaction_id, created at (UTC), gross, merchant reference, payout_id
CHARGES = [
    ("T-1", at(MONDAY, 15), "50000.00", "FEA-000112", "PO-0001"),
    ("T-2", at(MONDAY, 16), "30000.00", "PAY-113", "PO-0001"),
    # 22:00 in Bogota on Monday, already Tuesday in UTC.
    ("T-3", at(day(1), 3), "20000.00", "FEA-000114", "PO-0002"),
]


def customer_row(customer_id, name, tax_base, account, email) -> dict:
    return {
        "customer_id": customer_id,
        "customer_name": name,
        "tax_id": tax_id(tax_base),
        "tax_id_base": tax_base,
        "tax_id_check_digit": nit.calc_check_digit(tax_base),
        "segment": "wholesale",
        "email": email,
        "phone": None,
        "bank_account": account,
        "payment_terms_days": 30,
    }


def document_row(
    document_id, customer_id, total, due_offset, payment_reference, collection_reference
) -> dict:
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
        "payment_reference": payment_reference,
        "collection_reference": collection_reference,
    }


def credit_note_row(document_id, customer_id, total, related_document_id) -> dict:
    row = document_row(document_id, customer_id, total, 0, None, None)
    return {**row, "document_type": "credit_note", "related_document_id": related_document_id}


def bank_credit_row(entry_reference, booked_offset, amount, payer, account, rf, text) -> dict:
    return {
        "source_format": "camt053",
        "bank_account": CAMT_ACCOUNT,
        "statement_id": f"STMT-{day(booked_offset).isoformat()}",
        "entry_reference": entry_reference,
        "booking_date": day(booked_offset),
        "value_date": day(booked_offset),
        "direction": "credit",
        "amount": Decimal(amount),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": "PMNT-RCDT-ESCT",
        "counterparty_name": payer,
        "counterparty_account": account,
        "end_to_end_id": None,
        "structured_reference": rf,
        "remittance_text": text,
    }


def gateway_charge_row(transaction_id, created_at, gross, merchant_reference, payout_id) -> dict:
    """The charge as a report shows it; an intraday notification has no payout_id yet."""
    gross_amount = Decimal(gross)
    fee_amount = (gross_amount * Decimal("0.03")).quantize(Decimal("0.01"))
    fee_tax_amount = (fee_amount * Decimal("0.19")).quantize(Decimal("0.01"))
    settled = payout_id is not None
    return {
        "gateway": "wompi",
        "merchant_account": "andina-ecommerce",
        "transaction_id": transaction_id,
        "transaction_type": "charge",
        "created_at": created_at,
        "merchant_reference": merchant_reference,
        "payment_method": "card",
        "payer_name": "Maria Lopez",
        "payer_email": "maria.lopez@example.com",
        "currency": "COP",
        "gross_amount": gross_amount,
        "fee_amount": fee_amount if settled else None,
        "fee_tax_amount": fee_tax_amount if settled else None,
        "net_amount": gross_amount - fee_amount - fee_tax_amount if settled else None,
        "payout_id": payout_id,
    }


def payout_net_amount(payout_id: str) -> Decimal:
    rows = [gateway_charge_row(*charge) for charge in CHARGES if charge[4] == payout_id]
    return sum((row["net_amount"] for row in rows), Decimal(0))


def payout_row(payout_id: str, payout_offset: int, transaction_count: int) -> dict:
    return {
        "gateway": "wompi",
        "merchant_account": "andina-ecommerce",
        "payout_id": payout_id,
        "payout_date": day(payout_offset),
        "currency": "COP",
        "payout_amount": payout_net_amount(payout_id),
        "transaction_count": transaction_count,
    }


def collection_row(reference: str, collected: date, amount: str) -> dict:
    return {
        "source_format": "asobancaria2001",
        "biller_tax_id": "9004173523",
        "collecting_bank_code": "007",
        "bank_account": COLLECTION_ACCOUNT,
        "collection_date": collected,
        "service_code": "7709998000017",
        "batch_number": "0001",
        "payment_reference": reference.zfill(48),
        "amount": Decimal(amount),
        "currency": "COP",
        "payment_origin_code": "01",
        "payment_method_code": "02",
        "operation_number": "000001",
        "authorization_number": "AUT001",
        "debited_bank_code": "007",
        "branch_code": "0001",
        "sequence_number": "0000001",
        "return_reason_code": None,
    }


PAYOUT_CREDITS = [
    ("E11", 1, str(payout_net_amount("PO-0001")), "WOMPI SAS", None, None, "PAGO WOMPI PO-0001"),
    # No payout id in the text: paired by amount and date.
    ("E12", 2, str(payout_net_amount("PO-0002")), "WOMPI SAS", None, None, "ABONO PASARELA"),
]


def write_matching_dataset(dataset) -> None:
    customers = [customer_row(*row) for row in CUSTOMERS]
    dataset.write("customers", "customers-1", at(MONDAY, 5), customers)
    documents = [*(document_row(*row) for row in INVOICES), credit_note_row(*CREDIT_NOTE)]
    dataset.write("invoices", "invoices-1", at(MONDAY, 5), documents)

    first = [bank_credit_row(*row) for row in FIRST_STATEMENT + PAYOUT_CREDITS]
    dataset.write("bank_lines", "camt-1", at(day(1), 11), first)
    second = [bank_credit_row(*row) for row in SECOND_STATEMENT]
    dataset.write("bank_lines", "camt-2", at(day(3), 11), second)
    collections = [collection_row(COLLECTION_REFERENCE, MONDAY, "64000.00")]
    dataset.write("collection_lines", "asobancaria-1", at(MONDAY, 22), collections)

    notified = [gateway_charge_row(*charge[:4], None) for charge in CHARGES[:2]]
    dataset.write("gateway_transactions", "wompi-intraday-1", at(MONDAY, 17), notified)
    settled = [gateway_charge_row(*charge) for charge in CHARGES]
    dataset.write("gateway_transactions", "wompi-settlement-1", at(day(2), 9), settled)
    payouts = [payout_row("PO-0001", 1, 2), payout_row("PO-0002", 2, 1)]
    dataset.write("gateway_payouts", "wompi-payouts-1", at(day(2), 9), payouts)


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    write_matching_dataset(raw_dataset)
    return dbt_build(raw_dataset.data_dir, "path:models/staging", "path:models/intermediate")


def applications_of(warehouse, *document_ids: str) -> list[tuple]:
    return warehouse.query(
        """
        select payments.source_reference, applications.document_id,
            applications.applied_amount, applications.match_rule,
            applications.application_status
        from int_payment_applications as applications
        inner join int_payments as payments using (payment_id)
        where applications.document_id in (select unnest(?))
        order by payments.payment_date, payments.source_reference, applications.document_id
        """,
        [list(document_ids)],
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


def balance_of(warehouse, document_id: str) -> tuple:
    return warehouse.query(
        """
        select credited_amount, applied_amount, open_amount, fully_paid_date
        from int_document_balances where document_id = ?
        """,
        [document_id],
    )[0]


def test_a_valid_rf_reference_with_the_exact_open_amount_is_applied_automatically(warehouse):
    assert applications_of(warehouse, "FEA-000101") == [
        ("E01", "FEA-000101", Decimal("119000.00"), "reference_exact", "automatic")
    ]
    assert balance_of(warehouse, "FEA-000101") == (0, Decimal("119000.00"), 0, MONDAY)


def test_two_payments_of_half_an_invoice_leave_it_partially_paid_then_settle_it(warehouse):
    assert applications_of(warehouse, "FEA-000102") == [
        ("E02", "FEA-000102", Decimal("50000.00"), "reference_partial", "automatic"),
        ("E03", "FEA-000102", Decimal("50000.00"), "reference_exact", "automatic"),
    ]
    assert balance_of(warehouse, "FEA-000102") == (0, Decimal("100000.00"), 0, day(2))


def test_one_payment_listing_five_invoices_is_split_into_five_full_applications(warehouse):
    invoices = [f"FEA-00010{n}" for n in range(3, 8)]
    assert applications_of(warehouse, *invoices) == [
        ("E04", invoice, Decimal("100000.00"), "reference_multi", "automatic")
        for invoice in invoices
    ]


def test_two_open_invoices_of_the_same_amount_without_reference_are_never_applied(warehouse):
    assert applications_of(warehouse, "FEA-000108", "FEA-000109") == []
    reason_code, candidate_count, unapplied_amount, reason = exception_of(warehouse, "E05")
    assert (reason_code, candidate_count) == ("ambiguous_candidates", 2)
    assert unapplied_amount == Decimal("80000.00")
    assert "C004" in reason


def test_an_equal_twin_paid_by_reference_later_leaves_one_candidate_known_from_then(warehouse):
    assert applications_of(warehouse, "FEA-000119", "FEA-000120") == [
        ("E13", "FEA-000119", Decimal("45000.00"), "customer_unique_amount", "automatic"),
        ("E14", "FEA-000120", Decimal("45000.00"), "reference_exact", "automatic"),
    ]
    second_statement_arrival = at(day(3), 11)
    assert warehouse.query(
        """
        select applications.reconciled_at
        from int_payment_applications as applications
        inner join int_payments as payments using (payment_id)
        where payments.source_reference = 'E13'
        """
    ) == [(second_statement_arrival,)]


def test_a_mistyped_invoice_number_of_another_customer_is_not_applied(warehouse):
    assert applications_of(warehouse, "FEA-000110", "FEA-000111") == []
    reason_code, candidate_count, unapplied_amount, reason = exception_of(warehouse, "E06")
    assert (reason_code, candidate_count) == ("amount_mismatch", 1)
    assert unapplied_amount == Decimal("70000.00")
    assert "FEA-000110 of customer C002" in reason


def test_gateway_payouts_are_paired_with_their_bank_credits_by_id_or_by_amount(warehouse):
    pairs = warehouse.query(
        """
        select payouts.payout_id, lines.entry_reference, payouts.difference_amount,
            payouts.match_method
        from int_bank_payout_lines as payouts
        inner join int_bank_lines as lines using (bank_line_id)
        order by payouts.payout_id
        """,
    )
    assert pairs == [
        ("PO-0001", "E11", 0, "payout_id_in_text"),
        ("PO-0002", "E12", 0, "amount_and_date"),
    ]
    payout_credits_counted_as_payments = warehouse.query(
        "select count(*) from int_payments where source_reference in ('E11', 'E12')",
    )
    assert payout_credits_counted_as_payments == [(0,)]


def test_each_gateway_charge_is_applied_to_the_invoice_its_merchant_reference_names(warehouse):
    assert applications_of(warehouse, "FEA-000112", "FEA-000113", "FEA-000114") == [
        ("T-1", "FEA-000112", Decimal("50000.00"), "gateway_merchant_reference", "automatic"),
        ("T-2", "FEA-000113", Decimal("30000.00"), "gateway_merchant_reference", "automatic"),
        ("T-3", "FEA-000114", Decimal("20000.00"), "gateway_merchant_reference", "automatic"),
    ]


def test_a_gateway_charge_is_known_from_its_notification_and_settled_by_its_report(warehouse):
    assert warehouse.query(
        """
        select transaction_id, payment_date, first_known_at, settled_known_at, payout_id
        from int_gateway_transactions order by transaction_id
        """,
    ) == [
        ("T-1", MONDAY, at(MONDAY, 17), at(day(2), 9), "PO-0001"),
        ("T-2", MONDAY, at(MONDAY, 17), at(day(2), 9), "PO-0001"),
        ("T-3", MONDAY, at(day(2), 9), at(day(2), 9), "PO-0002"),
    ]


def test_a_collection_reference_with_a_valid_luhn_digit_identifies_its_invoice(warehouse):
    assert applications_of(warehouse, "FEA-000115") == [
        ("AUT001", "FEA-000115", Decimal("64000.00"), "reference_exact", "automatic")
    ]


def test_a_credit_note_reduces_what_the_invoice_owes_before_payments_are_applied(warehouse):
    assert applications_of(warehouse, "FEA-000116") == [
        ("E07", "FEA-000116", Decimal("100000.00"), "reference_exact", "automatic")
    ]
    assert balance_of(warehouse, "FEA-000116") == (
        Decimal("19000.00"),
        Decimal("100000.00"),
        0,
        MONDAY,
    )
    credit_note_issue_date = day(-30)
    assert balance_of(warehouse, "NCA-000001") == (
        0,
        Decimal("19000.00"),
        0,
        credit_note_issue_date,
    )


def test_a_known_payer_without_reference_pays_its_only_invoice_of_that_amount(warehouse):
    assert applications_of(warehouse, "FEA-000117") == [
        ("E08", "FEA-000117", Decimal("33000.00"), "customer_unique_amount", "automatic")
    ]


def test_an_overpayment_applies_the_open_amount_and_credits_the_rest_to_the_customer(warehouse):
    assert applications_of(warehouse, "FEA-000118") == [
        ("E10", "FEA-000118", Decimal("119000.00"), "reference_overpayment", "automatic")
    ]
    assert warehouse.query(
        """
        select excesses.customer_id, excesses.excess_treatment, excesses.excess_amount
        from int_payment_excesses as excesses
        inner join int_payments as payments using (payment_id)
        where payments.source_reference = 'E10'
        """
    ) == [("C001", "customer_credit", Decimal("31000.00"))]


def test_a_payment_with_no_reference_and_an_unknown_payer_becomes_an_exception(warehouse):
    reason_code, candidate_count, unapplied_amount, _ = exception_of(warehouse, "E09")
    assert (reason_code, candidate_count) == ("no_reference_no_customer", 0)
    assert unapplied_amount == Decimal("12345.00")


def test_only_the_payments_left_unapplied_become_exceptions(warehouse):
    assert warehouse.query(
        """
        select payments.source_reference
        from int_payment_exceptions inner join int_payments as payments using (payment_id)
        order by payments.source_reference
        """,
    ) == [("E05",), ("E06",), ("E09",)]
