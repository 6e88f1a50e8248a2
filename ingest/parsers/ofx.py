"""Open Financial Exchange bank and credit-card statements, read with the `ofxparse` library:
OFX 1.x (SGML, tags often left open), OFX 2.x (XML) and Quicken's QFX, which is OFX.

ofxparse reads what banks send, where ofxtools refuses files without the OFX header or with
blank lines before it. It bends what it cannot read, though: it decodes a file without a
CHARSET header as ASCII and fails on the first accented letter, drops a transaction whose NAME
is empty, and moves every date to UTC, so a payment posted at 23:30 in Bogotá lands on the
next day. So the file reaches it decoded here, every non-ASCII letter written as a character
reference and empty elements removed; and dates, FITIDs, currencies and balances are read
here from the same tags, while the library gives amounts, names and memos.

One `bank_lines` row per STMTTRN with its FITID as the entry reference: FITIDs should be unique
per account, so a transaction downloaded again in an overlapping file is one entry in dbt. A
FITID the bank reuses within a statement keeps both transactions and warns. One
`bank_statements` row per STMTRS or CCSTMTRS, the ledger balance as its closing balance. OFX
states no opening balance, so `balances_tie` stays empty. A DTPOSTED or DTAVAIL that is no
calendar date (20260230) loads its transaction with that date empty and flagged
(`ingest.dates`); the library, which would drop the transaction, reads no date for it.
"""

import codecs
import io
import logging
import re
import warnings
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bs4 import BeautifulSoup, Tag, XMLParsedAsHTMLWarning
from ofxparse import AccountType, OfxParser
from ofxparse.ofxparse import Account, OfxPreprocessedFile, Transaction

from ingest.dates import InvalidDate, calendar_date, flag
from ingest.errors import ParseError
from ingest.parsed import ParsedFile
from ingest.parsers._values import Record, clean, decode_text

log = logging.getLogger(__name__)

SOURCE_FORMAT = "ofx"
FALLBACK_ENCODINGS = ("utf-8", "cp1252")
# In the library's order: bank statements first, then credit-card ones; investment
# statements are not cash the company collects.
STATEMENT_TAGS = ("stmtrs", "ccstmtrs")
STATEMENT_ACCOUNT_TYPES = (AccountType.Bank, AccountType.CreditCard)
ACCOUNT_PATHS = (("bankacctfrom", "acctid"), ("ccacctfrom", "acctid"))

# Where a file declares its character set: the XML declaration of OFX 2, the CHARSET or
# ENCODING header of OFX 1.
_XML_ENCODING = re.compile(rb"<\?xml[^>]*encoding=[\"']([\w.:-]+)[\"']", re.IGNORECASE)
_SGML_CHARSET = re.compile(rb"^\s*CHARSET:\s*([\w-]+)", re.IGNORECASE | re.MULTILINE)
_SGML_ENCODING = re.compile(rb"^\s*ENCODING:\s*(UTF-?8|UNICODE)", re.IGNORECASE | re.MULTILINE)
SGML_CHARSETS = {"1252": "cp1252", "8859-1": "latin-1", "ISO-8859-1": "latin-1"}
# An OFX date: YYYYMMDD, then optionally the time, fractions and a [offset:zone] the date
# is already local to.
_OFX_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{6}(\.\d+)?)?(\[[^\]]*\])?")
_EMPTY_ELEMENT = re.compile(r"<([A-Za-z0-9._]+)>[ \t]*</\1>")


def parse(content: bytes, file_name: str) -> ParsedFile:
    text = _prepared_text(content, file_name)
    soup = _soup(text)
    statement_tags = [tag for name in STATEMENT_TAGS for tag in soup.find_all(name)]
    if not statement_tags:
        raise ParseError(
            file_name, "OFX", "STMTRS", "a bank (STMTRS) or credit-card (CCSTMTRS) statement"
        )
    accounts = _library_accounts(text, file_name)
    if len(accounts) != len(statement_tags):
        raise ParseError(
            file_name, "OFX", "STMTRS", f"{len(statement_tags)} statements", f"{len(accounts)} read"
        )

    reader = _StatementReader(file_name)
    for number, (tag, account) in enumerate(zip(statement_tags, accounts, strict=True), 1):
        reader.read(tag, account, number)

    owners = dict.fromkeys(row["bank_account"] for row in reader.statement_rows)
    log.debug(
        "parsed %d statements, %d lines from ofx file %s",
        len(reader.statement_rows),
        len(reader.lines),
        file_name,
    )
    return ParsedFile(
        source_format=SOURCE_FORMAT,
        rows={"bank_lines": reader.lines, "bank_statements": reader.statement_rows},
        owner_keys=tuple(("bank_account", account) for account in owners),
        warnings=reader.warnings,
        invalid_dates=reader.invalid_dates,
    )


def _prepared_text(content: bytes, file_name: str) -> str:
    """The file as ASCII text that both readers take the same way, line for line."""
    text = decode_text(content, file_name, _encodings(content))
    # The OFX 1 header has done its work once the text is decoded; blank lines keep the line
    # numbers while sparing the library a header it may choke on (CHARSET:NONE).
    body_start = text.find("<")
    if body_start > 0:
        text = "\n" * text.count("\n", 0, body_start) + text[body_start:]
    text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
    closed = OfxPreprocessedFile(io.BytesIO(text.encode("ascii"))).fh.read()
    # Empty elements say nothing, yet the library drops a transaction over an empty NAME;
    # removing one may leave its parent empty in turn.
    while True:
        emptied = _EMPTY_ELEMENT.sub("", closed)
        if emptied == closed:
            return closed
        closed = emptied


def _encodings(content: bytes) -> tuple[str, ...]:
    head = content[:2048]
    declared = None
    if match := _XML_ENCODING.search(head):
        declared = match.group(1).decode("ascii")
    elif _SGML_ENCODING.search(head):
        declared = "utf-8"
    elif match := _SGML_CHARSET.search(head):
        declared = SGML_CHARSETS.get(match.group(1).decode("ascii").upper())
    try:
        known = [codecs.lookup(declared).name] if declared else []
    except LookupError:
        known = []
    return tuple(dict.fromkeys([*known, *FALLBACK_ENCODINGS]))


def _soup(text: str) -> BeautifulSoup:
    # The library reads OFX 2 with the HTML parser too, which lower-cases every tag name.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(text, "html.parser")


class _OfxParser(OfxParser):
    """Dates are read from the tags by this module; the library would drop a transaction
    whose date no calendar has, so for such a date it reads none."""

    @classmethod
    def parseOfxDateTime(cls, ofxDateTime: str):  # the library's names
        try:
            return super().parseOfxDateTime(ofxDateTime)
        except ValueError:
            return None


def _library_accounts(text: str, file_name: str) -> list[Account]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ofx = _OfxParser.parse(io.BytesIO(text.encode("ascii")), fail_fast=False)
    except Exception as error:
        # The library reports what it cannot read with whatever exception its code meets.
        raise ParseError(
            file_name, "OFX", "OFX", "a file the ofxparse library can read", str(error)
        ) from error
    return [account for account in ofx.accounts if account.type in STATEMENT_ACCOUNT_TYPES]


def _text(tag: Tag, *path: str) -> str | None:
    """The text of the element at `path` below `tag`, or None when absent or blank."""
    found = tag
    for name in path:
        found = found.find(name)
        if found is None:
            return None
    return clean(found.get_text())


def _label(tag: Tag, *parts: str) -> str:
    return f"{', '.join(parts)} (line {tag.sourceline})"


def _ofx_date(record: Record, field: str, text: str | None) -> date | None:
    """The calendar date as written: an OFX date-time is stated in the bank's own zone."""
    parts = _date_parts(record, field, text)
    if parts is None:
        return None
    found = calendar_date(*parts)
    if found is None:
        raise record.error(field, "a calendar date as YYYYMMDD", text)
    return found


def _date_parts(record: Record, field: str, text: str | None) -> tuple[int, int, int] | None:
    """Year, month and day as printed, not yet checked against the calendar."""
    if text is None:
        return None
    match = _OFX_DATE.fullmatch(text)
    if match is None:
        raise record.error(
            field, "a date as YYYYMMDD, optionally followed by the time and [zone]", text
        )
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


@dataclass
class _Transaction:
    tag: Tag
    record: Record
    fitid: str
    posted_text: str


class _StatementReader:
    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.lines: list[dict] = []
        self.statement_rows: list[dict] = []
        self.warnings: list[str] = []
        self.invalid_dates: list[InvalidDate] = []

    def read(self, tag: Tag, account: Account, number: int) -> None:
        name = tag.name.upper()
        record = Record(self.file_name, _label(tag, f"{name} {number}"))
        bank_account = record.required(
            "BANKACCTFROM/ACCTID or CCACCTFROM/ACCTID",
            next((text for path in ACCOUNT_PATHS if (text := _text(tag, *path))), None),
        )
        transactions = self._checked_transactions(tag, name, number)
        statement = account.statement
        if statement.discarded_entries:
            # Every reason the library drops a transaction for is checked above; one more
            # must still not go missing quietly.
            raise record.error(
                "STMTTRN", "transactions the library can read", statement.discarded_entries[0]
            )
        currency = self._currency(tag, record, transactions)
        header = {
            "source_format": SOURCE_FORMAT,
            "bank_account": bank_account,
            "statement_id": self._statement_id(tag, record, bank_account),
        }

        lines = [
            self._line(transaction, parsed, header, currency)
            for transaction, parsed in zip(transactions, statement.transactions, strict=True)
        ]
        closing_amount, closing_date = self._ledger_balance(tag, record)
        self.lines.extend(lines)
        self.statement_rows.append(
            {
                "record_number": tag.sourceline,
                **header,
                "currency": currency,
                "opening_balance_date": None,
                "opening_balance_amount": None,
                "closing_balance_date": closing_date,
                "closing_balance_amount": closing_amount,
                "entry_count": len(lines),
                "credit_total_amount": _total(lines, "credit"),
                "debit_total_amount": _total(lines, "debit"),
                "balances_tie": None,
            }
        )

    def _checked_transactions(self, tag: Tag, name: str, number: int) -> list[_Transaction]:
        """FITID and posting date of every STMTTRN. A bank that gives one FITID to two
        transactions still made both: they are kept, with a warning, never merged."""
        checked: list[_Transaction] = []
        by_fitid: dict[str, _Transaction] = {}
        for position, transaction in enumerate(tag.find_all("stmttrn"), 1):
            record = Record(
                self.file_name, _label(transaction, f"{name} {number}", f"STMTTRN {position}")
            )
            fitid = _text(transaction, "fitid")
            if fitid is None:
                raise record.error(
                    "FITID",
                    "the bank's id of the transaction, which keeps a transaction downloaded "
                    "again from loading twice",
                    "nothing",
                )
            posted_text = _text(transaction, "dtposted")
            if _date_parts(record, "DTPOSTED", posted_text) is None:
                raise record.error("DTPOSTED", "the date the transaction was posted", "nothing")
            checked.append(_Transaction(transaction, record, fitid, posted_text))
            if fitid in by_fitid:
                self.warnings.append(
                    f"{self.file_name}: FITID {fitid} is given to {by_fitid[fitid].record.label} "
                    f"and to {record.label}; both load as separate entries, so check with the "
                    "bank that they are two transactions"
                )
            else:
                by_fitid[fitid] = checked[-1]
        return checked

    def _currency(self, tag: Tag, record: Record, transactions: list[_Transaction]) -> str:
        """CURDEF; a file that leaves it blank may still name the currency in each STMTTRN."""
        stated = [
            (transaction.record, _text(transaction.tag, "currency", "cursym"))
            for transaction in transactions
        ]
        fallback = next((code for _, code in stated if code), None)
        currency = record.currency("CURDEF", (_text(tag, "curdef") or fallback or "").upper())
        for transaction_record, code in stated:
            if code is not None and code.upper() != currency:
                raise transaction_record.error(
                    "CURRENCY/CURSYM", f"the statement currency {currency}", code
                )
        return currency

    def _statement_id(self, tag: Tag, record: Record, bank_account: str) -> str:
        """OFX numbers no statement: the account and the period the download covers."""
        period = [
            found.isoformat()
            for field, element in (("DTSTART", "dtstart"), ("DTEND", "dtend"))
            if (found := _ofx_date(record, field, _text(tag, "banktranlist", element)))
        ]
        return "/".join([bank_account, *period])

    def _ledger_balance(self, tag: Tag, record: Record) -> tuple[Decimal | None, date | None]:
        """A blank ledger balance loads the statement without one, with a warning."""
        if tag.find("ledgerbal") is None:
            return None, None
        balance_date = _ofx_date(record, "LEDGERBAL/DTASOF", _text(tag, "ledgerbal", "dtasof"))
        printed = _text(tag, "ledgerbal", "balamt")
        if printed is None:
            self.warnings.append(
                f"{self.file_name}: {record.label}: blank ledger balance; the statement "
                "loads without a closing balance"
            )
            return None, None
        return record.amount("LEDGERBAL/BALAMT", printed, signed=True), balance_date

    def _line(
        self, transaction: _Transaction, parsed: Transaction, header: dict, currency: str
    ) -> dict:
        record = transaction.record
        signed_amount = Decimal(parsed.amount)
        amount = record.checked_amount("TRNAMT", abs(signed_amount), str(parsed.amount))
        printed = {
            "booking_date": ("DTPOSTED", transaction.posted_text),
            "value_date": ("DTAVAIL", _text(transaction.tag, "dtavail")),
        }
        parts = {
            column: _date_parts(record, field, text) for column, (field, text) in printed.items()
        }
        row = {
            "record_number": transaction.tag.sourceline,
            **header,
            "entry_reference": transaction.fitid,
            **{column: found and calendar_date(*found) for column, found in parts.items()},
            "date_issue": None,
            "date_rule": None,
            "direction": "debit" if signed_amount < 0 else "credit",
            "amount": amount,
            "currency": currency,
            "status": "booked",
            "bank_transaction_code": clean(parsed.type.upper()) if parsed.type else None,
            "counterparty_name": clean(parsed.payee),
            "counterparty_account": None,
            "end_to_end_id": None,
            "structured_reference": None,
            "remittance_text": clean(parsed.memo),
            # the format has no reversal mark
            "is_reversal": None,
        }
        for column, found in parts.items():
            if found is not None and row[column] is None:
                field, text = printed[column]
                flag(
                    self.invalid_dates,
                    InvalidDate(row, (column,), record.label, field, text, *found),
                )
        return row


def _total(lines: list[dict], direction: str) -> Decimal:
    return sum(
        (line["amount"] for line in lines if line["direction"] == direction), Decimal("0.00")
    )
