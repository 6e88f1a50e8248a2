from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers import adyen

BATCH_124 = "adyen_settlement_detail_report_batch_124.csv"
BATCH_126 = "adyen_settlement_detail_report_batch_126.csv"


def test_a_settled_payment_is_a_charge_in_utc_with_its_costs_as_fee(valid_file):
    parsed = adyen.parse(*valid_file(BATCH_124))

    assert parsed.rows["gateway_transactions"][0] == {
        "record_number": 2,
        "gateway": "adyen",
        "merchant_account": "AndinaCO_ECOM",
        "transaction_id": "8816200000000011",
        "transaction_type": "charge",
        # 10:15 CEST (UTC+2)
        "created_at": datetime(2026, 5, 13, 8, 15, tzinfo=UTC),
        "merchant_reference": "FEA-000140",
        "payment_method": "visa",
        "payer_name": None,
        "payer_email": None,
        "currency": "USD",
        "gross_amount": Decimal("100.00"),
        # markup 0.40 + scheme fees 0.50 + interchange 2.00
        "fee_amount": Decimal("2.90"),
        "fee_tax_amount": Decimal("0.00"),
        "net_amount": Decimal("97.10"),
        "payout_id": "TX4827364510XT",
    }
    assert parsed.owner_keys == (("merchant_account", ("adyen", "AndinaCO_ECOM")),)


def test_refund_chargeback_and_monthly_fee_keep_their_own_ids_and_amounts(valid_file):
    transactions = adyen.parse(*valid_file(BATCH_124)).rows["gateway_transactions"]

    assert [
        (
            row["transaction_id"],
            row["transaction_type"],
            row["gross_amount"],
            row["fee_amount"],
            row["net_amount"],
        )
        for row in transactions[2:]
    ] == [
        ("8816200000000013", "refund", Decimal("20.00"), Decimal("0.00"), Decimal("20.00")),
        # The 15.00 chargeback commission is charged, so as a fee given back it is negative.
        ("8816200000000014", "chargeback", Decimal("30.00"), Decimal("-15.00"), Decimal("45.00")),
        (
            "batch 124 Transaction Fees May 2026",
            "fee",
            Decimal("0.00"),
            Decimal("1.20"),
            Decimal("-1.20"),
        ),
    ]


def test_the_merchant_payout_pays_the_net_of_its_batch_and_counts_its_transactions(valid_file):
    parsed = adyen.parse(*valid_file(BATCH_124))

    assert parsed.rows["gateway_payouts"] == [
        {
            "record_number": 7,
            "gateway": "adyen",
            "merchant_account": "AndinaCO_ECOM",
            "payout_id": "TX4827364510XT",
            # 04:00 CEST on 15 May is still 14 May in Bogota.
            "payout_date": date(2026, 5, 14),
            "currency": "USD",
            # 97.10 + 48.45 - 20.00 - 45.00 - 1.20
            "payout_amount": Decimal("79.35"),
            "transaction_count": 5,
        }
    ]
    assert parsed.warnings == []


def test_a_balance_carried_from_the_previous_batch_explains_the_payout_in_a_warning(valid_file):
    parsed = adyen.parse(*valid_file(BATCH_126))

    assert [row["transaction_id"] for row in parsed.rows["gateway_transactions"]] == [
        "8816200000000031"
    ]
    assert parsed.rows["gateway_payouts"][0]["payout_amount"] == Decimal("66.70")
    assert parsed.warnings == [
        f"{BATCH_126}: payout TX4827364522XT of batch 126 pays 66.70 USD, the net of its 1 "
        "transactions (97.00) with -30.30 carried by the balance transfer on line 2"
    ]


@pytest.mark.parametrize(
    ("file_name", "record", "field", "found"),
    [
        ("adyen_payout_is_not_the_net_of_its_batch.csv", "line 7", "Net Debit (NC)", "80.35"),
        ("adyen_net_is_not_gross_less_costs.csv", "line 2", "Net Credit (NC)", "97.20"),
        ("adyen_time_zone_shared_by_two_zones.csv", "line 3", "TimeZone", "CST"),
    ],
)
def test_a_report_that_does_not_add_up_or_reads_two_ways_is_refused(
    invalid_file, file_name, record, field, found
):
    with pytest.raises(ParseError) as raised:
        adyen.parse(*invalid_file(file_name))

    assert (raised.value.record, raised.value.field, raised.value.found) == (record, field, found)


def test_the_payout_error_states_what_its_batch_adds_up_to(invalid_file):
    with pytest.raises(ParseError) as raised:
        adyen.parse(*invalid_file("adyen_payout_is_not_the_net_of_its_batch.csv"))

    assert raised.value.expected == "79.35, the net of the 5 transactions of batch 124"


def test_a_batch_without_its_payout_row_loads_its_transactions_as_not_paid_out(valid_file):
    content, name = valid_file(BATCH_124)
    without_payout = b"".join(content.splitlines(keepends=True)[:-1])

    parsed = adyen.parse(without_payout, name)

    assert parsed.rows["gateway_payouts"] == []
    assert {row["payout_id"] for row in parsed.rows["gateway_transactions"]} == {None}
    assert parsed.warnings == [
        f"{name}: batch 124 of AndinaCO_ECOM has no MerchantPayout in USD; its 5 transactions "
        "are loaded as not paid out"
    ]
