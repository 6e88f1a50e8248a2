"""Business days and arrival times in Bogota, where every business date of the demo lives."""

from datetime import date, datetime, time, timedelta, timezone

import holidays

# Colombia keeps UTC-5 all year (no daylight saving), so a fixed offset is exact.
BOGOTA = timezone(timedelta(hours=-5), "America/Bogota")


class BusinessCalendar:
    """Colombian business days: Monday to Friday, festivos excluded."""

    def __init__(self, years: list[int]) -> None:
        self._holidays = holidays.country_holidays("CO", years=years)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def on_or_after(self, day: date) -> date:
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def on_or_before(self, day: date) -> date:
        while not self.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def next_business_day(self, day: date) -> date:
        return self.on_or_after(day + timedelta(days=1))

    def business_days(self, first: date, last: date) -> list[date]:
        days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
        return [day for day in days if self.is_business_day(day)]


def local_time(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BOGOTA)


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in range(day.day, 0, -1):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError(f"no day {day.day} or earlier in {year}-{month:02d}")
