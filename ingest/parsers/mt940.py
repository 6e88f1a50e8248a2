"""SWIFT MT940 customer statements, read with the `mt-940` library.

One `bank_lines` row per `:61:` statement line, its `:86:` text as the remittance text, and one
`bank_statements` row per statement (`:20:` block) from `:60F:`/`:60M:` and `:62F:`/`:62M:`.

The library repairs what it cannot read: it turns 30 February into the 29th and stops reading
an amount at the first stray character. A strict pass over the raw tags therefore checks every
amount and date first, so a damaged file is refused instead of loaded with other numbers.
"""

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import mt940

from ingest.errors import ParseError
from ingest.parsed import ParsedFile
from ingest.parsers._values import Record, clean, decode_text

log = logging.getLogger(__name__)

SOURCE_FORMAT = "mt940"
ENCODINGS = ("utf-8", "cp1252")
NO_REFERENCE = "NONREF"

_TAG = re.compile(r":(\d{2}[A-Z]?|NS):")
_BALANCE = re.compile(r"(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>\d+,\d*)")
_STATEMENT_LINE = re.compile(
    r"(?P<value_date>\d{6})(?P<entry_date>\d{4})?(?P<mark>R?[CD])[A-Z]?(?P<amount>\d+,\d*)"
)
# Marks of field 61: a reversal of a credit takes money out, a reversal of a debit puts it back.
DIRECTIONS = {"C": "credit", "RD": "credit", "D": "debit", "RC": "debit"}
# SWIFT's structured `:86:` names the counterparty in a /NAME/ segment.
_NAME_SEGMENT = re.compile(r"/NAME/([^/\n]+)")
# The layout agreed for this project's `:86:` text: the payer's name on the line above
# `CTA <account>`.
_ACCOUNT_LINE = re.compile(r"CTA\s+(\S+)")

OPTIONS = mt940.Options(
    applicant_iban=True,  # keep the payer's IBAN out of the payer's name
    merge_keeps_values=True,  # keep the :61: customer reference when :86: has none
    unbounded_details=True,  # never cut long :86: text
    strip_bom=True,
)


def parse(content: bytes, file_name: str) -> ParsedFile:
    text = decode_text(content, file_name, ENCODINGS)
    blocks = _statement_blocks(text.splitlines())
    if not blocks:
        raise ParseError(file_name, "line 1", ":20:", "an MT940 statement starting with :20:")

    lines: list[dict] = []
    statements: list[dict] = []
    warnings: list[str] = []
    for block in blocks:
        statement = _read_block(block, file_name)
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
    )


@dataclass
class _Block:
    """The lines of one statement, from its `:20:` to its end, with their file line numbers."""

    line_numbers: list[int]
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def tags(self, *names: str) -> list[tuple[int, str]]:
        """(line number, value) of each tag with one of `names`."""
        found = []
        for number, line in zip(self.line_numbers, self.lines, strict=True):
            match = _TAG.match(line)
            if match and match.group(1) in names:
                found.append((number, line[match.end() :]))
        return found


def _statement_blocks(lines: list[str]) -> list[_Block]:
    """Cuts the file at each `:20:`; lines outside a statement (bank headers, the SWIFT
    envelope, the `-` that closes a statement) belong to none."""
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, raw_line in enumerate(lines, start=1):
        line = raw_line.rstrip()
        if line.startswith(":20:"):
            current = _Block([], [])
            blocks.append(current)
        elif current is None:
            continue
        elif line.startswith("-"):
            current = None
            continue
        if line:
            current.line_numbers.append(number)
            current.lines.append(line)
    return blocks


@dataclass
class _Statement:
    row: dict
    lines: list[dict]
    warning: str | None


def _read_block(block: _Block, file_name: str) -> _Statement:
    first_line = block.line_numbers[0]
    record = Record(file_name, f"line {first_line}")
    openings = _check_balances(block, file_name, "60F", "60M")
    closings = _check_balances(block, file_name, "62F", "62M")
    if not openings:
        raise record.error(
            ":60F:", "an opening balance :60F: or :60M: (MT942 interim reports are not loaded)"
        )
    if not closings:
        raise record.error(":62F:", "a closing balance :62F: or :62M:")
    statement_lines = _check_statement_lines(block, file_name)

    try:
        transactions = mt940.parse(block.text, processors=_PROCESSORS, options=OPTIONS)
    except Exception as error:
        # The library reports unreadable tags with whatever exception its code meets first.
        raise record.error("statement", "tags readable as MT940", str(error)) from error
    if len(transactions) != len(statement_lines):
        raise record.error(
            ":61:", f"{len(statement_lines)} statement lines", f"{len(transactions)} read"
        )

    account = record.required(":25:", transactions.data.get("account_identification"))
    opening = _balance(transactions, "final_opening_balance", "intermediate_opening_balance")
    closing = _balance(transactions, "final_closing_balance", "intermediate_closing_balance")
    currency = record.currency(":60F: currency", opening.amount.currency)
    opening_amount = _signed_balance(record, ":60F: amount", opening)
    closing_amount = _signed_balance(record, ":62F: amount", closing)
    header = {
        "source_format": SOURCE_FORMAT,
        "bank_account": account,
        "statement_id": _statement_id(transactions.data, record),
    }

    lines = [
        _line(transaction, line, header, currency, file_name)
        for transaction, line in zip(transactions, statement_lines, strict=True)
    ]
    credit_total = _total(lines, "credit")
    debit_total = _total(lines, "debit")
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


def _total(lines: list[dict], direction: str) -> Decimal:
    return sum(
        (line["amount"] for line in lines if line["direction"] == direction), Decimal("0.00")
    )


def _check_balances(block: _Block, file_name: str, *tags: str) -> list[tuple[int, str]]:
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
        _yymmdd(record, f":{tags[0]}: date", match.group("date"))
        _amount(record, f":{tags[0]}: amount", match.group("amount"))
    return found


@dataclass
class _StatementLine:
    line_number: int
    direction: str


def _check_statement_lines(block: _Block, file_name: str) -> list[_StatementLine]:
    checked = []
    for number, value in block.tags("61"):
        record = Record(file_name, f"line {number}")
        match = _STATEMENT_LINE.match(value)
        if match is None:
            raise record.error(
                ":61:",
                "a value date YYMMDD, an optional entry date MMDD, C, D, RC or RD "
                "and an amount with a decimal comma",
                value,
            )
        _yymmdd(record, ":61: value date", match.group("value_date"))
        if match.group("entry_date"):
            _mmdd(record, ":61: entry date", match.group("entry_date"))
        _amount(record, ":61: amount", match.group("amount"))
        checked.append(_StatementLine(number, DIRECTIONS[match.group("mark")]))
    return checked


def _yymmdd(record: Record, field: str, text: str) -> None:
    try:
        date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))
    except ValueError as error:
        raise record.error(field, "a real date as YYMMDD", text) from error


def _mmdd(record: Record, field: str, text: str) -> None:
    month, day = int(text[:2]), int(text[2:])
    # A leap year, so 29 February passes here and the year is settled by the value date.
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(2000, month)[1]):
        raise record.error(field, "a real date as MMDD", text)


def _amount(record: Record, field: str, text: str) -> Decimal:
    printed = text.replace(",", ".")
    return record.checked_amount(field, Decimal(printed), text)


def _keep_raw_details(
    transactions: mt940.models.Transactions, tag: mt940.tags.Tag, tag_dict: dict, result: dict
) -> dict:
    """Keeps the `:86:` text as the bank wrote it, before the library splits its subfields."""
    result["raw_details"] = tag_dict.get("transaction_details") or ""
    return result


_PROCESSORS = {
    # Without the library's date repair: the strict pass has already refused impossible dates.
    "pre_statement": [],
    "post_transaction_details": [
        _keep_raw_details,
        mt940.processors.transaction_details_post_processor,
    ],
}


def _balance(transactions: mt940.models.Transactions, *slugs: str) -> mt940.models.Balance:
    return next(transactions.data[slug] for slug in slugs if slug in transactions.data)


def _signed_balance(record: Record, field: str, balance: mt940.models.Balance) -> Decimal:
    amount = balance.amount.amount
    return record.checked_amount(field, amount, str(amount), signed=True)


def _statement_id(data: dict, record: Record) -> str:
    """`:20:` alone is often a fixed word such as STARTUMS; the `:28C:` number makes it one
    statement."""
    reference = clean(data.get("transaction_reference"))
    number = clean(data.get("statement_number"))
    sequence = clean(data.get("sequence_number"))
    if number and sequence:
        number = f"{number}/{sequence}"
    parts = [part for part in (reference, number) if part]
    if not parts:
        raise record.error(":20:", "a transaction reference or a :28C: statement number")
    return "/".join(parts)


def _line(
    transaction: mt940.models.Transaction,
    statement_line: _StatementLine,
    header: dict,
    currency: str,
    file_name: str,
) -> dict:
    data = transaction.data
    record = Record(file_name, f"line {statement_line.line_number}")
    amount = abs(data["amount"].amount)
    value_date = date(*data["date"].timetuple()[:3])
    entry_date = data.get("entry_date")
    detail_lines = [line.strip() for line in (data.get("raw_details") or "").splitlines()]
    payer_name, payer_account = _counterparty(data, detail_lines)
    # Joined with spaces: text wrapped at word boundaries reads as written. A bank that cuts
    # its 65-character lines mid-word leaves a space inside that word.
    texts = [*detail_lines, clean(data.get("extra_details"))]
    return {
        "record_number": statement_line.line_number,
        **header,
        "entry_reference": _entry_reference(data),
        "booking_date": date(*entry_date.timetuple()[:3]) if entry_date else value_date,
        "value_date": value_date,
        "direction": statement_line.direction,
        "amount": record.checked_amount(":61: amount", amount, str(amount)),
        "currency": currency,
        "status": "booked",
        "bank_transaction_code": clean(data.get("id")),
        "counterparty_name": payer_name,
        "counterparty_account": payer_account,
        "end_to_end_id": clean(data.get("end_to_end_reference")),
        "structured_reference": None,
        "remittance_text": " ".join(text for text in texts if text) or None,
    }


def _entry_reference(data: dict) -> str | None:
    """The bank's own reference after `//`, else the account owner's reference."""
    for key in ("bank_reference", "customer_reference"):
        reference = clean(data.get(key))
        if reference and reference.upper() != NO_REFERENCE:
            return reference
    return None


def _counterparty(data: dict, detail_lines: list[str]) -> tuple[str | None, str | None]:
    """(name, account) of the payer, when the `:86:` text gives them in a known layout."""
    structured_name = clean(data.get("applicant_name"))
    if structured_name:
        return structured_name, clean(data.get("applicant_iban"))
    for number, line in enumerate(detail_lines):
        account = _ACCOUNT_LINE.fullmatch(line)
        if account and number > 0:
            return clean(detail_lines[number - 1]), account.group(1)
    named = _NAME_SEGMENT.search("".join(detail_lines))
    return (clean(named.group(1)) if named else None), None
