"""The job that refreshes everything, the daily schedule that starts it, and the job that
lands one inbox file."""

import dagster as dg

# The per-file asset stays out of main_job: a run without a partition key has no file of
# its own to land, and landed_files already lands the whole inbox.
INBOX_FILE = dg.AssetSelection.assets("inbox_file")

# DuckDB lets one process write and then refuses every other process, readers included.
# Running the steps one after another in one process keeps dbt (the writer) and the Python
# readers from ever holding the warehouse at the same time.
main_job = dg.define_asset_job(
    name="main_job",
    selection=dg.AssetSelection.all() - INBOX_FILE,
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

land_file_job = dg.define_asset_job(
    name="land_file_job",
    selection=INBOX_FILE,
    executor_def=dg.in_process_executor,
    description="Land one inbox file (one partition of inbox_files) into the raw layer.",
)
