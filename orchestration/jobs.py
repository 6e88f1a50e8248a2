"""The job that refreshes everything, and the daily schedule that starts it."""

import dagster as dg

# DuckDB lets one process write and then refuses every other process, readers included.
# Running the steps one after another in one process keeps dbt (the writer) and the Python
# readers from ever holding the warehouse at the same time.
main_job = dg.define_asset_job(
    name="main_job",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Land the inbox, build the dbt project, write due reminders and the dashboard.",
)

daily_refresh_schedule = dg.ScheduleDefinition(
    name="daily_refresh_schedule",
    job=main_job,
    cron_schedule="0 6 * * *",
    execution_timezone="America/Bogota",
    description="Every morning at 06:00 Bogota time, before the collections desk starts.",
)
