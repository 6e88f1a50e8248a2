"""Readers for the values every format shares: amounts, dates, codes, each failing with a
ParseError that names the file, the record and the field."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from ingest.errors import ParseError

CENT = Decimal("0.01")

# decimal(18, 2) in the raw schemas leaves 16 digits before the decimal point.
MAX_INTEGER_DIGITS = 16

_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d*)?")
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([+-]\d{2}:\d{2}|Z)"
)


def decode_text(content: bytes, file_name: str, encodings: tuple[str, ...]) -> str:
    """Decode with the first encoding that reads every byte; a leading BOM is dropped."""
    for encoding in encodings:
        try:
            return content.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as error:
            failure = error
    line_number = content.count(b"\n", 0, failure.start) + 1
    raise ParseError(
        file_name,
        f"line {line_number}",
        "encoding",
        f"text in {' or '.join(encodings)}",
        f"byte {content[failure.start : failure.end].hex(' ')}",
    )


def declared_encoding(
    encodings_by_account: Mapping[str, str] | None, accounts: Iterable[str], file_name: str
) -> tuple[str, str] | None:
    """(account, encoding) when the company registry declares the encoding of an account the
    file names, else None. `encodings_by_account` is keyed without leading zeros, as banks pad
    account numbers; one file cannot be read in two encodings, so two that differ are refused."""
    declared: dict[str, str] = {}
    for account in accounts:
        encoding = (encodings_by_account or {}).get(account.strip().lstrip("0"))
        if encoding is not None:
            declared.setdefault(encoding, account.strip())
    if len(declared) > 1:
        raise ParseError(
            file_name,
            "file",
            "encoding",
            "accounts that declare one encoding in config/companies.yml",
            ", ".join(f"{account} in {encoding}" for encoding, account in declared.items()),
        )
    return next(((account, encoding) for encoding, account in declared.items()), None)


def decode_declared(content: bytes, file_name: str, encoding: str, declaration: str) -> str:
    """Decode in the encoding a deployment declared, with no guessing: bytes it cannot read are
    refused, since a guess could turn a payer's name into other letters. `declaration` says
    who declared it, for the error: "as config/companies.yml declares for bank account 42"."""
    try:
        return decode_text(content, file_name, (encoding,))
    except ParseError as error:
        error.expected = f"text in {encoding}, {declaration}"
        raise


def clean(text: str | None) -> str | None:
    """Strip the text; an empty value becomes None."""
    if text is None:
        return None
    text = text.strip()
    return text or None


@dataclass(frozen=True)
class Record:
    """One record of a file (a line, an XML entry), for reading its fields with clear errors."""

    file_name: str
    label: str

    def error(self, field: str, expected: str, found: object = None) -> ParseError:
        return ParseError(
            self.file_name, self.label, field, expected, None if found is None else str(found)
        )

    def required(self, field: str, text: str | None) -> str:
        value = clean(text)
        if value is None:
            raise self.error(field, "a value", "nothing")
        return value

    def amount(self, field: str, text: str | None, *, signed: bool = False) -> Decimal:
        """A decimal-point amount with at most two significant decimals, as an exact Decimal."""
        value = self.required(field, text)
        if not _PLAIN_NUMBER.fullmatch(value):
            raise self.error(
                field, "an amount with a decimal point and no thousands separator", value
            )
        try:
            amount = Decimal(value)
        except InvalidOperation as error:
            raise self.error(field, "an amount", value) from error
        return self.checked_amount(field, amount, value, signed=signed)

    def optional_amount(self, field: str, text: str | None) -> Decimal | None:
        return None if clean(text) is None else self.amount(field, text)

    def checked_amount(
        self, field: str, amount: Decimal, printed: str, *, signed: bool = False
    ) -> Decimal:
        """Round-trip to cents, refusing any amount that cents cannot hold exactly."""
        if amount < 0 and not signed:
            raise self.error(field, "a non-negative amount", printed)
        in_cents = amount.quantize(CENT)
        if in_cents != amount:
            raise self.error(field, "an amount exact to the cent (at most 2 decimals)", printed)
        if len(in_cents.as_tuple().digits) - 2 > MAX_INTEGER_DIGITS:
            raise self.error(field, f"an amount below 10^{MAX_INTEGER_DIGITS}", printed)
        return in_cents

    def iso_date(self, field: str, text: str | None) -> date:
        value = self.required(field, text)
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError as error:
            raise self.error(field, "a date as YYYY-MM-DD", value) from error

    def optional_iso_date(self, field: str, text: str | None) -> date | None:
        return None if clean(text) is None else self.iso_date(field, text)

    def compact_date(self, field: str, text: str | None) -> date:
        value = self.required(field, text)
        try:
            if not (len(value) == 8 and value.isdigit()):
                raise ValueError(value)
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError as error:
            raise self.error(field, "a date as YYYYMMDD", value) from error

    def timestamp(self, field: str, text: str | None) -> datetime:
        """An ISO 8601 date-time that states its UTC offset, returned in UTC."""
        value = self.required(field, text)
        expected = "an ISO 8601 date-time with its UTC offset, such as 2026-05-14T10:30:00-05:00"
        try:
            if not _ISO_TIMESTAMP.fullmatch(value):
                raise ValueError(value)
            return datetime.fromisoformat(value).astimezone(UTC)
        except ValueError as error:
            raise self.error(field, expected, value) from error

    def currency(self, field: str, text: str | None) -> str:
        value = self.required(field, text)
        if not _CURRENCY_CODE.fullmatch(value):
            raise self.error(field, "an ISO 4217 currency code such as COP", value)
        return value

    def one_of(self, field: str, text: str | None, allowed: tuple[str, ...]) -> str:
        value = self.required(field, text)
        if value not in allowed:
            raise self.error(field, f"one of {', '.join(allowed)}", value)
        return value

    def integer(self, field: str, text: str | None, *, minimum: int = 0) -> int:
        value = self.required(field, text)
        if not value.isdigit() or int(value) < minimum:
            raise self.error(field, f"a whole number of at least {minimum}", value)
        return int(value)

    def optional_integer(self, field: str, text: str | None) -> int | None:
        return None if clean(text) is None else self.integer(field, text)
