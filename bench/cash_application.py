"""Cash-application benchmark: recaudo's matcher against the demo answer key and a naive
amount-only matcher, per scenario and overall.

Generates the seeded demo world in a temporary folder, lands it, builds the warehouse with dbt,
then grades every automatic application. Run with `make bench`; it prints a Markdown table.

- precision: automatic (payment, document) pairs that the answer key confirms / all automatic
  pairs.
- payment share: payments with at least one automatic application / payments.
- identifiable share: the same over the payments that carry enough information to be applied
  (a valid reference, or a known payer with one open document of that amount).
- invoice share: documents of the answer key that received an automatic application / all.
The naive baseline applies a payment to the only open invoice of the company whose total
equals the payment amount, and does nothing when there are several or none.
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

from demo.generate import generate
from ingest.calendar import write_calendar
from ingest.config import CompanyRegistry, Paths
from ingest.landing import ensure_empty_sources, land_inbox

PROJECT_ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger("bench.cash_application")

GRADED_SQL = """
with answer_key as (
    select
        company_id,
        source_format,
        source_reference,
        document_id,
        scenario,
        identifiable = 'true' as is_identifiable
    from read_csv($answer_key, header = true, all_varchar = true)
),

payments_truth as (
    select
        company_id,
        source_format,
        source_reference,
        any_value(scenario) as scenario,
        bool_or(is_identifiable) as is_identifiable
    from answer_key
    group by all
),

recaudo_pairs as (
    select
        payments.company_id,
        payments.source_format,
        payments.source_reference,
        applications.document_id
    from fct_payment_applications as applications
    inner join fct_payments as payments using (payment_id)
    where applications.application_status = 'automatic'
),

open_invoices as (
    select company_id, document_id, total_amount
    from int_documents
    where document_type = 'invoice'
),

naive_candidates as (
    select
        payments.company_id,
        payments.source_format,
        payments.source_reference,
        any_value(open_invoices.document_id) as document_id,
        count(*) as candidate_count
    from fct_payments as payments
    inner join open_invoices
        on payments.company_id = open_invoices.company_id
        and payments.payment_amount = open_invoices.total_amount
    group by all
),

naive_pairs as (
    select company_id, source_format, source_reference, document_id
    from naive_candidates
    where candidate_count = 1
),

pairs as (
    select 'recaudo' as matcher, * from recaudo_pairs
    union all
    select 'naive amount-only' as matcher, * from naive_pairs
),

graded_pairs as (
    select
        pairs.matcher,
        truth.scenario,
        pairs.company_id,
        pairs.source_format,
        pairs.source_reference,
        pairs.document_id,
        exists (
            select 1 from answer_key
            where answer_key.company_id = pairs.company_id
                and answer_key.source_format = pairs.source_format
                and answer_key.source_reference = pairs.source_reference
                and answer_key.document_id = pairs.document_id
        ) as is_correct
    from pairs
    inner join payments_truth as truth
        on pairs.company_id = truth.company_id
        and pairs.source_format = truth.source_format
        and pairs.source_reference = truth.source_reference
),

applied_payments as (
    select distinct matcher, company_id, source_format, source_reference
    from graded_pairs
),

matchers as (
    select distinct matcher from pairs
),

payment_rows as (
    select
        matchers.matcher,
        truth.scenario,
        truth.is_identifiable,
        applied.source_reference is not null as is_applied
    from matchers
    cross join payments_truth as truth
    left join applied_payments as applied
        on matchers.matcher = applied.matcher
        and truth.company_id = applied.company_id
        and truth.source_format = applied.source_format
        and truth.source_reference = applied.source_reference
),

document_rows as (
    select
        matchers.matcher,
        answer_key.scenario,
        exists (
            select 1 from graded_pairs
            where graded_pairs.matcher = matchers.matcher
                and graded_pairs.company_id = answer_key.company_id
                and graded_pairs.document_id = answer_key.document_id
                and graded_pairs.is_correct
        ) as is_applied
    from matchers
    cross join (select distinct company_id, document_id, scenario from answer_key) as answer_key
),

scenario_list as (
    select scenario from payments_truth
    union
    select 'all'
)

select
    matchers.matcher,
    scenario_list.scenario,
    (select count(*) from payment_rows
        where payment_rows.matcher = matchers.matcher
        and scenario_list.scenario in ('all', payment_rows.scenario)) as payments,
    (select count(*) from graded_pairs
        where graded_pairs.matcher = matchers.matcher
        and scenario_list.scenario in ('all', graded_pairs.scenario)) as automatic_pairs,
    (select count(*) filter (where is_correct) from graded_pairs
        where graded_pairs.matcher = matchers.matcher
        and scenario_list.scenario in ('all', graded_pairs.scenario)) as correct_pairs,
    (select avg(is_applied::int) from payment_rows
        where payment_rows.matcher = matchers.matcher
        and scenario_list.scenario in ('all', payment_rows.scenario)) as payment_share,
    (select avg(is_applied::int) from payment_rows
        where payment_rows.matcher = matchers.matcher and payment_rows.is_identifiable
        and scenario_list.scenario in ('all', payment_rows.scenario)) as identifiable_share,
    (select avg(is_applied::int) from document_rows
        where document_rows.matcher = matchers.matcher
        and scenario_list.scenario in ('all', document_rows.scenario)) as invoice_share,
from matchers
cross join scenario_list
order by matchers.matcher desc, scenario_list.scenario = 'all' desc, scenario_list.scenario
"""


def build_demo_warehouse(data_dir: Path, scale: str, seed: int) -> Path:
    """The same steps as the main job, without Dagster: generate, land, dbt build."""
    generate(data_dir, scale=scale, seed=seed)
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


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def precision(correct: int, total: int) -> str:
    return "n/a" if total == 0 else f"{100 * correct / total:.2f} %"


def report(warehouse: Path, answer_key: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(GRADED_SQL, {"answer_key": str(answer_key)}).fetchall()

    lines = [
        "| matcher | scenario | payments | automatic pairs | precision | payments applied "
        "| identifiable payments applied | invoices applied |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for matcher, scenario, payments, pairs, correct, share, identifiable, invoices in rows:
        lines.append(
            f"| {matcher} | {scenario} | {payments} | {pairs} | {precision(correct, pairs)} "
            f"| {percent(share)} | {percent(identifiable)} | {percent(invoices)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="demo", choices=["demo", "small"])
    parser.add_argument("--seed", type=int, default=42)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")

    with tempfile.TemporaryDirectory(prefix="recaudo-bench-") as folder:
        started = time.perf_counter()
        warehouse = build_demo_warehouse(Path(folder), arguments.scale, arguments.seed)
        log.info(
            "built the %s demo warehouse in %.1f s", arguments.scale, time.perf_counter() - started
        )
        print(report(warehouse, Path(folder) / "answer_key" / "allocations.csv"))


if __name__ == "__main__":
    main()
