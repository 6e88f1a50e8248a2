"""Reading the project's CSV layouts: UTF-8, comma separated, one header row."""

import csv
import io
from dataclasses import dataclass

from ingest.errors import ParseError
from ingest.parsers._values import Record, clean, decode_text


@dataclass
class CsvRow:
    """One data row: its values by column (blank as None) and its line in the file."""

    line_number: int
    values: dict[str, str | None]
    record: Record

    def __getitem__(self, column: str) -> str | None:
        return self.values.get(column)


def read_csv(
    content: bytes,
    file_name: str,
    *,
    delimiter: str = ",",
    encodings: tuple[str, ...] = ("utf-8",),
    text: str | None = None,
    skip_rows: int = 0,
) -> tuple[list[str], list[CsvRow]]:
    """Vendor reports may use another delimiter or a legacy encoding; ours use the defaults.
    `text` is the content already decoded, when the caller chose the encoding itself; the
    first `skip_rows` rows (a bank's title block) come before the header and are not read."""
    if text is None:
        text = decode_text(content, file_name, encodings)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for _ in range(skip_rows):
            next(reader, None)
        header_line = f"line {reader.line_num + 1}"
        header = [column.strip() for column in next(reader, [])]
        if not any(header):
            raise ParseError(file_name, header_line, "header", "a header row", "nothing")
        repeated = sorted({column for column in header if header.count(column) > 1})
        if repeated:
            raise ParseError(
                file_name, header_line, "header", "each column once", ", ".join(repeated)
            )
        rows = []
        for values in reader:
            record = Record(file_name, f"line {reader.line_num}")
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                raise record.error("columns", f"{len(header)} values as in the header", len(values))
            rows.append(
                CsvRow(
                    reader.line_num,
                    {column: clean(value) for column, value in zip(header, values, strict=True)},
                    record,
                )
            )
    except csv.Error as error:
        raise ParseError(
            file_name, f"line {reader.line_num}", "CSV", "well-formed CSV", str(error)
        ) from error
    return header, rows


def require_columns(header: list[str], columns: tuple[str, ...], file_name: str) -> list[str]:
    """Refuses a header that lacks a column; returns warnings for columns nobody reads."""
    missing = [column for column in columns if column not in header]
    if missing:
        raise ParseError(
            file_name,
            "line 1",
            "header",
            f"the columns {', '.join(columns)}",
            f"no {', '.join(missing)}",
        )
    unknown = [column for column in header if column not in columns]
    if unknown:
        return [f"{file_name}: columns not loaded: {', '.join(unknown)}"]
    return []
