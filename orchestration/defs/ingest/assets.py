"""Assets that write the raw layer: the only inputs the dbt sources read."""

import dagster as dg

from ingest.calendar import write_calendar
from ingest.config import CompanyRegistry
from ingest.landing import QUARANTINED, ensure_empty_sources, land_inbox, land_inbox_file
from orchestration.defs.ingest.partitions import inbox_files
from orchestration.resources import RecaudoPaths


@dg.asset(
    group_name="ingest",
    kinds={"python", "parquet"},
    description=(
        "Every file in the inbox, parsed, stamped with its company and landed as raw "
        "Parquet; duplicates are recorded and malformed files quarantined."
    ),
)
def landed_files(context: dg.AssetExecutionContext, recaudo: RecaudoPaths) -> dg.MaterializeResult:
    paths = recaudo.paths
    ensure_empty_sources(paths)

    summary = land_inbox(paths, CompanyRegistry.load())
    row_count = sum(summary.rows_by_kind.values())
    context.log.info(
        f"saw {summary.files_seen} inbox files: "
        f"landed {summary.files_loaded} files ({row_count} rows), "
        f"{summary.files_duplicate} duplicates, {summary.files_quarantined} quarantined, "
        f"{summary.files_unchanged} already landed by an earlier run"
    )
    for outcome in summary.outcomes:
        if outcome.outcome == QUARANTINED:
            context.log.warning(f"quarantined {outcome.file_name}: {outcome.error_message}")
    return dg.MaterializeResult(
        metadata={
            "files_loaded": summary.files_loaded,
            "files_duplicate": summary.files_duplicate,
            "files_quarantined": summary.files_quarantined,
            "files_unchanged": summary.files_unchanged,
            "rows_by_kind": dict(sorted(summary.rows_by_kind.items())),
        }
    )


@dg.asset(
    group_name="ingest",
    kinds={"python", "parquet"},
    partitions_def=inbox_files,
    description=(
        "One inbox file, landed alone as raw Parquet: materialising its partition again "
        "reprocesses just that file, and bytes already landed are not written twice."
    ),
)
def inbox_file(context: dg.AssetExecutionContext, recaudo: RecaudoPaths) -> dg.MaterializeResult:
    paths = recaudo.paths
    ensure_empty_sources(paths)

    outcome = land_inbox_file(paths, CompanyRegistry.load(), context.partition_key)
    context.log.info(
        f"{outcome.file_name}: {outcome.outcome}, {outcome.row_count} rows "
        f"(file_id {outcome.file_id[:12]})"
    )
    if outcome.outcome == QUARANTINED:
        context.log.warning(f"quarantined {outcome.file_name}: {outcome.error_message}")
    return dg.MaterializeResult(
        metadata={
            "outcome": outcome.outcome,
            "rows": outcome.row_count,
            "error": outcome.error_message or "",
            "file_id": outcome.file_id,
        }
    )


@dg.asset(
    group_name="ingest",
    kinds={"python", "parquet"},
    description="One row per calendar day and country: business day or public holiday.",
)
def business_calendar(
    context: dg.AssetExecutionContext, recaudo: RecaudoPaths
) -> dg.MaterializeResult:
    written = write_calendar(recaudo.paths)
    context.log.info(f"wrote the business calendar to {written}")
    return dg.MaterializeResult(metadata={"path": str(written)})
