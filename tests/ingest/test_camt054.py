from datetime import date
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers import camt054

NOTIFICATION = "camt054_v04_bancolombia_notification.xml"


@pytest.fixture
def notification(valid_file):
    return camt054.parse(*valid_file(NOTIFICATION))


def test_a_notified_credit_keeps_its_creditor_reference_and_payer(notification):
    credit = notification.rows["bank_lines"][0]

    assert credit == {
        "record_number": 1,
        "source_format": "camt054",
        "bank_account": "10029384756",
        "statement_id": "BCOL-NTF-10029384756-0931",
        "entry_reference": "BCOL2026051500031",
        "booking_date": date(2026, 5, 15),
        "value_date": date(2026, 5, 15),
        "date_issue": None,
        "date_rule": None,
        "direction": "credit",
        "amount": Decimal("250000.00"),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": "PMNT-RCDT-DMCT",
        "counterparty_name": "COOPERATIVA LECHERA DEL NORTE",
        "counterparty_account": "0011223344",
        "end_to_end_id": "E2E-20260515-0031",
        "structured_reference": "RF71FEA000150",
        "remittance_text": None,
        "is_reversal": False,
    }


def test_an_entry_without_details_takes_its_text_from_the_entry(notification):
    fee = notification.rows["bank_lines"][1]

    assert (fee["direction"], fee["amount"], fee["remittance_text"], fee["value_date"]) == (
        "debit",
        Decimal("3570.00"),
        "COMISION TRANSFERENCIA RECIBIDA",
        None,
    )


def test_a_notification_row_counts_its_entries_and_states_no_balances(notification):
    assert notification.rows["bank_statements"] == [
        {
            "record_number": 1,
            "source_format": "camt054",
            "bank_account": "10029384756",
            "statement_id": "BCOL-NTF-10029384756-0931",
            "currency": "COP",
            "opening_balance_date": None,
            "opening_balance_amount": None,
            "closing_balance_date": None,
            "closing_balance_amount": None,
            "entry_count": 2,
            "credit_total_amount": Decimal("250000.00"),
            "debit_total_amount": Decimal("3570.00"),
            "balances_tie": None,
        }
    ]
    assert notification.warnings == []


@pytest.mark.parametrize(
    ("file_name", "record", "field", "found"),
    [
        ("camt054_notification.xml", "Document", "BkToCstmrDbtCdtNtfctn/Ntfctn", None),
        (
            "camt054_entry_in_other_currency.xml",
            "Ntfctn 1, Ntry 2 (line 14)",
            "Ntry/Amt/@Ccy",
            "USD",
        ),
    ],
)
def test_a_broken_notification_is_refused_naming_the_record_and_field(
    invalid_file, file_name, record, field, found
):
    with pytest.raises(ParseError) as raised:
        camt054.parse(*invalid_file(file_name))

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        record,
        field,
        found,
    )
