"""How dbt nodes become Dagster asset keys, and which Python assets feed the dbt sources."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

LANDED_FILES = dg.AssetKey("landed_files")
BUSINESS_CALENDAR = dg.AssetKey("business_calendar")

# Raw tables not written by the landing step. reminder_log is written by reminder_outbox,
# which itself reads the marts; it keeps its own source key so the graph has no cycle, and
# the reminders written in one run reach the cost KPIs in the next.
SOURCE_TABLE_UPSTREAM = {
    "calendar": BUSINESS_CALENDAR,
}
SOURCE_TABLES_WITH_OWN_KEY = {"reminder_log"}


class RecaudoDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        # Every parser-written source maps to the one landed_files asset.
        super().__init__(DagsterDbtTranslatorSettings(enable_duplicate_source_asset_keys=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] != "source":
            return super().get_asset_key(dbt_resource_props)

        table_name = dbt_resource_props["name"]
        if table_name in SOURCE_TABLES_WITH_OWN_KEY:
            return super().get_asset_key(dbt_resource_props)
        return SOURCE_TABLE_UPSTREAM.get(table_name, LANDED_FILES)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # The folder under models/ is the layer: staging, intermediate or marts.
        if dbt_resource_props["resource_type"] == "model":
            return dbt_resource_props["fqn"][1]
        return dbt_resource_props["resource_type"] + "s"
