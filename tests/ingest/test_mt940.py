from datetime import date
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers import mt940

DAVIVIENDA_STATEMENT = "mt940_davivienda_20260514.sta"


@pytest.fixture
def davivienda(valid_file):
    return mt940.parse(*valid_file(DAVIVIENDA_STATEMENT))


def test_each_statement_line_becomes_a_bank_line_numbered_by_its_line_in_the_file(davivienda):
    lines = davivienda.rows["bank_lines"]

    # Two blank lines open the file, so the first :61: sits on line 7.
    assert [line["record_number"] for line in lines] == [7, 11, 13]
    assert [(line["direction"], line["amount"]) for line in lines] == [
        ("credit", Decimal("1190000.00")),
        ("debit", Decimal("25000.50")),
        ("credit", Decimal("300000.00")),
    ]


def test_the_entry_reference_is_the_bank_reference_and_nonref_means_none(davivienda):
    lines = davivienda.rows["bank_lines"]

    assert [line["entry_reference"] for line in lines] == [
        "DAV0514000001",
        "DAV0514000002",
        None,
    ]


def test_a_cp1252_file_is_decoded_and_the_payer_is_read_from_the_line_above_its_account(
    davivienda,
):
    first = davivienda.rows["bank_lines"][0]

    assert first["counterparty_name"] == "COMERCIALIZADORA ÑANDÚ S.A.S."
    assert first["counterparty_account"] == "0012345678"
    assert first["remittance_text"] == (
        "COMERCIALIZADORA ÑANDÚ S.A.S. CTA 0012345678 PAGO FACTURA FEA-000123"
    )


def test_the_lines_of_a_long_86_text_are_joined_with_spaces_and_no_payer_is_guessed(davivienda):
    third = davivienda.rows["bank_lines"][2]

    assert third["remittance_text"] == (
        "ABONO FACTURA FEA-000130 CLIENTE HOTEL LOS ALMENDROS PAGO FEA-000131 SALDO NIT 900123456-8"
    )
    assert third["counterparty_name"] is None


def test_booking_date_is_the_entry_date_and_defaults_to_the_value_date(davivienda):
    lines = davivienda.rows["bank_lines"]

    assert all(line["value_date"] == date(2026, 5, 14) for line in lines)
    assert all(line["booking_date"] == date(2026, 5, 14) for line in lines)
    assert [line["bank_transaction_code"] for line in lines] == ["NTRF", "NCHG", "NTRF"]


def test_every_statement_block_gives_a_statement_row_that_ties(davivienda):
    first, second = davivienda.rows["bank_statements"]

    assert first == {
        "record_number": 3,
        "source_format": "mt940",
        "bank_account": "0550012345678",
        "statement_id": "DAV2026051400/00042/001",
        "currency": "COP",
        "opening_balance_date": date(2026, 5, 13),
        "opening_balance_amount": Decimal("5000000.00"),
        "closing_balance_date": date(2026, 5, 14),
        "closing_balance_amount": Decimal("6464999.50"),
        "entry_count": 3,
        "credit_total_amount": Decimal("1490000.00"),
        "debit_total_amount": Decimal("25000.50"),
        "balances_tie": True,
    }
    assert (second["statement_id"], second["entry_count"], second["balances_tie"]) == (
        "DAV2026051500/00043/001",
        0,
        True,
    )
    assert davivienda.owner_keys == (("bank_account", "0550012345678"),)


def test_a_closing_balance_that_does_not_follow_from_the_lines_loads_with_a_warning(
    valid_file,
):
    content, name = valid_file(DAVIVIENDA_STATEMENT)
    changed = content.replace(b":62F:C260514COP6464999,50", b":62F:C260514COP6465000,50")

    parsed = mt940.parse(changed, name)

    assert parsed.rows["bank_statements"][0]["balances_tie"] is False
    assert len(parsed.warnings) == 1
    assert "closing balance is 6465000.50 COP" in parsed.warnings[0]


@pytest.mark.parametrize(
    ("file_name", "record", "field", "found"),
    [
        # The library would read 5000 and stop at the letter O.
        ("mt940_amount_with_stray_letter.sta", "line 6", ":60F:", "C260513COP5000O00,00"),
        ("mt940_interim_report_without_balances.sta", "line 1", ":60F:", None),
        # cp850 and cp852 read these bytes as box-drawing pieces, not as letters.
        ("mt940_bytes_in_no_known_encoding.sta", "line 12", "encoding", "byte 81"),
    ],
)
def test_a_damaged_statement_is_refused_naming_the_line_and_field(
    invalid_file, file_name, record, field, found
):
    with pytest.raises(ParseError) as raised:
        mt940.parse(*invalid_file(file_name))

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        record,
        field,
        found,
    )


def test_a_file_without_any_statement_is_refused():
    with pytest.raises(ParseError) as raised:
        mt940.parse(b"ABNANL2A\r\n940\r\n", "header_only.sta")

    assert raised.value.field == ":20:"


def test_a_statement_inside_a_swift_envelope_reads_like_the_bare_statement(valid_file):
    content, name = valid_file(DAVIVIENDA_STATEMENT)
    enveloped = b"{1:F01DAVICOBBAXXX0000000000}{2:O940}{4:\r\n" + content.lstrip() + b"-}\r\n"

    bare = mt940.parse(content, name).rows["bank_lines"]
    wrapped = mt940.parse(enveloped, name).rows["bank_lines"]

    assert [line["amount"] for line in wrapped] == [line["amount"] for line in bare]
    assert [line["remittance_text"] for line in wrapped] == [
        line["remittance_text"] for line in bare
    ]


CP852_STATEMENT = "mt940_cp852_czech_payer_20260514.sta"


def test_a_statement_in_the_dos_code_page_cp852_keeps_czech_and_polish_letters(valid_file):
    parsed = mt940.parse(*valid_file(CP852_STATEMENT))

    first, _, third = parsed.rows["bank_lines"]
    assert first["counterparty_name"] == "MICHAŁ ČERMÁK DVOŘÁK"
    assert first["remittance_text"] == (
        "MICHAŁ ČERMÁK DVOŘÁK CTA 0012345678 PAGO FACTURA FEA-000123"
    )
    assert third["remittance_text"] == (
        "Úhrada faktury FEA-000130 Přibyl a syn, Žďár nad Sázavou FEA-000131 SALDO NIT 900123456-8"
    )


def test_the_cp852_fixture_is_not_utf8_and_reads_as_symbols_in_cp1252(valid_file):
    content, _ = valid_file(CP852_STATEMENT)

    # Guards the fixture itself: read as cp1252 the payer would be garbled, not refused.
    assert "MICHAŁ" not in content.decode("cp1252", errors="replace")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")


def test_a_statement_in_the_dos_code_page_cp850_keeps_spanish_letters(valid_file):
    content, name = valid_file(DAVIVIENDA_STATEMENT)
    in_cp850 = content.replace("ÑANDÚ".encode("cp1252"), "ÑANDÚ".encode("cp850")).replace(
        b"COMISION MANEJO", "COMISIÓN MANEJO".encode("cp850")
    )

    parsed = mt940.parse(in_cp850, name)

    first, second, _ = parsed.rows["bank_lines"]
    assert first["counterparty_name"] == "COMERCIALIZADORA ÑANDÚ S.A.S."
    assert second["remittance_text"] == "COMISIÓN MANEJO CUENTA"


def test_a_cp1252_statement_with_typographic_quotes_stays_cp1252(valid_file):
    content, name = valid_file(DAVIVIENDA_STATEMENT)
    quoted = content.replace(b"COMISION MANEJO", "“COMISIÓN” MANEJO".encode("cp1252"))

    parsed = mt940.parse(quoted, name)

    assert parsed.rows["bank_lines"][1]["remittance_text"] == "“COMISIÓN” MANEJO CUENTA"


def test_a_value_date_of_30_february_is_kept_as_text_and_not_read_as_another_day(valid_file):
    parsed = mt940.parse(*valid_file("mt940_february_30.sta"))

    [line] = [row for row in parsed.rows["bank_lines"] if row["record_number"] == 11]
    # The entry date 0514 still dates the booking, in the year the value date prints.
    assert (line["value_date"], line["booking_date"], line["date_issue"]) == (
        None,
        date(2026, 5, 14),
        ":61: value date '260230' is not a calendar date",
    )
    assert [(found.record, found.columns) for found in parsed.invalid_dates] == [
        ("line 11", ("value_date",))
    ]


def test_a_reversal_of_a_credit_takes_money_out_and_is_marked_as_a_reversal(valid_file):
    content, name = valid_file(DAVIVIENDA_STATEMENT)
    returned = content.replace(b":61:2605140514D25000,5NCHG", b":61:2605140514RC25000,5NRTI")

    parsed = mt940.parse(returned, name)

    assert [
        (line["direction"], line["amount"], line["is_reversal"])
        for line in parsed.rows["bank_lines"]
    ] == [
        ("credit", Decimal("1190000.00"), False),
        ("debit", Decimal("25000.50"), True),
        ("credit", Decimal("300000.00"), False),
    ]
    assert parsed.rows["bank_statements"][0]["balances_tie"] is True
