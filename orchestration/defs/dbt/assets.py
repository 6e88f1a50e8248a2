"""Every dbt model, seed and test, built with one `dbt build`."""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets, get_asset_key_for_model

from orchestration.defs.dbt.project import dbt_project
from orchestration.defs.dbt.translator import RecaudoDbtTranslator


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=RecaudoDbtTranslator(),
)
def recaudo_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()


def mart_key(model_name: str) -> dg.AssetKey:
    """The asset key of a mart, for the Python assets that read it."""
    return get_asset_key_for_model([recaudo_dbt_models], model_name)
