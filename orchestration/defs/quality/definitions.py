import dagster as dg

from orchestration.defs.quality.checks import raw_layer_expectations

defs = dg.Definitions(asset_checks=[raw_layer_expectations])
