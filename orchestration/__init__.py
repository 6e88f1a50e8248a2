"""Dagster code location: schedules and watches the flow from inbox files to the marts."""
