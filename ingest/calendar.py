"""The business-day calendar dbt uses for T+0 and due-date arithmetic, from `holidays`."""

import logging
from datetime import date, timedelta
from pathlib import Path

import holidays
import pyarrow as pa

from ingest.config import Paths
from ingest.landing import write_parquet
from ingest.schemas import CALENDAR

log = logging.getLogger(__name__)

SATURDAY = 5
# Holiday names in Spanish where the `holidays` package has them, as Colombian users read them.
HOLIDAY_LANGUAGE = "es"


def calendar_rows(country_code: str, first_year: int, last_year: int) -> list[dict]:
    """One row per day from 1 January of `first_year` to 31 December of `last_year`: a
    business day is Monday to Friday and not a public holiday."""
    country_holidays = holidays.country_holidays(
        country_code, years=range(first_year, last_year + 1), language=HOLIDAY_LANGUAGE
    )
    rows = []
    day = date(first_year, 1, 1)
    while day.year <= last_year:
        holiday_name = country_holidays.get(day)
        rows.append(
            {
                "calendar_date": day,
                "country_code": country_code,
                "is_business_day": day.weekday() < SATURDAY and holiday_name is None,
                "holiday_name": holiday_name,
            }
        )
        day += timedelta(days=1)
    return rows


def write_calendar(
    paths: Paths, country_code: str = "CO", first_year: int = 2024, last_year: int = 2030
) -> Path:
    """Writes `calendar/calendar_<country>.parquet`; an unchanged calendar is left in place."""
    rows = calendar_rows(country_code, first_year, last_year)
    folder = paths.kind_dir("calendar")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"calendar_{country_code}.parquet"
    write_parquet(pa.Table.from_pylist(rows, schema=CALENDAR), target)
    log.info(
        "wrote calendar %s: %d days, %d business days, %d holidays",
        target,
        len(rows),
        sum(row["is_business_day"] for row in rows),
        sum(row["holiday_name"] is not None for row in rows),
    )
    return target
