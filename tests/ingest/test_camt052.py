from datetime import date
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers import camt052

INTRADAY_REPORT = "camt052_v08_bancolombia_intraday.xml"


@pytest.fixture
def intraday(valid_file):
    return camt052.parse(*valid_file(INTRADAY_REPORT))


def test_a_booked_entry_of_an_intraday_report_is_a_booked_line_with_its_local_date(intraday):
    booked = intraday.rows["bank_lines"][0]

    assert booked == {
        "record_number": 1,
        "source_format": "camt052",
        "bank_account": "10029384756",
        "statement_id": "BCOL-10029384756-20260515-1200",
        "entry_reference": "BCOL2026051500001",
        "booking_date": date(2026, 5, 15),
        "value_date": date(2026, 5, 15),
        "date_issue": None,
        "date_rule": None,
        "direction": "credit",
        "amount": Decimal("1190000.00"),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": "ACH-CR",
        "counterparty_name": "FERRETERIA EL TORNILLO SAS",
        "counterparty_account": "0099887766",
        "end_to_end_id": "E2E-20260515-0001",
        "structured_reference": None,
        "remittance_text": "PAGO FACTURA FEA-000140",
        "is_reversal": False,
    }


def test_a_pdng_entry_loads_as_pending_with_its_end_to_end_id_and_no_booking_date(intraday):
    pending = intraday.rows["bank_lines"][1]

    assert (
        pending["status"],
        pending["booking_date"],
        pending["amount"],
        pending["end_to_end_id"],
        pending["entry_reference"],
    ) == ("pending", None, Decimal("450000.00"), "E2E-20260515-0002", "BCOL-PDNG-0077")


def test_the_report_ties_its_previous_closing_and_interim_booked_balance_without_the_pending(
    intraday,
):
    assert intraday.rows["bank_statements"] == [
        {
            "record_number": 1,
            "source_format": "camt052",
            "bank_account": "10029384756",
            "statement_id": "BCOL-10029384756-20260515-1200",
            "currency": "COP",
            "opening_balance_date": date(2026, 5, 14),
            "opening_balance_amount": Decimal("13675000.50"),
            "closing_balance_date": date(2026, 5, 15),
            "closing_balance_amount": Decimal("14865000.50"),
            "entry_count": 1,
            "credit_total_amount": Decimal("1190000.00"),
            "debit_total_amount": Decimal("0.00"),
            "balances_tie": True,
        }
    ]
    assert intraday.warnings == []
    assert intraday.owner_keys == (("bank_account", "10029384756"),)


def test_a_report_whose_interim_balance_counts_the_pending_entry_loads_with_a_warning(
    valid_file,
):
    content, name = valid_file(INTRADAY_REPORT)
    counted_pending = content.replace(b">14865000.50<", b">15315000.50<")

    parsed = camt052.parse(counted_pending, name)

    assert parsed.rows["bank_statements"][0]["balances_tie"] is False
    assert len(parsed.warnings) == 1
    assert "account report BCOL-10029384756-20260515-1200 does not tie" in parsed.warnings[0]
    assert "closing balance is 15315000.50 COP" in parsed.warnings[0]


def test_a_report_is_read_in_each_schema_version_from_001_02_to_001_08(valid_file):
    content, name = valid_file(INTRADAY_REPORT)

    amounts_by_version = {}
    for version in range(2, 9):
        versioned = content.replace(b"camt.052.001.08", f"camt.052.001.{version:02d}".encode())
        lines = camt052.parse(versioned, name).rows["bank_lines"]
        amounts_by_version[version] = [line["amount"] for line in lines]

    assert set(map(tuple, amounts_by_version.values())) == {
        (Decimal("1190000.00"), Decimal("450000.00"))
    }


def test_a_report_in_version_001_09_is_refused_naming_the_namespace(valid_file):
    content, name = valid_file(INTRADAY_REPORT)

    with pytest.raises(ParseError) as raised:
        camt052.parse(content.replace(b"camt.052.001.08", b"camt.052.001.09"), name)

    assert raised.value.field == "xmlns"
    assert raised.value.found == "urn:iso:std:iso:20022:tech:xsd:camt.052.001.09"


def test_a_report_without_an_account_is_refused_naming_the_report(invalid_file):
    with pytest.raises(ParseError) as raised:
        camt052.parse(*invalid_file("camt052_report_without_account.xml"))

    assert raised.value.record == "Rpt 1 (line 5)"
    assert raised.value.field == "Rpt/Acct/Id/IBAN or Rpt/Acct/Id/Othr/Id"


def test_a_camt053_statement_is_not_read_as_a_report(valid_file):
    with pytest.raises(ParseError) as raised:
        camt052.parse(*valid_file("camt053_v02_andina_20260514.xml"))

    assert raised.value.expected == "the camt.052 namespace of version 001.02 to 001.08"
