from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers import paypal

ENGLISH = "paypal_activity_andina_20260514.csv"
SPANISH = "paypal_actividad_andina_20260514.csv"


def by_line(parsed):
    return {row["record_number"]: row for row in parsed.rows["gateway_transactions"]}


def test_a_payment_received_is_a_charge_with_its_fee_and_the_payer_as_sender(valid_file):
    parsed = paypal.parse(*valid_file(ENGLISH))

    assert by_line(parsed)[5] == {
        "record_number": 5,
        "gateway": "paypal",
        "merchant_account": "pagos@andina.com.co",
        "transaction_id": "3DE45678FG901234H",
        "transaction_type": "charge",
        # 11:02:10 PDT (UTC-7)
        "created_at": datetime(2026, 5, 13, 18, 2, 10, tzinfo=UTC),
        "merchant_reference": "FEA-000141",
        "payment_method": None,
        "payer_name": "Luis Pérez",
        "payer_email": "luis.perez@example.com",
        "currency": "COP",
        "gross_amount": Decimal("300000.00"),
        "fee_amount": Decimal("12900.00"),
        "fee_tax_amount": Decimal("0.00"),
        "net_amount": Decimal("287100.00"),
        "payout_id": "9HI89012JK345678L",
    }
    # The account is the one address on every row that has a sender and a recipient.
    assert parsed.owner_keys == (("merchant_account", ("paypal", "pagos@andina.com.co")),)


def test_refund_chargeback_and_chargeback_fee_are_stored_as_what_they_take_back(valid_file):
    rows = by_line(paypal.parse(*valid_file(ENGLISH)))

    assert [
        (rows[line]["transaction_type"], rows[line]["gross_amount"], rows[line]["fee_amount"])
        for line in (6, 9, 10)
    ] == [
        # PayPal gives back 2,150.00 of the fee on a refund of 50,000.00.
        ("refund", Decimal("50000.00"), Decimal("2150.00")),
        ("chargeback", Decimal("100000.00"), Decimal("0.00")),
        ("fee", Decimal("0.00"), Decimal("45000.00")),
    ]


def test_a_conversion_keeps_the_settled_leg_with_the_reference_of_what_it_converts(valid_file):
    parsed = paypal.parse(*valid_file(ENGLISH))
    rows = by_line(parsed)

    assert 3 not in rows
    leg = rows[4]
    assert (
        leg["transaction_type"],
        leg["currency"],
        leg["gross_amount"],
        leg["merchant_reference"],
    ) == ("adjustment", "COP", Decimal("4824800.00"), "FEA-000140")
    # The USD charge stays in USD and is paid out by no COP withdrawal.
    assert (rows[2]["currency"], rows[2]["payout_id"]) == ("USD", None)
    assert (
        f"{ENGLISH}: currency conversion legs in the converted transaction's currency are not "
        "loaded: lines 3"
    ) in parsed.warnings


def test_holds_and_their_reversals_move_no_cash_and_are_not_loaded(valid_file):
    parsed = paypal.parse(*valid_file(ENGLISH))

    assert {7, 8}.isdisjoint(by_line(parsed))
    assert (
        f"{ENGLISH}: 2 rows move no cash (holds, authorizations, memos) and are not loaded: "
        "lines 7, 8"
    ) in parsed.warnings


def test_a_withdrawal_pays_the_transactions_since_the_last_and_warns_of_the_balance_left(
    valid_file,
):
    parsed = paypal.parse(*valid_file(ENGLISH))

    assert parsed.rows["gateway_payouts"] == [
        {
            "record_number": 11,
            "gateway": "paypal",
            "merchant_account": "pagos@andina.com.co",
            "payout_id": "9HI89012JK345678L",
            "payout_date": date(2026, 5, 14),
            "currency": "COP",
            "payout_amount": Decimal("4900000.00"),
            "transaction_count": 5,
        }
    ]
    # 4,824,800 + 287,100 - 47,850 - 100,000 - 45,000 = 4,919,050: 19,050 stays in the balance.
    assert any(
        "payout 9HI89012JK345678L of 4900000.00 COP differs by -19050.00" in warning
        for warning in parsed.warnings
    )


def test_a_spanish_download_in_windows_1252_is_read_by_its_t_codes_and_decimal_commas(
    valid_file,
):
    parsed = paypal.parse(*valid_file(SPANISH))

    assert [
        (
            row["record_number"],
            row["transaction_type"],
            row["gross_amount"],
            row["fee_amount"],
            row["net_amount"],
        )
        for row in parsed.rows["gateway_transactions"]
    ] == [
        (2, "charge", Decimal("119000.00"), Decimal("5117.00"), Decimal("113883.00")),
        (4, "refund", Decimal("30000.00"), Decimal("1290.00"), Decimal("28710.00")),
        (5, "fee", Decimal("0.00"), Decimal("45000.00"), Decimal("-45000.00")),
    ]
    charge = parsed.rows["gateway_transactions"][0]
    # 08:10 at GMT-05:00 on 14/05/2026, day first.
    assert charge["created_at"] == datetime(2026, 5, 14, 13, 10, tzinfo=UTC)
    assert charge["payer_name"] == "Ana Gómez"
    # The withdrawal of 40,173.00 is exactly the net of the three rows before it.
    assert parsed.rows["gateway_payouts"][0]["payout_amount"] == Decimal("40173.00")
    assert not any("differs" in warning for warning in parsed.warnings)


def test_dates_that_never_pass_day_12_are_read_month_first_in_english_with_a_warning(
    valid_file,
):
    content, name = valid_file(ENGLISH)
    early = content.replace(b'"05/13/2026"', b'"05/11/2026"').replace(
        b'"05/14/2026"', b'"05/12/2026"'
    )

    parsed = paypal.parse(early, name)

    assert parsed.rows["gateway_transactions"][0]["created_at"].date() == date(2026, 5, 11)
    assert any("no date has a day above 12" in warning for warning in parsed.warnings)


@pytest.mark.parametrize(
    ("file_name", "record", "field", "found"),
    [
        ("paypal_net_is_not_gross_plus_fee.csv", "line 5", "Net", "287,900.00"),
        ("paypal_dates_in_both_orders.csv", "line 8", "Date", "13/05/2026"),
    ],
)
def test_a_download_that_contradicts_itself_is_refused(
    invalid_file, file_name, record, field, found
):
    with pytest.raises(ParseError) as raised:
        paypal.parse(*invalid_file(file_name))

    assert (raised.value.record, raised.value.field, raised.value.found) == (record, field, found)


def test_a_download_whose_rows_share_no_address_names_no_account(valid_file):
    content, name = valid_file(ENGLISH)
    other_merchant = content.replace(
        b'"luis.perez@example.com","pagos@andina.com.co"',
        b'"luis.perez@example.com","ventas@otra.com.co"',
    )

    with pytest.raises(ParseError) as raised:
        paypal.parse(other_merchant, name)

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        "line 1",
        "header",
        "none",
    )
