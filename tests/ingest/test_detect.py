import pytest

from ingest.detect import detect_format
from ingest.errors import ParseError
from ingest.parsers import PARSERS


@pytest.mark.parametrize(
    ("file_name", "expected_format"),
    [
        ("camt053_v02_andina_20260514.xml", "camt053"),
        ("camt053_v08_datetimes.xml", "camt053"),
        ("mt940_davivienda_20260514.sta", "mt940"),
        ("camt052_v08_bancolombia_intraday.xml", "camt052"),
        ("camt054_v04_bancolombia_notification.xml", "camt054"),
        ("mt942_davivienda_20260515.fin", "mt942"),
        ("bai2_bancousa_20260514.bai2", "bai2"),
        ("ofx_v102_bancolombia_20260515.ofx", "ofx"),
        ("ofx_v211_bancousa_20260514.qfx", "ofx"),
        ("asobancaria_20098765432_20260514.txt", "asobancaria2001"),
        ("gateway_wompi_andina-ecommerce_20260514T0930.csv", "gateway_csv"),
        ("settlement_wompi_andina-ecommerce_20260514.csv", "gateway_csv"),
        ("customers_andina_20260430.csv", "billing_csv"),
        ("invoices_andina_20260514.csv", "billing_csv"),
        ("promises_andina_20260601.csv", "billing_csv"),
        ("agreements_andina_20260601.csv", "billing_csv"),
    ],
)
def test_every_valid_fixture_is_recognised_by_its_content(valid_file, file_name, expected_format):
    content, _ = valid_file(file_name)

    detected = detect_format(content, "renamed.dat")

    assert detected == expected_format
    assert detected in PARSERS


def test_an_mt940_inside_a_swift_envelope_is_recognised():
    content = b"{1:F01BANKCOBBAXXX0000000000}{2:O940}{4:\r\n:20:X\r\n:25:1\r\n-}"

    assert detect_format(content, "envelope.fin") == "mt940"


def test_an_interim_report_is_told_from_a_statement_by_its_floor_limit_and_missing_balance():
    report = b"\x01\r\n:20:X\r\n:25:1\r\n:28C:1/1\r\n:34F:COP0,\r\n:13D:2605151200-0500\r\n-\x03"
    statement = report.replace(b":34F:COP0,", b":60F:C260514COP0,00")

    assert detect_format(report, "report.sta") == "mt942"
    assert detect_format(statement, "statement.sta") == "mt940"


def test_ofx_without_any_header_is_recognised_by_its_root_element():
    assert detect_format(b"\r\n\r\n<OFX>\r\n<SIGNONMSGSRSV1>", "export.txt") == "ofx"


@pytest.mark.parametrize(
    ("file_name", "field", "found"),
    [
        (
            "pain002_payment_status_report.xml",
            "xmlns",
            "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03",
        ),
        ("unknown_format.txt", "format", "HEADER;STATEMENT;2026-05-14"),
        ("asobancaria_empty.txt", "file", "empty file (0 bytes)"),
    ],
)
def test_an_unknown_format_is_refused_with_what_the_file_starts_with(
    invalid_file, file_name, field, found
):
    with pytest.raises(ParseError) as raised:
        detect_format(*invalid_file(file_name))

    assert (raised.value.field, raised.value.found) == (field, found)
