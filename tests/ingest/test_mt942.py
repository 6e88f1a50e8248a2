from datetime import date
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers import mt940, mt942

TWO_REPORTS = "mt942_davivienda_20260515.fin"


@pytest.fixture
def two_reports(valid_file):
    return mt942.parse(*valid_file(TWO_REPORTS))


def test_each_statement_line_of_an_interim_report_is_a_booked_line(two_reports):
    first = two_reports.rows["bank_lines"][0]

    assert first == {
        "record_number": 7,
        "source_format": "mt942",
        "bank_account": "0550012345678",
        "statement_id": "DAV942-0515-1200/00043/001",
        "entry_reference": "DAV0515000001",
        "booking_date": date(2026, 5, 15),
        "value_date": date(2026, 5, 15),
        "date_issue": None,
        "date_rule": None,
        "direction": "credit",
        "amount": Decimal("1190000.00"),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": "NTRF",
        "counterparty_name": "FERRETERIA EL TORNILLO SAS",
        "counterparty_account": "0099887766",
        "end_to_end_id": None,
        "structured_reference": None,
        "remittance_text": "FERRETERIA EL TORNILLO SAS CTA 0099887766 PAGO FACTURA FEA-000140",
        "is_reversal": False,
    }


def test_control_bytes_and_envelopes_around_each_message_leave_every_line_readable(
    two_reports,
):
    lines = two_reports.rows["bank_lines"]

    # The second message's envelope shares line 15 with its :20:, after the first's "-}".
    assert [(line["record_number"], line["statement_id"]) for line in lines] == [
        (7, "DAV942-0515-1200/00043/001"),
        (11, "DAV942-0515-1200/00043/001"),
        (21, "DAV942-0515-1500/00043/002"),
    ]
    assert [line["amount"] for line in lines] == [
        Decimal("1190000.00"),
        Decimal("8500.00"),
        Decimal("450000.00"),
    ]


def test_a_report_row_has_counts_and_totals_but_no_balances(two_reports):
    first, second = two_reports.rows["bank_statements"]

    assert first == {
        "record_number": 2,
        "source_format": "mt942",
        "bank_account": "0550012345678",
        "statement_id": "DAV942-0515-1200/00043/001",
        "currency": "COP",
        "opening_balance_date": None,
        "opening_balance_amount": None,
        "closing_balance_date": None,
        "closing_balance_amount": None,
        "entry_count": 2,
        "credit_total_amount": Decimal("1190000.00"),
        "debit_total_amount": Decimal("8500.00"),
        "balances_tie": None,
    }
    assert (second["record_number"], second["entry_count"], second["debit_total_amount"]) == (
        15,
        1,
        Decimal("0.00"),
    )
    assert two_reports.owner_keys == (("bank_account", "0550012345678"),)


def test_the_interim_report_the_mt940_parser_refuses_is_read_here(invalid_file):
    content, name = invalid_file("mt940_interim_report_without_balances.sta")

    parsed = mt942.parse(content, name)

    assert [(line["entry_reference"], line["amount"]) for line in parsed.rows["bank_lines"]] == [
        ("DAV0514000001", Decimal("1190000.00"))
    ]
    with pytest.raises(ParseError):
        mt940.parse(content, name)


def test_a_statement_with_balances_is_left_to_the_mt940_parser(valid_file):
    with pytest.raises(ParseError) as raised:
        mt942.parse(*valid_file("mt940_davivienda_20260514.sta"))

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        "line 6",
        "balance",
        "C260513COP5000000,00",
    )


@pytest.mark.parametrize(
    ("file_name", "record", "field", "found"),
    [
        # The bank counted two credits; one of them never arrived.
        ("mt942_credit_count_without_its_line.sta", "line 13", ":90C:", "2COP1640000,00"),
        ("mt942_report_time_at_hour_25.sta", "line 5", ":13D:", "2605152500-0500"),
    ],
)
def test_a_damaged_report_is_refused_naming_the_line_and_field(
    invalid_file, file_name, record, field, found
):
    with pytest.raises(ParseError) as raised:
        mt942.parse(*invalid_file(file_name))

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        record,
        field,
        found,
    )


def test_the_credit_count_error_says_what_the_lines_add_up_to(invalid_file):
    with pytest.raises(ParseError) as raised:
        mt942.parse(*invalid_file("mt942_credit_count_without_its_line.sta"))

    assert raised.value.expected == (
        "the count and sum of the report's credit :61: lines, 1 for 1190000.00 COP"
    )
