"""Cash-application benchmark: recaudo's matcher against the demo answer key and a naive
amount-only matcher, per expected match type and overall.

Generates the seeded demo world with one noise mix in a temporary folder (or `--data-dir`),
lands it, builds the warehouse with dbt, then grades every automatic application with
`demo.accuracy.score_by_match_type`. Run with `make bench`; it prints a Markdown table and,
with `--markdown PATH`, writes it to a file.

- payments: payments of the answer key with that expected match type.
- with enough information: of those, the payments the answer key calls identifiable: they
  name their documents with a valid reference, or their payer is recognisable as the
  customer (account on file, tax id in the text, e-mail on file) and exactly one set of at
  most four of that customer's open documents adds up to the amount, the set paid.
- automatic pairs: (payment, document) applications made without a human.
- precision: automatic pairs the answer key confirms / automatic pairs.
- payments applied: payments with at least one automatic pair / payments.
- informative payments applied: the same over the payments with enough information.
- invoices applied: invoices the answer key allocates to within the match type, for which
  every such allocation was applied automatically / those invoices.

The naive baseline takes each payment, in date order, to the oldest invoice of its company
that has exactly the payment's amount as its total and that no earlier payment took.
"""

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from demo.accuracy import (
    OVERALL,
    AppliedPair,
    MatchTypeScore,
    WarehouseInvoice,
    WarehousePayment,
    naive_amount_pairs,
    read_answer_key,
    score_by_match_type,
)
from demo.generate import generate
from demo.noise import NOISE_MIXES
from ingest.calendar import write_calendar
from ingest.config import CompanyRegistry, Paths
from ingest.landing import ensure_empty_sources, land_inbox

PROJECT_ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger("bench.cash_application")

# Targets of issue 3 for the realistic mix: automatic applications at least 99.9 % right,
# and at least 95 % of the payments with enough information applied automatically.
PRECISION_TARGET = 0.999
IDENTIFIABLE_SHARE_TARGET = 0.95

RECAUDO_PAIRS_SQL = """
    select
        payments.company_id,
        payments.source_format,
        payments.source_reference,
        applications.document_id
    from fct_payment_applications as applications
    inner join fct_payments as payments
        on applications.payment_id = payments.payment_id
    where applications.application_status = 'automatic'
"""
PAYMENTS_SQL = """
    select company_id, source_format, source_reference, payment_date, payment_amount, currency
    from fct_payments
"""
INVOICES_SQL = """
    select company_id, document_id, issue_date, due_date, total_amount, currency
    from int_documents
    where document_type = 'invoice'
"""
MATCHERS = ("recaudo", "naive amount-only")


def build_demo_warehouse(data_dir: Path, scale: str, seed: int, noise: str) -> Path:
    """The same steps as the main job, without Dagster: generate, land, dbt build."""
    generate(data_dir, scale=scale, seed=seed, noise=noise)
    paths = Paths(data_dir)
    land_inbox(paths, CompanyRegistry.load())
    ensure_empty_sources(paths)
    write_calendar(paths)

    warehouse = data_dir / "warehouse.duckdb"
    environment = {
        **os.environ,
        "RECAUDO_DATA_DIR": str(data_dir),
        "RECAUDO_WAREHOUSE": str(warehouse),
    }
    dbt_project = str(PROJECT_ROOT / "dbt_project")
    subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--quiet",
            *("--project-dir", dbt_project, "--profiles-dir", dbt_project),
            *("--target-path", str(data_dir / "dbt_target")),
        ],
        env=environment,
        check=True,
    )
    return warehouse


def matcher_pairs(warehouse: Path) -> dict[str, list[AppliedPair]]:
    """Automatic pairs of recaudo, read from the marts, and of the naive baseline."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        recaudo = connection.execute(RECAUDO_PAIRS_SQL).fetchall()
        payments = connection.execute(PAYMENTS_SQL).fetchall()
        invoices = connection.execute(INVOICES_SQL).fetchall()

    naive = naive_amount_pairs(
        [WarehousePayment(tuple(row[:3]), *row[3:]) for row in payments],
        [WarehouseInvoice(*row) for row in invoices],
    )
    return {
        "recaudo": [AppliedPair(tuple(row[:3]), row[3]) for row in recaudo],
        "naive amount-only": naive,
    }


def percent(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{100 * value:.{digits}f} %"


def markdown_table(scores: dict[str, list[MatchTypeScore]]) -> str:
    lines = [
        "| expected match type | matcher | payments | with enough information "
        "| automatic pairs | precision | payments applied | informative payments applied "
        "| invoices applied |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    match_types = [score.match_type for score in scores[MATCHERS[0]]]
    for match_type in match_types:
        for matcher in MATCHERS:
            score = next(s for s in scores[matcher] if s.match_type == match_type)
            label = f"**{match_type}**" if match_type == OVERALL else match_type
            lines.append(
                f"| {label} | {matcher} | {score.payments} | {score.identifiable_payments} "
                f"| {score.automatic_pairs} | {percent(score.precision, 2)} "
                f"| {percent(score.payment_share)} | {percent(score.identifiable_share)} "
                f"| {percent(score.invoice_share)} |"
            )
    return "\n".join(lines)


def missed_targets(scores: list[MatchTypeScore]) -> list[str]:
    """One sentence per row of recaudo's scores that misses a target of issue 3."""
    missed = []
    for score in scores:
        if score.precision is not None and score.precision < PRECISION_TARGET:
            missed.append(
                f"{score.match_type}: precision {percent(score.precision, 2)}, "
                f"below {percent(PRECISION_TARGET, 1)}"
            )
        share = score.identifiable_share
        if share is not None and share < IDENTIFIABLE_SHARE_TARGET:
            missed.append(
                f"{score.match_type}: {percent(share)} of the payments with enough "
                f"information applied, below {percent(IDENTIFIABLE_SHARE_TARGET, 0)}"
            )
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="demo", choices=["demo", "small"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--noise", default="realistic", choices=sorted(NOISE_MIXES))
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument(
        "--data-dir", type=Path, help="build in this empty folder and keep it, to look into"
    )
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")

    with tempfile.TemporaryDirectory(prefix="recaudo-bench-") as folder:
        data_dir = arguments.data_dir or Path(folder)
        started = time.perf_counter()
        warehouse = build_demo_warehouse(data_dir, arguments.scale, arguments.seed, arguments.noise)
        log.info(
            "built the %s demo warehouse with the %s noise mix in %.1f s",
            arguments.scale,
            arguments.noise,
            time.perf_counter() - started,
        )
        truth = read_answer_key(data_dir / "answer_key" / "allocations.csv")
        scores = {
            matcher: score_by_match_type(truth, pairs)
            for matcher, pairs in matcher_pairs(warehouse).items()
        }

    table = markdown_table(scores)
    print(table)
    if arguments.markdown:
        arguments.markdown.write_text(table + "\n", encoding="utf-8")
    for sentence in missed_targets(scores["recaudo"]):
        log.warning("target missed: %s", sentence)


if __name__ == "__main__":
    main()
