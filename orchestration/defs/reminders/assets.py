"""The outbox of payment reminders, written from the marts after dbt has finished."""

from datetime import date

import dagster as dg
import duckdb
from pydantic import Field

from ingest.config import CompanyRegistry
from orchestration.defs.dbt.assets import mart_key
from orchestration.defs.reminders.outbox import (
    SCHEDULE_MODELS,
    default_evaluation_date,
    due_reminders,
    write_outbox,
)
from orchestration.resources import RecaudoPaths


class ReminderOutboxConfig(dg.Config):
    evaluation_date: str | None = Field(
        default=None,
        description=(
            "Day whose due reminders are written, as YYYY-MM-DD. Empty: the latest day with "
            "a due reminder on or before the last day the data covers."
        ),
    )


def resolve_evaluation_date(
    requested: str | None, connection: duckdb.DuckDBPyConnection
) -> date | None:
    if requested:
        return date.fromisoformat(requested)
    return default_evaluation_date(connection)


@dg.asset(
    group_name="reminders",
    kinds={"python", "email"},
    deps=[mart_key(model_name) for model_name in SCHEDULE_MODELS],
    description=(
        "One .eml per reminder due on the evaluation date in data/outbox/, and one row per "
        "written reminder in the raw reminder_log; a reminder is never written twice."
    ),
)
def reminder_outbox(
    context: dg.AssetExecutionContext, config: ReminderOutboxConfig, recaudo: RecaudoPaths
) -> dg.MaterializeResult:
    with recaudo.read_only_connection() as connection:
        evaluation_date = resolve_evaluation_date(config.evaluation_date, connection)
        reminders = due_reminders(connection, evaluation_date) if evaluation_date else []
    context.log.info(f"found {len(reminders)} reminders due on {evaluation_date}")

    result = write_outbox(reminders, recaudo.paths, CompanyRegistry.load().companies)
    context.log.info(
        f"wrote {len(result.written_ids)} reminders to {recaudo.paths.outbox}, "
        f"{len(result.already_sent_ids)} already sent, "
        f"{len(result.unreachable_ids)} without a contact"
    )
    return dg.MaterializeResult(
        metadata={
            "evaluation_date": str(evaluation_date),
            "due": len(reminders),
            "written": len(result.written_ids),
            "already_sent": len(result.already_sent_ids),
            "without_contact": len(result.unreachable_ids),
        }
    )
