"""The marts on a small world written here as raw Parquet, checked against pandas recomputations.

One company (andina) from 3 February to 31 March 2025, three customers in two segments, seven
documents, payments by bank transfer, Asobancaria collection and gateway, a promise, an
agreement and the Colombian business calendar. The test module knows which payment settles
which document (the world is built that way) and recomputes the KPIs from the raw rows with
pandas alone, then compares them with what dbt built.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import holidays
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.schemas import KINDS, SYSTEM_TABLES

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
COMPANY = "andina"
BANK_ACCOUNT = "10029384756"
COLLECTION_ACCOUNT = "20098765432"
MERCHANT = "andina-ecommerce"
# Bogota is UTC-5 all year, so local clock times convert with a fixed offset.
BOGOTA_OFFSET = timedelta(hours=5)
DSO_WINDOW_DAYS = 90
AS_OF_DATE = date(2025, 3, 31)


def local(text: str) -> datetime:
    """A Bogota wall-clock time ('2025-03-14 18:00') as the UTC instant the files carry."""
    return (datetime.fromisoformat(text) + BOGOTA_OFFSET).replace(tzinfo=UTC)


def money(value: str) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class RawFile:
    kind: str
    file_id: str
    arrived_at: datetime
    rows: list[dict]


CUSTOMERS = [
    ("C001", "Ferreteria El Tornillo SAS", "wholesale", "c001@example.co", "+573001110001"),
    ("C002", "Tienda La Esquina", "retail", "c002@example.co", "+573001110002"),
    ("C003", "Almacenes Sol LTDA", "retail", "c003@example.co", "+573001110003"),
]


def table(text: str) -> list[dict]:
    """Rows of a '|'-separated table whose first line names the columns; blank cells are None."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    header = [cell.strip() for cell in lines[0].split("|")]
    return [
        {name: cell.strip() or None for name, cell in zip(header, line.split("|"), strict=True)}
        for line in lines[1:]
    ]


# Every document carries 19 % VAT on its net amount and arrives at 18:00 on its issue date.
DOCUMENTS = table("""
document   | type        | customer | issued     | due        |     net | related    | collection
FEA-000100 | invoice     | C003     | 2025-02-03 | 2025-02-18 |   50000 |            |
FEA-000106 | invoice     | C003     | 2025-02-10 | 2025-02-25 |  300000 |            | 77001063
FEA-000101 | invoice     | C001     | 2025-03-03 | 2025-03-17 | 1000000 |            |
FEA-000102 | invoice     | C002     | 2025-03-03 | 2025-03-18 |  500000 |            |
FEA-000103 | invoice     | C003     | 2025-03-05 | 2025-03-20 |  200000 |            | 77001030
FEA-000104 | invoice     | C001     | 2025-03-10 | 2025-03-25 | 1500000 |            |
NC-000001  | credit_note | C001     | 2025-03-12 | 2025-03-12 |  300000 | FEA-000104 |
FEA-000105 | invoice     | C002     | 2025-03-17 | 2025-04-16 |  100000 |            |
""")
VAT_RATE = Decimal("0.19")

# E-1004 is booked on a Saturday and reported on the Tuesday after the San Jose holiday.
BANK_CREDITS = table("""
entry  | booked     |  amount | counterparty      | remittance              | arrived
E-1001 | 2025-03-14 | 1190000 | EL TORNILLO SAS   | PAGO FACTURA FEA-000101 | 2025-03-14 18:00
E-1002 | 2025-03-14 |   77777 | JUAN PEREZ        | TRANSFERENCIA           | 2025-03-14 18:00
E-1003 | 2025-03-21 |  944300 | WOMPI SA          | WOMPI PAYOUT PO-0001    | 2025-03-21 12:00
E-1004 | 2025-03-22 |  595000 | TIENDA LA ESQUINA | FEA-000102              | 2025-03-25 08:00
E-1005 | 2025-03-31 |   19000 | TIENDA LA ESQUINA | ABONO FEA-000105        | 2025-03-31 20:00
""")

# Which document each applied payment settles, and how much: the world's answer key.
ALLOCATIONS = [
    ("E-1001", "FEA-000101", "1190000"),
    ("E-1004", "FEA-000102", "595000"),
    ("E-1005", "FEA-000105", "19000"),
    ("77001030", "FEA-000103", "238000"),
    ("77001063", "FEA-000106", "178500"),
    ("T-0001", "FEA-000104", "1000000"),
]
# What a refund took back of an applied payment, reopening its document on the refund date.
REVERSALS = [("T-0001", "FEA-000104", date(2025, 3, 20), "20000")]


def _lineage(file: RawFile) -> list[dict]:
    return [
        {
            "company_id": COMPANY,
            "file_id": file.file_id,
            "record_number": number,
            "arrived_at": file.arrived_at,
            **row,
        }
        for number, row in enumerate(file.rows, start=1)
    ]


def _customer_files() -> list[RawFile]:
    rows = [
        {
            "customer_id": customer_id,
            "customer_name": name,
            "tax_id": None,
            "tax_id_base": None,
            "tax_id_check_digit": None,
            "segment": segment,
            "email": email,
            "phone": phone,
            "bank_account": None,
            "payment_terms_days": 15,
        }
        for customer_id, name, segment, email, phone in CUSTOMERS
    ]
    return [RawFile("customers", "customers-1", local("2025-02-01 08:00"), rows)]


def _document_arrival(document: dict) -> datetime:
    return local(f"{document['issued']} 18:00")


def _document_amounts(document: dict) -> tuple[Decimal, Decimal, Decimal]:
    net_amount = money(document["net"])
    tax_amount = money(net_amount * VAT_RATE)
    return net_amount, tax_amount, net_amount + tax_amount


def _document_files() -> list[RawFile]:
    files: dict[str, RawFile] = {}
    for document in DOCUMENTS:
        file = files.setdefault(
            document["issued"],
            RawFile("invoices", f"invoices-{document['issued']}", _document_arrival(document), []),
        )
        net_amount, tax_amount, total_amount = _document_amounts(document)
        file.rows.append(
            {
                "document_id": document["document"],
                "document_type": document["type"],
                "related_document_id": document["related"],
                "customer_id": document["customer"],
                "issue_date": date.fromisoformat(document["issued"]),
                "due_date": date.fromisoformat(document["due"]),
                "currency": "COP",
                "net_amount": net_amount,
                "tax_amount": tax_amount,
                "total_amount": total_amount,
                "payment_reference": None,
                "collection_reference": document["collection"],
            }
        )
    return list(files.values())


def _bank_files() -> list[RawFile]:
    files: dict[str, RawFile] = {}
    for credit in BANK_CREDITS:
        booking = credit["booked"]
        file = files.setdefault(
            credit["arrived"],
            RawFile("bank_lines", f"camt-{booking}", local(credit["arrived"]), []),
        )
        file.rows.append(
            {
                "source_format": "camt053",
                "bank_account": BANK_ACCOUNT,
                "statement_id": f"STMT-{booking}",
                "entry_reference": credit["entry"],
                "booking_date": date.fromisoformat(booking),
                "value_date": date.fromisoformat(booking),
                "direction": "credit",
                "amount": money(credit["amount"]),
                "currency": "COP",
                "status": "booked",
                "bank_transaction_code": "PMNT-RCDT-ESCT",
                "counterparty_name": credit["counterparty"],
                "counterparty_account": None,
                "end_to_end_id": None,
                "structured_reference": None,
                "remittance_text": credit["remittance"],
            }
        )
    return list(files.values())


def _collection_files() -> list[RawFile]:
    rows = [
        {
            "source_format": "asobancaria2001",
            "biller_tax_id": "9004173523",
            "collecting_bank_code": "007",
            "bank_account": COLLECTION_ACCOUNT,
            "collection_date": date(2025, 3, 10),
            "service_code": "7709998000017",
            "batch_number": "0001",
            "payment_reference": reference.zfill(48),
            "amount": money(amount),
            "currency": "COP",
            "payment_origin_code": "01",
            "payment_method_code": "01",
            "operation_number": "000001",
            "authorization_number": f"A{sequence:05d}",
            "debited_bank_code": "007",
            "branch_code": "0001",
            "sequence_number": f"{sequence:07d}",
            "return_reason_code": None,
        }
        for sequence, (reference, amount) in enumerate(
            [("77001030", "238000"), ("77001063", "178500")], start=1
        )
    ]
    return [RawFile("collection_lines", "asobancaria-2025-03-10", local("2025-03-11 07:30"), rows)]


def _gateway_files() -> list[RawFile]:
    charge = {
        "gateway": "wompi",
        "merchant_account": MERCHANT,
        "transaction_id": "T-0001",
        "transaction_type": "charge",
        "created_at": local("2025-03-20 14:30"),
        "merchant_reference": "FEA-000104",
        "payment_method": "pse",
        "payer_name": "Ferreteria El Tornillo",
        "payer_email": "c001@example.co",
        "currency": "COP",
        "gross_amount": money("1000000"),
        "fee_amount": None,
        "fee_tax_amount": None,
        "net_amount": None,
        "payout_id": None,
    }
    settled = {
        **charge,
        "fee_amount": money("30000"),
        "fee_tax_amount": money("5700"),
        "net_amount": money("964300"),
        "payout_id": "PO-0001",
    }
    # part of the charge handed back the same afternoon; the payout nets it out
    refund = {
        **settled,
        "transaction_id": "T-0002",
        "transaction_type": "refund",
        "created_at": local("2025-03-20 16:00"),
        "gross_amount": money("20000"),
        "fee_amount": money("0"),
        "fee_tax_amount": money("0"),
        "net_amount": money("20000"),
    }
    payout = {
        "gateway": "wompi",
        "merchant_account": MERCHANT,
        "payout_id": "PO-0001",
        "payout_date": date(2025, 3, 21),
        "currency": "COP",
        "payout_amount": money("944300"),
        "transaction_count": 2,
    }
    return [
        RawFile("gateway_transactions", "wompi-intraday", local("2025-03-20 15:00"), [charge]),
        RawFile(
            "gateway_transactions", "wompi-settlement", local("2025-03-21 06:00"), [settled, refund]
        ),
        RawFile("gateway_payouts", "wompi-settlement", local("2025-03-21 06:00"), [payout]),
    ]


def _collections_desk_files() -> list[RawFile]:
    promise = {
        "promise_id": "P-1",
        "customer_id": "C003",
        "document_id": "FEA-000100",
        "promised_amount": money("59500"),
        "currency": "COP",
        "promise_made_date": date(2025, 3, 19),
        "promised_payment_date": date(2025, 3, 28),
        "contact_channel": "phone",
        "cancelled_date": None,
    }
    instalments = [
        {
            "agreement_id": "A-1",
            "customer_id": "C003",
            "document_id": "FEA-000106",
            "agreement_date": date(2025, 2, 28),
            "instalment_number": number,
            "instalment_due_date": due,
            "instalment_amount": money("178500"),
            "currency": "COP",
        }
        for number, due in [(1, date(2025, 3, 10)), (2, date(2025, 3, 31))]
    ]
    return [
        RawFile("payment_promises", "desk-promises", local("2025-03-19 17:00"), [promise]),
        RawFile("payment_agreements", "desk-agreements", local("2025-03-01 10:00"), instalments),
    ]


def _calendar_rows() -> list[dict]:
    colombian_holidays = holidays.country_holidays("CO", years=2025)
    first = date(2025, 1, 1)
    return [
        {
            "calendar_date": day,
            "country_code": "CO",
            "is_business_day": day.weekday() < 5 and day not in colombian_holidays,
            "holiday_name": colombian_holidays.get(day),
        }
        for day in (first + timedelta(days=offset) for offset in range(365))
    ]


def _write(folder: Path, name: str, schema: pa.Schema, rows: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / f"{name}.parquet")


def write_world(data_dir: Path) -> None:
    """Writes the world as the landing step would: one Parquet file per source file and kind."""
    parquet_dir = data_dir / "raw" / "parquet"
    for kind, schema in {**KINDS, **SYSTEM_TABLES}.items():
        _write(parquet_dir / kind, "_empty", schema, [])
    files = [
        *_customer_files(),
        *_document_files(),
        *_bank_files(),
        *_collection_files(),
        *_gateway_files(),
        *_collections_desk_files(),
    ]
    for file in files:
        _write(parquet_dir / file.kind, file.file_id, KINDS[file.kind], _lineage(file))
    _write(parquet_dir / "calendar", "calendar-2025", SYSTEM_TABLES["calendar"], _calendar_rows())


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    """Runs `dbt build` (models and every data test) in its own process on the world.

    A separate process lets the tests open the warehouse afterwards: dbt-duckdb keeps its
    connection open for the life of the process that ran it.
    """
    data_dir = tmp_path_factory.mktemp("marts_data")
    target = tmp_path_factory.mktemp("marts_target")
    write_world(data_dir)
    environment = {
        **os.environ,
        "RECAUDO_DATA_DIR": str(data_dir),
        "RECAUDO_WAREHOUSE": str(data_dir / "warehouse.duckdb"),
    }
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "dbt.cli.main",
            "build",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(target),
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, "dbt build failed:\n" + completed.stdout[-6000:]
    return data_dir / "warehouse.duckdb"


def query(warehouse: Path, sql: str, *parameters) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql, list(parameters)).df()


# --- independent recomputations from the raw rows -------------------------------------------


def read_raw(data_dir: Path, kind: str) -> pd.DataFrame:
    """Every row the landing step wrote for one kind, as pandas reads the Parquet files."""
    return pd.concat(
        [pd.read_parquet(path) for path in sorted((data_dir / "raw" / "parquet" / kind).glob("*"))]
    )


def raw_documents(data_dir: Path) -> pd.DataFrame:
    documents = read_raw(data_dir, "invoices")
    sign = documents["document_type"].map({"invoice": 1, "debit_note": 1, "credit_note": -1})
    documents["signed_total_amount"] = documents["total_amount"] * sign
    return documents


def raw_payments(data_dir: Path) -> pd.DataFrame:
    """Every incoming payment: its answer-key reference, channel, local booking date, amount
    and the arrival of the first file that reported it."""
    bank = read_raw(data_dir, "bank_lines")
    bank = bank[~bank["remittance_text"].str.contains("PAYOUT")]
    collections = read_raw(data_dir, "collection_lines")
    charges = read_raw(data_dir, "gateway_transactions")
    charges = charges[charges["transaction_type"] == "charge"]
    charges = charges.sort_values("arrived_at").drop_duplicates("transaction_id")
    frames = [
        pd.DataFrame(
            {
                "reference": bank["entry_reference"],
                "channel": "bank_transfer",
                "payment_date": bank["booking_date"],
                "payment_amount": bank["amount"],
                "known_at": bank["arrived_at"],
            }
        ),
        pd.DataFrame(
            {
                "reference": collections["payment_reference"].str.lstrip("0"),
                "channel": "bank_collection",
                "payment_date": collections["collection_date"],
                "payment_amount": collections["amount"],
                "known_at": collections["arrived_at"],
            }
        ),
        pd.DataFrame(
            {
                "reference": charges["transaction_id"],
                "channel": "gateway",
                "payment_date": (charges["created_at"] - BOGOTA_OFFSET).dt.date,
                "payment_amount": charges["gross_amount"],
                "known_at": charges["arrived_at"],
            }
        ),
    ]
    return pd.concat(frames, ignore_index=True)


def _next_business_day(day: date) -> date:
    colombian_holidays = holidays.country_holidays("CO", years=day.year)
    while day.weekday() >= 5 or day in colombian_holidays:
        day += timedelta(days=1)
    return day


def expected_dso(data_dir: Path, kpi_date: date) -> Decimal:
    documents = raw_documents(data_dir)
    payments = raw_payments(data_dir)
    applied = pd.DataFrame(ALLOCATIONS, columns=["reference", "document_id", "amount"]).merge(
        payments, on="reference"
    )
    issued = documents[documents["issue_date"] <= kpi_date]
    applied_amount = sum(
        money(amount) for amount in applied.loc[applied["payment_date"] <= kpi_date, "amount"]
    )
    reversed_amount = sum(
        money(amount) for _, _, reversal_date, amount in REVERSALS if reversal_date <= kpi_date
    )
    receivable = issued["signed_total_amount"].sum() - applied_amount + reversed_amount
    window_start = kpi_date - timedelta(days=DSO_WINDOW_DAYS - 1)
    sales = issued.loc[issued["issue_date"] >= window_start, "signed_total_amount"].sum()
    return (receivable * DSO_WINDOW_DAYS / sales).quantize(Decimal("0.01"))


def expected_t0(data_dir: Path, kpi_date: date, channel: str) -> tuple[int, int, Decimal]:
    """Payments booked that day and channel, those reconciled by the next business day, rate."""
    payments = raw_payments(data_dir)
    booked = payments[(payments["payment_date"] == kpi_date) & (payments["channel"] == channel)]
    allocated = {reference: document for reference, document, _ in ALLOCATIONS}
    document_arrivals = raw_documents(data_dir).set_index("document_id")["arrived_at"].to_dict()
    reconciled = 0
    for payment in booked.itertuples():
        if payment.reference not in allocated:
            continue
        evidence_at = max(payment.known_at, document_arrivals[allocated[payment.reference]])
        reconciled_local_date = (evidence_at - BOGOTA_OFFSET).date()
        if reconciled_local_date <= _next_business_day(payment.payment_date):
            reconciled += 1
    return len(booked), reconciled, Decimal(reconciled) / Decimal(len(booked))


# --- tests -----------------------------------------------------------------------------------


def test_dso_for_the_company_on_the_as_of_date_matches_a_pandas_recomputation(warehouse):
    row = query(
        warehouse,
        "select dso_days, receivable_amount from kpi_daily where company_id = ? and "
        "kpi_date = ? and segment = 'all' and channel = 'all'",
        COMPANY,
        AS_OF_DATE,
    ).iloc[0]

    assert row["receivable_amount"] == Decimal("786000.00")
    assert Decimal(str(row["dso_days"])) == expected_dso(warehouse.parent, AS_OF_DATE)


def test_dso_of_a_segment_without_credit_sales_in_the_window_is_null_rather_than_zero(warehouse):
    row = query(
        warehouse,
        "select credit_sales_amount, dso_days from kpi_daily where kpi_date = ? "
        "and channel = 'all' and segment = 'wholesale'",
        date(2025, 2, 10),
    ).iloc[0]

    # the first wholesale invoice is issued on 3 March
    assert row["credit_sales_amount"] == Decimal("0.00")
    assert pd.isna(row["dso_days"])


def test_t0_rate_of_bank_transfers_on_a_day_matches_a_pandas_recomputation(warehouse):
    kpi_date = date(2025, 3, 14)
    booked, reconciled, rate = expected_t0(warehouse.parent, kpi_date, "bank_transfer")
    row = query(
        warehouse,
        "select booked_payment_count, t0_reconciled_payment_count, t0_reconciled_rate, "
        "t0_reconciled_amount_rate from kpi_daily where company_id = ? and kpi_date = ? "
        "and segment = 'all' and channel = 'bank_transfer'",
        COMPANY,
        kpi_date,
    ).iloc[0]

    assert (booked, reconciled) == (2, 1)
    assert row["booked_payment_count"] == booked
    assert row["t0_reconciled_payment_count"] == reconciled
    assert Decimal(str(row["t0_reconciled_rate"])) == rate
    assert Decimal(str(row["t0_reconciled_amount_rate"])) == (
        Decimal("1190000") / Decimal("1267777")
    ).quantize(Decimal("0.000001"))


def test_collection_file_arriving_the_morning_after_misses_t0(warehouse):
    booked, reconciled, rate = expected_t0(warehouse.parent, date(2025, 3, 10), "bank_collection")
    row = query(
        warehouse,
        "select booked_payment_count, t0_reconciled_payment_count, t0_reconciled_rate "
        "from kpi_daily where kpi_date = '2025-03-10' and segment = 'all' "
        "and channel = 'bank_collection'",
    ).iloc[0]

    assert (booked, reconciled) == (2, 0)
    assert (row["booked_payment_count"], row["t0_reconciled_payment_count"]) == (2, 0)
    assert Decimal(str(row["t0_reconciled_rate"])) == rate


def test_saturday_booking_reconciled_after_a_holiday_monday_still_counts_as_t0(warehouse):
    payment = query(
        warehouse,
        "select payment_status, t0_deadline_date, reconciled_local_date, is_reconciled_t0 "
        "from fct_payments where source_reference = 'E-1004'",
    ).iloc[0]

    assert payment["payment_status"] == "applied"
    assert payment["t0_deadline_date"].date() == date(2025, 3, 25)
    assert payment["reconciled_local_date"].date() == date(2025, 3, 25)
    assert bool(payment["is_reconciled_t0"])


def test_unidentified_payment_stays_unapplied_with_its_manual_handling_cost(warehouse):
    payment = query(
        warehouse,
        "select payment_status, unapplied_amount, exception_reason_code, is_reconciled_t0 "
        "from fct_payments where source_reference = 'E-1002'",
    ).iloc[0]
    costs = query(
        warehouse,
        "select exception_count, exception_handling_cost_amount from kpi_daily "
        "where kpi_date = '2025-03-14' and segment = 'unidentified' and channel = 'all'",
    ).iloc[0]

    assert payment["payment_status"] == "unapplied"
    assert payment["unapplied_amount"] == Decimal("77777.00")
    assert payment["exception_reason_code"] == "no_reference_no_customer"
    assert not payment["is_reconciled_t0"]
    assert (costs["exception_count"], costs["exception_handling_cost_amount"]) == (
        1,
        Decimal("8500.00"),
    )


def test_open_items_carry_residuals_aged_by_due_date_and_sum_to_the_receivable_account(
    warehouse,
):
    items = query(
        warehouse,
        "select document_id, open_amount, days_past_due, aging_bucket, has_active_promise "
        "from fct_open_items order by document_id",
    ).set_index("document_id")
    receivable_balance = query(
        warehouse,
        "select sum(debit_amount - credit_amount) as balance from fct_journal_entries "
        "where account_code = '130505' and entry_date <= ?",
        AS_OF_DATE,
    ).iloc[0]["balance"]

    assert list(items.index) == ["FEA-000100", "FEA-000104", "FEA-000105", "FEA-000106"]
    # 1,428,000 after the credit note, less the 1,000,000 charge, plus the 20,000 refunded
    assert items.loc["FEA-000104", "open_amount"] == Decimal("448000.00")
    assert items.loc["FEA-000104", "aging_bucket"] == "1-30"
    assert items.loc["FEA-000100", "days_past_due"] == 41
    assert items.loc["FEA-000100", "aging_bucket"] == "31-60"
    assert items.loc["FEA-000105", "aging_bucket"] == "current"
    assert bool(items.loc["FEA-000100", "has_active_promise"])
    assert receivable_balance == items["open_amount"].sum() == Decimal("786000.00")


def test_gateway_payout_entry_books_fee_and_fee_tax_and_clears_charges_less_refunds(warehouse):
    lines = query(
        warehouse,
        "select account_code, debit_amount, credit_amount from fct_journal_entries "
        "where event_type = 'gateway_payout_settled' order by line_number",
    )

    assert list(lines.itertuples(index=False, name=None)) == [
        ("111005", Decimal("944300.00"), Decimal("0.00")),
        ("530515", Decimal("30000.00"), Decimal("0.00")),
        ("240810", Decimal("5700.00"), Decimal("0.00")),
        ("134595", Decimal("0.00"), Decimal("980000.00")),
    ]


def test_a_gateway_refund_reopens_what_its_charge_paid_and_the_clearing_account_nets_to_zero(
    warehouse,
):
    balances = query(
        warehouse,
        "select account_code, sum(debit_amount - credit_amount) as balance "
        "from fct_journal_entries where account_code in ('134595', '281505') "
        "group by account_code order by account_code",
    )

    # clearing: charge 1,000,000 in, refund 20,000 and payout 980,000 out; suspense: the
    # unidentified 77,777, since the 20,000 handed back was first taken off FEA-000104
    assert list(balances.itertuples(index=False, name=None)) == [
        ("134595", Decimal("0.00")),
        ("281505", Decimal("-77777.00")),
    ]


def test_reminder_to_a_customer_who_already_paid_on_a_saturday_goes_out_and_is_flagged(
    warehouse,
):
    reminder = query(
        warehouse,
        "select reminder_date, open_amount_known, is_due, was_already_paid "
        "from fct_reminder_schedule where document_id = 'FEA-000102' "
        "and cadence_step = 'overdue_7'",
    ).iloc[0]

    assert reminder["reminder_date"].date() == date(2025, 3, 25)
    assert reminder["open_amount_known"] == Decimal("595000.00")
    assert bool(reminder["is_due"])
    assert bool(reminder["was_already_paid"])


def test_reminders_are_suppressed_by_known_payment_promise_and_current_agreement(warehouse):
    reminders = query(
        warehouse,
        "select document_id || ' ' || cadence_step as step, reminder_date, "
        "suppression_reason from fct_reminder_schedule",
    ).set_index("step")

    # before_due of FEA-000103 falls on Saturday 15 March and moves to Monday 17
    assert reminders.loc["FEA-000103 before_due", "reminder_date"].date() == date(2025, 3, 17)
    assert reminders.loc["FEA-000103 before_due", "suppression_reason"] == "paid_known"
    assert reminders.loc["FEA-000101 on_due", "suppression_reason"] == "paid_known"
    assert reminders.loc["FEA-000100 overdue_30", "suppression_reason"] == "active_promise"
    assert reminders.loc["FEA-000100 overdue_15", "suppression_reason"] is None
    assert reminders.loc["FEA-000106 on_due", "suppression_reason"] is None
    for step in ("overdue_7", "overdue_15", "overdue_30"):
        assert reminders.loc[f"FEA-000106 {step}", "suppression_reason"] == (
            "agreement_instalment_not_due"
        )


def test_reminder_before_the_payment_was_known_counts_the_open_amount_then(warehouse):
    reminders = query(
        warehouse,
        "select cadence_step, open_amount_known, is_due from fct_reminder_schedule "
        "where document_id = 'FEA-000104' order by reminder_date",
    ).set_index("cadence_step")

    # the credit note is known on 12 March, the gateway charge on the afternoon of 20 March
    # and its partial refund with the settlement of 21 March
    assert reminders.loc["before_due", "open_amount_known"] == Decimal("1428000.00")
    assert reminders.loc["on_due", "open_amount_known"] == Decimal("448000.00")
    assert reminders["is_due"].all()


def test_promise_coverage_counts_open_invoices_under_an_active_promise(warehouse):
    row = query(
        warehouse,
        "select open_invoice_count, promised_open_invoice_count, promise_coverage_rate "
        "from kpi_daily where kpi_date = ? and segment = 'all' and channel = 'all'",
        AS_OF_DATE,
    ).iloc[0]

    assert (row["open_invoice_count"], row["promised_open_invoice_count"]) == (4, 1)
    assert Decimal(str(row["promise_coverage_rate"])) == Decimal("0.25")


def test_cost_per_collected_document_adds_fees_reminders_and_exceptions(warehouse):
    costs = query(
        warehouse,
        "select kpi_date, gateway_fee_amount, reminder_cost_amount, "
        "exception_handling_cost_amount, collected_document_count, "
        "cost_per_collected_document_amount from kpi_daily "
        "where segment = 'all' and channel = 'all' and kpi_date in ('2025-03-14', "
        "'2025-03-20') order by kpi_date",
    )

    # 14 March: one exception (8,500), FEA-000101 collected; no reminder due that day
    assert list(costs.iloc[0, 1:]) == [
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("8500.00"),
        1,
        Decimal("8500.00"),
    ]
    # 20 March: gateway fee and its tax (35,700) and the e-mail reminder of FEA-000104
    # (40); no document is fully collected, so there is no cost per document
    assert costs.iloc[1]["gateway_fee_amount"] == Decimal("35700.00")
    assert costs.iloc[1]["reminder_cost_amount"] == Decimal("40.00")
    assert costs.iloc[1]["collected_document_count"] == 0
    assert pd.isna(costs.iloc[1]["cost_per_collected_document_amount"])
