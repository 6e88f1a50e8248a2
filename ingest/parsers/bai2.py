"""BAI2 cash management balance reports (BAI version 2), read with the `bai2` library.

A file holds groups (`02`, one per bank and as-of date) of accounts: an account header `03`
with summary amounts, its transaction details `16`, each continued by any number of `88`
records, and an account trailer `49`. One `bank_lines` row per `16` detail, booked on the
group's as-of date, and one `bank_statements` row per account in each group, with the opening
(`010`) and closing (`015`) ledger balances from its summary.

Amounts carry no decimal point: the currency's minor units say where it goes. Type codes
100-399 are credits and 400-699 debits. The library's integrity checks are switched off
because they refuse a blank account control total, which some banks send; the trailers'
record counts and control totals are checked here instead, and a blank account total only
warns. A group as-of date or a detail value date that is no calendar date (260230) loads its
lines with that date empty and flagged (`ingest.dates`) instead of stopping the library.
"""

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from bai2 import models, parsers
from bai2.constants import FundsType, GroupStatus
from bai2.helpers import IteratorHelper
from bai2.utils import parse_date, parse_time

from ingest.dates import InvalidDate, flag
from ingest.errors import ParseError
from ingest.parsed import ParsedFile
from ingest.parsers._values import (
    Record,
    clean,
    declared_encoding,
    decode_declared,
    decode_text,
)

log = logging.getLogger(__name__)

SOURCE_FORMAT = "bai2"
ENCODINGS = ("utf-8", "cp1252")

# Which record codes may follow each one; an `88` continues whatever record precedes it.
FOLLOWERS = {
    "01": ("02",),
    "02": ("03",),
    "03": ("16", "49"),
    "16": ("16", "49"),
    "49": ("03", "98"),
    "98": ("02", "99"),
    "99": (),
}
CONTINUATION = "88"
DETAIL_TYPE_CODES = range(100, 700)
CREDIT_TYPE_CODES = range(100, 400)
OPENING_LEDGER = "010"
CLOSING_LEDGER = "015"
# Update and correction groups carry entries; deletion and test-only groups must not load.
LOADED_GROUP_STATUSES = (GroupStatus.update, GroupStatus.correction)
# ISO 4217 minor units for the currencies that do not use two decimals.
MINOR_UNITS = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND"), 0
    ),
    **dict.fromkeys(("VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}
# The account of each account header, read from the bytes before they are decoded (it is
# ASCII in every encoding), to find the encoding config/companies.yml declares for it.
_ACCOUNT_HEADER = re.compile(rb"^\s*03,([^,/\r\n]*)", re.MULTILINE)
_DETAIL_HEAD = re.compile(r"(?P<type_code>[^,]*),(?P<amount>[^,/]*)")


def parse(
    content: bytes, file_name: str, declared_encodings: Mapping[str, str] | None = None
) -> ParsedFile:
    text = _decoded(content, file_name, declared_encodings)
    physical_lines = [
        (number, line.strip()) for number, line in enumerate(text.splitlines(), 1) if line.strip()
    ]
    _check_structure(physical_lines, file_name)

    try:
        bai2_file = _FileParser(
            IteratorHelper(line for _, line in physical_lines), check_integrity=False
        ).parse()
    except Exception as error:
        # The library reports a field it cannot read with whatever exception its code meets.
        raise ParseError(
            file_name, "file", "BAI2 records", "fields readable as BAI2", str(error)
        ) from error

    reader = _Reader(file_name, [number for number, _ in physical_lines])
    reader.read_file(bai2_file)
    accounts = dict.fromkeys(row["bank_account"] for row in reader.statement_rows)
    log.debug(
        "parsed %d groups, %d account statements, %d lines from bai2 file %s",
        len(bai2_file.children),
        len(reader.statement_rows),
        len(reader.lines),
        file_name,
    )
    return ParsedFile(
        source_format=SOURCE_FORMAT,
        rows={"bank_lines": reader.lines, "bank_statements": reader.statement_rows},
        owner_keys=tuple(("bank_account", account) for account in accounts),
        warnings=reader.warnings,
        invalid_dates=reader.invalid_dates,
    )


def _decoded(content: bytes, file_name: str, declared_encodings: Mapping[str, str] | None) -> str:
    """In the encoding config/companies.yml declares for the file's accounts, else in the
    first of ENCODINGS that reads every byte."""
    accounts = [match.decode("ascii", "replace") for match in _ACCOUNT_HEADER.findall(content)]
    declared = declared_encoding(declared_encodings, accounts, file_name)
    if declared is None:
        return decode_text(content, file_name, ENCODINGS)
    account, encoding = declared
    return decode_declared(
        content, file_name, encoding, f"as config/companies.yml declares for bank account {account}"
    )


def _check_structure(physical_lines: list[tuple[int, str]], file_name: str) -> None:
    """Refuses records out of place, naming the line, before the library reads the file."""
    previous = None
    for number, line in physical_lines:
        code = line[:2]
        record = Record(file_name, f"line {number}")
        expected = FOLLOWERS[previous] if previous else ("01",)
        if code == CONTINUATION and previous is not None:
            continue
        if code not in expected:
            raise record.error("record code", _expectation(previous), line[:20])
        if code == "16":
            _check_detail_head(record, line)
        previous = code
    if previous != "99":
        last_line = physical_lines[-1][0] if physical_lines else 1
        raise ParseError(
            file_name, f"line {last_line}", "record code", "a file trailer 99", "end of file"
        )


def _expectation(previous: str | None) -> str:
    if previous is None:
        return "a file header 01 to open the file"
    if previous == "99":
        return "nothing after the file trailer 99"
    return f"{' or '.join(FOLLOWERS[previous])} after a {previous} record"


def _check_detail_head(record: Record, line: str) -> None:
    """The type code and the amount of a `16`, the two fields that make its money."""
    head = _DETAIL_HEAD.match(line[3:])
    type_code = head.group("type_code") if head else line[3:]
    if not (len(type_code) == 3 and type_code.isdigit() and int(type_code) in DETAIL_TYPE_CODES):
        raise record.error(
            "16 type code",
            "a detail type code from 100 to 399 (credit) or 400 to 699 (debit)",
            type_code,
        )
    if not head.group("amount").isdigit():
        raise record.error(
            "16 amount", "an amount in digits, without a decimal point", head.group("amount")
        )


class _NotACalendarDate(str):
    """A YYMMDD of six digits that names no calendar day, such as 260230, kept as printed."""

    @property
    def parts(self) -> tuple[int, int, int]:
        return 2000 + int(self[:2]), int(self[2:4]), int(self[4:])


def _printed_date(value: str) -> date | _NotACalendarDate:
    """The library's date reading, except that a day no calendar has is kept as text."""
    try:
        return parse_date(value)
    except ValueError:
        if len(value) == 6 and value.isdigit():
            return _NotACalendarDate(value)
        raise


class _DetailParser(parsers.TransactionDetailParser):
    # The library fails on any type code missing from its table; the code is kept as written
    # and its range gives the direction.
    head_fields_config = (("type_code", str), ("amount", int), ("funds_type", FundsType))

    @classmethod
    def _parse_availability(cls, funds_type: FundsType, rest: list[str]) -> tuple:
        if funds_type != FundsType.value_dated:
            return super()._parse_availability(funds_type, rest)
        printed_date, printed_time = rest.pop(0), rest.pop(0)
        availability = {
            "date": _printed_date(printed_date) if printed_date else None,
            "time": parse_time(printed_time) if printed_time else None,
        }
        return availability, rest


class _GroupHeaderParser(parsers.GroupHeaderParser):
    fields_config: ClassVar[list] = [
        (name, _printed_date) if name == "as_of_date" else config
        for config in parsers.GroupHeaderParser.fields_config
        for name in [config if isinstance(config, str) else config[0]]
    ]


class _AccountHeaderParser(parsers.AccountIdentifierParser):
    summary_fields_config = (
        ("type_code", str),
        ("amount", int),
        ("item_count", int),
        ("funds_type", FundsType),
    )


class _AccountParser(parsers.AccountParser):
    header_parser_class = _AccountHeaderParser
    child_parser_class = _DetailParser


class _GroupParser(parsers.GroupParser):
    header_parser_class = _GroupHeaderParser
    child_parser_class = _AccountParser


class _FileParser(parsers.Bai2FileParser):
    child_parser_class = _GroupParser


@dataclass
class _Totals:
    """What a trailer must state: the control total and the number of physical records."""

    control_total: int
    record_count: int


class _Reader:
    """Walks the library's tree in file order, so each record gets back its line number."""

    def __init__(self, file_name: str, line_numbers: list[int]) -> None:
        self.file_name = file_name
        self.line_numbers = line_numbers
        self.position = 0
        self.lines: list[dict] = []
        self.statement_rows: list[dict] = []
        self.warnings: list[str] = []
        self.invalid_dates: list[InvalidDate] = []
        self.group_line = 0

    def _take(self, model: models.Bai2SingleModel) -> int:
        """The line of a header, detail or trailer; its `88` continuations are passed over."""
        number = self.line_numbers[self.position]
        self.position += len(model.rows)
        return number

    def _record(self, line_number: int) -> Record:
        return Record(self.file_name, f"line {line_number}")

    def read_file(self, bai2_file: models.Bai2File) -> None:
        self._take(bai2_file.header)
        group_totals = [self._read_group(group) for group in bai2_file.children]
        trailer = bai2_file.trailer
        record = self._record(self._take(trailer))
        self._check_trailer(
            record,
            "99",
            trailer,
            trailer.file_control_total,
            _Totals(
                sum(totals.control_total for totals in group_totals),
                2 + sum(totals.record_count for totals in group_totals),
            ),
        )
        _check_count(record, "99 number of groups", trailer.number_of_groups, len(group_totals))

    def _read_group(self, group: models.Group) -> _Totals:
        header = group.header
        self.group_line = self._take(header)
        record = self._record(self.group_line)
        if header.group_status not in LOADED_GROUP_STATUSES:
            found = header.group_status.value if header.group_status else "nothing"
            raise record.error("02 group status", "1 (update) or 3 (correction)", found)
        if header.as_of_date is None:
            raise record.error("02 as-of date", "a date as YYMMDD", "nothing")

        account_totals = [self._read_account(account, header) for account in group.children]
        trailer = group.trailer
        record = self._record(self._take(trailer))
        totals = _Totals(
            sum(account.control_total for account in account_totals),
            2 + sum(account.record_count for account in account_totals),
        )
        self._check_trailer(record, "98", trailer, trailer.group_control_total, totals)
        _check_count(
            record, "98 number of accounts", trailer.number_of_accounts, len(account_totals)
        )
        return totals

    def _read_account(self, account: models.Account, group_header: models.GroupHeader) -> _Totals:
        header = account.header
        line_number = self._take(header)
        record = self._record(line_number)
        bank_account = record.required("03 customer account number", header.customer_account_number)
        # A blank account currency is the group's; the library reads a blank group one as USD.
        currency = record.currency("03 currency", header.currency or group_header.currency)
        summaries = {summary.type_code: summary for summary in header.summary_items}
        opening = _balance(record, summaries.get(OPENING_LEDGER), currency)
        closing = _balance(record, summaries.get(CLOSING_LEDGER), currency)
        as_of_date = group_header.as_of_date
        printed_as_of = (
            f"20{as_of_date}"
            if isinstance(as_of_date, _NotACalendarDate)
            else f"{as_of_date:%Y%m%d}"
        )
        line_header = {
            "source_format": SOURCE_FORMAT,
            "bank_account": bank_account,
            "statement_id": f"{group_header.originator_id}-{printed_as_of}-{bank_account}",
        }

        lines = [
            self._line(detail, line_header, currency, as_of_date) for detail in account.children
        ]
        trailer = account.trailer
        totals = _Totals(
            sum(summary.amount or 0 for summary in header.summary_items)
            + sum(detail.amount for detail in account.children),
            len(header.rows) + sum(len(detail.rows) for detail in account.children) + 1,
        )
        trailer_record = self._record(self._take(trailer))
        self._check_trailer(
            trailer_record, "49", trailer, trailer.account_control_total, totals, blank_warns=True
        )

        credit_total = _total(lines, "credit")
        debit_total = _total(lines, "debit")
        self.lines.extend(lines)
        if isinstance(as_of_date, _NotACalendarDate):
            as_of_date = None
        self.statement_rows.append(
            {
                "record_number": line_number,
                **line_header,
                "currency": currency,
                "opening_balance_date": as_of_date if opening is not None else None,
                "opening_balance_amount": opening,
                "closing_balance_date": as_of_date if closing is not None else None,
                "closing_balance_amount": closing,
                "entry_count": len(lines),
                "credit_total_amount": credit_total,
                "debit_total_amount": debit_total,
                "balances_tie": self._tie(
                    line_header["statement_id"], opening, credit_total, debit_total, closing
                ),
            }
        )
        return totals

    def _line(
        self,
        detail: models.TransactionDetail,
        header: dict,
        currency: str,
        as_of_date: date | _NotACalendarDate,
    ) -> dict:
        line_number = self._take(detail)
        # Only a value-dated detail states its value date; immediate funds are value that day.
        value_date = None
        if detail.funds_type == FundsType.value_dated and detail.availability:
            value_date = detail.availability.get("date")
        elif detail.funds_type == FundsType.immediate_availability:
            value_date = as_of_date
        row = {
            "record_number": line_number,
            **header,
            "entry_reference": clean(detail.bank_reference),
            "booking_date": as_of_date,
            "value_date": value_date,
            "date_issue": None,
            "date_rule": None,
            "direction": "credit" if int(detail.type_code) in CREDIT_TYPE_CODES else "debit",
            "amount": _amount(self._record(line_number), "16 amount", detail.amount, currency),
            "currency": currency,
            "status": "booked",
            "bank_transaction_code": detail.type_code,
            "counterparty_name": None,
            "counterparty_account": None,
            "end_to_end_id": None,
            # The originator's own reference for the payment, such as a check number.
            "structured_reference": clean(detail.customer_reference),
            "remittance_text": clean(detail.text),
            # the format has no reversal mark
            "is_reversal": None,
        }
        self._flag_invalid_dates(row, line_number)
        return row

    def _flag_invalid_dates(self, row: dict, line_number: int) -> None:
        """The group's as-of date stands for the booking date, and for the value date of
        immediate funds; a value-dated detail prints its own."""
        if isinstance(row["booking_date"], _NotACalendarDate):
            printed = row["booking_date"]
            columns = ("booking_date",)
            if row["value_date"] is printed:
                columns += ("value_date",)
            flag(
                self.invalid_dates,
                InvalidDate(
                    row,
                    columns,
                    f"line {self.group_line}",
                    "02 as-of date",
                    str(printed),
                    *printed.parts,
                ),
            )
        if isinstance(row["value_date"], _NotACalendarDate):
            printed = row["value_date"]
            flag(
                self.invalid_dates,
                InvalidDate(
                    row,
                    ("value_date",),
                    f"line {line_number}",
                    "16 value date",
                    str(printed),
                    *printed.parts,
                ),
            )

    def _tie(
        self,
        statement_id: str,
        opening: Decimal | None,
        credit_total: Decimal,
        debit_total: Decimal,
        closing: Decimal | None,
    ) -> bool | None:
        """An account that does not tie still loads: its lines are what the bank reported."""
        if opening is None or closing is None:
            return None
        expected_closing = opening + credit_total - debit_total
        if expected_closing == closing:
            return True
        self.warnings.append(
            f"{self.file_name}: account statement {statement_id} does not tie: opening "
            f"{opening} + credits {credit_total} - debits {debit_total} = {expected_closing}, "
            f"but the closing ledger balance is {closing}"
        )
        return False

    def _check_trailer(
        self,
        record: Record,
        code: str,
        trailer: models.Bai2SingleModel,
        stated_total: int,
        totals: _Totals,
        *,
        blank_warns: bool = False,
    ) -> None:
        """Record count and control total; the library reads a blank total as 0, so blank is
        told apart from the record's own text."""
        _check_count(
            record, f"{code} number of records", trailer.number_of_records, totals.record_count
        )
        printed_total = trailer.rows[0][1].split(",")[0].strip()
        if not printed_total and blank_warns:
            self.warnings.append(
                f"{self.file_name}: {record.label}: the account trailer has a blank control "
                f"total; its amounts add up to {totals.control_total} and load unchecked by it"
            )
            return
        if not printed_total or stated_total != totals.control_total:
            raise record.error(
                f"{code} control total",
                f"{totals.control_total}, the sum of the amounts it closes",
                printed_total or "nothing",
            )


def _check_count(record: Record, field: str, stated: int | None, counted: int) -> None:
    if stated != counted:
        raise record.error(field, f"{counted}, the number found in the file", stated)


def _total(lines: list[dict], direction: str) -> Decimal:
    return sum(
        (line["amount"] for line in lines if line["direction"] == direction), Decimal("0.00")
    )


def _balance(record: Record, summary: models.Summary | None, currency: str) -> Decimal | None:
    if summary is None or summary.amount is None:
        return None
    field = f"03 summary {summary.type_code}"
    return _amount(record, field, summary.amount, currency, signed=True)


def _amount(
    record: Record, field: str, amount: int | None, currency: str, *, signed: bool = False
) -> Decimal:
    """The implied decimals of the currency put back: 150000 in COP is 1500.00."""
    if amount is None:
        raise record.error(field, "an amount", "nothing")
    scaled = Decimal(amount).scaleb(-MINOR_UNITS.get(currency, 2))
    return record.checked_amount(field, scaled, str(amount), signed=signed)
