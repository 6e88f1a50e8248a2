"""The dbt project and the manifest Dagster reads its asset graph from."""

import os

from dagster_dbt import DbtCliResource, DbtProject

from ingest.config import PROJECT_ROOT
from orchestration.resources import dbt_executable, export_environment

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


# The profile and the sources read these variables, during `dbt parse` as during `dbt build`.
export_environment()

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    # dbt's own variable, so a manifest written by `dbt parse` elsewhere is the one loaded.
    target_path=os.environ.get("DBT_TARGET_PATH", "target"),
)
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    # A fresh clone has no target/; parsing here keeps `dagster` commands working without make.
    DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()).cli(
        ["parse", "--quiet"], target_path=dbt_project.target_path
    ).wait()
