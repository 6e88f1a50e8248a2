"""SWIFT MT942 interim transaction reports, read with the `mt-940` library (see `_swift_mt`).

An interim report lists what the bank has booked so far in the day. It states no balances:
instead a `:34F:` floor limit (the smallest amount it reports, and its currency), a `:13D:`
date and time of the report and, optionally, `:90D:`/`:90C:` with the number and sum of its
debit and credit lines. One `bank_lines` row per `:61:`, booked, since the money has moved;
the end-of-day MT940 repeats it under the same bank reference. One `bank_statements` row per
report, with its count and totals and no balances. The `:90D:`/`:90C:` controls are checked
against the lines, so a report that lost a line on the way is refused.
"""

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ingest.dates import InvalidDate
from ingest.parsed import ParsedFile
from ingest.parsers._swift_mt import (
    Block,
    StatementLine,
    bank_line,
    check_statement_lines,
    check_yymmdd,
    comma_amount,
    read_transactions,
    statement_blocks,
    statement_id,
    total,
)
from ingest.parsers._values import Record

log = logging.getLogger(__name__)

SOURCE_FORMAT = "mt942"

# Some banks write a zero floor limit without its decimal comma (`PLN0`).
_FLOOR_LIMIT = re.compile(r"(?P<currency>[A-Z]{3})(?P<mark>[DC])?(?P<amount>\d+(,\d*)?)")
_REPORT_TIME = re.compile(r"(?P<date>\d{6})(?P<hour>\d{2})(?P<minute>\d{2})[+-]\d{4}")
_ENTRY_SUM = re.compile(r"(?P<count>\d+)(?P<currency>[A-Z]{3})(?P<amount>\d+,\d*)")
BALANCE_TAGS = ("60F", "60M", "62F", "62M", "64", "65")
ENTRY_SUM_TAGS = {"debit": "90D", "credit": "90C"}


def parse(
    content: bytes, file_name: str, declared_encodings: Mapping[str, str] | None = None
) -> ParsedFile:
    blocks = statement_blocks(content, file_name, declared_encodings)

    lines: list[dict] = []
    reports: list[dict] = []
    invalid_dates: list[InvalidDate] = []
    for block in blocks:
        report, report_lines = _read_report(block, file_name, invalid_dates)
        lines.extend(report_lines)
        reports.append(report)

    accounts = dict.fromkeys(row["bank_account"] for row in reports)
    log.debug(
        "parsed %d interim reports, %d lines from mt942 file %s",
        len(reports),
        len(lines),
        file_name,
    )
    return ParsedFile(
        source_format=SOURCE_FORMAT,
        rows={"bank_lines": lines, "bank_statements": reports},
        owner_keys=tuple(("bank_account", account) for account in accounts),
        invalid_dates=invalid_dates,
    )


@dataclass
class _EntrySum:
    line_number: int
    printed: str
    count: int
    currency: str
    amount: Decimal


def _read_report(
    block: Block, file_name: str, invalid_dates: list[InvalidDate]
) -> tuple[dict, list[dict]]:
    record = Record(file_name, f"line {block.first_line}")
    balances = block.tags(*BALANCE_TAGS)
    if balances:
        line_number, value = balances[0]
        raise Record(file_name, f"line {line_number}").error(
            "balance",
            "an MT942 interim report without balances (a statement with :60F: is read as mt940)",
            value,
        )
    currencies = _check_floor_limits(block, file_name)
    _check_report_times(block, file_name)
    sums = {
        direction: _check_entry_sum(block, file_name, tag)
        for direction, tag in ENTRY_SUM_TAGS.items()
    }
    currencies += [entry_sum.currency for entry_sum in sums.values() if entry_sum]
    currency = record.currency(":34F: currency", currencies[0] if currencies else None)
    statement_lines = check_statement_lines(block, file_name)
    for direction, entry_sum in sums.items():
        if entry_sum is not None:
            _check_against_lines(entry_sum, direction, currency, statement_lines, file_name)
    transactions = read_transactions(block, file_name, statement_lines)

    header = {
        "source_format": SOURCE_FORMAT,
        "bank_account": record.required(":25:", transactions.data.get("account_identification")),
        "statement_id": statement_id(transactions.data, record),
    }
    lines = [
        bank_line(transaction, line, header, currency, file_name, invalid_dates)
        for transaction, line in zip(transactions, statement_lines, strict=True)
    ]
    report = {
        "record_number": block.first_line,
        **header,
        "currency": currency,
        "opening_balance_date": None,
        "opening_balance_amount": None,
        "closing_balance_date": None,
        "closing_balance_amount": None,
        "entry_count": len(lines),
        "credit_total_amount": total(lines, "credit"),
        "debit_total_amount": total(lines, "debit"),
        "balances_tie": None,
    }
    return report, lines


def _check_floor_limits(block: Block, file_name: str) -> list[str]:
    """The currency of each `:34F:`; a debit and a credit floor limit may both be given."""
    currencies = []
    for number, value in block.tags("34F"):
        record = Record(file_name, f"line {number}")
        match = _FLOOR_LIMIT.fullmatch(value.strip())
        if match is None:
            raise record.error(
                ":34F:", "a currency, an optional D or C and an amount such as COP0,", value
            )
        comma_amount(record, ":34F: amount", match.group("amount"))
        currencies.append(match.group("currency"))
    if len(set(currencies)) > 1:
        number = block.tags("34F")[-1][0]
        raise Record(file_name, f"line {number}").error(
            ":34F: currency",
            f"the currency of the first floor limit {currencies[0]}",
            currencies[-1],
        )
    return currencies


def _check_report_times(block: Block, file_name: str) -> None:
    for number, value in block.tags("13D"):
        record = Record(file_name, f"line {number}")
        match = _REPORT_TIME.fullmatch(value.strip())
        valid_clock = match and int(match.group("hour")) < 24 and int(match.group("minute")) < 60
        if not valid_clock:
            raise record.error(
                ":13D:", "a date-time YYMMDDHHMM with its UTC offset such as 2605141200-0500", value
            )
        check_yymmdd(record, ":13D: date", match.group("date"))


def _check_entry_sum(block: Block, file_name: str, tag: str) -> _EntrySum | None:
    found = block.tags(tag)
    if not found:
        return None
    number, value = found[0]
    record = Record(file_name, f"line {number}")
    match = _ENTRY_SUM.fullmatch(value.strip())
    if match is None:
        raise record.error(
            f":{tag}:",
            "a number of entries, a currency and an amount such as 3COP1500000,00",
            value,
        )
    amount = comma_amount(record, f":{tag}: amount", match.group("amount"))
    return _EntrySum(
        number, value.strip(), int(match.group("count")), match.group("currency"), amount
    )


def _check_against_lines(
    entry_sum: _EntrySum,
    direction: str,
    currency: str,
    statement_lines: list[StatementLine],
    file_name: str,
) -> None:
    """The bank's own count and sum of the report's lines, so a lost line cannot pass."""
    tag = ENTRY_SUM_TAGS[direction]
    record = Record(file_name, f"line {entry_sum.line_number}")
    if entry_sum.currency != currency:
        raise record.error(
            f":{tag}: currency", f"the report currency {currency}", entry_sum.currency
        )
    listed = [line.amount for line in statement_lines if line.direction == direction]
    listed_total = sum(listed, Decimal("0.00"))
    if (entry_sum.count, entry_sum.amount) != (len(listed), listed_total):
        raise record.error(
            f":{tag}:",
            f"the count and sum of the report's {direction} :61: lines, "
            f"{len(listed)} for {listed_total} {currency}",
            entry_sum.printed,
        )
