import io
import re
import shutil
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from rich.console import Console

from ingest.config import Paths
from ingest.schemas import FILE_RECEIPTS
from orchestration.resources import RecaudoPaths
from orchestration.summary import (
    LandingOutcome,
    RunSummary,
    collect_summary,
    last_landing,
    render_summary,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@pytest.fixture
def run_warehouse(tmp_path):
    """Three payments (two identified, one applied automatically), one exception, two
    journal entries of which the second is off by one peso, and KPIs on two days."""
    warehouse = tmp_path / "warehouse.duckdb"
    connection = duckdb.connect(str(warehouse))
    connection.execute(
        """
        create table fct_payments as
        select * from (values
            ('P1', 'C1', 1000.00::decimal(18, 2)),
            ('P2', 'C2', 0.00::decimal(18, 2)),
            ('P3', null, 0.00::decimal(18, 2))
        ) as t(payment_id, customer_id, automatic_applied_amount)
        """
    )
    connection.execute("create table fct_payment_exceptions as select 'P3' as payment_id")
    connection.execute(
        """
        create table fct_journal_entries as
        select company_id, entry_id, currency,
            debit_amount::decimal(18, 2) as debit_amount,
            credit_amount::decimal(18, 2) as credit_amount,
        from (values
            ('andina', 'E1', 'COP', 1190.00, 0.00),
            ('andina', 'E1', 'COP', 0.00, 1190.00),
            ('andina', 'E2', 'COP', 500.00, 0.00),
            ('andina', 'E2', 'COP', 0.00, 499.00)
        ) as t(company_id, entry_id, currency, debit_amount, credit_amount)
        """
    )
    connection.execute(
        """
        create table kpi_daily as
        select company_id, kpi_date::date as kpi_date, segment, channel,
            dso_days::decimal(9, 2) as dso_days,
            booked_payment_count::bigint as booked_payment_count,
            t0_reconciled_payment_count::bigint as t0_reconciled_payment_count,
            promise_coverage_rate::decimal(9, 4) as promise_coverage_rate,
            collection_cost_amount::decimal(18, 2) as collection_cost_amount,
            collected_document_count::bigint as collected_document_count,
            currency,
        from (values
            ('andina', '2025-01-10', 'all', 'all', 90.00, 10, 10, 0.9, 10.00, 10, 'COP'),
            ('andina', '2025-03-20', 'all', 'all', 40.00, 2, 1, 0.1, 1000.00, 1, 'COP'),
            ('andina', '2025-03-21', 'all', 'all', 38.50, 4, 3, 0.2, 1900.00, 2, 'COP'),
            ('andina', '2025-03-21', 'all', 'gateway', null, 4, 3, null, 1900.00, 2, 'COP'),
            ('andina', '2025-03-21', 'sme', 'all', 12.00, 1, 1, 0.9, 10.00, 1, 'COP')
        ) as t(company_id, kpi_date, segment, channel, dso_days, booked_payment_count,
               t0_reconciled_payment_count, promise_coverage_rate, collection_cost_amount,
               collected_document_count, currency)
        """
    )
    connection.close()
    return warehouse


def write_receipts(paths: Paths, outcomes: list[str], warnings: dict[int, str] | None = None):
    now = datetime(2025, 3, 21, 12, tzinfo=UTC)
    warnings = warnings or {}
    rows = [
        {
            "file_id": f"f{number}",
            "file_name": f"file_{number}.txt",
            "arrived_at": now,
            "landed_at": now,
            "size_bytes": 10,
            "outcome": outcome,
            "row_count": 1,
            "error_message": "bad record" if outcome == "quarantined" else None,
            "warning_message": warnings.get(number),
        }
        for number, outcome in enumerate(outcomes)
    ]
    paths.kind_dir("file_receipts").mkdir(parents=True)
    pq.write_table(
        pa.Table.from_pylist(rows, schema=FILE_RECEIPTS),
        paths.kind_dir("file_receipts") / "receipts.parquet",
    )


def rendered(summary: RunSummary, paths: Paths) -> str:
    console = Console(file=io.StringIO(), width=200, record=True)
    render_summary(summary, paths.root / "warehouse.duckdb", paths, console)
    return console.export_text()


def test_the_summary_counts_files_payments_and_exceptions(run_warehouse, tmp_path):
    paths = Paths(tmp_path)
    write_receipts(paths, ["loaded", "loaded", "duplicate", "quarantined"])

    summary = collect_summary(run_warehouse, paths)

    assert summary.file_outcomes == {"loaded": 2, "duplicate": 1, "quarantined": 1}
    assert summary.payment_count == 3
    assert summary.identified_payment_count == 2
    assert summary.automatic_payment_count == 1
    assert summary.exception_count == 1
    assert summary.quarantined_files == [("file_3.txt", "bad record")]


def test_the_summary_reports_an_entry_whose_debits_and_credits_differ(run_warehouse, tmp_path):
    summary = collect_summary(run_warehouse, Paths(tmp_path))

    [journals] = summary.journals
    assert (journals.currency, journals.entry_count, journals.unbalanced_entry_count) == (
        "COP",
        2,
        1,
    )
    assert journals.debit_total_amount - journals.credit_total_amount == Decimal("1.00")
    assert not journals.balances


def test_the_summary_states_dso_at_the_as_of_date_and_t0_and_cost_over_the_trailing_window(
    run_warehouse, tmp_path
):
    summary = collect_summary(run_warehouse, Paths(tmp_path))

    [all_channels, gateway] = summary.kpis
    assert (all_channels.channel, gateway.channel) == ("all", "gateway")
    assert all_channels.kpi_date == date(2025, 3, 21)
    assert all_channels.dso_days == Decimal("38.50")
    assert all_channels.promise_coverage_rate == Decimal("0.2000")
    # 1 of 2 and 3 of 4 payments within 30 days; the January day is outside the window.
    assert all_channels.t0_reconciled_rate == Decimal("0.666667")
    assert all_channels.cost_per_collected_document_amount == Decimal("966.67")
    assert gateway.dso_days is None
    assert gateway.t0_reconciled_rate == Decimal("0.750000")


def test_the_summary_lists_files_loaded_with_warnings_but_not_duplicates(run_warehouse, tmp_path):
    paths = Paths(tmp_path)
    write_receipts(
        paths,
        ["loaded", "loaded", "duplicate"],
        warnings={
            1: "file_1.txt: no rows\nfile_1.txt: a file of this name was landed before",
            2: "file_2.txt: same content as file_0.txt, loaded before",
        },
    )

    summary = collect_summary(run_warehouse, paths)

    assert summary.warned_files == [
        ("file_1.txt", "file_1.txt: no rows\nfile_1.txt: a file of this name was landed before")
    ]


def test_the_last_landing_is_the_outcome_of_the_latest_landed_files_materialization(tmp_path):
    from orchestration.defs.ingest.assets import landed_files

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(FIXTURES / "valid" / "customers_andina_20260430.csv", inbox)
    shutil.copy(FIXTURES / "invalid" / "unknown_format.txt", inbox)
    resources = {"recaudo": RecaudoPaths(data_dir=str(tmp_path))}
    instance = dg.DagsterInstance.ephemeral()

    first = dg.materialize([landed_files], resources=resources, instance=instance)
    after_first = last_landing(instance)
    second = dg.materialize([landed_files], resources=resources, instance=instance)
    after_second = last_landing(instance)

    assert after_first.run_id == first.run_id
    assert (after_first.files_loaded, after_first.files_quarantined) == (1, 1)
    assert after_first.files_unchanged == 0
    # The second run finds both files already landed and lands nothing new.
    assert after_second.run_id == second.run_id
    assert (after_second.files_loaded, after_second.files_quarantined) == (0, 0)
    assert after_second.files_unchanged == 2


def test_the_summary_prints_this_runs_landing_apart_from_the_warehouse_totals(tmp_path):
    landing = LandingOutcome(
        run_id="0123456789abcdef",
        landed_at=datetime(2026, 11, 2, 11, 0, tzinfo=UTC),
        files_loaded=3,
        files_duplicate=1,
        files_quarantined=2,
        files_unchanged=40,
    )
    summary = RunSummary(landing=landing, file_outcomes={"loaded": 43, "quarantined": 2})

    text = rendered(summary, Paths(tmp_path))

    assert "what this run did" not in text
    assert "This run's landing (run 01234567, 2026-11-02 06:00 Bogota)" in text
    assert re.search(r"already landed by an earlier run +│ +40 │", text)
    assert "The warehouse after this run: every file landed so far" in text
    assert re.search(r"loaded / duplicates / quarantined +│ +43 / 0 / 2 │", text)
    assert "over the last 30 days" in text
    assert "dbt_build.log" in text


def test_the_summary_lists_ten_files_of_each_kind_and_counts_the_rest(tmp_path):
    quarantined = [
        (f"bad_{number:02}.txt", f"bad_{number:02}.txt: record 3") for number in range(12)
    ]
    warned = [("statement.sta", "statement.sta: no rows\nstatement.sta: name reused")]
    summary = RunSummary(quarantined_files=quarantined, warned_files=warned)

    text = rendered(summary, Paths(tmp_path))

    assert "bad_09.txt: record 3" in text
    assert "bad_10.txt" not in text
    assert "... and 2 more" in text
    # The file name is not repeated before a message that already starts with it.
    assert "bad_00.txt: bad_00.txt" not in text
    assert "warning statement.sta: no rows statement.sta: name reused" in text
