"""Asobancaria 2001 collection files ("archivo de recaudos"): fixed width, 162 characters.

Records: 01 file header, then per batch 05 header, 06 details and 08 control, and 09 file
control last. Amounts carry two implied decimals. The bank's control totals are checked per
batch and for the file: a file whose totals disagree is refused whole, as the standard asks.
A header collection date that is no calendar date (20260230) loads every detail with the date
empty and flagged (`ingest.dates`).
"""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ingest.dates import InvalidDate, calendar_date, flag
from ingest.errors import ParseError
from ingest.parsed import ParsedFile
from ingest.parsers._values import Record, clean, decode_text

log = logging.getLogger(__name__)

SOURCE_FORMAT = "asobancaria2001"
RECORD_WIDTH = 162
CURRENCY = "COP"
RECORD_TYPE_FIELD = "record type (tipo de registro)"
ENCODINGS = ("utf-8", "cp1252")

# Field name -> (start, end): 0-based, end excluded, from Asobancaria's 2001 layout of the
# archivo de recaudos.
FILE_HEADER = {
    "biller_tax_id": (2, 12),
    "collection_date": (12, 20),
    "collecting_bank_code": (20, 23),
    "bank_account": (23, 40),
    "file_date": (40, 48),
    "file_time": (48, 52),
    "file_modifier": (52, 53),
    "account_type": (53, 55),
}
BATCH_HEADER = {"service_code": (2, 15), "batch_number": (15, 19)}
DETAIL = {
    "payment_reference": (2, 50),
    "amount": (50, 64),
    "payment_origin_code": (64, 66),
    "payment_method_code": (66, 68),
    "operation_number": (68, 74),
    "authorization_number": (74, 80),
    "debited_bank_code": (80, 83),
    "branch_code": (83, 87),
    "sequence_number": (87, 94),
    "return_reason_code": (94, 97),
}
BATCH_CONTROL = {"record_count": (2, 11), "total_amount": (11, 29), "batch_number": (29, 33)}
FILE_CONTROL = {"record_count": (2, 11), "total_amount": (11, 29)}

OPTIONAL_DETAIL_CODES = (
    "payment_origin_code",
    "payment_method_code",
    "operation_number",
    "authorization_number",
    "debited_bank_code",
    "branch_code",
    "sequence_number",
    "return_reason_code",
)


@dataclass
class _Line:
    number: int
    text: str
    record: Record

    @property
    def record_type(self) -> str:
        return self.text[:2]

    def field(self, layout: dict[str, tuple[int, int]], name: str) -> str:
        start, end = layout[name]
        return self.text[start:end]

    def digits(self, layout: dict[str, tuple[int, int]], name: str) -> str:
        value = self.field(layout, name)
        if not value.isdigit():
            start, end = layout[name]
            raise self.record.error(name, f"{end - start} digits", value)
        return value

    def cents(self, layout: dict[str, tuple[int, int]], name: str) -> Decimal:
        """An amount written in cents, without a decimal point."""
        return Decimal(int(self.digits(layout, name))).scaleb(-2)


def parse(content: bytes, file_name: str) -> ParsedFile:
    lines = _lines(content, file_name)
    header = lines[0]
    if header.record_type != "01":
        raise header.record.error(RECORD_TYPE_FIELD, "01 (file header) first", header.record_type)
    file_fields = _file_header(header)

    details: list[dict] = []
    position = 1
    while position < len(lines) and lines[position].record_type == "05":
        position = _read_batch(lines, position, file_fields, details)

    if position != len(lines) - 1 or lines[position].record_type != "09":
        line = lines[min(position, len(lines) - 1)]
        raise line.record.error(
            RECORD_TYPE_FIELD,
            "05 (batch header) or 09 (file control) as the last record",
            line.record_type,
        )
    _check_control(lines[position], FILE_CONTROL, details, "the file")
    invalid_dates = _flag_collection_date(header, details)

    log.debug("parsed %d collections from asobancaria2001 file %s", len(details), file_name)
    return ParsedFile(
        source_format=SOURCE_FORMAT,
        rows={"collection_lines": details},
        owner_keys=(
            ("collection_account", file_fields["bank_account"]),
            ("company_tax_id", file_fields["biller_tax_id"]),
        ),
        invalid_dates=invalid_dates,
    )


def _lines(content: bytes, file_name: str) -> list[_Line]:
    if not content.strip():
        raise ParseError(
            file_name, "line 1", "file", "records 01 to 09", f"empty file ({len(content)} bytes)"
        )
    text = decode_text(content, file_name, ENCODINGS)
    lines = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        # A bank may drop the trailing blanks of the last record, or of every record.
        line = raw_line.rstrip()
        record = Record(file_name, f"line {number}")
        if not line:
            continue
        if len(line) > RECORD_WIDTH:
            raise record.error("record length", f"{RECORD_WIDTH} characters", len(line))
        lines.append(_Line(number, line.ljust(RECORD_WIDTH), record))
    return lines


def _file_header(line: _Line) -> dict:
    record = line.record
    bank_account = record.required("bank_account", line.field(FILE_HEADER, "bank_account"))
    return {
        "source_format": SOURCE_FORMAT,
        "biller_tax_id": line.digits(FILE_HEADER, "biller_tax_id"),
        "collecting_bank_code": line.digits(FILE_HEADER, "collecting_bank_code"),
        "bank_account": bank_account,
        "collection_date": _collection_date(line),
        "date_issue": None,
        "date_rule": None,
    }


def _collection_date(header: _Line) -> date | None:
    """YYYYMMDD; eight digits that name no calendar day leave it empty, to be flagged."""
    text = header.digits(FILE_HEADER, "collection_date")
    return calendar_date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _flag_collection_date(header: _Line, details: list[dict]) -> list[InvalidDate]:
    invalid_dates: list[InvalidDate] = []
    if _collection_date(header) is not None:
        return invalid_dates
    text = header.field(FILE_HEADER, "collection_date")
    for detail in details:
        flag(
            invalid_dates,
            InvalidDate(
                detail,
                ("collection_date",),
                header.record.label,
                "collection_date",
                text,
                int(text[:4]),
                int(text[4:6]),
                int(text[6:]),
            ),
        )
    return invalid_dates


def _read_batch(lines: list[_Line], position: int, file_fields: dict, details: list[dict]) -> int:
    """Reads the batch that starts at `position`; returns the position after its control."""
    batch_header = lines[position]
    batch_fields = {
        "service_code": batch_header.record.required(
            "service_code", batch_header.field(BATCH_HEADER, "service_code")
        ),
        "batch_number": batch_header.digits(BATCH_HEADER, "batch_number"),
    }
    batch_details = []
    position += 1
    while position < len(lines) and lines[position].record_type == "06":
        batch_details.append(_detail(lines[position], file_fields, batch_fields))
        position += 1

    if position >= len(lines) or lines[position].record_type != "08":
        line = lines[min(position, len(lines) - 1)]
        raise line.record.error(
            RECORD_TYPE_FIELD,
            f"06 (detail) or 08 (control of batch {batch_fields['batch_number']})",
            line.record_type,
        )
    control = lines[position]
    control_batch = control.digits(BATCH_CONTROL, "batch_number")
    if control_batch != batch_fields["batch_number"]:
        raise control.record.error(
            "batch_number",
            f"batch {batch_fields['batch_number']} as in its 05 header",
            control_batch,
        )
    _check_control(control, BATCH_CONTROL, batch_details, f"batch {batch_fields['batch_number']}")
    details.extend(batch_details)
    return position + 1


def _detail(line: _Line, file_fields: dict, batch_fields: dict) -> dict:
    record = line.record
    reference = line.field(DETAIL, "payment_reference").strip().lstrip("0").strip()
    if not reference:
        raise record.error(
            "payment_reference",
            "a reference other than zeros",
            line.field(DETAIL, "payment_reference"),
        )
    codes = {name: clean(line.field(DETAIL, name)) for name in OPTIONAL_DETAIL_CODES}
    return {
        "record_number": line.number,
        **file_fields,
        **batch_fields,
        "payment_reference": reference,
        "amount": line.cents(DETAIL, "amount"),
        "currency": CURRENCY,
        **codes,
    }


def _check_control(
    control: _Line, layout: dict[str, tuple[int, int]], details: list[dict], scope: str
) -> None:
    expected_count = int(control.digits(layout, "record_count"))
    expected_total = control.cents(layout, "total_amount")
    total = sum((detail["amount"] for detail in details), Decimal("0.00"))
    if expected_count != len(details):
        raise control.record.error(
            f"record_count of {scope}",
            f"{len(details)}, the number of 06 records in {scope}",
            expected_count,
        )
    if expected_total != total:
        raise control.record.error(
            f"total_amount of {scope}",
            f"{total}, the sum of the 06 amounts in {scope}",
            expected_total,
        )
