"""The dbt project as Dagster assets: raw sources in, staging, intermediate and marts out."""
