"""Bank statement exports in a declared layout: the CSV or XLSX movements that Colombian banks'
online banking lets a treasury download, read through `config/bank_layouts.yml`.

The layout names the column of each field and how the bank writes values: its date format,
decimal and thousands separators, encoding, the rows above the header, and its sign
convention (one signed amount, separate debit and credit columns, or an amount beside a
debit/credit indicator). One `bank_lines` row per movement, booked, its amount unsigned and
its direction from the sign convention. An export that states the balance after each
movement also gives one `bank_statements` row per account: opening balance before the oldest
movement, closing balance after the newest, tied when every balance follows from the one
before it. Exports name no statement, so `statement_id` is the account and the dates covered.

A movement without a bank reference is identified in dbt (`int_bank_lines`) by its dates and
texts and its occurrence among identical lines of the file, so two downloads that overlap
report each shared movement once.
"""

import codecs
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from ingest.bank_layouts import (
    AMOUNT_AND_INDICATOR,
    DEBIT_CREDIT_COLUMNS,
    GUESSED_ENCODINGS,
    NEWEST_FIRST,
    TEXT_FIELDS,
    XLSX,
    BankLayout,
    find_layout,
    load_layouts,
    matching_header,
)
from ingest.errors import ParseError
from ingest.gateway_layouts import normalised
from ingest.parsed import ParsedFile
from ingest.parsers._sheet import SheetRow, ValueReader, cell_text, csv_rows, xlsx_rows
from ingest.parsers._values import Record, declared_encoding, decode_declared, decode_text

log = logging.getLogger(__name__)

SOURCE_FORMAT = "bank_mapped"
ZERO = Decimal("0.00")


def parse(
    content: bytes,
    file_name: str,
    declared_encodings: Mapping[str, str] | None = None,
    layouts: list[BankLayout] | None = None,
) -> ParsedFile:
    layouts = load_layouts() if layouts is None else layouts
    layout = find_layout(content, file_name, layouts)
    if layout is None:
        raise ParseError(
            file_name,
            "line 1",
            "header",
            "the columns of a layout in config/bank_layouts.yml "
            f"({', '.join(known.layout_id for known in layouts) or 'none declared'})",
            "a header no layout matches",
        )

    header, rows, encoding = _rows(content, file_name, layout, declared_encodings)
    reader = _RowReader(layout, file_name, header, encoding)
    lines = _with_statement_ids([reader.line(row) for row in rows])
    statements, warnings = _statements(layout, file_name, lines, reader.balances)

    accounts = dict.fromkeys(line["bank_account"] for line in lines)
    if not accounts and layout.bank_account is not None:
        # A layout that names its account owns even an export without movements.
        accounts = {layout.bank_account: None}
    log.debug(
        "parsed %d lines, %d statements from %s file %s in layout %s",
        len(lines),
        len(statements),
        SOURCE_FORMAT,
        file_name,
        layout.layout_id,
    )
    return ParsedFile(
        source_format=SOURCE_FORMAT,
        rows={"bank_lines": lines, "bank_statements": statements},
        owner_keys=tuple(("bank_account", account) for account in accounts),
        warnings=warnings,
    )


def _rows(
    content: bytes,
    file_name: str,
    layout: BankLayout,
    declared_encodings: Mapping[str, str] | None,
) -> tuple[list[str], list[SheetRow], str | None]:
    """The header, the rows, and the encoding the text was read in (None for a workbook)."""
    if layout.file_type == XLSX:
        header, rows = xlsx_rows(
            content, file_name, sheet_name=layout.sheet, skip_rows=layout.skip_rows
        )
        return header, rows, None
    text, encoding = _decoded(content, file_name, layout, declared_encodings)
    header, rows = csv_rows(
        content, file_name, delimiter=layout.delimiter, text=text, skip_rows=layout.skip_rows
    )
    return header, rows, encoding


def _decoded(
    content: bytes,
    file_name: str,
    layout: BankLayout,
    declared_encodings: Mapping[str, str] | None,
) -> tuple[str, str]:
    """(text, encoding): in the layout's encoding, else in the one config/companies.yml
    declares for the file's accounts, else in the first of GUESSED_ENCODINGS that reads
    every byte."""
    if layout.encoding is not None:
        declaration = f"as layout {layout.layout_id} of config/bank_layouts.yml declares"
        return decode_declared(content, file_name, layout.encoding, declaration), layout.encoding
    declared = declared_encoding(
        declared_encodings, _accounts(content, file_name, layout), file_name
    )
    if declared is None:
        text = decode_text(content, file_name, GUESSED_ENCODINGS)
        return text, next(encoding for encoding in GUESSED_ENCODINGS if _decodes(content, encoding))
    account, encoding = declared
    declaration = f"as config/companies.yml declares for bank account {account}"
    return decode_declared(content, file_name, encoding, declaration), encoding


def _decodes(content: bytes, encoding: str) -> bool:
    try:
        content.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _accounts(content: bytes, file_name: str, layout: BankLayout) -> list[str]:
    """The accounts the file belongs to, before its encoding is known: account numbers are
    ASCII, so a reading in latin-1, which takes any byte, finds them as well as any other."""
    if "bank_account" not in layout.columns:
        return [layout.bank_account] if layout.bank_account else []
    (column,) = layout.columns["bank_account"]
    names = [normalised(name) for name in matching_header(content, layout) or []]
    latin1_header, rows = csv_rows(
        content,
        file_name,
        delimiter=layout.delimiter,
        text=content.removeprefix(codecs.BOM_UTF8).decode("latin-1"),
        skip_rows=layout.skip_rows,
    )
    # Found by position: the header's own accents may read otherwise in latin-1.
    latin1_column = latin1_header[names.index(normalised(column))]
    found = (cell_text(row.cells.get(latin1_column)) for row in rows)
    return list(dict.fromkeys(account for account in found if account))


@dataclass(frozen=True)
class _Balance:
    """The balance a row states after its movement, for the statement's tie-out."""

    record: Record
    bank_account: str
    signed_amount: Decimal
    balance_amount: Decimal
    booking_date: date


class _RowReader:
    """Turns one row of a mapped export into a `bank_lines` row, keeping stated balances."""

    def __init__(
        self, layout: BankLayout, file_name: str, header: list[str], encoding: str | None
    ) -> None:
        self.layout = layout
        self.file_name = file_name
        # field -> the file's own spelling of each declared column
        self.columns = {
            name: tuple(self._header_column(header, column, encoding) for column in columns)
            for name, columns in layout.columns.items()
        }
        self.values = ValueReader(
            layout.layout_id,
            layout.decimal_separator,
            layout.thousands_separator,
            layout.date_format,
        )
        self.balances: list[_Balance] = []

    def _header_column(self, header: list[str], declared: str, encoding: str | None) -> str:
        """The header's spelling of a declared column. The header may read otherwise in the
        encoding the text was decoded in than when the layout recognised it, as a DOS code
        page guessed as cp1252 does: then only a declared encoding reads the file."""
        by_name = {normalised(column): column for column in header}
        if normalised(declared) not in by_name:
            raise ParseError(
                self.file_name,
                f"line {self.layout.header_row}",
                "header",
                f"the column {declared} of layout {self.layout.layout_id} once the file is "
                f"read as {encoding}: declare the export's encoding in the layout or for its "
                "account in config/companies.yml",
                ", ".join(header),
            )
        return by_name[normalised(declared)]

    def column(self, name: str) -> str:
        return self.columns[name][0] if name in self.columns else name

    def text(self, row: SheetRow, name: str) -> str | None:
        if name not in self.columns:
            return None
        texts = [cell_text(row.cells.get(column)) for column in self.columns[name]]
        return " ".join(text for text in texts if text) or None

    def amount(self, row: SheetRow, name: str, *, required: bool = True) -> Decimal | None:
        return self.values.amount(
            row.record, self.column(name), row.cells.get(self.column(name)), required=required
        )

    def line(self, row: SheetRow) -> dict:
        record = row.record
        account = self._account(row)
        direction, amount = self._direction_and_amount(row)
        booking_date = self.values.date(
            record, self.column("booking_date"), row.cells.get(self.column("booking_date"))
        )
        value_date = None
        if "value_date" in self.columns:
            value_date = self.values.date(
                record,
                self.column("value_date"),
                row.cells.get(self.column("value_date")),
                required=False,
            )
        if "balance" in self.columns:
            signed_amount = amount if direction == "credit" else -amount
            balance = self.amount(row, "balance")
            self.balances.append(_Balance(record, account, signed_amount, balance, booking_date))

        return {
            "record_number": row.record_number,
            "source_format": SOURCE_FORMAT,
            "bank_account": account,
            "booking_date": booking_date,
            "value_date": value_date,
            # The layout's date format refuses a date no calendar has, naming the cell.
            "date_issue": None,
            "date_rule": None,
            "direction": direction,
            "amount": amount,
            "currency": self._currency(row),
            "status": "booked",
            **{name: self.text(row, name) for name in TEXT_FIELDS},
            "remittance_text": self.text(row, "remittance_text"),
            # the format has no reversal mark
            "is_reversal": None,
        }

    def _account(self, row: SheetRow) -> str:
        if "bank_account" not in self.columns:
            return str(self.layout.bank_account)
        account = self.text(row, "bank_account")
        if account is None:
            raise row.record.error(
                self.column("bank_account"), "the account the movement belongs to", "nothing"
            )
        return account

    def _currency(self, row: SheetRow) -> str:
        if "currency" not in self.columns:
            return row.record.currency("currency", self.layout.currency)
        return row.record.currency(self.column("currency"), self.text(row, "currency"))

    def _direction_and_amount(self, row: SheetRow) -> tuple[str, Decimal]:
        convention = self.layout.sign_convention
        if convention == DEBIT_CREDIT_COLUMNS:
            return self._from_debit_and_credit(row)
        amount = self.amount(row, "amount")
        if convention == AMOUNT_AND_INDICATOR:
            return self._indicated_direction(row), self._unsigned(row, "amount", amount)
        if amount == 0:
            raise row.record.error(
                self.column("amount"), "a non-zero amount, negative for a debit", amount
            )
        return ("credit" if amount > 0 else "debit"), abs(amount)

    def _from_debit_and_credit(self, row: SheetRow) -> tuple[str, Decimal]:
        debit = self.amount(row, "debit_amount", required=False)
        credit = self.amount(row, "credit_amount", required=False)
        filled = {
            direction: amount
            for direction, amount in (("debit", debit), ("credit", credit))
            if amount not in (None, ZERO)
        }
        if len(filled) != 1:
            debit_column, credit_column = self.column("debit_amount"), self.column("credit_amount")
            raise row.record.error(
                f"{debit_column}/{credit_column}",
                f"an amount in exactly one of {debit_column} and {credit_column}",
                f"{debit_column} {debit}, {credit_column} {credit}",
            )
        ((direction, amount),) = filled.items()
        field = "debit_amount" if direction == "debit" else "credit_amount"
        return direction, self._unsigned(row, field, amount)

    def _unsigned(self, row: SheetRow, name: str, amount: Decimal) -> Decimal:
        if amount <= 0:
            raise row.record.error(
                self.column(name),
                f"a positive amount (layout {self.layout.layout_id} gives the direction apart)",
                amount,
            )
        return amount

    def _indicated_direction(self, row: SheetRow) -> str:
        column = self.column("indicator")
        printed = row.record.required(column, self.text(row, "indicator"))
        direction = self.layout.indicators.get(normalised(printed))
        if direction is None:
            raise row.record.error(
                column,
                f"one of the indicator values {', '.join(self.layout.indicator_values)} "
                f"(layout {self.layout.layout_id})",
                printed,
            )
        return direction


def _with_statement_ids(lines: list[dict]) -> list[dict]:
    """Each line with its statement id: its account and the first and last booking dates of
    that account's movements in the file."""
    statement_ids = {}
    for account in dict.fromkeys(line["bank_account"] for line in lines):
        dates = sorted(line["booking_date"] for line in lines if line["bank_account"] == account)
        statement_ids[account] = f"{account}/{dates[0].isoformat()}/{dates[-1].isoformat()}"
    return [{**line, "statement_id": statement_ids[line["bank_account"]]} for line in lines]


def _statements(
    layout: BankLayout, file_name: str, lines: list[dict], balances: list[_Balance]
) -> tuple[list[dict], list[str]]:
    """One statement row per account when the export states balances; a warning names the
    first row of each whose balance does not follow from the one before it."""
    if not balances:
        return [], []

    statements, warnings = [], []
    statement_ids = {line["bank_account"]: line["statement_id"] for line in lines}
    for account, statement_id in statement_ids.items():
        in_order = [balance for balance in balances if balance.bank_account == account]
        if layout.row_order == NEWEST_FIRST:
            in_order.reverse()
        account_lines = [line for line in lines if line["bank_account"] == account]
        statement, warning = _statement(file_name, statement_id, in_order, account_lines)
        statements.append(statement)
        if warning:
            warnings.append(warning)
    return statements, warnings


def _statement(
    file_name: str, statement_id: str, in_order: list[_Balance], lines: list[dict]
) -> tuple[dict, str | None]:
    first, last = in_order[0], in_order[-1]
    opening = first.balance_amount - first.signed_amount
    warning = None
    for previous, current in pairwise(in_order):
        expected = previous.balance_amount + current.signed_amount
        if current.balance_amount != expected:
            warning = (
                f"{file_name}: statement {statement_id} does not tie: {current.record.label} "
                f"states a balance of {current.balance_amount}, but the balance before it "
                f"({previous.balance_amount}) and its movement ({current.signed_amount}) give "
                f"{expected}"
            )
            break
    credit_total = sum((line["amount"] for line in lines if line["direction"] == "credit"), ZERO)
    debit_total = sum((line["amount"] for line in lines if line["direction"] == "debit"), ZERO)
    row = {
        "record_number": min(line["record_number"] for line in lines),
        "source_format": SOURCE_FORMAT,
        "bank_account": lines[0]["bank_account"],
        "statement_id": statement_id,
        "currency": lines[0]["currency"],
        "opening_balance_date": first.booking_date,
        "opening_balance_amount": first.record.checked_amount(
            "opening balance", opening, str(opening), signed=True
        ),
        "closing_balance_date": last.booking_date,
        "closing_balance_amount": last.balance_amount,
        "entry_count": len(lines),
        "credit_total_amount": credit_total,
        "debit_total_amount": debit_total,
        "balances_tie": warning is None,
    }
    return row, warning
