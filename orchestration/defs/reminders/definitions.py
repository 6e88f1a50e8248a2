import dagster as dg

from orchestration.defs.reminders.assets import reminder_outbox
from orchestration.defs.reminders.sensors import reminders_job, reminders_sensor

defs = dg.Definitions(assets=[reminder_outbox], jobs=[reminders_job], sensors=[reminders_sensor])
