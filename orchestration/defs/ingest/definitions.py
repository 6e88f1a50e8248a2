import dagster as dg

from orchestration.defs.ingest.assets import business_calendar, inbox_file, landed_files
from orchestration.defs.ingest.sensors import inbox_sensor

defs = dg.Definitions(assets=[landed_files, inbox_file, business_calendar], sensors=[inbox_sensor])
