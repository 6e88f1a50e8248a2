"""Asset checks on the raw layer: one per expectation suite, all run in one pass.

One pass shares one Great Expectations context, so the data docs index lists every suite.
The checks read the Parquet files, never the warehouse, and do not block dbt: a failed
check is reported in the run and in `data/quality/`, and the dbt tests decide the rest.
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.defs.ingest.assets import landed_files
from orchestration.defs.quality.suites import SUITES
from orchestration.defs.quality.validation import KindValidation, validate_raw_layer
from orchestration.resources import RecaudoPaths

BOGOTA = ZoneInfo("America/Bogota")


def check_name(kind: str) -> str:
    return f"raw_{kind}_expectations"


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            name=check_name(kind),
            asset=landed_files,
            description=f"The raw {kind} Parquet rows meet the `raw_{kind}` expectation suite.",
        )
        for kind in SUITES
    ],
)
def raw_layer_expectations(
    context: dg.AssetCheckExecutionContext, recaudo: RecaudoPaths
) -> Iterator[dg.AssetCheckResult]:
    paths = recaudo.paths
    today = datetime.now(UTC).astimezone(BOGOTA).date()
    docs_dir = paths.root / "quality"

    validations = validate_raw_layer(paths, today, docs_dir)
    failed = [kind for kind, validation in validations.items() if not validation.passed]
    context.log.info(
        f"validated the raw layer as of {today}: {len(validations)} suites, "
        f"{len(failed)} failed {failed}; data docs in {docs_dir}"
    )
    for validation in validations.values():
        yield check_result(validation)


def check_result(validation: KindValidation) -> dg.AssetCheckResult:
    """Passed or failed, with the rows checked and each failed expectation's column and sample;
    ERROR when a critical rule failed, WARN when only doubtful rows were found."""
    failures = {
        f"{failure.expectation} ({failure.column})": {
            "severity": failure.severity,
            "unexpected_count": failure.unexpected_count,
            "unexpected_values": failure.unexpected_values,
        }
        for failure in validation.failures
    }
    return dg.AssetCheckResult(
        asset_key=landed_files.key,
        check_name=check_name(validation.kind),
        passed=validation.passed,
        severity=(
            dg.AssetCheckSeverity.ERROR if validation.critical else dg.AssetCheckSeverity.WARN
        ),
        metadata={
            "rows_checked": validation.row_count,
            "failed_expectations": dg.MetadataValue.json(failures),
        },
    )
