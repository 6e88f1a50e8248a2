"""Gateway reports: fees by method, settlements that add up, payouts that reach the bank."""

from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import holidays

COLOMBIAN_HOLIDAYS = holidays.country_holidays("CO", years=[2026])
PESO = Decimal("1")
BOGOTA = timezone(timedelta(hours=-5))


def _next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5 or day in COLOMBIAN_HOLIDAYS:
        day += timedelta(days=1)
    return day


def _settlement_rows(run, record_type: str) -> list[dict[str, str]]:
    return [row for row in run.csv_rows("settlement_wompi_") if row["record_type"] == record_type]


def test_fees_follow_the_tariff_and_net_is_gross_less_fee_and_its_iva(run):
    transactions = _settlement_rows(run, "transaction")

    assert transactions
    for row in transactions:
        gross = Decimal(row["gross_amount"])
        fee = Decimal("1600")
        if row["payment_method"] == "card":
            fee = (gross * Decimal("0.0265") + 700).quantize(PESO, rounding=ROUND_HALF_UP)
        fee_tax = (fee * Decimal("0.19")).quantize(PESO, rounding=ROUND_HALF_UP)
        assert Decimal(row["fee_amount"]) == fee
        assert Decimal(row["fee_tax_amount"]) == fee_tax
        assert Decimal(row["net_amount"]) == gross - fee - fee_tax


def test_each_settlement_ends_with_a_payout_of_the_day_net_on_the_next_business_day(run):
    for path in run.inbox_files("settlement_wompi_"):
        rows = run.rows_of(path)
        transactions, payout = rows[:-1], rows[-1]
        day = date(int(path.stem[-8:-4]), int(path.stem[-4:-2]), int(path.stem[-2:]))
        merchant = path.stem.split("_")[2]
        assert payout["record_type"] == "payout"
        assert payout["payout_id"] == f"PO-{merchant}-{day:%Y%m%d}"
        assert payout["payout_date"] == _next_business_day(day).isoformat()
        assert Decimal(payout["net_amount"]) == sum(Decimal(r["net_amount"]) for r in transactions)
        assert {r["payout_id"] for r in transactions} == {payout["payout_id"]}
        assert all(r["created_at"].startswith(day.isoformat()) for r in transactions)


def test_intraday_notifications_announce_the_same_charges_without_fees(run):
    notified = run.csv_rows("gateway_wompi_")
    settled = _settlement_rows(run, "transaction")

    assert sorted(r["transaction_id"] for r in notified) == sorted(
        r["transaction_id"] for r in settled
    )
    for row in notified:
        assert row["record_type"] == "transaction" and row["transaction_type"] == "charge"
        assert row["fee_amount"] == row["net_amount"] == row["payout_id"] == ""
        assert row["created_at"].endswith("-05:00")
        assert row["payment_method"] in ("card", "pse")


def test_notification_files_hold_one_half_hour_and_arrive_two_minutes_after_it(run):
    for path in run.inbox_files("gateway_wompi_"):
        window_start = datetime.strptime(path.stem[-13:], "%Y%m%dT%H%M")
        assert window_start.minute in (0, 30)
        for row in run.rows_of(path):
            created_at = datetime.fromisoformat(row["created_at"]).replace(tzinfo=None)
            assert window_start <= created_at < window_start + timedelta(minutes=30)
        arrival = datetime.fromtimestamp(path.stat().st_mtime, BOGOTA).replace(tzinfo=None)
        assert arrival == window_start + timedelta(minutes=32)


def test_every_payout_booked_by_the_as_of_date_is_a_camt_credit_of_its_amount(run):
    entries = run.camt_entries
    payout_rows = {row["payout_id"]: row for row in _settlement_rows(run, "payout")}
    payouts = run.payouts()

    assert len(payouts) == len(payout_rows)
    for payout in payouts:
        settled = payout_rows[payout["payout_id"]]
        assert Decimal(payout["payout_amount"]) == Decimal(settled["net_amount"])
        if settled["payout_date"] > "2026-10-31":
            assert payout["bank_source_reference"] == ""
            continue
        entry = entries[payout["bank_source_reference"]]
        assert entry["amount"] == Decimal(payout["payout_amount"])
        assert entry["booking_date"] == settled["payout_date"]
        assert entry["text"] == f"WOMPI PAYOUT {payout['payout_id']}"


def test_gateway_payments_in_the_answer_key_are_charges_by_transaction_id(run):
    charges = {row["transaction_id"]: row for row in _settlement_rows(run, "transaction")}
    payments = [row for row in run.allocations() if row["source_format"] == "gateway"]

    assert len({row["source_reference"] for row in payments}) == len(charges)
    for row in payments:
        charge = charges[row["source_reference"]]
        assert Decimal(charge["gross_amount"]) == Decimal(row["payment_amount"])
        assert charge["created_at"][:10] == row["payment_date"]


def test_merchant_references_are_document_ids_or_rf_references_when_clean(demo_run):
    charges = {row["transaction_id"]: row for row in _settlement_rows(demo_run, "transaction")}
    kinds = defaultdict(int)
    for row in demo_run.allocations():
        if row["source_format"] == "gateway" and row["scenario"] == "clean":
            reference = charges[row["source_reference"]]["merchant_reference"]
            compact = row["document_id"].replace("-", "")
            assert reference == row["document_id"] or reference.endswith(compact)
            kinds["rf" if reference.startswith("RF") else "document"] += 1
    assert kinds["rf"] > 20 and kinds["document"] > kinds["rf"]


def test_gateway_payments_happen_on_any_calendar_day(demo_run):
    days = {
        date.fromisoformat(row["payment_date"]).weekday()
        for row in demo_run.allocations()
        if row["source_format"] == "gateway"
    }

    assert {5, 6} <= days
