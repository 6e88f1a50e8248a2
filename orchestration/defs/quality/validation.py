"""Runs the raw-layer suites over the Parquet files and writes Great Expectations data docs.

Reads Parquet only, never the warehouse: the checks run while dbt may hold the DuckDB file.
"""

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import great_expectations as gx
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from great_expectations.data_context.types.base import ProgressBarsConfig

from ingest.config import Paths
from ingest.schemas import KINDS
from orchestration.defs.quality.suites import CRITICAL, SUITES

log = logging.getLogger(__name__)

DOCS_SITE = "quality"
# Enough for a reader to recognise the bad rows without flooding the Dagster UI.
SAMPLE_SIZE = 5


@dataclass(frozen=True)
class FailedExpectation:
    expectation: str
    column: str
    severity: str
    unexpected_count: int
    unexpected_values: list[str]


@dataclass
class KindValidation:
    kind: str
    row_count: int
    failures: list[FailedExpectation] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def critical(self) -> bool:
        return any(failure.severity == CRITICAL for failure in self.failures)


def read_raw(paths: Paths, kind: str) -> pd.DataFrame:
    """Every Parquet file of the kind, `_empty.parquet` included, in the canonical schema: an
    empty layer still has its columns, and a file landed before a column existed reads it as
    null, as the dbt sources do."""
    # Nullable throughout: a null where the schema forbids one is for the suite to report.
    schema = pa.schema([field.with_nullable(True) for field in KINDS[kind]])
    tables = [
        _conformed(pq.read_table(path), schema)
        for path in sorted(paths.kind_dir(kind).glob("*.parquet"))
    ]
    return pa.concat_tables([schema.empty_table(), *tables]).to_pandas()


def _conformed(table: pa.Table, schema: pa.Schema) -> pa.Table:
    columns = [
        table.column(name)
        if name in table.column_names
        else pa.nulls(len(table), schema.field(name).type)
        for name in schema.names
    ]
    return pa.table(columns, names=schema.names).cast(schema)


def validate_raw_layer(
    paths: Paths, today: date, docs_dir: Path | None = None
) -> dict[str, KindValidation]:
    """Validates every kind with a suite; builds data docs into `docs_dir` when given."""
    context = _context(docs_dir)
    source = context.data_sources.add_pandas("raw_parquet")

    validations = {}
    for kind, build_suite in SUITES.items():
        suite = context.suites.add(build_suite(today))
        batch = source.add_dataframe_asset(kind).add_batch_definition_whole_dataframe(kind)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=kind, data=batch, suite=suite)
        )
        frame = read_raw(paths, kind)
        result = definition.run(
            batch_parameters={"dataframe": frame},
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE},
        )
        validations[kind] = KindValidation(kind, len(frame), _failures(kind, result))
        log.info(
            "validated %d %s rows: %d expectations failed",
            len(frame),
            kind,
            len(validations[kind].failures),
        )

    if docs_dir is not None:
        context.build_data_docs(site_names=[DOCS_SITE])
        log.info("wrote data docs for %d suites to %s", len(validations), docs_dir)
    return validations


def _context(docs_dir: Path | None):
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    # The default site writes to a temporary folder nobody reads.
    context.delete_data_docs_site("local_site")
    if docs_dir is not None:
        context.add_data_docs_site(
            DOCS_SITE,
            {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


def _failures(kind: str, result) -> list[FailedExpectation]:
    failures = []
    for outcome in result.results:
        if outcome.success:
            continue
        config = outcome.expectation_config
        if outcome.exception_info.get("raised_exception"):
            # An expectation that could not run is a failure too, never a silent pass.
            message = outcome.exception_info["exception_message"]
            raise RuntimeError(f"raw {kind}: {config.type} could not be evaluated: {message}")
        columns = config.kwargs.get("column") or ", ".join(config.kwargs.get("column_list", []))
        failures.append(
            FailedExpectation(
                expectation=config.type,
                column=columns,
                severity=config.severity.value,
                unexpected_count=outcome.result.get("unexpected_count", 0),
                unexpected_values=[
                    str(value)
                    for value in outcome.result.get("partial_unexpected_list", [])[:SAMPLE_SIZE]
                ],
            )
        )
    return failures
