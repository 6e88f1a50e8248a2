"""Dates a bank printed that no calendar has, such as 30 February or 31 April.

A parser never refuses a file for one: it leaves the date empty, keeps the printed text in the
row's `date_issue` and reports an `InvalidDate`. After the landing step knows the company, a
date is settled only by a rule declared for the account under `invalid_dates` in
`config/companies.yml`, and the row's `date_rule` names the rule that set it. Without a rule
(or when the declared ones cannot settle it) the date stays empty: dbt does not apply such a
payment and lists it as an exception. Either way the file loads with a warning naming the
file, the record, the field and the printed text.
"""

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

# The rules an account may declare, tried in the order it lists them.
LAST_DAY_OF_MONTH = "last_day_of_month"  # a day past the month's end is its last day
USE_VALUE_DATE = "use_value_date"  # another date of the line takes the line's value date
USE_BOOKING_DATE = "use_booking_date"  # the value date takes the line's booking date
RULES = (LAST_DAY_OF_MONTH, USE_VALUE_DATE, USE_BOOKING_DATE)


@dataclass
class InvalidDate:
    """A printed date that is not a calendar date, and the row columns it stood for."""

    row: dict
    columns: tuple[str, ...]
    record: str
    field: str
    text: str
    year: int | None
    month: int | None
    day: int | None

    @property
    def issue(self) -> str:
        return f"{self.field} {self.text!r} is not a calendar date"


def calendar_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when the calendar has no such day."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def flag(invalid_dates: list[InvalidDate], found: InvalidDate) -> None:
    """Records the invalid date on its row (`date_issue`) and in the file's list."""
    issues = [found.row["date_issue"]] if found.row.get("date_issue") else []
    found.row["date_issue"] = "; ".join([*issues, found.issue])
    for column in found.columns:
        found.row[column] = None
    invalid_dates.append(found)


def settle(
    invalid_dates: Sequence[InvalidDate],
    rules_for: Callable[[dict], tuple[str, ...]],
    file_name: str,
) -> list[str]:
    """Applies each row's declared rules to its invalid dates; returns one warning per printed
    date and outcome. `rules_for(row)` gives the rules declared for the row's account."""
    outcomes: dict[tuple, int] = {}
    for found in invalid_dates:
        rules = rules_for(found.row)
        rule, settled = _apply_first_rule(found, rules)
        key = (found.record, found.field, found.text, found.columns, rules, rule, settled)
        outcomes[key] = outcomes.get(key, 0) + 1

    warnings = []
    for (record, field, text, columns, rules, rule, settled), count in outcomes.items():
        lines = "the line" if count == 1 else f"{count} lines"
        names = " and ".join(columns)
        if rule is not None:
            outcome = f"{names} of {lines} set to {settled.isoformat()} by rule {rule}"
        else:
            tried = (
                f"the rules {', '.join(rules)} declared for the account cannot settle it"
                if rules
                else "no rule is declared for the account"
            )
            outcome = (
                f"{lines} {'loads' if count == 1 else 'load'} with {names} empty and "
                f"{'is' if count == 1 else 'are'} not applied until dated by hand ({tried}: "
                "see invalid_dates in config/companies.yml)"
            )
        warnings.append(
            f"{file_name}: {record}, field {field}: {text!r} is not a calendar date; {outcome}"
        )
    return warnings


def _apply_first_rule(found: InvalidDate, rules: tuple[str, ...]) -> tuple[str | None, date | None]:
    """The first rule that gives a date, and the date, written into the row."""
    for rule in rules:
        settled = _settled_by(found, rule)
        if settled is not None:
            for column in found.columns:
                found.row[column] = settled
            applied = [found.row["date_rule"]] if found.row.get("date_rule") else []
            found.row["date_rule"] = "; ".join(dict.fromkeys([*applied, rule]))
            return rule, settled
    return None, None


def _settled_by(found: InvalidDate, rule: str) -> date | None:
    if rule == LAST_DAY_OF_MONTH:
        if found.year is None or found.month is None or not 1 <= found.month <= 12:
            return None
        last_day = calendar.monthrange(found.year, found.month)[1]
        if found.day is None or found.day <= last_day:
            return None
        return date(found.year, found.month, last_day)
    other = {USE_VALUE_DATE: "value_date", USE_BOOKING_DATE: "booking_date"}[rule]
    if other in found.columns:
        return None
    return found.row.get(other)
