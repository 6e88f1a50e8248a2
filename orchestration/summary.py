"""The summary `make run` prints at the end: what the last run's landing step did with the
inbox, then the warehouse as that run left it (totals over every file landed so far)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dashboards.formatting import format_amount_es_co, format_number_es_co, format_rate_es_co
from dashboards.headline import TRAILING_WINDOW_DAYS, CompanyKpis, headline_kpis
from ingest.config import Paths

BOGOTA = ZoneInfo("America/Bogota")
LANDED_FILES = dg.AssetKey("landed_files")

# Enough to see what went wrong without scrolling past the KPIs; the rest are counted.
LISTED_FILES_LIMIT = 10
# Wide enough for each table's title on one line.
TABLE_MIN_WIDTH = 80


@dataclass(frozen=True)
class LandingOutcome:
    """What one run's landing step did with the inbox, from its `landed_files` metadata."""

    run_id: str
    landed_at: datetime
    files_loaded: int
    files_duplicate: int
    files_quarantined: int
    # Already landed under the same name by an earlier run: nothing to do.
    files_unchanged: int

    @classmethod
    def from_metadata(
        cls, run_id: str, landed_at: datetime, metadata: Mapping[str, Any]
    ) -> "LandingOutcome":
        def count(name: str) -> int:
            value = metadata.get(name)
            return int(getattr(value, "value", value) or 0)

        return cls(
            run_id=run_id,
            landed_at=landed_at,
            files_loaded=count("files_loaded"),
            files_duplicate=count("files_duplicate"),
            files_quarantined=count("files_quarantined"),
            files_unchanged=count("files_unchanged"),
        )


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
    landing: LandingOutcome | None = None
    # Receipts of every run so far, by outcome: what the raw layer holds.
    file_outcomes: dict[str, int] = field(default_factory=dict)
    payment_count: int = 0
    identified_payment_count: int = 0
    automatic_payment_count: int = 0
    exception_count: int = 0
    quarantined_files: list[tuple[str, str]] = field(default_factory=list)
    warned_files: list[tuple[str, str]] = field(default_factory=list)
    journals: list[JournalTotals] = field(default_factory=list)
    kpis: list[CompanyKpis] = field(default_factory=list)


def dbt_log_path(paths: Paths) -> Path:
    """Where `recaudo run` writes dbt's per-node lines, which would drown the console."""
    return paths.root / "logs" / "dbt_build.log"


def last_landing(instance: dg.DagsterInstance) -> LandingOutcome | None:
    """The outcome of the latest `landed_files` materialization recorded in the instance."""
    event = instance.get_latest_materialization_event(LANDED_FILES)
    if event is None or event.asset_materialization is None:
        return None
    return LandingOutcome.from_metadata(
        run_id=event.run_id,
        landed_at=datetime.fromtimestamp(event.timestamp, BOGOTA),
        metadata=event.asset_materialization.metadata,
    )


def collect_summary(
    warehouse_path: Path, paths: Paths, landing: LandingOutcome | None = None
) -> RunSummary:
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
            landing=landing,
            file_outcomes=file_outcomes(connection, paths),
            quarantined_files=quarantined_files(connection, paths),
            warned_files=warned_files(connection, paths),
            payment_count=payment_count,
            identified_payment_count=identified_count,
            automatic_payment_count=automatic_count,
            exception_count=exception_count,
            journals=journal_totals(connection),
            kpis=headline_kpis(connection),
        )
    finally:
        connection.close()


def _receipt_files(paths: Paths) -> str | None:
    receipts = paths.kind_dir("file_receipts")
    return str(receipts / "*.parquet") if any(receipts.glob("*.parquet")) else None


def file_outcomes(connection: duckdb.DuckDBPyConnection, paths: Paths) -> dict[str, int]:
    """loaded / duplicate / quarantined counts over every receipt the landing step wrote."""
    files = _receipt_files(paths)
    if files is None:
        return {}
    rows = connection.execute(
        """
        select outcome, count(*)
        from read_parquet($files, union_by_name = true)
        group by outcome
        """,
        {"files": files},
    ).fetchall()
    return dict(rows)


def quarantined_files(connection: duckdb.DuckDBPyConnection, paths: Paths) -> list[tuple[str, str]]:
    """File name and error of every quarantined file, newest first, so the user knows what to
    fix."""
    files = _receipt_files(paths)
    if files is None:
        return []
    return connection.execute(
        """
        select file_name, error_message
        from read_parquet($files, union_by_name = true)
        where outcome = 'quarantined'
        order by landed_at desc, file_name
        """,
        {"files": files},
    ).fetchall()


def warned_files(connection: duckdb.DuckDBPyConnection, paths: Paths) -> list[tuple[str, str]]:
    """File name and warnings of every file loaded with warnings, newest first: loaded, but
    worth a look (no rows, a name reused with other content, records the parser skipped)."""
    files = _receipt_files(paths)
    if files is None:
        return []
    return connection.execute(
        """
        select file_name, warning_message
        from read_parquet($files, union_by_name = true)
        where outcome = 'loaded' and warning_message is not null
        order by landed_at desc, file_name
        """,
        {"files": files},
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


def file_lines(files: Sequence[tuple[str, str]], limit: int = LISTED_FILES_LIMIT) -> list[str]:
    """One line per file, `limit` at most, then one line counting the files left out.

    Receipt messages usually begin with the file name already; it is not repeated.
    """
    lines = []
    for file_name, message in files[:limit]:
        text = " ".join((message or "").split("\n"))
        lines.append(text if text.startswith(f"{file_name}:") else f"{file_name}: {text}")
    if len(files) > limit:
        lines.append(f"... and {len(files) - limit} more")
    return lines


def landing_table(landing: LandingOutcome) -> Table:
    started = landing.landed_at.astimezone(BOGOTA).strftime("%Y-%m-%d %H:%M")
    table = Table(
        title=f"This run's landing (run {landing.run_id[:8]}, {started} Bogota)",
        show_header=False,
        min_width=TABLE_MIN_WIDTH,
    )
    table.add_column("outcome")
    table.add_column("files", justify="right")
    table.add_row("loaded", str(landing.files_loaded))
    table.add_row("duplicates (same bytes as a file loaded before)", str(landing.files_duplicate))
    table.add_row("quarantined", str(landing.files_quarantined))
    table.add_row("already landed by an earlier run", str(landing.files_unchanged))
    return table


def warehouse_table(summary: RunSummary) -> Table:
    table = Table(
        title="The warehouse after this run: every file landed so far",
        show_header=False,
        min_width=TABLE_MIN_WIDTH,
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    outcomes = summary.file_outcomes
    table.add_row(
        "files landed: loaded / duplicates / quarantined",
        f"{outcomes.get('loaded', 0)} / {outcomes.get('duplicate', 0)} / "
        f"{outcomes.get('quarantined', 0)}",
    )
    table.add_row("payments", str(summary.payment_count))
    table.add_row("payments identified (customer known)", str(summary.identified_payment_count))
    automatic_share = (
        Decimal(summary.automatic_payment_count) / summary.payment_count
        if summary.payment_count
        else None
    )
    table.add_row(
        "payments applied automatically",
        f"{summary.automatic_payment_count} ({format_rate_es_co(automatic_share)})",
    )
    table.add_row("payment exceptions", str(summary.exception_count))
    for journals in summary.journals:
        for measure, value in journal_rows(journals):
            table.add_row(measure, value)
    return table


def kpi_table(kpis: Sequence[CompanyKpis]) -> Table:
    table = Table(
        title=(
            "KPIs per company and payment channel, all segments: DSO and promise coverage at "
            f"the as-of date; T+0 and cost per collected document over the last "
            f"{TRAILING_WINDOW_DAYS} days"
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
        table.add_column(heading, justify="left" if heading == "company" else "right")
    for company_kpis in kpis:
        table.add_row(
            company_kpis.company_id,
            company_kpis.kpi_date.isoformat(),
            company_kpis.channel,
            format_number_es_co(company_kpis.dso_days, decimals=1),
            format_rate_es_co(company_kpis.t0_reconciled_rate),
            format_rate_es_co(company_kpis.promise_coverage_rate),
            format_amount_es_co(
                company_kpis.cost_per_collected_document_amount, company_kpis.currency
            ),
        )
    return table


def render_summary(
    summary: RunSummary, warehouse_path: Path, paths: Paths, console: Console
) -> None:
    if summary.landing is None:
        console.print("No landing recorded in the Dagster instance yet: run `make run` first.")
    else:
        console.print(landing_table(summary.landing))
    console.print(warehouse_table(summary))
    console.print(kpi_table(summary.kpis))

    if summary.quarantined_files:
        console.print(
            f"{len(summary.quarantined_files)} files quarantined, every run so far, newest "
            f"first (originals and errors in {paths.quarantine}):"
        )
        for line in file_lines(summary.quarantined_files):
            console.print(f"  [red]quarantined[/red] {escape(line)}")
    if summary.warned_files:
        console.print(
            f"{len(summary.warned_files)} files loaded with warnings, every run so far, "
            "newest first:"
        )
        for line in file_lines(summary.warned_files):
            console.print(f"  [yellow]warning[/yellow] {escape(line)}")

    console.print(f"dashboard: {paths.dashboards / 'treasury.html'}")
    console.print(f"warehouse: {warehouse_path} (open it read-only)")
    console.print(f"reminders: {paths.outbox}")
    console.print(f"dbt build log: {dbt_log_path(paths)}")
    console.print("Dagster UI: make dev, then http://localhost:3000")
