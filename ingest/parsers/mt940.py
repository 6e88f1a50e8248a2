"""SWIFT MT940 customer statements, read with the `mt-940` library (see `_swift_mt`).

One `bank_lines` row per `:61:` statement line, its `:86:` text as the remittance text, and one
`bank_statements` row per statement (`:20:` block) from `:60F:`/`:60M:` and `:62F:`/`:62M:`.
A block without an opening balance is an MT942 interim report, read by `mt942`.
"""

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import mt940

from ingest.dates import InvalidDate
from ingest.parsed import ParsedFile
from ingest.parsers._swift_mt import (
    Block,
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

SOURCE_FORMAT = "mt940"

_BALANCE = re.compile(r"(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>\d+,\d*)")


def parse(
    content: bytes, file_name: str, declared_encodings: Mapping[str, str] | None = None
) -> ParsedFile:
    blocks = statement_blocks(content, file_name, declared_encodings)

    lines: list[dict] = []
    statements: list[dict] = []
    warnings: list[str] = []
    invalid_dates: list[InvalidDate] = []
    for block in blocks:
        statement = _read_block(block, file_name, invalid_dates)
        lines.extend(statement.lines)
        statements.append(statement.row)
        if statement.warning:
            warnings.append(statement.warning)

    accounts = dict.fromkeys(row["bank_account"] for row in statements)
    log.debug(
        "parsed %d statements, %d lines from mt940 file %s",
        len(statements),
        len(lines),
        file_name,
    )
    return ParsedFile(
        source_format=SOURCE_FORMAT,
        rows={"bank_lines": lines, "bank_statements": statements},
        owner_keys=tuple(("bank_account", account) for account in accounts),
        warnings=warnings,
        invalid_dates=invalid_dates,
    )


@dataclass
class _Statement:
    row: dict
    lines: list[dict]
    warning: str | None


def _read_block(block: Block, file_name: str, invalid_dates: list[InvalidDate]) -> _Statement:
    first_line = block.first_line
    record = Record(file_name, f"line {first_line}")
    openings = _check_balances(block, file_name, "60F", "60M")
    closings = _check_balances(block, file_name, "62F", "62M")
    if not openings:
        raise record.error(
            ":60F:",
            "an opening balance :60F: or :60M: (an MT942 interim report, which has none, "
            "is read as mt942)",
        )
    if not closings:
        raise record.error(":62F:", "a closing balance :62F: or :62M:")
    statement_lines = check_statement_lines(block, file_name)
    transactions = read_transactions(block, file_name, statement_lines)

    account = record.required(":25:", transactions.data.get("account_identification"))
    opening = _balance(transactions, "final_opening_balance", "intermediate_opening_balance")
    closing = _balance(transactions, "final_closing_balance", "intermediate_closing_balance")
    currency = record.currency(":60F: currency", opening.amount.currency)
    opening_amount = _signed_balance(record, ":60F: amount", opening)
    closing_amount = _signed_balance(record, ":62F: amount", closing)
    header = {
        "source_format": SOURCE_FORMAT,
        "bank_account": account,
        "statement_id": statement_id(transactions.data, record),
    }

    lines = [
        bank_line(transaction, line, header, currency, file_name, invalid_dates)
        for transaction, line in zip(transactions, statement_lines, strict=True)
    ]
    credit_total = total(lines, "credit")
    debit_total = total(lines, "debit")
    expected_closing = opening_amount + credit_total - debit_total
    balances_tie = expected_closing == closing_amount
    warning = None
    if not balances_tie:
        warning = (
            f"{file_name}: statement {header['statement_id']} (line {first_line}) does not tie: "
            f"opening {opening_amount} + credits {credit_total} - debits {debit_total} = "
            f"{expected_closing}, but the closing balance is {closing_amount} {currency}"
        )

    row = {
        "record_number": first_line,
        **header,
        "currency": currency,
        "opening_balance_date": date(*opening.date.timetuple()[:3]),
        "opening_balance_amount": opening_amount,
        "closing_balance_date": date(*closing.date.timetuple()[:3]),
        "closing_balance_amount": closing_amount,
        "entry_count": len(lines),
        "credit_total_amount": credit_total,
        "debit_total_amount": debit_total,
        "balances_tie": balances_tie,
    }
    return _Statement(row, lines, warning)


def _check_balances(block: Block, file_name: str, *tags: str) -> list[tuple[int, str]]:
    found = block.tags(*tags)
    for number, value in found:
        record = Record(file_name, f"line {number}")
        match = _BALANCE.fullmatch(value.strip())
        if match is None:
            raise record.error(
                f":{tags[0]}:",
                "C or D, a date YYMMDD, a currency and an amount such as C260514COP1500000,00",
                value,
            )
        check_yymmdd(record, f":{tags[0]}: date", match.group("date"))
        comma_amount(record, f":{tags[0]}: amount", match.group("amount"))
    return found


def _balance(transactions: mt940.models.Transactions, *slugs: str) -> mt940.models.Balance:
    return next(transactions.data[slug] for slug in slugs if slug in transactions.data)


def _signed_balance(record: Record, field: str, balance: mt940.models.Balance) -> Decimal:
    amount = balance.amount.amount
    return record.checked_amount(field, amount, str(amount), signed=True)
