import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers import stripe
from ingest.parsers._gateway import net_of

RECONCILIATION = "stripe_payout_reconciliation_andina_20260515.csv"
BALANCE = "stripe_balance_andina_20260520.csv"


def amounts(row):
    return (
        row["transaction_type"],
        row["gross_amount"],
        row["fee_amount"],
        row["fee_tax_amount"],
        row["net_amount"],
    )


def test_a_charge_comes_with_its_fee_payout_and_the_reference_from_its_metadata(valid_file):
    parsed = stripe.parse(*valid_file(RECONCILIATION))

    assert parsed.rows["gateway_transactions"][0] == {
        "record_number": 2,
        "gateway": "stripe",
        "merchant_account": "acct_1AndinaUS",
        "transaction_id": "txn_3PA001",
        "transaction_type": "charge",
        "created_at": datetime(2026, 5, 13, 15, 20, 11, tzinfo=UTC),
        "merchant_reference": "FEA-000140",
        "payment_method": "card",
        "payer_name": "Ana Gómez",
        "payer_email": "ana.gomez@example.com",
        "currency": "USD",
        "gross_amount": Decimal("250.00"),
        "fee_amount": Decimal("7.55"),
        "fee_tax_amount": Decimal("0.00"),
        "net_amount": Decimal("242.45"),
        "payout_id": "po_1PAndina0515",
    }
    assert parsed.owner_keys == (("merchant_account", ("stripe", "acct_1AndinaUS")),)


def test_refund_dispute_and_fee_rows_are_stored_as_what_they_take_from_the_balance(valid_file):
    transactions = stripe.parse(*valid_file(RECONCILIATION)).rows["gateway_transactions"]

    assert [amounts(row) for row in transactions[1:4]] == [
        ("refund", Decimal("40.00"), Decimal("0.00"), Decimal("0.00"), Decimal("40.00")),
        # Stripe charges 15.00 for the dispute: for a chargeback that is a fee given back < 0.
        ("chargeback", Decimal("100.00"), Decimal("-15.00"), Decimal("0.00"), Decimal("115.00")),
        ("fee", Decimal("0.00"), Decimal("2.00"), Decimal("0.00"), Decimal("-2.00")),
    ]


def test_the_reconciliation_report_payout_is_the_net_of_the_transactions_naming_it(valid_file):
    parsed = stripe.parse(*valid_file(RECONCILIATION))

    assert parsed.rows["gateway_payouts"] == [
        {
            "record_number": 2,
            "gateway": "stripe",
            "merchant_account": "acct_1AndinaUS",
            "payout_id": "po_1PAndina0515",
            "payout_date": date(2026, 5, 15),
            "currency": "USD",
            # 242.45 - 40.00 - 115.00 - 2.00
            "payout_amount": Decimal("85.45"),
            "transaction_count": 4,
        }
    ]
    not_paid_out = parsed.rows["gateway_transactions"][4]
    assert (not_paid_out["transaction_id"], not_paid_out["payout_id"]) == ("txn_3PA005", None)
    assert parsed.warnings == []


def test_columns_are_found_by_name_whatever_their_order(valid_file):
    content, name = valid_file(RECONCILIATION)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    reversed_columns = io.StringIO()
    csv.writer(reversed_columns, lineterminator="\n").writerows(row[::-1] for row in rows)

    shuffled = stripe.parse(reversed_columns.getvalue().encode("utf-8"), name)

    assert shuffled.rows == stripe.parse(content, name).rows


def test_a_balance_report_payout_differing_from_its_listed_transactions_loads_with_a_warning(
    valid_file,
):
    parsed = stripe.parse(*valid_file(BALANCE))

    payout = parsed.rows["gateway_payouts"][0]
    assert (payout["payout_id"], payout["payout_amount"], payout["payout_date"]) == (
        "po_1PAndina0520",
        Decimal("300.00"),
        date(2026, 5, 20),
    )
    assert payout["transaction_count"] == 2
    assert any(
        "payout po_1PAndina0520 of 300.00 USD differs by 106.29" in warning
        for warning in parsed.warnings
    )


def test_tax_on_stripe_fees_is_fee_tax_and_an_unknown_category_is_a_named_adjustment(
    valid_file,
):
    parsed = stripe.parse(*valid_file(BALANCE))

    tax, unknown = parsed.rows["gateway_transactions"][1:3]
    assert amounts(tax) == (
        "fee",
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.19"),
        Decimal("-0.19"),
    )
    assert amounts(unknown) == (
        "adjustment",
        Decimal("-1.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("-1.00"),
    )
    assert net_of([unknown]) == Decimal("-1.00")
    assert f"{BALANCE}: reporting categories loaded as adjustments: climate_order_purchase" in (
        parsed.warnings
    )


@pytest.mark.parametrize(
    ("file_name", "record", "field", "found"),
    [
        ("stripe_net_is_not_gross_less_fee.csv", "line 2", "net", "242.54"),
        ("stripe_yen_amount_with_cents.csv", "line 2", "gross", "25000.50"),
        ("stripe_without_account_column.csv", "line 1", "header", "none"),
    ],
)
def test_a_report_that_breaks_its_arithmetic_or_names_no_account_is_refused(
    invalid_file, file_name, record, field, found
):
    with pytest.raises(ParseError) as raised:
        stripe.parse(*invalid_file(file_name))

    assert (raised.value.record, raised.value.field, raised.value.found) == (record, field, found)


def test_the_missing_account_error_says_which_column_to_add(invalid_file):
    with pytest.raises(ParseError) as raised:
        stripe.parse(*invalid_file("stripe_without_account_column.csv"))

    assert "account_id" in raised.value.expected
    assert "does not say whose it is" in raised.value.expected


def test_a_balance_transaction_id_listed_twice_keeps_both_rows_and_warns(valid_file):
    content, name = valid_file(BALANCE)
    repeated = content + content.splitlines(keepends=True)[3]

    parsed = stripe.parse(repeated, name)

    climate_orders = [
        (row["transaction_id"], row["record_number"], row["net_amount"])
        for row in parsed.rows["gateway_transactions"]
        if row["transaction_id"] == "txn_3PB003"
    ]
    assert climate_orders == [
        ("txn_3PB003", 4, Decimal("-1.00")),
        ("txn_3PB003", 6, Decimal("-1.00")),
    ]
    [repeated_warning] = [warning for warning in parsed.warnings if "txn_3PB003" in warning]
    assert repeated_warning.startswith(
        f"{BALANCE}: transaction id txn_3PB003 (adjustment) of stripe account acct_1AndinaUS "
        "is on lines 4 and 6;"
    )
