"""Returned and reversed payments reopen what they had paid, end to end in dbt.

Four invoices are paid and then lose their payment: a card charge charged back and later won
back, a card charge refunded in part, an Asobancaria collection the bank returns in a later
file, and a corporate transfer paid net of its withholdings that the bank returns by a debit
carrying the same end-to-end id. A return debit that names no credit is an exception, and an
ordinary debit is no reversal at all. Amounts are in COP.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from stdnum import luhn
from stdnum.co import nit

BANK_ACCOUNT = "10029384756"
COLLECTION_ACCOUNT = "20098765432"
MERCHANT_ACCOUNT = "andina-ecommerce"
BOGOTA_OFFSET = timedelta(hours=5)
RECEIVABLE, UNAPPLIED, BANK, CLEARING = "130505", "281505", "111005", "134595"

ISSUE_DATE = date(2025, 3, 3)
DUE_DATE = ISSUE_DATE + timedelta(days=14)
# A later invoice, never paid, keeps the data period open long enough for every reminder step.
LAST_ISSUE_DATE = date(2025, 4, 30)

CHARGE_DATE = date(2025, 3, 5)
CHARGEBACK_DATE = date(2025, 3, 12)
CHARGEBACK_WON_DATE = date(2025, 3, 26)
REFUND_DATE = date(2025, 3, 7)
COLLECTION_DATE = date(2025, 3, 6)
COLLECTION_RETURN_DATE = date(2025, 3, 11)
TRANSFER_DATE = date(2025, 3, 10)
TRANSFER_RETURN_DATE = date(2025, 3, 14)

# A withholding agent pays 1,190,000 less ReteFuente 25,000, ReteIVA 28,500 and ReteICA 4,140.
CORPORATE_TOTAL = Decimal("1190000.00")
WITHHELD = {"135515": Decimal("25000.00"), "135517": Decimal("28500.00")}
WITHHELD["135518"] = Decimal("4140.00")
CORPORATE_NET = CORPORATE_TOTAL - sum(WITHHELD.values())

COLLECTION_REFERENCE = "303" + luhn.calc_check_digit("303")

# customer_id, name, segment, NIT base
CUSTOMERS = [
    ("C100", "Constructora Los Andes S.A.", "corporate", "900100200"),
    ("C300", "Ana Gomez", "consumer", "52123456"),
    ("C400", "Ferreteria La Tuerca S.A.S.", "sme", "800200300"),
]

# document_id, customer, net, tax, issue date, collection reference
INVOICES = [
    ("FEA-000301", "C300", "500000.00", "95000.00", ISSUE_DATE, None),
    ("FEA-000302", "C300", "168067.23", "31932.77", ISSUE_DATE, None),
    ("FEA-000303", "C400", "252100.84", "47899.16", ISSUE_DATE, COLLECTION_REFERENCE),
    ("FEA-000304", "C100", "1000000.00", "190000.00", ISSUE_DATE, None),
    ("FEA-000309", "C400", "100000.00", "19000.00", LAST_ISSUE_DATE, None),
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
        "payment_terms_days": 14,
    }


def invoice_row(document_id, customer_id, net, tax, issue_date, collection_reference) -> dict:
    return {
        "document_id": document_id,
        "document_type": "invoice",
        "related_document_id": None,
        "customer_id": customer_id,
        "issue_date": issue_date,
        "due_date": issue_date + timedelta(days=14),
        "currency": "COP",
        "net_amount": Decimal(net),
        "tax_amount": Decimal(tax),
        "total_amount": Decimal(net) + Decimal(tax),
        "payment_reference": None,
        "collection_reference": collection_reference,
        "prepaid_amount": None,
        "document_uuid": None,
        "related_document_uuid": None,
    }


def gateway_row(transaction_id, transaction_type, day: date, reference, gross: str) -> dict:
    return {
        "gateway": "wompi",
        "merchant_account": MERCHANT_ACCOUNT,
        "transaction_id": transaction_id,
        "transaction_type": transaction_type,
        "created_at": local(day, 11),
        "merchant_reference": reference,
        "payment_method": "card",
        "payer_name": "Ana Gomez",
        "payer_email": "c300@example.co",
        "currency": "COP",
        "gross_amount": Decimal(gross),
        "fee_amount": None,
        "fee_tax_amount": None,
        "net_amount": None,
        "payout_id": None,
    }


def collection_row(collected: date, amount: str, return_reason_code: str | None) -> dict:
    return {
        "source_format": "asobancaria2001",
        "biller_tax_id": "9004173523",
        "collecting_bank_code": "007",
        "bank_account": COLLECTION_ACCOUNT,
        "collection_date": collected,
        "service_code": "7709998000017",
        "batch_number": "0001",
        "payment_reference": COLLECTION_REFERENCE.zfill(48),
        "amount": Decimal(amount),
        "currency": "COP",
        "payment_origin_code": "01",
        "payment_method_code": "02",
        "operation_number": "000001",
        "authorization_number": "AUT303",
        "debited_bank_code": "007",
        "branch_code": "0001",
        "sequence_number": "0000001",
        "return_reason_code": return_reason_code,
    }


def bank_row(
    entry_reference, booked: date, direction, amount, code, end_to_end_id, text, is_reversal=False
) -> dict:
    return {
        "source_format": "camt053",
        "bank_account": BANK_ACCOUNT,
        "statement_id": f"STMT-{booked.isoformat()}",
        "entry_reference": entry_reference,
        "booking_date": booked,
        "value_date": booked,
        "direction": direction,
        "amount": amount,
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": code,
        "counterparty_name": "CONSTRUCTORA LOS ANDES S.A.",
        "counterparty_account": None,
        "end_to_end_id": end_to_end_id,
        "structured_reference": None,
        "remittance_text": text,
        "is_reversal": is_reversal,
    }


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    customers = [customer_row(*row) for row in CUSTOMERS]
    raw_dataset.write("customers", "customers-1", local(date(2025, 3, 1), 8), customers)
    for row in INVOICES:
        raw_dataset.write("invoices", f"invoices-{row[0]}", local(row[4], 18), [invoice_row(*row)])

    gateway_days = [
        (CHARGE_DATE, [gateway_row("TX-301", "charge", CHARGE_DATE, "FEA-000301", "595000.00")]),
        (CHARGE_DATE, [gateway_row("TX-302", "charge", CHARGE_DATE, "FEA-000302", "200000.00")]),
        (REFUND_DATE, [gateway_row("RF-302", "refund", REFUND_DATE, "FEA-000302", "50000.00")]),
        (
            CHARGEBACK_DATE,
            [gateway_row("TX-301", "chargeback", CHARGEBACK_DATE, "FEA-000301", "595000.00")],
        ),
        (
            CHARGEBACK_WON_DATE,
            [
                gateway_row(
                    "TX-301", "chargeback_reversal", CHARGEBACK_WON_DATE, "FEA-000301", "595000.00"
                )
            ],
        ),
    ]
    for number, (day, rows) in enumerate(gateway_days, start=1):
        raw_dataset.write("gateway_transactions", f"wompi-{number}", local(day, 20), rows)

    raw_dataset.write(
        "collection_lines",
        "asobancaria-1",
        local(COLLECTION_DATE, 22),
        [collection_row(COLLECTION_DATE, "300000.00", None)],
    )
    # The bank hands the collection back in the next file, with a return reason.
    raw_dataset.write(
        "collection_lines",
        "asobancaria-2",
        local(COLLECTION_RETURN_DATE, 22),
        [collection_row(COLLECTION_RETURN_DATE, "300000.00", "004")],
    )

    transfer = bank_row(
        "E304",
        TRANSFER_DATE,
        "credit",
        CORPORATE_NET,
        "PMNT-RCDT-ESCT",
        "E2E-304",
        "PAGO FEA-000304 NETO RETENCIONES",
    )
    raw_dataset.write("bank_lines", "camt-1", local(TRANSFER_DATE, 20), [transfer])
    debits = [
        bank_row(
            "R304",
            TRANSFER_RETURN_DATE,
            "debit",
            CORPORATE_NET,
            "PMNT-RCDT-RRTN",
            "E2E-304",
            "DEVOLUCION TRANSFERENCIA CUENTA CERRADA",
        ),
        bank_row(
            "R999",
            TRANSFER_RETURN_DATE,
            "debit",
            Decimal("75000.00"),
            # marked only by the bank's reversal indicator (camt RvslInd, MT940 RC)
            "PMNT-RCDT-ESCT",
            None,
            "DEVOLUCION E999",
            is_reversal=True,
        ),
        bank_row(
            "F001",
            TRANSFER_RETURN_DATE,
            "debit",
            Decimal("12000.00"),
            "ACMT-MDOP-CHRG",
            None,
            "COMISION MANEJO CUENTA",
        ),
    ]
    raw_dataset.write("bank_lines", "camt-2", local(TRANSFER_RETURN_DATE, 20), debits)
    return dbt_build(raw_dataset.data_dir)


def movements_of(warehouse, document_id: str) -> list[tuple]:
    return warehouse.query(
        """
        select posting_date, movement_type, movement_amount
        from fct_receivable_movements
        where document_id = ?
        order by posting_date, movement_type, movement_amount
        """,
        [document_id],
    )


def balance_of(warehouse, document_id: str) -> tuple:
    [row] = warehouse.query(
        """
        select applied_amount, withheld_amount, reversed_amount, open_amount, fully_paid_date
        from int_document_balances where document_id = ?
        """,
        [document_id],
    )
    return row


def payment_of(warehouse, source_reference: str) -> tuple:
    [row] = warehouse.query(
        """
        select payment_status, payment_amount, reversed_amount, applied_amount,
            unapplied_amount, reconciled_at is not null
        from fct_payments where source_reference = ?
        """,
        [source_reference],
    )
    return row


def journal(warehouse, event_type: str) -> list[tuple]:
    return warehouse.query(
        """
        select entry_date, account_code, debit_amount, credit_amount
        from fct_journal_entries
        where event_type = ?
        order by entry_date, entry_id, line_number
        """,
        [event_type],
    )


def test_a_card_payment_charged_back_reopens_its_invoice_and_the_chargeback_reversal_closes_it(
    warehouse,
):
    assert movements_of(warehouse, "FEA-000301") == [
        (ISSUE_DATE, "document_issued", Decimal("595000.00")),
        (CHARGE_DATE, "payment_applied", Decimal("-595000.00")),
        (CHARGEBACK_DATE, "payment_reversed", Decimal("595000.00")),
        (CHARGEBACK_WON_DATE, "payment_reversed", Decimal("-595000.00")),
    ]
    assert balance_of(warehouse, "FEA-000301") == (
        Decimal("595000.00"),
        0,
        0,
        0,
        CHARGEBACK_WON_DATE,
    )
    assert payment_of(warehouse, "TX-301") == (
        "applied",
        Decimal("595000.00"),
        0,
        Decimal("595000.00"),
        0,
        True,
    )


def test_the_chargeback_puts_the_invoice_back_in_the_receivable_and_the_reversal_takes_it_out(
    warehouse,
):
    reversed_on_chargeback = [
        line
        for line in journal(warehouse, "payment_application_reversed")
        if line[0] == CHARGEBACK_DATE
    ]

    assert reversed_on_chargeback == [
        (CHARGEBACK_DATE, RECEIVABLE, Decimal("595000.00"), Decimal("0.00")),
        (CHARGEBACK_DATE, UNAPPLIED, Decimal("0.00"), Decimal("595000.00")),
    ]
    assert journal(warehouse, "payment_application_restored") == [
        (CHARGEBACK_WON_DATE, RECEIVABLE, Decimal("0.00"), Decimal("595000.00")),
        (CHARGEBACK_WON_DATE, UNAPPLIED, Decimal("595000.00"), Decimal("0.00")),
    ]


def test_a_partial_refund_reopens_only_the_part_it_refunds(warehouse):
    assert movements_of(warehouse, "FEA-000302") == [
        (ISSUE_DATE, "document_issued", Decimal("200000.00")),
        (CHARGE_DATE, "payment_applied", Decimal("-200000.00")),
        (REFUND_DATE, "payment_reversed", Decimal("50000.00")),
    ]
    assert balance_of(warehouse, "FEA-000302") == (
        Decimal("150000.00"),
        0,
        Decimal("50000.00"),
        Decimal("50000.00"),
        None,
    )
    # What is left of the charge is all applied, so it still counts as reconciled.
    assert payment_of(warehouse, "TX-302") == (
        "applied",
        Decimal("200000.00"),
        Decimal("50000.00"),
        Decimal("150000.00"),
        0,
        True,
    )


def test_a_collection_returned_in_a_later_file_reopens_its_invoice_from_the_return_date(
    warehouse,
):
    assert movements_of(warehouse, "FEA-000303") == [
        (ISSUE_DATE, "document_issued", Decimal("300000.00")),
        (COLLECTION_DATE, "payment_applied", Decimal("-300000.00")),
        (COLLECTION_RETURN_DATE, "payment_reversed", Decimal("300000.00")),
    ]
    assert payment_of(warehouse, "AUT303") == (
        "reversed",
        Decimal("300000.00"),
        Decimal("300000.00"),
        0,
        0,
        False,
    )
    [reversal] = warehouse.query(
        """
        select reversal_type, return_reason_code, reversal_date, reversed_amount
        from int_payment_reversals
        inner join int_payments using (payment_id)
        where int_payments.source_reference = 'AUT303'
        """
    )
    assert reversal == ("collection_return", "004", COLLECTION_RETURN_DATE, Decimal("300000.00"))


def test_a_bank_return_debit_reopens_the_invoice_with_the_taxes_withheld_from_the_transfer(
    warehouse,
):
    assert movements_of(warehouse, "FEA-000304") == [
        (ISSUE_DATE, "document_issued", CORPORATE_TOTAL),
        (TRANSFER_DATE, "payment_applied", -CORPORATE_NET),
        (TRANSFER_DATE, "withholding_applied", -WITHHELD["135517"]),
        (TRANSFER_DATE, "withholding_applied", -WITHHELD["135515"]),
        (TRANSFER_DATE, "withholding_applied", -WITHHELD["135518"]),
        (TRANSFER_RETURN_DATE, "payment_reversed", CORPORATE_NET),
        (TRANSFER_RETURN_DATE, "withholding_reversed", WITHHELD["135518"]),
        (TRANSFER_RETURN_DATE, "withholding_reversed", WITHHELD["135515"]),
        (TRANSFER_RETURN_DATE, "withholding_reversed", WITHHELD["135517"]),
    ]
    assert balance_of(warehouse, "FEA-000304") == (0, 0, CORPORATE_TOTAL, CORPORATE_TOTAL, None)
    assert payment_of(warehouse, "E304") == ("reversed", CORPORATE_NET, CORPORATE_NET, 0, 0, False)


def test_the_bank_return_takes_the_money_out_of_the_bank_and_the_taxes_back_into_the_receivable(
    warehouse,
):
    assert journal(warehouse, "payment_returned") == [
        (COLLECTION_RETURN_DATE, UNAPPLIED, Decimal("300000.00"), Decimal("0.00")),
        (COLLECTION_RETURN_DATE, BANK, Decimal("0.00"), Decimal("300000.00")),
        (TRANSFER_RETURN_DATE, UNAPPLIED, CORPORATE_NET, Decimal("0.00")),
        (TRANSFER_RETURN_DATE, BANK, Decimal("0.00"), CORPORATE_NET),
    ]
    assert journal(warehouse, "withholding_reversed") == [
        (TRANSFER_RETURN_DATE, RECEIVABLE, sum(WITHHELD.values()), Decimal("0.00")),
        *[
            (TRANSFER_RETURN_DATE, account, Decimal("0.00"), amount)
            for account, amount in sorted(WITHHELD.items())
        ],
    ]


def test_a_return_debit_that_names_no_earlier_credit_is_an_exception_and_a_fee_is_no_reversal(
    warehouse,
):
    exceptions = warehouse.query(
        """
        select reason_code, channel, source_reference, payment_date, unapplied_amount
        from fct_payment_exceptions
        where reason_code = 'reversal_without_payment'
        """
    )
    reversal_references = warehouse.query(
        "select source_reference from int_payment_reversals order by source_reference"
    )

    assert exceptions == [
        (
            "reversal_without_payment",
            "bank_transfer",
            "R999",
            TRANSFER_RETURN_DATE,
            Decimal("75000.00"),
        ),
    ]
    assert ("F001",) not in reversal_references
    assert reversal_references == [
        ("AUT303",),
        ("R304",),
        ("R999",),
        ("RF-302",),
        ("TX-301",),
        ("TX-301",),
    ]


def test_the_reopened_invoice_is_reminded_again_once_the_return_is_known(warehouse):
    reminders = warehouse.query(
        """
        select cadence_step, reminder_date, is_due, suppression_reason
        from fct_reminder_schedule
        where document_id = 'FEA-000304' and cadence_step in ('before_due', 'on_due')
        order by reminder_date
        """
    )

    # Paid on the 10th, returned on the 14th: the reminder of the 12th waits, that of the due
    # date goes out.
    assert reminders == [
        ("before_due", date(2025, 3, 12), False, "paid_known"),
        ("on_due", DUE_DATE, True, None),
    ]


def test_the_receivable_account_equals_the_open_items_at_the_end_of_every_day(warehouse):
    differences = warehouse.query(
        """
        with days as (
            select distinct posting_date as day from fct_receivable_movements
        ),
        ledger as (
            select days.day, sum(debit_amount - credit_amount) as amount
            from days
            inner join fct_journal_entries on entry_date <= days.day
            where account_code = ?
            group by days.day
        ),
        subledger as (
            select days.day, sum(movement_amount) as amount
            from days
            inner join fct_receivable_movements on posting_date <= days.day
            group by days.day
        )
        select ledger.day, ledger.amount, subledger.amount
        from ledger
        inner join subledger using (day)
        where ledger.amount <> subledger.amount
        """,
        [RECEIVABLE],
    )
    unbalanced = warehouse.query(
        """
        select entry_id from fct_journal_entries
        group by entry_id
        having sum(debit_amount) <> sum(credit_amount)
        """
    )

    assert differences == []
    assert unbalanced == []


def test_a_document_counts_as_collected_only_on_the_day_it_closed_for_good(warehouse):
    collected = warehouse.query(
        """
        select kpi_date, collected_document_count
        from kpi_daily
        where segment = 'all' and channel = 'all' and collected_document_count > 0
        order by kpi_date
        """
    )

    # FEA-000301 closed on the charge date too, but the chargeback reopened it; the others
    # stay open after their return or refund.
    assert collected == [(CHARGEBACK_WON_DATE, 1)]
