"""Writes due reminders between scheduled runs, without waiting for the next main job."""

import hashlib

import dagster as dg
import duckdb

from orchestration.defs.reminders.assets import ReminderOutboxConfig, reminder_outbox
from orchestration.defs.reminders.outbox import (
    default_evaluation_date,
    due_reminders,
    pending_reminders,
)
from orchestration.resources import RecaudoPaths

ACTIVE_STATUSES = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]

reminders_job = dg.define_asset_job(
    name="reminders_job",
    selection=[reminder_outbox],
    executor_def=dg.in_process_executor,
    description="Writes the reminders due on the evaluation date that are not yet in the outbox.",
)


@dg.sensor(
    job=reminders_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests a reminders run when due reminders are not yet in the outbox.",
)
def reminders_sensor(context: dg.SensorEvaluationContext, recaudo: RecaudoPaths):
    # Even a reader makes DuckDB refuse the writer: stay out while any run may be building.
    if context.instance.get_run_records(filters=dg.RunsFilter(statuses=ACTIVE_STATUSES), limit=1):
        return dg.SkipReason("a run is in progress; the warehouse is left to it")

    try:
        with recaudo.read_only_connection() as connection:
            evaluation_date = default_evaluation_date(connection)
            reminders = due_reminders(connection, evaluation_date) if evaluation_date else []
    except duckdb.Error as error:
        # dbt holds the write lock while it builds, or the marts do not exist yet.
        return dg.SkipReason(f"the warehouse cannot be read now: {error}")

    pending = pending_reminders(reminders, recaudo.paths)
    if not pending:
        return dg.SkipReason(f"no unsent reminders due on {evaluation_date}")

    pending_key = "\n".join(sorted(reminder.reminder_id for reminder in pending))
    context.log.info(f"{len(pending)} reminders due on {evaluation_date} are not yet written")
    return dg.RunRequest(
        run_key=f"reminders-{evaluation_date}-{hashlib.sha256(pending_key.encode()).hexdigest()}",
        run_config=dg.RunConfig(
            ops={"reminder_outbox": ReminderOutboxConfig(evaluation_date=str(evaluation_date))}
        ),
    )
