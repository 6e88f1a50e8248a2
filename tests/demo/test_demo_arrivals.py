"""Every inbox file's modification time is the moment it reached the inbox, Bogota time."""

from datetime import date, datetime, timedelta, timezone

import pytest

BOGOTA = timezone(timedelta(hours=-5))


def _arrival(path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, BOGOTA)


def _named_date(path) -> date:
    stamp = path.stem.removesuffix("_copy").split("_")[-1]
    return datetime.strptime(stamp[:8], "%Y%m%d").date()


@pytest.mark.parametrize(
    ("prefix", "days_later", "hour", "minute"),
    [
        ("customers_", 0, 20, 0),
        ("invoices_", 0, 21, 0),
        ("asobancaria_", 0, 19, 30),
        ("promises_", 0, 18, 0),
        ("agreements_", 0, 18, 0),
        ("mt940_", 1, 7, 15),
        ("settlement_wompi_", 1, 5, 0),
    ],
)
def test_files_arrive_at_their_agreed_local_time(demo_run, prefix, days_later, hour, minute):
    files = demo_run.inbox_files(prefix)

    assert files
    for path in files:
        expected_day = _named_date(path) + timedelta(days=days_later)
        arrival = _arrival(path)
        assert (arrival.date(), arrival.hour, arrival.minute) == (expected_day, hour, minute)


def test_camt_statements_arrive_next_morning_and_the_copy_an_hour_later(demo_run):
    for path in demo_run.inbox_files("camt053_"):
        arrival = _arrival(path)
        expected_minute = 30
        expected_hour = 7 if path.stem.endswith("_copy") else 6
        assert arrival.date() == _named_date(path) + timedelta(days=1)
        assert (arrival.hour, arrival.minute) == (expected_hour, expected_minute)


def test_the_customer_master_arrives_before_the_first_invoice(run):
    first_master = min(_arrival(path) for path in run.inbox_files("customers_"))
    first_invoices = min(_arrival(path) for path in run.inbox_files("invoices_"))

    assert first_master < first_invoices
