"""Payments that differ a little from what their documents owe, end to end in dbt.

A payment that quotes its invoice and misses the open amount by a difference a rule explains
settles the invoice and books the difference: within the tolerance (COP 1,000 and 0.5 % of
the open amount, var `settlement_difference_tolerances`) a shortfall is written off and an
excess is income; the early-payment discount of the sme segment (2 % within 10 days of issue,
var `early_payment_discount_terms`) is booked as a discount; a USD transfer short by up to
USD 50 (var `bank_charge_tolerances`) lost it to bank charges. A larger excess is the
customer's credit. Anything else stays a partial payment. One invoice per situation.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from stdnum.co import nit

BANK_ACCOUNT = "10029384756"
USD_ACCOUNT = "10029384799"
ISSUE_DATE = date(2025, 3, 3)
PAYMENT_DATE = date(2025, 3, 10)
LATE_PAYMENT_DATE = date(2025, 3, 20)
# A later invoice, never paid, keeps the as-of date after every payment.
LAST_ISSUE_DATE = date(2025, 4, 30)
BOGOTA_OFFSET = timedelta(hours=5)

TOTAL = Decimal("1190000.00")
WITHHELD = Decimal("57640.00")  # as in test_withholding.py: 25,000 + 28,500 + 4,140
DISCOUNT = Decimal("23800.00")  # 2 % of 1,190,000

RECEIVABLE, BANK, UNAPPLIED = "130505", "111005", "281505"
WRITE_OFFS, EXCESS_INCOME, DISCOUNTS, BANK_CHARGES, CUSTOMER_CREDIT = (
    "539595",
    "429595",
    "530535",
    "530505",
    "280505",
)

# customer_id, name, segment, NIT base
CUSTOMERS = [
    ("C100", "Constructora Los Andes S.A.", "corporate", "900100200"),
    ("C200", "Ferreteria La Tuerca S.A.S.", "sme", "800200300"),
    ("C300", "Importadora del Pacifico S.A.S.", "corporate", "830300400"),
    ("C400", "Distribuciones El Sol Ltda.", "retail", "860400500"),
]

# document_id, customer, currency, total (19 % VAT included)
INVOICES = [
    ("FEA-000301", "C400", "COP", TOTAL),  # short 800: written off
    ("FEA-000302", "C400", "COP", TOTAL),  # short 1,500: beyond COP 1,000, partial
    ("FEA-000303", "C400", "COP", Decimal("100000.00")),  # short 600: beyond 0.5 %, partial
    ("FEA-000304", "C400", "COP", TOTAL),  # 500 more: income
    ("FEA-000305", "C400", "COP", TOTAL),  # 200,000 more: customer credit
    ("FEA-000306", "C100", "COP", TOTAL),  # net of withholdings: withholding, not a difference
    ("FEA-000307", "C100", "COP", TOTAL),  # short 700 from a withholding agent: written off
    ("FEA-000308", "C200", "COP", TOTAL),  # less 2 % on day 7: discount
    ("FEA-000309", "C200", "COP", TOTAL),  # less 2 % on day 17: partial
    ("FEA-000310", "C300", "USD", Decimal("1000.00")),  # USD 25 short: bank charges
    ("FEA-000311", "C300", "USD", Decimal("1000.00")),  # USD 60 short: partial
    ("FEA-000312", "C400", "COP", Decimal("1000.00")),  # never paid
]

# entry reference, invoice quoted, paying customer, currency, amount, booking date
PAYMENTS = [
    ("E301", "FEA-000301", "C400", "COP", TOTAL - 800, PAYMENT_DATE),
    ("E302", "FEA-000302", "C400", "COP", TOTAL - 1500, PAYMENT_DATE),
    ("E303", "FEA-000303", "C400", "COP", Decimal("99400.00"), PAYMENT_DATE),
    ("E304", "FEA-000304", "C400", "COP", TOTAL + 500, PAYMENT_DATE),
    ("E305", "FEA-000305", "C400", "COP", TOTAL + 200000, PAYMENT_DATE),
    ("E306", "FEA-000306", "C100", "COP", TOTAL - WITHHELD, PAYMENT_DATE),
    ("E307", "FEA-000307", "C100", "COP", TOTAL - 700, PAYMENT_DATE),
    ("E308", "FEA-000308", "C200", "COP", TOTAL - DISCOUNT, PAYMENT_DATE),
    ("E309", "FEA-000309", "C200", "COP", TOTAL - DISCOUNT, LATE_PAYMENT_DATE),
    ("E310", "FEA-000310", "C300", "USD", Decimal("975.00"), PAYMENT_DATE),
    ("E311", "FEA-000311", "C300", "USD", Decimal("940.00"), PAYMENT_DATE),
]


def local(calendar_day: date, hour: int) -> datetime:
    """The UTC instant of `hour` o'clock in Bogota on `calendar_day`."""
    wall_clock = datetime(calendar_day.year, calendar_day.month, calendar_day.day, hour)
    return (wall_clock + BOGOTA_OFFSET).replace(tzinfo=UTC)


def customer_row(customer_id, name, segment, tax_base) -> dict:
    return {
        "customer_id": customer_id,
        "customer_name": name,
        "tax_id": f"{tax_base}-{nit.calc_check_digit(tax_base)}",
        "tax_id_base": tax_base,
        "tax_id_check_digit": nit.calc_check_digit(tax_base),
        "segment": segment,
        "email": f"{customer_id.lower()}@example.co",
        "phone": None,
        "bank_account": None,
        "payment_terms_days": 30,
    }


def invoice_row(document_id, customer_id, currency, total) -> dict:
    issue_date = LAST_ISSUE_DATE if document_id == "FEA-000312" else ISSUE_DATE
    # 19 % VAT inside the total, so withholdings apply to a known net and tax
    net = (total / Decimal("1.19")).quantize(Decimal("0.01"))
    return {
        "document_id": document_id,
        "document_type": "invoice",
        "related_document_id": None,
        "customer_id": customer_id,
        "issue_date": issue_date,
        "due_date": issue_date + timedelta(days=30),
        "currency": currency,
        "net_amount": net,
        "tax_amount": total - net,
        "total_amount": total,
        "payment_reference": None,
        "collection_reference": None,
        "prepaid_amount": None,
        "document_uuid": None,
        "related_document_uuid": None,
    }


def bank_credit_row(entry_reference, document_id, customer_id, currency, amount, booked) -> dict:
    _, name, _, tax_base = next(row for row in CUSTOMERS if row[0] == customer_id)
    return {
        "source_format": "camt053",
        "bank_account": USD_ACCOUNT if currency == "USD" else BANK_ACCOUNT,
        "statement_id": f"STMT-{currency}-{booked.isoformat()}",
        "entry_reference": entry_reference,
        "booking_date": booked,
        "value_date": booked,
        "direction": "credit",
        "amount": amount,
        "currency": currency,
        "status": "booked",
        "bank_transaction_code": "PMNT-RCDT-ESCT",
        "counterparty_name": name.upper(),
        "counterparty_account": None,
        "end_to_end_id": None,
        "structured_reference": None,
        "remittance_text": f"PAGO {document_id} NIT {tax_base}",
    }


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    customers = [customer_row(*row) for row in CUSTOMERS]
    raw_dataset.write("customers", "customers-1", local(date(2025, 3, 1), 8), customers)
    for row in INVOICES:
        invoice = invoice_row(*row)
        file_id = f"invoices-{invoice['document_id']}"
        raw_dataset.write("invoices", file_id, local(invoice["issue_date"], 18), [invoice])
    for booked in (PAYMENT_DATE, LATE_PAYMENT_DATE):
        credits = [bank_credit_row(*row) for row in PAYMENTS if row[5] == booked]
        raw_dataset.write("bank_lines", f"camt-{booked}", local(booked, 20), credits)
    return dbt_build(raw_dataset.data_dir)


def application_of(warehouse, document_id: str) -> tuple:
    [row] = warehouse.query(
        """
        select match_rule, applied_amount, withheld_amount, adjusted_amount, adjustment_type
        from fct_payment_applications where document_id = ?
        """,
        [document_id],
    )
    return row


def open_amount_of(warehouse, document_id: str) -> Decimal:
    [(open_amount,)] = warehouse.query(
        "select open_amount from int_document_balances where document_id = ?", [document_id]
    )
    return open_amount


def journal_of(warehouse, event_type: str, reference: str) -> list[tuple]:
    """The lines of the entries of `event_type` whose description names `reference`."""
    return warehouse.query(
        """
        select account_code, debit_amount, credit_amount, currency
        from fct_journal_entries
        where event_type = ? and description like '%' || ? || '%'
        order by entry_id, line_number
        """,
        [event_type, reference],
    )


def test_a_shortfall_within_the_tolerance_closes_the_invoice_and_is_written_off(warehouse):
    assert application_of(warehouse, "FEA-000301") == (
        "reference_short_written_off",
        Decimal("1189200.00"),
        0,
        Decimal("800.00"),
        "short_payment_write_off",
    )
    assert open_amount_of(warehouse, "FEA-000301") == 0
    assert journal_of(warehouse, "short_payment_written_off", "FEA-000301") == [
        (WRITE_OFFS, Decimal("800.00"), 0, "COP"),
        (RECEIVABLE, 0, Decimal("800.00"), "COP"),
    ]


def test_the_evidence_names_the_difference_and_the_tolerance(warehouse):
    [(evidence, score)] = warehouse.query(
        "select evidence, match_score from fct_payment_applications where document_id = ?",
        ["FEA-000301"],
    )

    assert evidence.endswith(
        "amount 800.00 below open amount, within the COP tolerance: difference written off"
    )
    assert score == 85


def test_a_shortfall_beyond_the_absolute_tolerance_stays_a_partial_payment(warehouse):
    assert application_of(warehouse, "FEA-000302") == (
        "reference_partial",
        Decimal("1188500.00"),
        0,
        0,
        None,
    )
    assert open_amount_of(warehouse, "FEA-000302") == Decimal("1500.00")


def test_a_shortfall_beyond_the_percentage_cap_stays_a_partial_payment(warehouse):
    assert application_of(warehouse, "FEA-000303")[:4] == (
        "reference_partial",
        Decimal("99400.00"),
        0,
        0,
    )
    assert open_amount_of(warehouse, "FEA-000303") == Decimal("600.00")


def test_a_small_excess_settles_the_invoice_and_goes_to_other_income(warehouse):
    assert application_of(warehouse, "FEA-000304")[:2] == (
        "reference_excess_to_income",
        TOTAL,
    )
    assert journal_of(warehouse, "payment_excess_to_income", "E304") == [
        (UNAPPLIED, Decimal("500.00"), 0, "COP"),
        (EXCESS_INCOME, 0, Decimal("500.00"), "COP"),
    ]
    [payment] = warehouse.query(
        """
        select payment_status, applied_amount, excess_to_income_amount, unapplied_amount
        from fct_payments where source_reference = 'E304'
        """
    )
    assert payment == ("applied", TOTAL, Decimal("500.00"), 0)


def test_a_larger_excess_becomes_the_customers_credit_not_unapplied_cash(warehouse):
    assert application_of(warehouse, "FEA-000305")[:2] == ("reference_overpayment", TOTAL)
    assert journal_of(warehouse, "customer_credit_received", "E305") == [
        (UNAPPLIED, Decimal("200000.00"), 0, "COP"),
        (CUSTOMER_CREDIT, 0, Decimal("200000.00"), "COP"),
    ]
    [payment] = warehouse.query(
        """
        select payment_status, customer_credit_amount, unapplied_amount, exception_reason_code
        from fct_payments where source_reference = 'E305'
        """
    )
    assert payment == ("applied", Decimal("200000.00"), 0, None)


def test_the_customer_credit_is_listed_per_customer_and_not_as_an_open_item(warehouse):
    credits = warehouse.query(
        "select customer_id, credit_amount, currency, payment_count from fct_customer_credits"
    )
    open_documents = {row[0] for row in warehouse.query("select document_id from fct_open_items")}

    assert credits == [("C400", Decimal("200000.00"), "COP", 1)]
    assert "FEA-000305" not in open_documents


def test_a_payment_net_of_withholdings_is_a_withholding_not_a_difference(warehouse):
    assert application_of(warehouse, "FEA-000306") == (
        "reference_withholding",
        TOTAL - WITHHELD,
        WITHHELD,
        0,
        None,
    )
    assert journal_of(warehouse, "short_payment_written_off", "FEA-000306") == []


def test_a_withholding_agent_short_by_less_than_the_tolerance_is_written_off(warehouse):
    assert application_of(warehouse, "FEA-000307") == (
        "reference_short_written_off",
        TOTAL - 700,
        0,
        Decimal("700.00"),
        "short_payment_write_off",
    )
    assert open_amount_of(warehouse, "FEA-000307") == 0


def test_an_early_payment_within_the_window_takes_the_discount_and_closes_the_invoice(
    warehouse,
):
    assert application_of(warehouse, "FEA-000308") == (
        "reference_early_payment_discount",
        TOTAL - DISCOUNT,
        0,
        DISCOUNT,
        "early_payment_discount",
    )
    assert open_amount_of(warehouse, "FEA-000308") == 0
    assert journal_of(warehouse, "early_payment_discount_granted", "FEA-000308") == [
        (DISCOUNTS, DISCOUNT, 0, "COP"),
        (RECEIVABLE, 0, DISCOUNT, "COP"),
    ]
    [(evidence,)] = warehouse.query(
        "select evidence from fct_payment_applications where document_id = 'FEA-000308'"
    )
    assert "(2.00 % within 10 days of issue, paid 7 days after)" in evidence


def test_the_same_discount_taken_after_the_window_stays_a_partial_payment(warehouse):
    assert application_of(warehouse, "FEA-000309")[:4] == (
        "reference_partial",
        TOTAL - DISCOUNT,
        0,
        0,
    )
    assert open_amount_of(warehouse, "FEA-000309") == DISCOUNT


def test_a_dollar_transfer_short_by_bank_charges_books_them_as_bank_fees(warehouse):
    assert application_of(warehouse, "FEA-000310") == (
        "reference_bank_charge",
        Decimal("975.00"),
        0,
        Decimal("25.00"),
        "bank_charge",
    )
    assert journal_of(warehouse, "bank_charge_deducted", "FEA-000310") == [
        (BANK_CHARGES, Decimal("25.00"), 0, "USD"),
        (RECEIVABLE, 0, Decimal("25.00"), "USD"),
    ]


def test_a_dollar_transfer_short_by_more_than_the_bank_charge_tolerance_stays_partial(
    warehouse,
):
    assert application_of(warehouse, "FEA-000311")[:4] == (
        "reference_partial",
        Decimal("940.00"),
        0,
        0,
    )
    assert open_amount_of(warehouse, "FEA-000311") == Decimal("60.00")


def test_no_payment_is_left_unapplied_and_only_the_partial_payments_leave_invoices_open(warehouse):
    exceptions = warehouse.query(
        """
        select payments.source_reference, exceptions.reason_code
        from fct_payment_exceptions as exceptions
        inner join fct_payments as payments using (payment_id)
        order by 1
        """
    )
    open_items = dict(warehouse.query("select document_id, open_amount from fct_open_items"))

    assert exceptions == []
    assert open_items == {
        "FEA-000302": Decimal("1500.00"),
        "FEA-000303": Decimal("600.00"),
        "FEA-000309": DISCOUNT,
        "FEA-000311": Decimal("60.00"),
        "FEA-000312": Decimal("1000.00"),
    }
