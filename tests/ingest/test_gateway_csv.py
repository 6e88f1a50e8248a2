from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers import gateway_csv

NOTIFICATION = "gateway_wompi_andina-ecommerce_20260514T0930.csv"
SETTLEMENT = "settlement_wompi_andina-ecommerce_20260514.csv"


def test_a_notification_gives_transactions_without_fee_net_or_payout(valid_file):
    parsed = gateway_csv.parse(*valid_file(NOTIFICATION))

    first, second = parsed.rows["gateway_transactions"]
    assert first == {
        "record_number": 2,
        "gateway": "wompi",
        "merchant_account": "andina-ecommerce",
        "transaction_id": "TX-1001",
        "transaction_type": "charge",
        "created_at": datetime(2026, 5, 14, 14, 15, tzinfo=UTC),
        "merchant_reference": "FEA-000140",
        "payment_method": "card",
        "payer_name": "Ana Gómez",
        "payer_email": "ana.gomez@example.com",
        "currency": "COP",
        "gross_amount": Decimal("119000.00"),
        "fee_amount": None,
        "fee_tax_amount": None,
        "net_amount": None,
        "payout_id": None,
    }
    assert second["payer_name"] == "Rojas, Carlos"
    assert parsed.rows["gateway_payouts"] == []
    assert parsed.owner_keys == (("merchant_account", ("wompi", "andina-ecommerce")),)


def test_a_settlement_gives_fees_and_one_payout_row_counting_its_transactions(valid_file):
    parsed = gateway_csv.parse(*valid_file(SETTLEMENT))

    transactions = parsed.rows["gateway_transactions"]
    assert [
        (row["fee_amount"], row["fee_tax_amount"], row["net_amount"]) for row in transactions
    ] == [
        (Decimal("3853.50"), Decimal("732.17"), Decimal("114414.33")),
        (Decimal("1600.00"), Decimal("304.00"), Decimal("48096.00")),
        (Decimal("0.00"), Decimal("0.00"), Decimal("20000.00")),
    ]
    # The payout row leaves gateway and merchant blank; its transactions name them.
    assert parsed.rows["gateway_payouts"] == [
        {
            "record_number": 5,
            "gateway": "wompi",
            "merchant_account": "andina-ecommerce",
            "payout_id": "PO-andina-ecommerce-20260514",
            "payout_date": date(2026, 5, 15),
            "currency": "COP",
            "payout_amount": Decimal("142510.33"),
            "transaction_count": 3,
        }
    ]


def test_created_at_is_stored_in_utc_even_when_that_is_the_next_day(valid_file):
    refund = gateway_csv.parse(*valid_file(SETTLEMENT)).rows["gateway_transactions"][2]

    assert refund["transaction_type"] == "refund"
    assert refund["created_at"] == datetime(2026, 5, 15, 4, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("file_name", "record", "field", "found"),
    [
        ("gateway_net_is_not_gross_less_fees.csv", "line 2", "net_amount", "114441.33"),
        (
            "gateway_payout_is_not_the_net_of_its_transactions.csv",
            "line 4",
            "net_amount",
            "162501.33",
        ),
        (
            "gateway_created_at_without_utc_offset.csv",
            "line 2",
            "created_at",
            "2026-05-14T10:00:00",
        ),
        ("gateway_fee_without_net.csv", "line 2", "net_amount", "blank"),
    ],
)
def test_a_report_that_does_not_add_up_is_refused_naming_the_record(
    invalid_file, file_name, record, field, found
):
    with pytest.raises(ParseError) as raised:
        gateway_csv.parse(*invalid_file(file_name))

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        record,
        field,
        found,
    )


def test_the_payout_error_states_the_net_its_transactions_add_up_to(invalid_file):
    with pytest.raises(ParseError) as raised:
        gateway_csv.parse(*invalid_file("gateway_payout_is_not_the_net_of_its_transactions.csv"))

    assert "162510.33, the net of the 2 transactions" in str(raised.value)


def test_a_transaction_id_listed_twice_in_one_report_keeps_both_rows_and_warns(valid_file):
    content, name = valid_file(NOTIFICATION)
    repeated = content + content.splitlines(keepends=True)[1]

    parsed = gateway_csv.parse(repeated, name)

    transactions = parsed.rows["gateway_transactions"]
    assert [(row["transaction_id"], row["record_number"]) for row in transactions] == [
        ("TX-1001", 2),
        ("TX-1002", 3),
        ("TX-1001", 4),
    ]
    [warning] = parsed.warnings
    assert "transaction id TX-1001 (charge)" in warning
    assert "is on lines 2 and 4;" in warning


def test_a_transaction_id_reused_by_another_merchant_account_is_not_reported(valid_file):
    content, name = valid_file(NOTIFICATION)
    other_account = content.splitlines(keepends=True)[1].replace(
        b"andina-ecommerce", b"andina-marketplace"
    )

    parsed = gateway_csv.parse(content + other_account, name)

    assert len(parsed.rows["gateway_transactions"]) == 3
    assert parsed.warnings == []
