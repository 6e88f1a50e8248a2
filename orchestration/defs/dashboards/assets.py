"""The treasury dashboard, rebuilt after every dbt build."""

import dagster as dg

from dashboards.treasury import build_treasury_dashboard
from ingest.config import CompanyRegistry
from orchestration.defs.dbt.assets import mart_key
from orchestration.resources import RecaudoPaths


@dg.asset(
    group_name="dashboards",
    kinds={"python", "plotly", "html"},
    deps=[mart_key("kpi_daily"), mart_key("fct_open_items")],
    description=(
        "data/dashboards/treasury.html: the four KPIs per company with their trend, the "
        "aging of open items and the breakdowns by segment and channel, readable offline."
    ),
)
def treasury_dashboard(
    context: dg.AssetExecutionContext, recaudo: RecaudoPaths
) -> dg.MaterializeResult:
    output_path = build_treasury_dashboard(
        recaudo.warehouse_path, recaudo.paths.dashboards / "treasury.html", CompanyRegistry.load()
    )
    context.log.info(f"wrote the treasury dashboard to {output_path}")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(output_path))})
