"""What SWIFT MT940 statements and MT942 interim reports share, read with the `mt-940` library.

Both cut into blocks at each `:20:`, and both list movements as `:61:` statement lines with
their `:86:` text. The library repairs what it cannot read: it turns 30 February into the
29th and stops reading an amount at the first stray character. A strict pass over the raw tags
therefore checks every amount and date first, so a damaged file is refused instead of loaded
with other numbers. A `:61:` value or entry date that is no calendar date is the exception:
the line loads with that date empty and flagged (`ingest.dates`), the library reading a
stand-in day that is never kept.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import mt940

from ingest.dates import InvalidDate, calendar_date, flag
from ingest.errors import ParseError
from ingest.parsers._values import (
    Record,
    clean,
    declared_encoding,
    decode_declared,
    decode_text,
)

ENCODINGS = ("utf-8", "cp1252")
# DOS code pages of Central European banks and some Latin American cores: cp850 first, since
# the Spanish letters it writes are letters in cp852 as well but not the reverse.
DOS_ENCODINGS = ("cp850", "cp852")
# Signs a cp1252 statement may carry beside its letters; any other non-letter (a box-drawing
# piece, a fraction, a negation sign) means the bytes were written in another code page.
# Written as escapes: euro, degree, curly quotes, en and em dash, ellipsis, bullet, guillemets.
_TEXT_SIGNS = frozenset("\u20ac\u00b0\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022\u00ab\u00bb")
NO_REFERENCE = "NONREF"

_TAG = re.compile(r":(\d{2}[A-Z]?|NS):")
# The account of each statement, read from the bytes before they are decoded: it is ASCII in
# every encoding a bank uses, and it says which encoding the account declares.
_ACCOUNT_TAG = re.compile(rb"^[\x00-\x1f]*:25:([^\r\n]*)", re.MULTILINE)
# Transmission leftovers around a message: SOH and ETX bytes, and the `{1:..}{2:..}{3:..}{4:`
# envelope header that may share a line with the first tag.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ENVELOPE_HEADER = re.compile(r"\{1:[^{}]*\}(\{2:[^{}]*\})?(\{3:(\{[^{}]*\})*\})?\{4:")
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


@dataclass
class Block:
    """The lines of one statement, from its `:20:` to its end, with their file line numbers."""

    line_numbers: list[int]
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def first_line(self) -> int:
        return self.line_numbers[0]

    def tags(self, *names: str) -> list[tuple[int, str]]:
        """(line number, value) of each tag with one of `names`."""
        found = []
        for number, line in zip(self.line_numbers, self.lines, strict=True):
            match = _TAG.match(line)
            if match and match.group(1) in names:
                found.append((number, line[match.end() :]))
        return found


def statement_blocks(
    content: bytes, file_name: str, declared_encodings: Mapping[str, str] | None = None
) -> list[Block]:
    """Cuts the file at each `:20:`; lines outside a statement (bank headers, the SWIFT
    envelope, the `-` that closes a statement) belong to none. `declared_encodings` are the
    encodings config/companies.yml declares per account, keyed without leading zeros."""
    accounts = [match.decode("ascii", "replace") for match in _ACCOUNT_TAG.findall(content)]
    declared = declared_encoding(declared_encodings, accounts, file_name)
    if declared is None:
        text = statement_text(content, file_name)
    else:
        account, encoding = declared
        text = decode_declared(
            content,
            file_name,
            encoding,
            f"as config/companies.yml declares for bank account {account}",
        )
    blocks: list[Block] = []
    current: Block | None = None
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = _without_transmission_marks(raw_line).rstrip()
        if line.startswith(":20:"):
            current = Block([], [])
            blocks.append(current)
        elif current is None:
            continue
        elif line.startswith("-"):
            current = None
            continue
        if line:
            current.line_numbers.append(number)
            current.lines.append(line)
    if not blocks:
        raise ParseError(file_name, "line 1", ":20:", "a SWIFT statement starting with :20:")
    return blocks


def statement_text(content: bytes, file_name: str) -> str:
    """The text in UTF-8, else in the first of cp1252, cp850 and cp852 whose non-ASCII
    characters all read as letters. A cp1252 reading with odd signs is kept when no DOS
    code page reads better, as before; bytes no code page reads as text are refused."""
    try:
        return decode_text(content, file_name, ("utf-8",))
    except ParseError:
        pass

    readings = {}
    for encoding in ("cp1252", *DOS_ENCODINGS):
        try:
            readings[encoding] = content.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
    for text in readings.values():
        if all(_reads_as_text(character) for character in text if not character.isascii()):
            return text
    if "cp1252" in readings:
        return readings["cp1252"]
    try:
        return decode_text(content, file_name, ENCODINGS)
    except ParseError as error:
        error.expected = "text in utf-8, cp1252, or cp850 or cp852 with letters, not symbols"
        raise


def _reads_as_text(character: str) -> bool:
    # Modifier letters (category Lm) are left out: cp1252 has two of them where DOS code
    # pages put Polish and Czech letters.
    return unicodedata.category(character) in {"Lu", "Ll", "Lt", "Lo"} or (character in _TEXT_SIGNS)


def _without_transmission_marks(line: str) -> str:
    """The line without control bytes; an envelope header leaves only what follows it."""
    line = _CONTROL_CHARACTERS.sub("", line)
    envelope = _ENVELOPE_HEADER.search(line)
    return line[envelope.end() :] if envelope else line


@dataclass
class PrintedDates:
    """The `:61:` value date YYMMDD and optional entry date MMDD as printed, and whether each
    is a calendar date. The entry date takes the value date's year, as the library reads it."""

    value_text: str
    entry_text: str | None

    @property
    def year(self) -> int:
        return 2000 + int(self.value_text[:2])

    @property
    def value_date(self) -> date | None:
        text = self.value_text
        return calendar_date(self.year, int(text[2:4]), int(text[4:]))

    @property
    def entry_is_calendar_date(self) -> bool:
        text = self.entry_text
        return text is None or calendar_date(self.year, int(text[:2]), int(text[2:])) is not None


@dataclass
class StatementLine:
    line_number: int
    direction: str
    amount: Decimal
    dates: PrintedDates
    # Marked RC or RD: the line undoes an earlier credit or debit.
    is_reversal: bool


def check_statement_lines(block: Block, file_name: str) -> list[StatementLine]:
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
        dates = PrintedDates(match.group("value_date"), match.group("entry_date"))
        amount = comma_amount(record, ":61: amount", match.group("amount"))
        mark = match.group("mark")
        checked.append(StatementLine(number, DIRECTIONS[mark], amount, dates, mark.startswith("R")))
    return checked


def check_yymmdd(record: Record, field: str, text: str) -> date:
    try:
        return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))
    except ValueError as error:
        raise record.error(field, "a real date as YYMMDD", text) from error


def comma_amount(record: Record, field: str, text: str) -> Decimal:
    """An amount with a decimal comma, such as `1500000,00` or `9,`."""
    printed = text.replace(",", ".")
    return record.checked_amount(field, Decimal(printed), text)


def read_transactions(
    block: Block, file_name: str, statement_lines: list[StatementLine]
) -> mt940.models.Transactions:
    """The library's reading of the block, refused unless it found every checked `:61:`."""
    record = Record(file_name, f"line {block.first_line}")
    try:
        transactions = mt940.parse(block.text, processors=_PROCESSORS, options=OPTIONS)
    except Exception as error:
        # The library reports unreadable tags with whatever exception its code meets first.
        raise record.error("statement", "tags readable as MT940", str(error)) from error
    if len(transactions) != len(statement_lines):
        raise record.error(
            ":61:", f"{len(statement_lines)} statement lines", f"{len(transactions)} read"
        )
    return transactions


def _keep_raw_details(
    transactions: mt940.models.Transactions, tag: mt940.tags.Tag, tag_dict: dict, result: dict
) -> dict:
    """Keeps the `:86:` text as the bank wrote it, before the library splits its subfields."""
    result["raw_details"] = tag_dict.get("transaction_details") or ""
    return result


def _stand_in_for_invalid_dates(
    transactions: mt940.models.Transactions, tag: mt940.tags.Tag, tag_dict: dict
) -> dict:
    """The library fails on a date no calendar has; it reads the 1st instead, which
    `bank_line` never keeps: the line's dates come from the strict pass."""
    entry_text = f"{tag_dict.get('entry_month') or ''}{tag_dict.get('entry_day') or ''}"
    entry_text = entry_text if len(entry_text) == 4 and entry_text.isdigit() else None
    dates = PrintedDates(f"{tag_dict['year']}{tag_dict['month']}{tag_dict['day']}", entry_text)
    if dates.value_date is None:
        tag_dict["day"] = "01"
        if not 1 <= int(tag_dict["month"]) <= 12:
            tag_dict["month"] = "01"
    if not dates.entry_is_calendar_date:
        tag_dict["entry_day"] = "01"
        if not 1 <= int(tag_dict["entry_month"]) <= 12:
            tag_dict["entry_month"] = "01"
    return tag_dict


_PROCESSORS = {
    # Instead of the library's date repair, which would load 30 February as another day.
    "pre_statement": [_stand_in_for_invalid_dates],
    "post_transaction_details": [
        _keep_raw_details,
        mt940.processors.transaction_details_post_processor,
    ],
}


def statement_id(data: dict, record: Record) -> str:
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


def total(lines: list[dict], direction: str) -> Decimal:
    return sum(
        (line["amount"] for line in lines if line["direction"] == direction), Decimal("0.00")
    )


def bank_line(
    transaction: mt940.models.Transaction,
    statement_line: StatementLine,
    header: dict,
    currency: str,
    file_name: str,
    invalid_dates: list[InvalidDate],
) -> dict:
    data = transaction.data
    record = Record(file_name, f"line {statement_line.line_number}")
    amount = abs(data["amount"].amount)
    value_date = statement_line.dates.value_date
    entry_date = data.get("entry_date")
    detail_lines = [line.strip() for line in (data.get("raw_details") or "").splitlines()]
    payer_name, payer_account = _counterparty(data, detail_lines)
    # Joined with spaces: text wrapped at word boundaries reads as written. A bank that cuts
    # its 65-character lines mid-word leaves a space inside that word.
    texts = [*detail_lines, clean(data.get("extra_details"))]
    row = {
        "record_number": statement_line.line_number,
        **header,
        "entry_reference": _entry_reference(data),
        "booking_date": date(*entry_date.timetuple()[:3]) if entry_date else value_date,
        "value_date": value_date,
        "date_issue": None,
        "date_rule": None,
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
        "is_reversal": statement_line.is_reversal,
    }
    _flag_invalid_dates(row, statement_line, record, invalid_dates)
    return row


def _flag_invalid_dates(
    row: dict, statement_line: StatementLine, record: Record, invalid_dates: list[InvalidDate]
) -> None:
    """The entry date is the booking date; without one the value date stands for both."""
    dates = statement_line.dates
    if dates.value_date is None:
        text = dates.value_text
        columns = ("value_date",) if dates.entry_text else ("value_date", "booking_date")
        flag(
            invalid_dates,
            InvalidDate(
                row,
                columns,
                record.label,
                ":61: value date",
                text,
                dates.year,
                int(text[2:4]),
                int(text[4:]),
            ),
        )
    if not dates.entry_is_calendar_date:
        text = dates.entry_text
        flag(
            invalid_dates,
            InvalidDate(
                row,
                ("booking_date",),
                record.label,
                ":61: entry date",
                text,
                dates.year,
                int(text[:2]),
                int(text[2:]),
            ),
        )


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
