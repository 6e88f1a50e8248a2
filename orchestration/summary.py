"""What a run did, read back from the warehouse: the tables `make run` prints at the end."""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from dashboards.formatting import format_amount_es_co, format_number_es_co, format_rate_es_co
from dashboards.headline import TRAILING_WINDOW_DAYS, CompanyKpis, headline_kpis
from ingest.config import Paths


@dataclass(frozen=True)
class JournalTotals:
    """Journal entries of one currency: each must balance, and so must their sum."""

    currency: str
    entry_count: int
    unbalanced_entry_count: int
    debit_total_amount: Decimal
    credit_total_amount: Decimal

    @property
    def balances(self) -> bool:
        return (
            self.unbalanced_entry_count == 0 and self.debit_total_amount == self.credit_total_amount
        )


@dataclass
class RunSummary:
    file_outcomes: dict[str, int] = field(default_factory=dict)
    payment_count: int = 0
    identified_payment_count: int = 0
    automatic_payment_count: int = 0
    exception_count: int = 0
    quarantined_files: list[tuple[str, str]] = field(default_factory=list)
    journals: list[JournalTotals] = field(default_factory=list)
    kpis: list[CompanyKpis] = field(default_factory=list)


def collect_summary(warehouse_path: Path, paths: Paths) -> RunSummary:
    """Reads the marts and the file receipts, holding the warehouse read-only."""
    connection = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        payment_count, identified_count, automatic_count = connection.execute(
            """
            select
                count(*),
                count(customer_id),
                count(*) filter (where automatic_applied_amount > 0),
            from fct_payments
            """
        ).fetchone()
        [exception_count] = connection.execute(
            "select count(*) from fct_payment_exceptions"
        ).fetchone()
        return RunSummary(
            file_outcomes=file_outcomes(connection, paths),
            quarantined_files=quarantined_files(connection, paths),
            payment_count=payment_count,
            identified_payment_count=identified_count,
            automatic_payment_count=automatic_count,
            exception_count=exception_count,
            journals=journal_totals(connection),
            kpis=headline_kpis(connection),
        )
    finally:
        connection.close()


def file_outcomes(connection: duckdb.DuckDBPyConnection, paths: Paths) -> dict[str, int]:
    """loaded / duplicate / quarantined counts, straight from the landing step's receipts."""
    receipts = paths.kind_dir("file_receipts")
    if not any(receipts.glob("*.parquet")):
        return {}
    rows = connection.execute(
        """
        select outcome, count(*)
        from read_parquet($files, union_by_name = true)
        group by outcome
        """,
        {"files": str(receipts / "*.parquet")},
    ).fetchall()
    return dict(rows)


def quarantined_files(connection: duckdb.DuckDBPyConnection, paths: Paths) -> list[tuple[str, str]]:
    """File name and error of every quarantined file, so the user knows what to fix."""
    receipts = paths.kind_dir("file_receipts")
    if not any(receipts.glob("*.parquet")):
        return []
    return connection.execute(
        """
        select file_name, error_message
        from read_parquet($files, union_by_name = true)
        where outcome = 'quarantined'
        order by file_name
        """,
        {"files": str(receipts / "*.parquet")},
    ).fetchall()


def journal_totals(connection: duckdb.DuckDBPyConnection) -> list[JournalTotals]:
    rows = connection.execute(
        """
        with entries as (
            select
                company_id,
                entry_id,
                currency,
                sum(debit_amount) as debit_amount,
                sum(credit_amount) as credit_amount,
            from fct_journal_entries
            group by all
        )
        select
            currency,
            count(*),
            count(*) filter (where debit_amount <> credit_amount),
            sum(debit_amount),
            sum(credit_amount),
        from entries
        group by currency
        order by currency
        """
    ).fetchall()
    return [JournalTotals(*row) for row in rows]


def journal_rows(journals: JournalTotals) -> list[tuple[str, str]]:
    debits = format_amount_es_co(journals.debit_total_amount, journals.currency)
    credits = format_amount_es_co(journals.credit_total_amount, journals.currency)
    balanced_count = journals.entry_count - journals.unbalanced_entry_count
    return [
        (
            f"journal entries that balance ({journals.currency})",
            f"{balanced_count} of {journals.entry_count}",
        ),
        (
            f"debits = credits ({journals.currency})",
            f"yes, {debits}" if journals.balances else f"NO: {debits} vs {credits}",
        ),
    ]


def render_summary(
    summary: RunSummary, warehouse_path: Path, paths: Paths, console: Console
) -> None:
    run_table = Table(title="recaudo: what this run did", show_header=False)
    run_table.add_column("measure")
    run_table.add_column("value", justify="right")
    outcomes = summary.file_outcomes
    run_table.add_row("files loaded", str(outcomes.get("loaded", 0)))
    run_table.add_row("files skipped as duplicates", str(outcomes.get("duplicate", 0)))
    run_table.add_row("files quarantined", str(outcomes.get("quarantined", 0)))
    run_table.add_row("payments", str(summary.payment_count))
    run_table.add_row("payments identified (customer known)", str(summary.identified_payment_count))
    automatic_share = (
        Decimal(summary.automatic_payment_count) / summary.payment_count
        if summary.payment_count
        else None
    )
    run_table.add_row(
        "payments applied automatically",
        f"{summary.automatic_payment_count} ({format_rate_es_co(automatic_share)})",
    )
    run_table.add_row("payment exceptions", str(summary.exception_count))
    for journals in summary.journals:
        for measure, value in journal_rows(journals):
            run_table.add_row(measure, value)
    console.print(run_table)

    kpi_table = Table(
        title=(
            "KPIs, all segments: DSO and promise coverage at the as-of date; "
            f"T+0 and cost per collected document over the last {TRAILING_WINDOW_DAYS} days"
        )
    )
    headings = (
        "company",
        "as of",
        "channel",
        "DSO (days)",
        "T+0 rate",
        "PTP coverage",
        "cost/document",
    )
    for heading in headings:
        kpi_table.add_column(heading, justify="left" if heading == "company" else "right")
    for kpis in summary.kpis:
        kpi_table.add_row(
            kpis.company_id,
            kpis.kpi_date.isoformat(),
            kpis.channel,
            format_number_es_co(kpis.dso_days, decimals=1),
            format_rate_es_co(kpis.t0_reconciled_rate),
            format_rate_es_co(kpis.promise_coverage_rate),
            format_amount_es_co(kpis.cost_per_collected_document_amount, kpis.currency),
        )
    console.print(kpi_table)

    for file_name, error_message in summary.quarantined_files:
        console.print(f"[red]quarantined[/red] {file_name}: {error_message}")

    console.print(f"dashboard: {paths.dashboards / 'treasury.html'}")
    console.print(f"warehouse: {warehouse_path} (open it read-only)")
    console.print(f"reminders: {paths.outbox}")
    console.print("Dagster UI: make dev, then http://localhost:3000")
