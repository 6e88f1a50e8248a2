import dagster as dg

from orchestration.defs.dashboards.assets import treasury_dashboard

defs = dg.Definitions(assets=[treasury_dashboard])
