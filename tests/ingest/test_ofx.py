from datetime import date
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers import ofx

SGML_STATEMENT = "ofx_v102_bancolombia_20260515.ofx"
XML_STATEMENTS = "ofx_v211_bancousa_20260514.qfx"


@pytest.fixture
def sgml(valid_file):
    return ofx.parse(*valid_file(SGML_STATEMENT))


@pytest.fixture
def xml(valid_file):
    return ofx.parse(*valid_file(XML_STATEMENTS))


def test_an_sgml_transaction_becomes_a_line_keyed_by_its_fitid(sgml):
    credit = sgml.rows["bank_lines"][0]

    assert credit == {
        "record_number": 39,
        "source_format": "ofx",
        "bank_account": "10029384756",
        "statement_id": "10029384756/2026-05-14/2026-05-15",
        "entry_reference": "BCOL-OFX-0001",
        "booking_date": date(2026, 5, 14),
        "value_date": date(2026, 5, 15),
        "date_issue": None,
        "date_rule": None,
        "direction": "credit",
        "amount": Decimal("1190000.00"),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": "CREDIT",
        "counterparty_name": "COMERCIALIZADORA ÑANDÚ SAS",
        "counterparty_account": None,
        "end_to_end_id": None,
        "structured_reference": None,
        "remittance_text": "PAGO FACTURA FEA-000123",
        "is_reversal": None,
    }


def test_a_posting_at_2330_bogota_time_keeps_its_bogota_date(sgml):
    # 23:30 at -5 is 04:30 UTC the next day, which is the date ofxparse itself would give.
    assert sgml.rows["bank_lines"][0]["booking_date"] == date(2026, 5, 14)


def test_a_transaction_with_an_empty_name_is_kept_with_its_sign_as_the_direction(sgml):
    fee = sgml.rows["bank_lines"][1]

    assert (fee["entry_reference"], fee["direction"], fee["amount"], fee["counterparty_name"]) == (
        "BCOL-OFX-0002",
        "debit",
        Decimal("3570.00"),
        None,
    )


def test_the_ledger_balance_is_the_closing_balance_and_nothing_is_said_to_tie(sgml):
    assert sgml.rows["bank_statements"] == [
        {
            "record_number": 29,
            "source_format": "ofx",
            "bank_account": "10029384756",
            "statement_id": "10029384756/2026-05-14/2026-05-15",
            "currency": "COP",
            "opening_balance_date": None,
            "opening_balance_amount": None,
            "closing_balance_date": date(2026, 5, 15),
            "closing_balance_amount": Decimal("11186430.50"),
            "entry_count": 2,
            "credit_total_amount": Decimal("1190000.00"),
            "debit_total_amount": Decimal("3570.00"),
            "balances_tie": None,
        }
    ]
    assert sgml.warnings == []


def test_an_xml_file_with_a_bank_and_a_card_statement_gives_a_row_and_an_owner_for_each(xml):
    statements = xml.rows["bank_statements"]

    assert [(row["bank_account"], row["entry_count"]) for row in statements] == [
        ("4455667788", 1),
        ("4111000011112222", 1),
    ]
    assert statements[1]["closing_balance_amount"] == Decimal("-45.99")
    assert xml.owner_keys == (
        ("bank_account", "4455667788"),
        ("bank_account", "4111000011112222"),
    )


def test_utf8_names_of_an_xml_file_are_read_whole(xml):
    assert xml.rows["bank_lines"][0]["counterparty_name"] == "José Peña Importaciones"


def test_a_blank_ledger_balance_loads_the_statement_without_one_and_warns(xml):
    bank = xml.rows["bank_statements"][0]

    assert (bank["closing_balance_amount"], bank["closing_balance_date"]) == (None, None)
    assert xml.warnings == [
        f"{XML_STATEMENTS}: STMTRS 1 (line 16): blank ledger balance; the statement loads "
        "without a closing balance"
    ]


def test_a_file_without_the_ofx_header_reads_like_one_with_it(valid_file):
    content, name = valid_file(SGML_STATEMENT)
    headerless = content[content.index(b"<OFX>") :]

    lines = ofx.parse(headerless, name).rows["bank_lines"]

    assert [(line["entry_reference"], line["counterparty_name"]) for line in lines] == [
        ("BCOL-OFX-0001", "COMERCIALIZADORA ÑANDÚ SAS"),
        ("BCOL-OFX-0002", None),
    ]


@pytest.mark.parametrize(
    ("file_name", "field", "found"),
    [
        ("ofx_amount_below_one_cent.ofx", "TRNAMT", "1190000.005"),
    ],
)
def test_a_broken_transaction_is_refused_naming_it(invalid_file, file_name, field, found):
    with pytest.raises(ParseError) as raised:
        ofx.parse(*invalid_file(file_name))

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        "STMTRS 1, STMTTRN 1 (line 39)",
        field,
        found,
    )


def test_a_fitid_given_to_two_transactions_keeps_both_and_warns_naming_both(valid_file):
    parsed = ofx.parse(*valid_file("ofx_fitid_used_twice.ofx"))

    lines = parsed.rows["bank_lines"]
    assert [(line["entry_reference"], line["amount"], line["record_number"]) for line in lines] == [
        ("BCOL-OFX-0001", Decimal("1190000.00"), 39),
        ("BCOL-OFX-0001", Decimal("250000.00"), 46),
    ]
    assert parsed.rows["bank_statements"][0]["entry_count"] == 2
    [warning] = parsed.warnings
    assert "FITID BCOL-OFX-0001" in warning
    assert "STMTRS 1, STMTTRN 1 (line 39)" in warning
    assert "STMTRS 1, STMTTRN 2 (line 46)" in warning


def test_a_transaction_without_a_fitid_is_refused_since_it_could_load_twice(valid_file):
    content, name = valid_file(SGML_STATEMENT)

    with pytest.raises(ParseError) as raised:
        ofx.parse(content.replace(b"<FITID>BCOL-OFX-0002", b"<FITID>"), name)

    assert (raised.value.record, raised.value.field) == ("STMTRS 1, STMTTRN 2 (line 48)", "FITID")


def test_a_transaction_in_another_currency_than_the_statement_is_refused(valid_file):
    content, name = valid_file(SGML_STATEMENT)
    in_dollars = content.replace(
        b"<MEMO>COMISION TRANSFERENCIA", b"<MEMO>COMISION<CURRENCY><CURRATE>1<CURSYM>USD</CURRENCY>"
    )

    with pytest.raises(ParseError) as raised:
        ofx.parse(in_dollars, name)

    assert (raised.value.field, raised.value.found) == ("CURRENCY/CURSYM", "USD")
