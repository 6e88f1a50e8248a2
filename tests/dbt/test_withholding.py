"""Payments net of Colombian withholdings: recognised, settled and booked, end to end in dbt.

Every invoice here bills net 1,000,000 plus 19 % VAT (190,000). A withholding agent keeps
ReteFuente 2.5 % of the net (25,000), ReteIVA 15 % of the VAT (28,500) and ReteICA 4.14 per
thousand of the net (4,140), so it pays 1,190,000 - 57,640 = 1,132,360. Only customers of the
corporate segment withhold (var `withholding_agent_segments`). Amounts are in COP.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from stdnum.co import nit

BANK_ACCOUNT = "10029384756"
ISSUE_DATE = date(2025, 3, 3)
PAYMENT_DATE = date(2025, 3, 10)
# A later invoice, never paid, keeps the data period open long enough for every reminder step.
LAST_ISSUE_DATE = date(2025, 4, 30)
BOGOTA_OFFSET = timedelta(hours=5)

NET_AMOUNT = Decimal("1000000.00")
TAX_AMOUNT = Decimal("190000.00")
TOTAL_AMOUNT = NET_AMOUNT + TAX_AMOUNT
WITHHELD_AMOUNT = Decimal("25000.00") + Decimal("28500.00") + Decimal("4140.00")
NET_OF_WITHHOLDINGS = TOTAL_AMOUNT - WITHHELD_AMOUNT

# customer_id, name, segment, NIT base, account the customer pays from
CUSTOMERS = [
    ("C100", "Constructora Los Andes S.A.", "corporate", "900100200", "300400500"),
    ("C200", "Ferreteria La Tuerca S.A.S.", "sme", "800200300", "400500600"),
]

# document_id, customer, issue date; every invoice bills the same amounts
INVOICES = [
    ("FEA-000201", "C100", ISSUE_DATE),
    ("FEA-000202", "C200", ISSUE_DATE),
    ("FEA-000203", "C100", ISSUE_DATE),
    ("FEA-000204", "C100", ISSUE_DATE),
    ("FEA-000209", "C200", LAST_ISSUE_DATE),
]

# entry reference, invoice quoted, paying customer, amount
PAYMENTS = [
    ("E201", "FEA-000201", "C100", NET_OF_WITHHOLDINGS),
    ("E202", "FEA-000202", "C200", NET_OF_WITHHOLDINGS),
    ("E203", "FEA-000203", "C100", NET_OF_WITHHOLDINGS + 1),
    ("E204", "FEA-000204", "C100", TOTAL_AMOUNT),
]


def local(calendar_day: date, hour: int) -> datetime:
    """The UTC instant of `hour` o'clock in Bogota on `calendar_day`."""
    wall_clock = datetime(calendar_day.year, calendar_day.month, calendar_day.day, hour)
    return (wall_clock + BOGOTA_OFFSET).replace(tzinfo=UTC)


def customer_row(customer_id, name, segment, tax_base, account) -> dict:
    return {
        "customer_id": customer_id,
        "customer_name": name,
        "tax_id": f"{tax_base}-{nit.calc_check_digit(tax_base)}",
        "tax_id_base": tax_base,
        "tax_id_check_digit": nit.calc_check_digit(tax_base),
        "segment": segment,
        "email": f"{customer_id.lower()}@example.co",
        "phone": None,
        "bank_account": account,
        "payment_terms_days": 14,
    }


def invoice_row(document_id, customer_id, issue_date) -> dict:
    return {
        "document_id": document_id,
        "document_type": "invoice",
        "related_document_id": None,
        "customer_id": customer_id,
        "issue_date": issue_date,
        "due_date": issue_date + timedelta(days=14),
        "currency": "COP",
        "net_amount": NET_AMOUNT,
        "tax_amount": TAX_AMOUNT,
        "total_amount": TOTAL_AMOUNT,
        "payment_reference": None,
        "collection_reference": None,
        "prepaid_amount": None,
        "document_uuid": None,
        "related_document_uuid": None,
    }


def bank_credit_row(entry_reference, document_id, customer_id, amount) -> dict:
    _, name, _, _, account = next(row for row in CUSTOMERS if row[0] == customer_id)
    return {
        "source_format": "camt053",
        "bank_account": BANK_ACCOUNT,
        "statement_id": f"STMT-{PAYMENT_DATE.isoformat()}",
        "entry_reference": entry_reference,
        "booking_date": PAYMENT_DATE,
        "value_date": PAYMENT_DATE,
        "direction": "credit",
        "amount": amount,
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": "PMNT-RCDT-ESCT",
        "counterparty_name": name.upper(),
        "counterparty_account": account,
        "end_to_end_id": None,
        "structured_reference": None,
        "remittance_text": f"PAGO {document_id} NETO RETENCIONES",
    }


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    customers = [customer_row(*row) for row in CUSTOMERS]
    raw_dataset.write("customers", "customers-1", local(date(2025, 3, 1), 8), customers)
    for document_id, customer_id, issue_date in INVOICES:
        raw_dataset.write(
            "invoices",
            f"invoices-{document_id}",
            local(issue_date, 18),
            [invoice_row(document_id, customer_id, issue_date)],
        )
    credits = [bank_credit_row(*row) for row in PAYMENTS]
    raw_dataset.write("bank_lines", "camt-1", local(PAYMENT_DATE, 20), credits)
    return dbt_build(raw_dataset.data_dir)


def application_of(warehouse, document_id: str) -> tuple:
    [row] = warehouse.query(
        """
        select payments.source_reference, applications.match_rule,
            applications.applied_amount, applications.withheld_amount
        from fct_payment_applications as applications
        inner join int_payments as payments using (payment_id)
        where applications.document_id = ?
        """,
        [document_id],
    )
    return row


def balance_of(warehouse, document_id: str) -> tuple:
    [row] = warehouse.query(
        """
        select applied_amount, withheld_amount, open_amount, fully_paid_date
        from int_document_balances where document_id = ?
        """,
        [document_id],
    )
    return row


def withholdings_of(warehouse, document_id: str) -> dict[str, tuple]:
    rows = warehouse.query(
        """
        select tax_code, account_code, withheld_amount
        from int_withholding_applications where document_id = ?
        """,
        [document_id],
    )
    return {tax_code: (account_code, amount) for tax_code, account_code, amount in rows}


def test_a_corporate_payment_net_of_its_withholdings_settles_the_invoice(warehouse):
    assert application_of(warehouse, "FEA-000201") == (
        "E201",
        "reference_withholding",
        Decimal("1132360.00"),
        Decimal("57640.00"),
    )
    assert balance_of(warehouse, "FEA-000201") == (
        Decimal("1132360.00"),
        Decimal("57640.00"),
        0,
        PAYMENT_DATE,
    )


def test_each_tax_withheld_is_recorded_with_its_amount_and_advance_account(warehouse):
    assert withholdings_of(warehouse, "FEA-000201") == {
        "retefuente": ("135515", Decimal("25000.00")),
        "reteiva": ("135517", Decimal("28500.00")),
        "reteica": ("135518", Decimal("4140.00")),
    }


def test_the_withholdings_are_booked_to_the_tax_advance_accounts_against_the_receivable(
    warehouse,
):
    lines = warehouse.query(
        """
        select journal.entry_date, journal.account_code, journal.debit_amount,
            journal.credit_amount
        from fct_journal_entries as journal
        where journal.event_type = 'withholding_certified'
        order by journal.line_number
        """
    )

    assert lines == [
        (PAYMENT_DATE, "135515", Decimal("25000.00"), 0),
        (PAYMENT_DATE, "135517", Decimal("28500.00"), 0),
        (PAYMENT_DATE, "135518", Decimal("4140.00"), 0),
        (PAYMENT_DATE, "130505", 0, Decimal("57640.00")),
    ]


def test_the_same_payment_from_a_customer_that_does_not_withhold_stays_partial(warehouse):
    assert application_of(warehouse, "FEA-000202") == (
        "E202",
        "reference_partial",
        Decimal("1132360.00"),
        0,
    )
    assert balance_of(warehouse, "FEA-000202")[1:3] == (0, Decimal("57640.00"))
    assert withholdings_of(warehouse, "FEA-000202") == {}


def test_a_payment_one_peso_off_the_net_of_withholdings_stays_partial(warehouse):
    assert application_of(warehouse, "FEA-000203") == (
        "E203",
        "reference_partial",
        Decimal("1132361.00"),
        0,
    )
    assert balance_of(warehouse, "FEA-000203")[1:3] == (0, Decimal("57639.00"))
    assert withholdings_of(warehouse, "FEA-000203") == {}


def test_a_withholding_agent_paying_the_full_amount_is_an_exact_payment(warehouse):
    assert application_of(warehouse, "FEA-000204") == (
        "E204",
        "reference_exact",
        Decimal("1190000.00"),
        0,
    )


def test_no_reminder_goes_out_for_the_withheld_part_once_the_payment_is_known(warehouse):
    reminders = warehouse.query(
        """
        select document_id, cadence_step, is_due, suppression_reason, open_amount_known
        from fct_reminder_schedule
        where document_id in ('FEA-000201', 'FEA-000203')
        order by document_id, reminder_date
        """
    )
    settled = [row for row in reminders if row[0] == "FEA-000201"]
    short_by_a_peso = [row for row in reminders if row[0] == "FEA-000203"]

    assert len(settled) == 5
    assert {row[2:] for row in settled} == {(False, "paid_known", 0)}
    assert {row[2:] for row in short_by_a_peso} == {(True, None, Decimal("57639.00"))}


def test_receivable_and_open_items_at_the_as_of_date_leave_out_what_was_withheld(warehouse):
    still_owed = {
        "FEA-000202": Decimal("57640.00"),
        "FEA-000203": Decimal("57639.00"),
        "FEA-000209": TOTAL_AMOUNT,
    }

    open_items = dict(warehouse.query("select document_id, open_amount from fct_open_items"))
    [(as_of_date, receivable_amount)] = warehouse.query(
        """
        select kpi_date, receivable_amount from kpi_daily
        where segment = 'all' and channel = 'all'
            and kpi_date = (select calendar_date from dim_dates where is_as_of_date)
        """
    )

    assert as_of_date == LAST_ISSUE_DATE
    assert open_items == still_owed
    assert receivable_amount == sum(still_owed.values())
