from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.gateway_layouts import load_layouts
from ingest.parsers import gateway_mapped_csv

WOMPI = "wompi_transactions_andina-ecommerce_20260514.csv"
PAYU = "payu_settlement_512321_20260515.csv"
EPAYCO = "epayco_transactions_andina_20260514.csv"


def test_wompi_amounts_in_cents_are_read_as_pesos_and_declined_rows_are_left_out(valid_file):
    parsed = gateway_mapped_csv.parse(*valid_file(WOMPI))

    first, second = parsed.rows["gateway_transactions"]
    assert first == {
        "record_number": 2,
        "gateway": "wompi",
        "merchant_account": "andina-ecommerce",
        "transaction_id": "12345-1778768100-10001",
        "transaction_type": "charge",
        "created_at": datetime(2026, 5, 14, 14, 15, tzinfo=UTC),
        "merchant_reference": "FEA-000140",
        "payment_method": "CARD",
        "payer_name": "Ana Gómez",
        "payer_email": "ana.gomez@example.com",
        "currency": "COP",
        # amount_in_cents 11900000, cents even for COP
        "gross_amount": Decimal("119000.00"),
        "fee_amount": None,
        "fee_tax_amount": None,
        "net_amount": None,
        "payout_id": None,
    }
    assert (second["record_number"], second["gross_amount"]) == (4, Decimal("50000.50"))
    assert parsed.warnings == [
        f"{WOMPI}: 1 of 3 rows not loaded: their status moves no money (layout wompi_transactions)"
    ]
    assert parsed.owner_keys == (("merchant_account", ("wompi", "andina-ecommerce")),)


def test_payu_net_is_gross_less_fee_its_vat_and_the_withholdings(valid_file):
    transactions = gateway_mapped_csv.parse(*valid_file(PAYU)).rows["gateway_transactions"]

    assert [
        (
            row["transaction_id"],
            row["transaction_type"],
            row["gross_amount"],
            row["fee_amount"],
            row["fee_tax_amount"],
            row["net_amount"],
        )
        for row in transactions
    ] == [
        # 119,000.00 - 4,120.10 - 782.82 - (1,500.00 + 2,850.00 + 414.00) withheld
        (
            "7f3a-0001",
            "charge",
            Decimal("119000.00"),
            Decimal("4120.10"),
            Decimal("782.82"),
            Decimal("109333.08"),
        ),
        (
            "7f3a-0002",
            "charge",
            Decimal("50000.00"),
            Decimal("1400.00"),
            Decimal("266.00"),
            Decimal("48334.00"),
        ),
        (
            "7f3a-0003",
            "refund",
            Decimal("20000.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("20000.00"),
        ),
    ]
    # 09:15 in Bogota, written day first without an offset
    assert transactions[0]["created_at"] == datetime(2026, 5, 14, 14, 15, tzinfo=UTC)


def test_payu_payout_is_checked_against_the_total_repeated_on_its_rows(valid_file):
    parsed = gateway_mapped_csv.parse(*valid_file(PAYU))

    assert parsed.rows["gateway_payouts"] == [
        {
            "record_number": 2,
            "gateway": "payu",
            "merchant_account": "512321",
            "payout_id": "LIQ-2026-0514",
            "payout_date": date(2026, 5, 15),
            "currency": "COP",
            # 109,333.08 + 48,334.00 - 20,000.00
            "payout_amount": Decimal("137667.08"),
            "transaction_count": 3,
        }
    ]


def test_epayco_loads_accepted_transactions_only(valid_file):
    parsed = gateway_mapped_csv.parse(*valid_file(EPAYCO))

    assert [
        (row["transaction_id"], row["merchant_reference"], row["gross_amount"])
        for row in parsed.rows["gateway_transactions"]
    ] == [("98765432", "FEA-000140", Decimal("119000.00"))]
    assert parsed.owner_keys == (("merchant_account", ("epayco", "P-88231")),)


@pytest.mark.parametrize(
    ("file_name", "record", "field", "found"),
    [
        (
            "payu_payout_is_not_the_net_of_its_transactions.csv",
            "line 2",
            "Valor liquidación",
            "137.677,08",
        ),
        ("payu_net_ignores_withholdings.csv", "line 2", "Valor neto", "114.097,08"),
        ("wompi_unknown_status.csv", "line 3", "status", "REFUNDED"),
        ("wompi_without_account_column.csv", "line 1", "header", "none"),
    ],
)
def test_an_export_that_does_not_add_up_or_falls_outside_its_layout_is_refused(
    invalid_file, file_name, record, field, found
):
    with pytest.raises(ParseError) as raised:
        gateway_mapped_csv.parse(*invalid_file(file_name))

    assert (raised.value.record, raised.value.field, raised.value.found) == (record, field, found)


def test_the_payout_error_names_the_payout_and_what_its_transactions_add_up_to(invalid_file):
    with pytest.raises(ParseError) as raised:
        gateway_mapped_csv.parse(
            *invalid_file("payu_payout_is_not_the_net_of_its_transactions.csv")
        )

    assert raised.value.expected == (
        "137667.08, the net of the 3 transactions of payout LIQ-2026-0514"
    )


def test_a_layout_added_to_the_configuration_reads_a_new_export_without_code(tmp_path, monkeypatch):
    layouts = tmp_path / "gateway_layouts.yml"
    layouts.write_text(
        """
layouts:
  bold_sales:
    gateway: bold
    identified_by: [Código venta, Monto venta]
    delimiter: ";"
    decimal_separator: ","
    timestamp_format: "%Y-%m-%d %H:%M"
    currency: COP
    columns:
      merchant_account: Comercio
      transaction_id: Código venta
      created_at: Fecha
      gross_amount: Monto venta
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("RECAUDO_GATEWAY_LAYOUTS", str(layouts))
    content = "Fecha;Código venta;Monto venta;Comercio\n2026-05-14 09:00;B-1;1.500,50;bold-1\n"

    parsed = gateway_mapped_csv.parse(content.encode("utf-8"), "ventas.csv")

    row = parsed.rows["gateway_transactions"][0]
    assert (row["gateway"], row["transaction_id"], row["currency"], row["gross_amount"]) == (
        "bold",
        "B-1",
        "COP",
        Decimal("1500.50"),
    )
    assert row["created_at"] == datetime(2026, 5, 14, 14, 0, tzinfo=UTC)


def test_a_layout_without_a_required_column_is_a_configuration_error_naming_it(tmp_path):
    layouts = tmp_path / "gateway_layouts.yml"
    layouts.write_text(
        "layouts:\n  broken:\n    gateway: x\n    identified_by: [a]\n    currency: COP\n"
        "    columns: {transaction_id: a, created_at: b, gross_amount: c}\n",
        encoding="utf-8",
    )

    with pytest.raises(ValueError, match=r"layout broken, key columns: .*merchant_account"):
        load_layouts(layouts)


def test_the_shipped_layouts_load_and_each_names_its_gateway():
    assert {layout.name: layout.gateway for layout in load_layouts()} == {
        "wompi_transactions": "wompi",
        "payu_settlement": "payu",
        "epayco_transactions": "epayco",
    }
