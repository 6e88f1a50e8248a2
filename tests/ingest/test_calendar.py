from datetime import date

import pyarrow.parquet as pq

from ingest.calendar import write_calendar
from ingest.config import Paths
from ingest.schemas import CALENDAR


def read_calendar(tmp_path):
    target = write_calendar(Paths(tmp_path), "CO", 2026, 2026)
    rows = pq.read_table(target).to_pylist()
    return target, {row["calendar_date"]: row for row in rows}


def test_the_calendar_has_one_row_per_day_in_the_calendar_schema(tmp_path):
    target, days = read_calendar(tmp_path)

    assert target == tmp_path / "raw" / "parquet" / "calendar" / "calendar_CO.parquet"
    assert pq.read_schema(target).equals(CALENDAR)
    assert len(days) == 365
    assert min(days) == date(2026, 1, 1)
    assert max(days) == date(2026, 12, 31)


def test_a_holiday_moved_to_monday_is_not_a_business_day_and_keeps_its_name(tmp_path):
    _, days = read_calendar(tmp_path)

    # Epiphany (6 January) is observed on Monday 12 January 2026 under Ley Emiliani.
    epiphany = days[date(2026, 1, 12)]
    assert epiphany["is_business_day"] is False
    assert "Reyes Magos" in epiphany["holiday_name"]
    assert days[date(2026, 1, 6)]["is_business_day"] is True
    assert days[date(2026, 1, 6)]["holiday_name"] is None


def test_weekends_are_not_business_days_and_2026_has_242_business_days(tmp_path):
    _, days = read_calendar(tmp_path)

    assert days[date(2026, 5, 16)]["is_business_day"] is False  # Saturday
    assert days[date(2026, 5, 17)]["is_business_day"] is False  # Sunday
    # 261 weekdays in 2026, less its 19 public holidays, all of which fall on weekdays.
    assert sum(row["is_business_day"] for row in days.values()) == 242
    assert all(row["country_code"] == "CO" for row in days.values())


def test_writing_the_same_calendar_again_leaves_the_file_untouched(tmp_path):
    target, _ = read_calendar(tmp_path)
    written = target.stat().st_mtime_ns

    read_calendar(tmp_path)

    assert target.stat().st_mtime_ns == written
