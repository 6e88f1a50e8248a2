"""Bank lines are never lost nor doubled: two identical lines of one statement are two
payments, the same statement delivered again adds none, and a reference that comes back
with another amount is a line of its own that the reuse warning lists."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

STATEMENT_AT = datetime(2026, 5, 16, 11, 30, tzinfo=UTC)
RESENT_AT = datetime(2026, 5, 16, 15, 0, tzinfo=UTC)
CORRECTION_AT = datetime(2026, 5, 17, 11, 30, tzinfo=UTC)
REUSE_WARNING = "warn_bank_references_reused_for_different_entries"


def credit(entry_reference: str, amount: str, payer: str) -> dict:
    return {
        "source_format": "camt053",
        "bank_account": "10029384756",
        "statement_id": "STMT-20260515",
        "entry_reference": entry_reference,
        "booking_date": date(2026, 5, 15),
        "value_date": date(2026, 5, 15),
        "direction": "credit",
        "amount": Decimal(amount),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": "PMNT-RCDT-ESCT",
        "counterparty_name": payer,
        "counterparty_account": None,
        "end_to_end_id": None,
        "structured_reference": None,
        "remittance_text": "PAGO FACTURAS MAYO",
    }


# Two transfers of the same amount that the bank booked under one reference, then a third.
STATEMENT = [
    credit("BCOL-TWIN-0001", "250000.00", "HOTEL LOS ALMENDROS LTDA"),
    credit("BCOL-TWIN-0001", "250000.00", "HOTEL LOS ALMENDROS LTDA"),
    credit("BCOL-SOLO-0002", "80000.00", "INVERSIONES EL PORVENIR SAS"),
]
# The next day the bank reuses the third reference for another amount.
CORRECTION = [credit("BCOL-SOLO-0002", "95000.00", "INVERSIONES EL PORVENIR SAS")]


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    raw_dataset.write("bank_lines", "statement", STATEMENT_AT, STATEMENT)
    raw_dataset.write("bank_lines", "statement-resent", RESENT_AT, STATEMENT)
    raw_dataset.write("bank_lines", "correction", CORRECTION_AT, CORRECTION)
    return dbt_build(raw_dataset.data_dir, "+int_payments")


def test_two_identical_lines_of_one_statement_are_two_payments(warehouse):
    payments = warehouse.query(
        """
        select payment_amount, count(*)
        from int_payments
        where source_reference = 'BCOL-TWIN-0001'
        group by payment_amount
        """
    )

    assert payments == [(Decimal("250000.00"), 2)]


def test_the_same_statement_delivered_again_adds_no_payment_and_keeps_the_first_arrival(
    warehouse,
):
    lines = warehouse.query(
        """
        select entry_reference, entry_amount, file_id, record_number, known_at
        from int_bank_lines
        order by entry_reference, entry_amount, record_number
        """
    )

    # The resent file is the later version of each line, each occurrence with its own.
    assert lines == [
        ("BCOL-SOLO-0002", Decimal("80000.00"), "statement-resent", 3, STATEMENT_AT),
        ("BCOL-SOLO-0002", Decimal("95000.00"), "correction", 1, CORRECTION_AT),
        ("BCOL-TWIN-0001", Decimal("250000.00"), "statement-resent", 1, STATEMENT_AT),
        ("BCOL-TWIN-0001", Decimal("250000.00"), "statement-resent", 2, STATEMENT_AT),
    ]
    assert warehouse.query("select count(*), sum(payment_amount) from int_payments") == [
        (4, Decimal("675000.00"))
    ]


def test_a_reference_reused_with_another_amount_keeps_both_lines_and_the_warning_lists_it(
    warehouse,
):
    run_results = json.loads((warehouse.path.parent / "target" / "run_results.json").read_text())
    [warning] = [
        result for result in run_results["results"] if REUSE_WARNING in result["unique_id"]
    ]

    # One row for the reference reused across files, one for the twins of the statement.
    assert (warning["status"], warning["failures"]) == ("warn", 2)
    assert warehouse.query(
        """
        select entry_amount from int_bank_lines
        where entry_reference = 'BCOL-SOLO-0002'
        order by entry_amount
        """
    ) == [(Decimal("80000.00"),), (Decimal("95000.00"),)]
