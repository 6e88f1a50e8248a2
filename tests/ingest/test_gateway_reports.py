"""What the gateway report parsers share: recognising each report, reading amounts and time
zones as gateways write them, one sign convention, and landing with the company registry."""

import os
import shutil
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest.config import CompanyRegistry, Paths
from ingest.detect import detect_format
from ingest.errors import ParseError
from ingest.gateway_reports import gateway_report_format
from ingest.landing import land_inbox
from ingest.parsers import PARSERS
from ingest.parsers._gateway import amount, net_of, stored_amounts, zone
from ingest.parsers._values import Record

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
GATEWAY_REPORTS = {
    "stripe_payout_reconciliation_andina_20260515.csv": "stripe",
    "stripe_balance_andina_20260520.csv": "stripe",
    "adyen_settlement_detail_report_batch_124.csv": "adyen",
    "adyen_settlement_detail_report_batch_126.csv": "adyen",
    "paypal_activity_andina_20260514.csv": "paypal",
    "paypal_actividad_andina_20260514.csv": "paypal",
    "mercadopago_release_report_andina_20260514.csv": "mercadopago",
    "wompi_transactions_andina-ecommerce_20260514.csv": "gateway_mapped_csv",
    "payu_settlement_512321_20260515.csv": "gateway_mapped_csv",
    "epayco_transactions_andina_20260514.csv": "gateway_mapped_csv",
}
RECORD = Record("report.csv", "line 2")


@pytest.mark.parametrize(("file_name", "expected_format"), GATEWAY_REPORTS.items())
def test_every_gateway_report_is_recognised_by_its_header_alone(
    valid_file, file_name, expected_format
):
    content, _ = valid_file(file_name)

    assert detect_format(content, "download.csv") == expected_format
    assert expected_format in PARSERS


def test_a_header_behind_a_byte_order_mark_with_semicolons_and_capitals_is_recognised():
    header = "\ufeffDate;Source_Id;Record_Type;Net_Credit_Amount;Net_Debit_Amount\n"

    assert gateway_report_format(header.encode("utf-8")) == "mercadopago"


def test_no_other_valid_fixture_is_taken_for_a_gateway_report():
    others = [
        path for path in sorted((FIXTURES / "valid").iterdir()) if path.name not in GATEWAY_REPORTS
    ]

    assert others
    assert [path.name for path in others if gateway_report_format(path.read_bytes())] == []


@pytest.mark.parametrize(
    ("text", "decimal_separator", "expected"),
    [
        ("1,234,567.89", ".", Decimal("1234567.89")),
        ("-1.234,50", ",", Decimal("-1234.50")),
        ("7.5", ".", Decimal("7.50")),
    ],
)
def test_amounts_may_group_thousands_with_the_other_separator(text, decimal_separator, expected):
    assert amount(RECORD, "Gross", text, decimal_separator=decimal_separator) == expected


def test_an_amount_whose_thousands_groups_are_not_of_three_is_refused():
    with pytest.raises(ParseError) as raised:
        amount(RECORD, "Gross", "1.23.456,00", decimal_separator=",")

    assert raised.value.expected == "an amount written like -1.234,56"


@pytest.mark.parametrize(
    ("written", "offset_hours"),
    [("CEST", 2), ("PDT", -7), ("GMT-05:00", -5), ("UTC+1", 1), ("America/Bogota", -5)],
)
def test_time_zones_are_read_as_gateways_print_them(written, offset_hours):
    moment = datetime(2026, 5, 14, 12, 0)

    assert zone(RECORD, "TimeZone", written).utcoffset(moment) == timedelta(hours=offset_hours)


def test_an_abbreviation_that_names_two_zones_is_refused_rather_than_guessed():
    with pytest.raises(ParseError) as raised:
        zone(RECORD, "TimeZone", "CST")

    assert (raised.value.field, raised.value.found) == ("TimeZone", "CST")


def test_a_payout_nets_charges_refunds_chargebacks_and_fees_by_their_type():
    def row(transaction_type, gross, fee, net):
        amounts = stored_amounts(
            transaction_type,
            gross=Decimal(gross),
            fee=Decimal(fee),
            fee_tax=Decimal("0.00"),
            net=Decimal(net),
        )
        return {"transaction_type": transaction_type, **amounts}

    members = [
        row("charge", "100.00", "3.00", "97.00"),
        row("refund", "-20.00", "-0.60", "-19.40"),
        row("chargeback", "-30.00", "15.00", "-45.00"),
        row("fee", "-1.00", "0.00", "-1.00"),
    ]

    assert [(item["gross_amount"], item["net_amount"]) for item in members] == [
        (Decimal("100.00"), Decimal("97.00")),
        (Decimal("20.00"), Decimal("19.40")),
        (Decimal("30.00"), Decimal("45.00")),
        (Decimal("0.00"), Decimal("-1.00")),
    ]
    assert net_of(members) == Decimal("31.60")


def test_gateway_reports_land_for_a_known_merchant_and_quarantine_an_unknown_one(tmp_path):
    """The shipped registry knows Andina's Wompi account and no Stripe account."""
    paths = Paths(tmp_path / "data")
    arrived = datetime(2026, 5, 15, 11, 30, tzinfo=UTC)
    for name in (
        "wompi_transactions_andina-ecommerce_20260514.csv",
        "stripe_payout_reconciliation_andina_20260515.csv",
    ):
        target = paths.inbox / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / "valid" / name, target)
        os.utime(target, (arrived.timestamp(), arrived.timestamp()))

    summary = land_inbox(paths, CompanyRegistry.load(), now=arrived)

    outcomes = {outcome.file_name: outcome for outcome in summary.outcomes}
    wompi = outcomes["wompi_transactions_andina-ecommerce_20260514.csv"]
    stripe = outcomes["stripe_payout_reconciliation_andina_20260515.csv"]
    assert (wompi.outcome, wompi.company_id, wompi.source_format) == (
        "loaded",
        "andina",
        "gateway_mapped_csv",
    )
    assert stripe.outcome == "quarantined"
    assert "merchant account acct_1AndinaUS of gateway stripe" in stripe.error_message
    landed = pq.read_table(next(paths.kind_dir("gateway_transactions").glob("*.parquet")))
    assert landed.column("gross_amount").to_pylist() == [
        Decimal("119000.00"),
        Decimal("50000.50"),
    ]
