import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.defs.dbt.assets import recaudo_dbt_models
from orchestration.defs.dbt.project import dbt_project
from orchestration.resources import dbt_executable

defs = dg.Definitions(
    assets=[recaudo_dbt_models],
    resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())},
)
