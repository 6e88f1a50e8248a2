"""Intraday camt.052 reports and the end-of-day camt.053 that books what they announced: raw
rows straight from the parsers, through dbt, must leave each entry once and keep pending
money out of customer payments."""

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.parsers import camt052, camt053

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "valid"
NOON_REPORT_AT = datetime(2026, 5, 15, 17, 5, tzinfo=UTC)
AFTERNOON_REPORT_AT = datetime(2026, 5, 15, 20, 5, tzinfo=UTC)
STATEMENT_AT = datetime(2026, 5, 16, 11, 30, tzinfo=UTC)


def land(dataset, file_id: str, arrived_at: datetime, parsed) -> None:
    for kind, rows in parsed.rows.items():
        dataset.write(kind, file_id, arrived_at, rows)


def afternoon_report(noon_report: bytes) -> bytes:
    """The 15:00 report: the morning credit again, and a new pending credit never booked."""
    return (
        noon_report.replace(b"BCOL-PDNG-0077", b"BCOL-PDNG-0099")
        .replace(b"E2E-20260515-0002", b"E2E-20260515-0009")
        .replace(b">450000.00<", b">75000.00<")
        .replace(b"-1200<", b"-1500<")
    )


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    noon = (FIXTURES / "camt052_v08_bancolombia_intraday.xml").read_bytes()
    statement = (FIXTURES / "camt053_v08_bancolombia_20260515.xml").read_bytes()
    land(raw_dataset, "noon", NOON_REPORT_AT, camt052.parse(noon, "noon.xml"))
    afternoon = camt052.parse(afternoon_report(noon), "afternoon.xml")
    land(raw_dataset, "afternoon", AFTERNOON_REPORT_AT, afternoon)
    land(raw_dataset, "statement", STATEMENT_AT, camt053.parse(statement, "statement.xml"))
    return dbt_build(raw_dataset.data_dir, "+int_payments")


def test_each_entry_is_one_line_and_the_booked_twin_replaces_the_pending_one(warehouse):
    lines = warehouse.query(
        """
        select entry_reference, status, entry_amount, source_format, known_at
        from int_bank_lines
        order by entry_reference
        """
    )

    assert lines == [
        ("BCOL-PDNG-0099", "pending", Decimal("75000.00"), "camt052", AFTERNOON_REPORT_AT),
        # Reported at noon, again at 15:00 and in the statement: one line, the booked one.
        ("BCOL2026051500001", "booked", Decimal("1190000.00"), "camt053", NOON_REPORT_AT),
        # Pending at noon as BCOL-PDNG-0077, booked overnight under a reference of its own.
        ("BCOL2026051500002", "booked", Decimal("450000.00"), "camt053", NOON_REPORT_AT),
    ]


def test_customer_payments_count_booked_money_once_and_leave_out_what_is_still_pending(
    warehouse,
):
    payments = warehouse.query(
        """
        select source_reference, payment_amount, payment_date
        from int_payments
        order by source_reference
        """
    )

    assert payments == [
        ("BCOL2026051500001", Decimal("1190000.00"), date(2026, 5, 15)),
        ("BCOL2026051500002", Decimal("450000.00"), date(2026, 5, 15)),
    ]
