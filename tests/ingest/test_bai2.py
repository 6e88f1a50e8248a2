from datetime import date
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers import bai2

BANCOUSA = "bai2_bancousa_20260514.bai2"


@pytest.fixture
def bancousa(valid_file):
    return bai2.parse(*valid_file(BANCOUSA))


def test_a_detail_continued_by_88_records_is_one_line_with_all_its_text(bancousa):
    first = bancousa.rows["bank_lines"][0]

    assert first == {
        "record_number": 5,
        "source_format": "bai2",
        "bank_account": "4455667788",
        "statement_id": "BANCOUSA-20260514-4455667788",
        "entry_reference": "BR260514001",
        "booking_date": date(2026, 5, 14),
        "value_date": date(2026, 5, 14),
        "date_issue": None,
        "date_rule": None,
        "direction": "credit",
        "amount": Decimal("9000.00"),
        "currency": "USD",
        "status": "booked",
        "bank_transaction_code": "195",
        "counterparty_name": None,
        "counterparty_account": None,
        "end_to_end_id": None,
        "structured_reference": "FEA-000123",
        "remittance_text": (
            "PAGO FACTURA FEA-000123, NIT 860034313-7 ORIGINATOR INVERSIONES EL PORVENIR SAS"
        ),
        "is_reversal": None,
    }


def test_type_codes_give_the_direction_and_implied_decimals_give_the_cents(bancousa):
    lines = bancousa.rows["bank_lines"]

    assert [
        (line["bank_transaction_code"], line["direction"], line["amount"]) for line in lines
    ] == [
        ("195", "credit", Decimal("9000.00")),
        ("175", "credit", Decimal("2900.00")),
        ("475", "debit", Decimal("420.00")),
    ]


def test_a_value_dated_detail_keeps_its_value_date_and_customer_reference(bancousa):
    check = bancousa.rows["bank_lines"][1]

    assert (check["value_date"], check["structured_reference"], check["remittance_text"]) == (
        date(2026, 5, 15),
        "CHK1001",
        None,
    )


def test_each_account_of_a_group_gets_a_statement_row_with_its_ledger_balances(bancousa):
    usd, yen = bancousa.rows["bank_statements"]

    assert usd == {
        "record_number": 3,
        "source_format": "bai2",
        "bank_account": "4455667788",
        "statement_id": "BANCOUSA-20260514-4455667788",
        "currency": "USD",
        "opening_balance_date": date(2026, 5, 14),
        "opening_balance_amount": Decimal("15000.00"),
        "closing_balance_date": date(2026, 5, 14),
        "closing_balance_amount": Decimal("26480.00"),
        "entry_count": 3,
        "credit_total_amount": Decimal("11900.00"),
        "debit_total_amount": Decimal("420.00"),
        "balances_tie": True,
    }
    # Yen have no minor unit: 500000 in the file is 500000 yen, not 5000.00.
    assert (yen["currency"], yen["opening_balance_amount"], yen["entry_count"]) == (
        "JPY",
        Decimal("500000.00"),
        0,
    )
    assert bancousa.owner_keys == (
        ("bank_account", "4455667788"),
        ("bank_account", "4455660000"),
    )
    assert bancousa.warnings == []


def test_a_blank_account_control_total_loads_with_a_warning_and_the_group_total_still_counts(
    valid_file,
):
    content, name = valid_file(BANCOUSA)

    parsed = bai2.parse(content.replace(b"49,6612000,7/", b"49,,7/"), name)

    assert len(parsed.rows["bank_lines"]) == 3
    assert parsed.warnings == [
        f"{name}: line 9: the account trailer has a blank control total; its amounts add up "
        "to 6612000 and load unchecked by it"
    ]


def test_a_closing_ledger_that_does_not_follow_from_the_details_loads_with_a_warning(
    valid_file,
):
    content, name = valid_file(BANCOUSA)
    # The account and group control totals include the summary amounts, so they move too.
    changed = (
        content.replace(b"015,2648000", b"015,2648100")
        .replace(b"49,6612000", b"49,6612100")
        .replace(b"98,7612000", b"98,7612100")
        .replace(b"99,7612000", b"99,7612100")
    )

    parsed = bai2.parse(changed, name)

    assert parsed.rows["bank_statements"][0]["balances_tie"] is False
    assert parsed.warnings == [
        f"{name}: account statement BANCOUSA-20260514-4455667788 does not tie: opening "
        "15000.00 + credits 11900.00 - debits 420.00 = 26480.00, but the closing ledger "
        "balance is 26481.00"
    ]


def test_a_dinar_amount_with_a_tenth_of_a_cent_is_refused_not_rounded(valid_file):
    content, name = valid_file(BANCOUSA)

    with pytest.raises(ParseError) as raised:
        bai2.parse(
            content.replace(b"03,4455660000,JPY,010,500000", b"03,4455660000,KWD,010,500001"),
            name,
        )

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        "line 10",
        "03 summary 010",
        "500001",
    )


@pytest.mark.parametrize(
    ("file_name", "record", "field", "found"),
    [
        # One 16 record went missing: the trailer counted seven records, five arrived.
        ("bai2_detail_lost_in_transit.bai2", "line 7", "49 number of records", "7"),
        ("bai2_group_control_total_off_by_one_cent.bai2", "line 6", "98 control total", "4800001"),
        ("bai2_status_code_as_detail.bai2", "line 4", "16 type code", "015"),
        ("bai2_deletion_group.bai2", "line 2", "02 group status", "2"),
    ],
)
def test_a_damaged_file_is_refused_naming_the_line_and_field(
    invalid_file, file_name, record, field, found
):
    with pytest.raises(ParseError) as raised:
        bai2.parse(*invalid_file(file_name))

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        record,
        field,
        found,
    )


def test_a_record_out_of_place_is_refused_naming_what_was_expected():
    content = b"01,B,A,260515,0600,1,,,2/\n03,4455667788,USD/\n"

    with pytest.raises(ParseError) as raised:
        bai2.parse(content, "no_group.bai2")

    assert (raised.value.record, raised.value.expected) == ("line 2", "02 after a 01 record")


def test_a_file_cut_before_its_trailer_is_refused(valid_file):
    content, name = valid_file(BANCOUSA)
    cut = content[: content.index(b"98,")]

    with pytest.raises(ParseError) as raised:
        bai2.parse(cut, name)

    assert (raised.value.record, raised.value.expected, raised.value.found) == (
        "line 11",
        "a file trailer 99",
        "end of file",
    )
