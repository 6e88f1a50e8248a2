"""Bank statement exports in CSV or XLSX, read through the layouts of config/bank_layouts.yml."""

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from ingest.bank_layouts import load_layouts
from ingest.config import PROJECT_ROOT
from ingest.detect import detect_format
from ingest.errors import ParseError
from ingest.parsers import bank_mapped

BANCOLOMBIA_EXPORT = "bank_bancolombia_10029384756_20260515.csv"
BOGOTA_EXPORT = "bank_bogota_0550012345678_20260515.csv"
DAVIVIENDA_HEADER = [
    "Número de cuenta",
    "Fecha",
    "Descripción",
    "Referencia",
    "Nombre del originador",
    "Débitos",
    "Créditos",
    "Saldo",
]


def davivienda_workbook(rows: list[list]) -> bytes:
    """A workbook whose Movimientos sheet has a two-row title block above DAVIVIENDA_HEADER."""
    book = openpyxl.Workbook()
    book.active.title = "Resumen"
    book.active.append(["Consulta de movimientos"])
    sheet = book.create_sheet("Movimientos")
    sheet.append(["Banco Davivienda - Movimientos de la cuenta"])
    sheet.append(["Generado el 16/05/2026 07:10"])
    sheet.append(DAVIVIENDA_HEADER)
    for row in rows:
        sheet.append(row)
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


DAVIVIENDA_ROWS = [
    [
        "0550012345678",
        datetime(2026, 5, 14),
        "ABONO ACH FEA-000230",
        "ACH778812",
        "HOTEL LOS ALMENDROS LTDA",
        None,
        "1.190.000,00",
        "6.190.000,00",
    ],
    ["0550012345678", "15/05/2026", "GMF 4X1000", None, None, "4.760,00", "0,00", "6.185.240,00"],
    ["0550012345678", "15/05/2026", "ABONO PSE", "PSE-55", None, None, 250000.5, 6435240.5],
]


def test_a_latin1_export_keeps_its_accents_and_reads_signed_amounts_with_a_decimal_point(
    valid_file,
):
    parsed = bank_mapped.parse(*valid_file(BANCOLOMBIA_EXPORT))

    lines = parsed.rows["bank_lines"]
    assert lines[1] == {
        "record_number": 3,
        "source_format": "bank_mapped",
        "bank_account": "10029384756",
        "statement_id": "10029384756/2026-05-14/2026-05-15",
        "entry_reference": None,
        "booking_date": date(2026, 5, 15),
        "value_date": None,
        "date_issue": None,
        "date_rule": None,
        "direction": "credit",
        "amount": Decimal("2380000.00"),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": None,
        "counterparty_name": None,
        "counterparty_account": None,
        "end_to_end_id": None,
        "structured_reference": None,
        "remittance_text": "ABONO TRANSFERENCIA JOSÉ MARÍA PEÑA FEA-000210",
        "is_reversal": None,
    }
    assert [(line["direction"], line["amount"], line["entry_reference"]) for line in lines] == [
        ("debit", Decimal("1250000.50"), "0000871"),
        ("credit", Decimal("2380000.00"), None),
        ("credit", Decimal("1190000.00"), "0000870"),
        ("debit", Decimal("12500.00"), None),
    ]
    assert parsed.owner_keys == (("bank_account", "10029384756"),)
    assert parsed.warnings == []


def test_an_export_newest_first_opens_before_its_oldest_movement_and_closes_after_its_newest(
    valid_file,
):
    parsed = bank_mapped.parse(*valid_file(BANCOLOMBIA_EXPORT))

    assert parsed.rows["bank_statements"] == [
        {
            "record_number": 2,
            "source_format": "bank_mapped",
            "bank_account": "10029384756",
            "statement_id": "10029384756/2026-05-14/2026-05-15",
            "currency": "COP",
            "opening_balance_date": date(2026, 5, 14),
            "opening_balance_amount": Decimal("16632500.50"),
            "closing_balance_date": date(2026, 5, 15),
            "closing_balance_amount": Decimal("18940000.00"),
            "entry_count": 4,
            "credit_total_amount": Decimal("3570000.00"),
            "debit_total_amount": Decimal("1262500.50"),
            "balances_tie": True,
        }
    ]


def test_a_balance_that_does_not_follow_from_the_one_before_loads_untied_with_a_warning(
    valid_file,
):
    parsed = bank_mapped.parse(*valid_file("bank_bancolombia_balance_does_not_follow.csv"))

    assert [statement["balances_tie"] for statement in parsed.rows["bank_statements"]] == [False]
    assert parsed.warnings == [
        "bank_bancolombia_balance_does_not_follow.csv: statement "
        "10029384756/2026-05-14/2026-05-15 does not tie: line 4 states a balance of "
        "17801000.50, but the balance before it (16620000.50) and its movement (1190000.00) "
        "give 17810000.50"
    ]


def test_an_indicator_export_reads_a_decimal_comma_with_thousands_dots_and_any_case_of_value(
    valid_file,
):
    parsed = bank_mapped.parse(*valid_file(BOGOTA_EXPORT))

    lines = parsed.rows["bank_lines"]
    assert [
        (line["direction"], line["amount"], line["value_date"], line["bank_transaction_code"])
        for line in lines
    ] == [
        ("credit", Decimal("1500000.00"), date(2026, 5, 15), "TRF"),
        ("debit", Decimal("8500.00"), date(2026, 5, 16), "CHG"),
        ("credit", Decimal("750000.50"), None, "TRF"),
    ]
    assert lines[0]["counterparty_account"] == "007-1234567-89"
    assert lines[1]["remittance_text"] == "COMISIÓN TRANSFERENCIA"
    # No balance column: lines only.
    assert parsed.rows["bank_statements"] == []
    assert parsed.owner_keys == (("bank_account", "0550012345678"),)


def test_a_workbook_below_a_title_block_reads_debit_and_credit_columns_with_a_decimal_comma():
    parsed = bank_mapped.parse(davivienda_workbook(DAVIVIENDA_ROWS), "movimientos.xlsx")

    lines = parsed.rows["bank_lines"]
    assert [
        (
            line["record_number"],
            line["booking_date"],
            line["direction"],
            line["amount"],
            line["entry_reference"],
            line["counterparty_name"],
        )
        for line in lines
    ] == [
        (
            4,
            date(2026, 5, 14),
            "credit",
            Decimal("1190000.00"),
            "ACH778812",
            "HOTEL LOS ALMENDROS LTDA",
        ),
        (5, date(2026, 5, 15), "debit", Decimal("4760.00"), None, None),
        (6, date(2026, 5, 15), "credit", Decimal("250000.50"), "PSE-55", None),
    ]
    [statement] = parsed.rows["bank_statements"]
    assert (
        statement["opening_balance_amount"],
        statement["closing_balance_amount"],
        statement["balances_tie"],
    ) == (Decimal("5000000.00"), Decimal("6435240.50"), True)


def test_a_row_with_both_a_debit_and_a_credit_is_refused_naming_both_columns():
    rows = [["0550012345678", "15/05/2026", "AJUSTE", None, None, "10,00", "10,00", "5,00"]]

    with pytest.raises(ParseError) as raised:
        bank_mapped.parse(davivienda_workbook(rows), "movimientos.xlsx")

    assert str(raised.value) == (
        "movimientos.xlsx: record sheet Movimientos row 4, field Débitos/Créditos: expected an "
        "amount in exactly one of Débitos and Créditos, found 'Débitos 10.00, Créditos 10.00'"
    )


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        (
            "bank_bancolombia_february_31.csv",
            "bank_bancolombia_february_31.csv: record line 4, field FECHA: expected a date as "
            "%d/%m/%Y, such as 14/05/2026 (layout bancolombia_movimientos_csv), "
            "found '31/02/2026'",
        ),
        (
            "bank_bancolombia_amount_with_a_decimal_comma.csv",
            "bank_bancolombia_amount_with_a_decimal_comma.csv: record line 3, field VALOR: "
            "expected an amount written as 1,234,567.89 (layout bancolombia_movimientos_csv), "
            "found '2.380.000,00'",
        ),
        (
            "bank_bogota_unknown_indicator.csv",
            "bank_bogota_unknown_indicator.csv: record line 3, field Naturaleza: expected one "
            "of the indicator values C (credit), CR (credit), D (debit), DB (debit) "
            "(layout bogota_movimientos_csv), found 'X'",
        ),
        (
            "bank_bogota_row_without_account.csv",
            "bank_bogota_row_without_account.csv: record line 4, field Cuenta: expected the "
            "account the movement belongs to, found 'nothing'",
        ),
    ],
)
def test_a_value_the_layout_cannot_read_refuses_the_file_naming_row_column_and_expectation(
    invalid_file, fixture, message
):
    with pytest.raises(ParseError) as raised:
        bank_mapped.parse(*invalid_file(fixture))

    assert str(raised.value) == message


def test_exports_are_recognised_by_their_declared_header_whatever_their_name(valid_file):
    bancolombia, _ = valid_file(BANCOLOMBIA_EXPORT)
    bogota, _ = valid_file(BOGOTA_EXPORT)

    assert detect_format(bancolombia, "movimientos.txt") == "bank_mapped"
    assert detect_format(bogota, "export") == "bank_mapped"
    assert detect_format(davivienda_workbook(DAVIVIENDA_ROWS), "x.bin") == "bank_mapped"


def test_a_header_missing_one_declared_column_is_not_taken_for_a_bank_export(valid_file):
    content, _ = valid_file(BANCOLOMBIA_EXPORT)
    without_balance = content.replace(b";SALDO\r\n", b";SALDO_FINAL\r\n", 1)

    with pytest.raises(ParseError) as raised:
        detect_format(without_balance, "movimientos.csv")

    assert raised.value.field == "format"


def test_a_layout_without_the_amount_columns_of_its_sign_convention_is_refused(tmp_path):
    layouts_file = tmp_path / "bank_layouts.yml"
    layouts_file.write_text(
        """
layouts:
  - layout_id: half_declared
    date_format: "%d/%m/%Y"
    decimal_separator: ","
    sign_convention: debit_credit_columns
    bank_account: "123"
    currency: COP
    columns:
      booking_date: Fecha
      debit_amount: Debe
""",
        encoding="utf-8",
    )

    with pytest.raises(ParseError) as raised:
        load_layouts(layouts_file)

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        "layout half_declared",
        "columns",
        "['credit_amount']",
    )


def test_the_deployment_s_bank_layouts_file_declares_three_distinct_conventions():
    layouts = load_layouts(PROJECT_ROOT / "config" / "bank_layouts.yml")

    assert [(layout.layout_id, layout.file_type, layout.sign_convention) for layout in layouts] == [
        ("bancolombia_movimientos_csv", "csv", "signed_amount"),
        ("davivienda_movimientos_xlsx", "xlsx", "debit_credit_columns"),
        ("bogota_movimientos_csv", "csv", "amount_and_indicator"),
    ]
