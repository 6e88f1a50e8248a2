import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers import mercadopago

REPORT = "mercadopago_release_report_andina_20260514.csv"


def test_a_released_payment_is_a_charge_whose_withholding_stays_out_of_the_fee(valid_file):
    parsed = mercadopago.parse(*valid_file(REPORT))

    assert parsed.rows["gateway_transactions"][0] == {
        "record_number": 3,
        "gateway": "mercadopago",
        "merchant_account": "1234567890",
        "transaction_id": "51234567001",
        "transaction_type": "charge",
        "created_at": datetime(2026, 5, 13, 15, 20, tzinfo=UTC),
        "merchant_reference": "FEA-000140",
        "payment_method": "visa",
        "payer_name": None,
        "payer_email": None,
        # No CURRENCY column: Mercado Pago Colombia reports in COP.
        "currency": "COP",
        "gross_amount": Decimal("119000.00"),
        "fee_amount": Decimal("4450.00"),
        "fee_tax_amount": Decimal("0.00"),
        # 119,000 - 4,450 fee - 1,000 withheld (TAXES_AMOUNT)
        "net_amount": Decimal("113550.00"),
        "payout_id": "99887766",
    }
    assert parsed.owner_keys == (("merchant_account", ("mercadopago", "1234567890")),)


def test_refund_chargeback_and_shipping_share_the_operation_id_with_their_description(
    valid_file,
):
    transactions = mercadopago.parse(*valid_file(REPORT)).rows["gateway_transactions"]

    assert [
        (
            row["record_number"],
            row["transaction_id"],
            row["transaction_type"],
            row["gross_amount"],
            row["fee_amount"],
            row["net_amount"],
        )
        for row in transactions[2:]
    ] == [
        (
            5,
            "51234567001-refund",
            "refund",
            Decimal("20000.00"),
            Decimal("0.00"),
            Decimal("20000.00"),
        ),
        (
            7,
            "51234567003-chargeback",
            "chargeback",
            Decimal("60000.00"),
            Decimal("0.00"),
            Decimal("60000.00"),
        ),
        (
            9,
            "51234567004-shipping",
            "fee",
            Decimal("0.00"),
            Decimal("8500.00"),
            Decimal("-8500.00"),
        ),
    ]


def test_block_and_unblock_rows_hold_money_without_moving_it_and_are_not_loaded(valid_file):
    parsed = mercadopago.parse(*valid_file(REPORT))

    assert {6, 8}.isdisjoint(row["record_number"] for row in parsed.rows["gateway_transactions"])
    assert (
        f"{REPORT}: 2 block and unblock rows hold money without moving it and are not loaded: "
        "lines 6, 8"
    ) in parsed.warnings


def test_a_payout_pays_the_releases_before_it_and_the_opening_balance_explains_the_rest(
    valid_file,
):
    parsed = mercadopago.parse(*valid_file(REPORT))

    assert parsed.rows["gateway_payouts"] == [
        {
            "record_number": 11,
            "gateway": "mercadopago",
            "merchant_account": "1234567890",
            "payout_id": "99887766",
            "payout_date": date(2026, 5, 14),
            "currency": "COP",
            "payout_amount": Decimal("200000.00"),
            "transaction_count": 5,
        }
    ]
    # 113,550 + 48,215 - 20,000 - 60,000 - 8,500 = 73,265 released; 126,735 came from before.
    assert any(
        "payout 99887766 of 200000.00 COP differs by 126735.00" in warning
        for warning in parsed.warnings
    )


def test_a_report_with_decimal_commas_reads_the_same_amounts(valid_file):
    content, name = valid_file(REPORT)
    with_commas = re.sub(rb"(\d)\.(\d\d)(?=;)", rb"\1,\2", content)
    assert b";113550,00;0,00;119000,00;-4450,00;" in with_commas

    assert mercadopago.parse(with_commas, name).rows == mercadopago.parse(content, name).rows


@pytest.mark.parametrize(
    ("file_name", "record", "field", "found"),
    [
        (
            "mercadopago_total_is_not_the_sum_of_its_rows.csv",
            "line 16",
            "NET_CREDIT_AMOUNT",
            "24265.00",
        ),
        (
            "mercadopago_balance_after_payout_does_not_follow.csv",
            "line 12",
            "NET_CREDIT_AMOUNT",
            "32265.00",
        ),
        (
            "mercadopago_net_is_not_gross_plus_deductions.csv",
            "line 4",
            "NET_CREDIT_AMOUNT",
            "48215.00",
        ),
        (
            "mercadopago_cut_short_without_total.csv",
            "line 12",
            "RECORD_TYPE",
            "the end of the file",
        ),
    ],
)
def test_a_report_that_breaks_its_own_controls_is_refused(
    invalid_file, file_name, record, field, found
):
    with pytest.raises(ParseError) as raised:
        mercadopago.parse(*invalid_file(file_name))

    assert (raised.value.record, raised.value.field, raised.value.found) == (record, field, found)


def test_the_total_error_states_the_sum_with_and_without_the_opening_balance(invalid_file):
    with pytest.raises(ParseError) as raised:
        mercadopago.parse(*invalid_file("mercadopago_total_is_not_the_sum_of_its_rows.csv"))

    assert raised.value.expected.startswith(
        "-126735.00 (23265.00 with the opening balance), the sum of"
    )
