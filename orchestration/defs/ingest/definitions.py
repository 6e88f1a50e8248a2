import dagster as dg

from orchestration.defs.ingest.assets import business_calendar, landed_files
from orchestration.defs.ingest.sensors import inbox_sensor

defs = dg.Definitions(assets=[landed_files, business_calendar], sensors=[inbox_sensor])
