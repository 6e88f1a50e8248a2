import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml

from ingest.config import PROJECT_ROOT
from ingest.detect import detect_format
from ingest.errors import ParseError
from ingest.invoice_layouts import load_layouts
from ingest.parsers import invoices_mapped

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
LAYOUTS_FILE = FIXTURES / "invoice_layouts.yml"
ERP_EXPORT = "invoices_mapped_andina_erp_20260516.csv"
SHEET_HEADER = ["Documento", "Clase", "Factura origen", "Cliente", "Emision", "Impuesto", "Total"]


@pytest.fixture
def layouts():
    return load_layouts(LAYOUTS_FILE)


@pytest.fixture
def fixture_layouts_file(monkeypatch):
    """Detection reads the layouts file the environment names, as a deployment would."""
    monkeypatch.setenv("RECAUDO_INVOICE_LAYOUTS", str(LAYOUTS_FILE))


def workbook(rows: list[list], sheet: str = "Facturas") -> bytes:
    """An XLSX whose first sheet is a summary, with `rows` under SHEET_HEADER on `sheet`."""
    book = openpyxl.Workbook()
    book.active.title = "Resumen"
    book.active.append(["Ventas de mayo"])
    data = book.create_sheet(sheet)
    data.append([*SHEET_HEADER, "Anticipo"])
    for row in rows:
        data.append(row)
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def test_an_es_co_export_reads_amounts_with_dot_thousands_and_comma_decimals(valid_file, layouts):
    parsed = invoices_mapped.parse(*valid_file(ERP_EXPORT), layouts)

    invoices = parsed.rows["invoices"]
    assert invoices[0] == {
        "record_number": 2,
        "document_id": "FV-1001",
        "document_type": "invoice",
        "related_document_id": None,
        "customer_id": "C0001",
        "issue_date": date(2026, 5, 14),
        "due_date": date(2026, 6, 13),
        "currency": "COP",
        "net_amount": Decimal("1000000.00"),
        "tax_amount": Decimal("190000.00"),
        "total_amount": Decimal("1190000.00"),
        "prepaid_amount": None,
        "payment_reference": "RF18FEA001001",
        "collection_reference": None,
        "document_uuid": None,
        "related_document_uuid": None,
    }
    assert parsed.owner_keys == (("company_tax_id", "900417352"),)
    assert parsed.warnings == []


def test_a_credit_note_printed_negative_is_loaded_positive_without_a_warning(valid_file, layouts):
    parsed = invoices_mapped.parse(*valid_file(ERP_EXPORT), layouts)

    credit_note = parsed.rows["invoices"][1]
    assert (
        credit_note["document_type"],
        credit_note["related_document_id"],
        credit_note["net_amount"],
        credit_note["tax_amount"],
        credit_note["total_amount"],
    ) == ("credit_note", "FV-1001", Decimal("100000.00"), Decimal("19000.00"), Decimal("119000.00"))
    assert parsed.warnings == []


def test_prepaid_amounts_keep_their_sign_whole_or_negative(valid_file, layouts):
    invoices = invoices_mapped.parse(*valid_file(ERP_EXPORT), layouts).rows["invoices"]

    assert [
        (row["document_id"], row["total_amount"], row["prepaid_amount"]) for row in invoices[2:]
    ] == [
        ("FV-1002", Decimal("2975000.60"), Decimal("2975000.60")),
        ("ND-0003", Decimal("59500.00"), Decimal("-10000.00")),
    ]


def test_an_export_with_only_its_header_still_belongs_to_the_layout_s_company(layouts):
    parsed = invoices_mapped.parse(workbook([]), "ventas_vacias.xlsx", layouts)

    assert (parsed.rows, parsed.owner_keys) == (
        {"invoices": []},
        (("company_tax_id", "901238554"),),
    )


def test_a_spreadsheet_reads_date_and_number_cells_and_text_amounts(layouts):
    content = workbook(
        [
            ["PF-77", "Factura", None, "K-09", datetime(2026, 5, 14), 190000, 1190000.0, None],
            [None] * 8,
            # A cached formula result carries binary noise past the cent.
            [1001, "factura", None, "K-10", "2026-05-21", 0.1 + 0.2, 1.3 + 2e-16, 1.3],
            ["PN-3", "Nota credito", "PF-77", "K-09", date(2026, 5, 20), "3,800.00", "23,800.00"],
        ]
    )

    parsed = invoices_mapped.parse(content, "ventas_mayo.xlsx", layouts)

    assert [
        (
            row["record_number"],
            row["document_id"],
            row["document_type"],
            row["issue_date"],
            row["due_date"],
            row["net_amount"],
            row["tax_amount"],
            row["total_amount"],
            row["prepaid_amount"],
        )
        for row in parsed.rows["invoices"]
    ] == [
        (2, "PF-77", "invoice", date(2026, 5, 14), date(2026, 6, 13),
         Decimal("1000000.00"), Decimal("190000.00"), Decimal("1190000.00"), None),
        (4, "1001", "invoice", date(2026, 5, 21), date(2026, 6, 20),
         Decimal("1.00"), Decimal("0.30"), Decimal("1.30"), Decimal("1.30")),
        (5, "PN-3", "credit_note", date(2026, 5, 20), date(2026, 6, 19),
         Decimal("20000.00"), Decimal("3800.00"), Decimal("23800.00"), None),
    ]  # fmt: skip
    assert parsed.owner_keys == (("company_tax_id", "901238554"),)


def test_a_negative_invoice_in_a_positive_layout_becomes_a_credit_note_with_a_warning(layouts):
    content = workbook([["PF-80", "Factura", None, "K-09", date(2026, 5, 22), -19000, -119000]])

    parsed = invoices_mapped.parse(content, "ventas.xlsx", layouts)

    (row,) = parsed.rows["invoices"]
    assert (row["document_type"], row["total_amount"]) == ("credit_note", Decimal("119000.00"))
    assert parsed.warnings == [
        "ventas.xlsx: sheet Facturas row 2: invoice PF-80 has a negative total -119000.00; "
        "loaded as credit_note with total 119000.00"
    ]


def test_a_spreadsheet_amount_that_is_not_a_cent_amount_is_refused(layouts):
    content = workbook([["PF-81", "Factura", None, "K-09", date(2026, 5, 22), 19000, 119000.005]])

    with pytest.raises(ParseError) as raised:
        invoices_mapped.parse(content, "ventas.xlsx", layouts)

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        "sheet Facturas row 2",
        "Total",
        "119000.005",
    )


@pytest.mark.parametrize(
    ("file_name", "record", "field", "found"),
    [
        ("invoices_mapped_amount_with_a_decimal_point.csv", "line 2", "Total", "1190000.00"),
        ("invoices_mapped_credit_note_printed_positive.csv", "line 3", "Total", "119000.00"),
        ("invoices_mapped_unknown_document_type.csv", "line 2", "Tipo", "RC"),
        ("invoices_mapped_date_as_iso.csv", "line 2", "Fecha", "2026-05-14"),
    ],
)
def test_a_value_the_layout_does_not_describe_is_refused_naming_line_and_column(
    invalid_file, layouts, file_name, record, field, found
):
    with pytest.raises(ParseError) as raised:
        invoices_mapped.parse(*invalid_file(file_name), layouts)

    assert (raised.value.record, raised.value.field, raised.value.found) == (record, field, found)


def test_an_amount_error_shows_the_layout_s_number_format(invalid_file, layouts):
    with pytest.raises(ParseError) as raised:
        invoices_mapped.parse(
            *invalid_file("invoices_mapped_amount_with_a_decimal_point.csv"), layouts
        )

    assert raised.value.expected == "an amount written as 1.234.567,89 (layout andina_erp_csv)"


def test_mapped_exports_are_recognised_by_their_header_in_their_own_encoding(
    valid_file, fixture_layouts_file
):
    csv_content, _ = valid_file(ERP_EXPORT)
    xlsx_content = workbook([])

    assert detect_format(csv_content, "export.txt") == "invoices_mapped"
    assert detect_format(xlsx_content, "export.bin") == "invoices_mapped"


def test_a_spreadsheet_without_the_layout_s_sheet_is_not_taken_for_an_invoice_export(
    fixture_layouts_file,
):
    with pytest.raises(ParseError) as raised:
        detect_format(workbook([], sheet="Hoja1"), "libro.xlsx")

    assert raised.value.field == "format"


def test_a_header_no_layout_matches_is_refused_listing_the_layouts(layouts):
    content = "Factura;Valor\nF-1;100\n".encode("cp1252")

    with pytest.raises(ParseError) as raised:
        invoices_mapped.parse(content, "otro.csv", layouts)

    assert raised.value.expected == (
        "the columns of a layout in config/invoice_layouts.yml "
        "(andina_erp_csv, pacifico_sales_xlsx)"
    )


def test_the_deployment_s_layouts_file_is_valid():
    layouts = load_layouts(PROJECT_ROOT / "config" / "invoice_layouts.yml")

    assert [layout.layout_id for layout in layouts] == ["andina_erp_csv", "pacifico_sales_xlsx"]


@pytest.mark.parametrize(
    ("change", "setting", "found"),
    [
        ({"sign_convention": "signed"}, "sign_convention", "signed"),
        ({"date_format": "%d/%m"}, "date_format", "%d/%m"),
        ({"decimal_separator": ";"}, "decimal_separator", ";"),
        ({"encoding": "latin-9x"}, "encoding", "latin-9x"),
        ({"document_types": {"FV": "bill"}}, "document_types", "['bill']"),
        ({"columns": {"document_id": "N", "issue_date": "F"}}, "columns", None),
    ],
)
def test_a_layout_with_a_wrong_setting_is_refused_naming_file_layout_and_setting(
    tmp_path, change, setting, found
):
    layout = {
        "layout_id": "broken",
        "date_format": "%d/%m/%Y",
        "decimal_separator": ",",
        "thousands_separator": ".",
        "sign_convention": "positive",
        "company_tax_id": "900417352-3",
        "default_currency": "COP",
        "columns": {
            "document_id": "N",
            "customer_id": "C",
            "issue_date": "F",
            "total_amount": "T",
            "tax_amount": "I",
        },
        **change,
    }
    path = tmp_path / "invoice_layouts.yml"
    path.write_text(yaml.safe_dump({"layouts": [layout]}), encoding="utf-8")

    with pytest.raises(ParseError) as raised:
        load_layouts(path)

    assert (raised.value.file_name, raised.value.record, raised.value.field) == (
        str(path),
        "layout broken",
        setting,
    )
    if found is not None:
        assert raised.value.found == found
