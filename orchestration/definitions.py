"""The code location: merges each domain's definitions and adds what spans them all."""

import dagster as dg

# Modules, not their `defs`: Dagster refuses a module that holds two Definitions objects.
from orchestration.defs.dashboards import definitions as dashboards
from orchestration.defs.dbt import definitions as dbt
from orchestration.defs.ingest import definitions as ingest
from orchestration.defs.quality import definitions as quality
from orchestration.defs.reminders import definitions as reminders
from orchestration.jobs import daily_refresh_schedule, land_file_job, main_job
from orchestration.resources import RecaudoPaths

defs = dg.Definitions.merge(
    ingest.defs,
    dbt.defs,
    reminders.defs,
    dashboards.defs,
    quality.defs,
    dg.Definitions(
        jobs=[main_job, land_file_job],
        schedules=[daily_refresh_schedule],
        resources={"recaudo": RecaudoPaths()},
    ),
)
