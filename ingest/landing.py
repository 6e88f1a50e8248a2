"""The landing step: every inbox file becomes immutable raw bytes, raw Parquet rows and a receipt.

A file is known by the SHA-256 of its bytes (its `file_id`). The same bytes under a second name
are recorded as a duplicate and load nothing, so a statement delivered twice counts once. A
file that cannot be read, or that names no known company, is copied to the quarantine with its
error beside it and the run goes on. Running the step again over the same inbox writes nothing.
"""

import hashlib
import logging
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from stdnum.co import nit

from ingest.config import CompanyRegistry, Paths
from ingest.dates import settle as settle_invalid_dates
from ingest.errors import ParseError
from ingest.parsed import OwnerKey, ParsedFile
from ingest.parsers import parse_file
from ingest.schemas import FILE_RECEIPTS, KINDS, SYSTEM_TABLES

log = logging.getLogger(__name__)

RECEIPTS = "file_receipts"
EMPTY_SOURCE_NAME = "_empty.parquet"
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH

LOADED = "loaded"
DUPLICATE = "duplicate"
QUARANTINED = "quarantined"
# Not written to any receipt: the file was recorded under this name by an earlier run.
UNCHANGED = "unchanged"


class UnknownCompanyError(Exception):
    """A readable file whose account, merchant or NIT belongs to no company in the registry."""


@dataclass
class FileOutcome:
    file_name: str
    file_id: str
    outcome: str
    source_format: str | None = None
    company_id: str | None = None
    row_count: int = 0
    error_message: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class LandingSummary:
    files_seen: int = 0
    files_loaded: int = 0
    files_duplicate: int = 0
    files_quarantined: int = 0
    files_unchanged: int = 0
    rows_by_kind: dict[str, int] = field(default_factory=dict)
    outcomes: list[FileOutcome] = field(default_factory=list)

    def add(self, outcome: FileOutcome, rows_by_kind: dict[str, int]) -> None:
        self.files_seen += 1
        self.files_loaded += outcome.outcome == LOADED
        self.files_duplicate += outcome.outcome == DUPLICATE
        self.files_quarantined += outcome.outcome == QUARANTINED
        self.files_unchanged += outcome.outcome == UNCHANGED
        for kind, count in rows_by_kind.items():
            self.rows_by_kind[kind] = self.rows_by_kind.get(kind, 0) + count
        self.outcomes.append(outcome)


def land_inbox(
    paths: Paths, registry: CompanyRegistry, now: datetime | None = None
) -> LandingSummary:
    """Lands every file of the inbox (recursively, by name, hidden files skipped)."""
    landed_at = now or datetime.now(UTC)
    for folder in (paths.raw_files, paths.quarantine, paths.kind_dir(RECEIPTS)):
        folder.mkdir(parents=True, exist_ok=True)
    receipts = _ReceiptIndex(paths.kind_dir(RECEIPTS))

    summary = LandingSummary()
    for path in _inbox_files(paths.inbox):
        outcome, rows_by_kind = _land_file(path, paths, registry, receipts, landed_at)
        summary.add(outcome, rows_by_kind)

    log.info(
        "landed inbox %s: %d files seen, %d loaded, %d duplicates, %d quarantined, "
        "%d unchanged; rows %s",
        paths.inbox,
        summary.files_seen,
        summary.files_loaded,
        summary.files_duplicate,
        summary.files_quarantined,
        summary.files_unchanged,
        dict(sorted(summary.rows_by_kind.items())),
    )
    return summary


def land_inbox_file(
    paths: Paths, registry: CompanyRegistry, file_name: str, now: datetime | None = None
) -> FileOutcome:
    """Lands the one inbox file at `file_name` (relative to the inbox, `/`-separated) exactly
    as `land_inbox` would, so one file can be landed again without touching the others."""
    path = paths.inbox / file_name
    if not path.is_file() or not path.resolve().is_relative_to(paths.inbox.resolve()):
        raise FileNotFoundError(
            f"{file_name}: expected a file inside the inbox {paths.inbox}, found none"
        )
    for folder in (paths.raw_files, paths.quarantine, paths.kind_dir(RECEIPTS)):
        folder.mkdir(parents=True, exist_ok=True)
    receipts = _ReceiptIndex(paths.kind_dir(RECEIPTS))

    outcome, rows_by_kind = _land_file(path, paths, registry, receipts, now or datetime.now(UTC))
    log.info(
        "landed inbox file %s: %s, %d rows %s",
        outcome.file_name,
        outcome.outcome,
        outcome.row_count,
        dict(sorted(rows_by_kind.items())),
    )
    return outcome


def ensure_empty_sources(paths: Paths) -> None:
    """Gives every raw folder an empty Parquet file with its schema, so dbt's globs match
    even before the first file of a kind arrives."""
    for kind, schema in {**KINDS, **SYSTEM_TABLES}.items():
        folder = paths.kind_dir(kind)
        folder.mkdir(parents=True, exist_ok=True)
        write_parquet(schema.empty_table(), folder / EMPTY_SOURCE_NAME)


def write_parquet(table: pa.Table, target: Path) -> bool:
    """Writes through a temporary name and a rename, so a crash never leaves half a file; an
    identical file already in place is left untouched. Returns whether the file changed."""
    temporary = target.with_name(f".{target.name}.tmp")
    pq.write_table(table, temporary)
    if target.exists() and target.read_bytes() == temporary.read_bytes():
        temporary.unlink()
        return False
    os.replace(temporary, target)
    return True


def sanitised_name(file_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", file_name.replace("/", "__"))


def resolve_company(
    registry: CompanyRegistry, owner_keys: tuple[OwnerKey, ...], file_name: str
) -> str | None:
    """The one company all owner keys lead to; None for a file without any (no rows)."""
    companies: dict[str, OwnerKey] = {}
    for key in owner_keys:
        company_id = _lookup(registry, key)
        if company_id is None:
            raise UnknownCompanyError(
                f"{file_name}: {_describe(key)} belongs to no company in the company registry "
                "(config/companies.yml); register it there, then drop the file in the inbox "
                "again under a new name"
            )
        companies.setdefault(company_id, key)
    if len(companies) > 1:
        named = "; ".join(f"{_describe(key)} -> {company}" for company, key in companies.items())
        raise UnknownCompanyError(f"{file_name}: names accounts of several companies: {named}")
    return next(iter(companies), None)


def check_account_currencies(registry: CompanyRegistry, parsed: ParsedFile, file_name: str) -> None:
    """A statement in another currency than its account is a wrong file, not new cash: loading
    it would book foreign amounts as the account's own."""
    for kind in ("bank_lines", "bank_statements"):
        for row in parsed.rows.get(kind, []):
            account = str(row["bank_account"]).lstrip("0")
            expected = registry.currency_by_bank_account.get(account)
            if expected is not None and row["currency"] != expected:
                raise ParseError(
                    file_name,
                    f"record {row['record_number']}",
                    "currency",
                    f"{expected}, the currency of account {row['bank_account']} in "
                    "config/companies.yml",
                    row["currency"],
                )


def _describe(key: OwnerKey) -> str:
    kind, value = key
    if kind == "merchant_account":
        gateway, merchant = value
        return f"merchant account {merchant} of gateway {gateway}"
    return f"{kind.replace('_', ' ')} {value}"


def _without_leading_zeros(value: str) -> str:
    return value.strip().lstrip("0")


def _lookup(registry: CompanyRegistry, key: OwnerKey) -> str | None:
    kind, value = key
    if kind == "merchant_account":
        return registry.by_merchant_account.get(tuple(value))
    if kind == "company_tax_id":
        return _lookup_tax_id(registry, str(value))
    by_account = {
        "bank_account": registry.by_bank_account,
        "collection_account": registry.by_collection_account,
    }[kind]
    # Bank files pad account numbers with zeros to their field width.
    wanted = _without_leading_zeros(str(value))
    return next(
        (
            company
            for account, company in by_account.items()
            if _without_leading_zeros(account) == wanted
        ),
        None,
    )


def _lookup_tax_id(registry: CompanyRegistry, value: str) -> str | None:
    """A NIT as files write it: the base alone, or base and check digit run together and
    zero-padded (as in the Asobancaria header)."""
    digits = _without_leading_zeros(value.replace("-", "").replace(".", ""))
    candidates = [digits]
    if nit.is_valid(digits):
        candidates.append(digits[:-1])
    for base, company_id in registry.by_tax_id_base.items():
        if _without_leading_zeros(base) in candidates:
            return company_id
    return None


class _ReceiptIndex:
    """The receipts already written, by file_id and by sanitised file name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.names_by_file_id: dict[str, set[str]] = {}
        for receipt in folder.glob("*__*.parquet"):
            file_id, _, name = receipt.name.removesuffix(".parquet").partition("__")
            self.names_by_file_id.setdefault(file_id, set()).add(name)

    def path(self, file_id: str, file_name: str) -> Path:
        return self.folder / f"{file_id}__{sanitised_name(file_name)}.parquet"

    def other_contents(self, file_id: str, file_name: str) -> list[str]:
        """The file_ids landed earlier under this name with different bytes."""
        name = sanitised_name(file_name)
        return sorted(
            other
            for other, names in self.names_by_file_id.items()
            if other != file_id and name in names
        )

    def has(self, file_id: str, file_name: str) -> bool:
        return sanitised_name(file_name) in self.names_by_file_id.get(file_id, set())

    def loaded_receipt(self, file_id: str) -> dict | None:
        """The receipt of the name under which these bytes were loaded, if any."""
        for name in sorted(self.names_by_file_id.get(file_id, set())):
            row = pq.read_table(self.folder / f"{file_id}__{name}.parquet").to_pylist()[0]
            if row["outcome"] == LOADED:
                return row
        return None

    def write(self, receipt: dict) -> None:
        write_parquet(
            pa.Table.from_pylist([receipt], schema=FILE_RECEIPTS),
            self.path(receipt["file_id"], receipt["file_name"]),
        )
        self.names_by_file_id.setdefault(receipt["file_id"], set()).add(
            sanitised_name(receipt["file_name"])
        )


def _inbox_files(inbox: Path) -> list[Path]:
    if not inbox.exists():
        return []
    files = [
        path
        for path in inbox.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(inbox).parts)
    ]
    return sorted(files, key=lambda path: path.relative_to(inbox).as_posix())


def _land_file(
    path: Path,
    paths: Paths,
    registry: CompanyRegistry,
    receipts: _ReceiptIndex,
    landed_at: datetime,
) -> tuple[FileOutcome, dict[str, int]]:
    content = path.read_bytes()
    receipt = _new_receipt(path, paths.inbox, content, landed_at)
    file_id, file_name = receipt["file_id"], receipt["file_name"]

    if receipts.has(file_id, file_name):
        return FileOutcome(file_name, file_id, UNCHANGED), {}
    earlier = receipts.loaded_receipt(file_id)
    if earlier is not None:
        return _record_duplicate(receipt, earlier, receipts), {}

    _keep_raw_copy(content, paths.raw_files / f"{file_id}{path.suffix}")
    # Outside the try: a codec name the registry misspells stops the run, not one file.
    declared_encodings = registry.encoding_by_bank_account
    try:
        parsed = parse_file(content, file_name, declared_encodings)
        receipt["source_format"] = parsed.source_format
        company_id = resolve_company(registry, parsed.owner_keys, file_name)
        check_account_currencies(registry, parsed, file_name)
        parsed.warnings += settle_invalid_dates(
            parsed.invalid_dates,
            lambda row: registry.invalid_date_rules(row["bank_account"]),
            file_name,
        )
        tables = _stamped_tables(parsed, company_id, file_id, receipt["arrived_at"])
    except (ParseError, UnknownCompanyError) as error:
        return _quarantine(content, receipt, str(error), paths, receipts), {}
    except Exception as error:
        # A parser bug on one odd file must not stop the files behind it.
        log.exception("unexpected error while reading %s", file_name)
        message = f"{file_name}: unexpected {type(error).__name__} while reading: {error}"
        return _quarantine(content, receipt, message, paths, receipts), {}

    return _load(parsed, company_id, tables, receipt, paths, receipts)


def _new_receipt(path: Path, inbox: Path, content: bytes, landed_at: datetime) -> dict:
    return {
        "file_id": hashlib.sha256(content).hexdigest(),
        "file_name": path.relative_to(inbox).as_posix(),
        "source_format": None,
        "company_id": None,
        # When the file reached the inbox: whoever delivers it sets its modification time.
        "arrived_at": datetime.fromtimestamp(path.stat().st_mtime, UTC),
        "landed_at": landed_at,
        "size_bytes": len(content),
        "outcome": None,
        "row_count": 0,
        "error_message": None,
        "warning_message": None,
    }


def _record_duplicate(receipt: dict, earlier: dict, receipts: _ReceiptIndex) -> FileOutcome:
    file_name = receipt["file_name"]
    warning = f"{file_name}: same content as {earlier['file_name']}, loaded before"
    receipts.write(
        {
            **receipt,
            "source_format": earlier["source_format"],
            "company_id": earlier["company_id"],
            "outcome": DUPLICATE,
            "warning_message": warning,
        }
    )
    log.debug("duplicate file %s: same bytes as %s", file_name, earlier["file_name"])
    return FileOutcome(
        file_name,
        receipt["file_id"],
        DUPLICATE,
        earlier["source_format"],
        earlier["company_id"],
        warnings=[warning],
    )


def _load(
    parsed: ParsedFile,
    company_id: str | None,
    tables: dict[str, pa.Table],
    receipt: dict,
    paths: Paths,
    receipts: _ReceiptIndex,
) -> tuple[FileOutcome, dict[str, int]]:
    """Writes the rows first and the receipt last: a crash in between leaves no receipt, so
    the next run lands the file again and overwrites the same Parquet files."""
    file_id, file_name = receipt["file_id"], receipt["file_name"]
    for kind, table in tables.items():
        folder = paths.kind_dir(kind)
        folder.mkdir(parents=True, exist_ok=True)
        write_parquet(table, folder / f"{file_id}.parquet")

    warnings = list(parsed.warnings)
    if parsed.row_count == 0:
        warnings.append(f"{file_name}: no rows")
    warnings += [
        f"{file_name}: a file of this name with other content was landed before as {other}; "
        "both are kept"
        for other in receipts.other_contents(file_id, file_name)
    ]
    receipts.write(
        {
            **receipt,
            "source_format": parsed.source_format,
            "company_id": company_id,
            "outcome": LOADED,
            "row_count": parsed.row_count,
            "warning_message": "\n".join(warnings) or None,
        }
    )

    rows_by_kind = {kind: table.num_rows for kind, table in tables.items()}
    log.debug("loaded %s (%s, %s): %s", file_name, parsed.source_format, company_id, rows_by_kind)
    return FileOutcome(
        file_name,
        file_id,
        LOADED,
        parsed.source_format,
        company_id,
        parsed.row_count,
        warnings=warnings,
    ), rows_by_kind


def _keep_raw_copy(content: bytes, target: Path) -> None:
    if target.exists():
        return
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(content)
    temporary.chmod(READ_ONLY)
    os.replace(temporary, target)


def _stamped_tables(
    parsed: ParsedFile, company_id: str | None, file_id: str, arrived_at: datetime
) -> dict[str, pa.Table]:
    """One table per kind with rows, in exactly that kind's schema."""
    tables = {}
    for kind, rows in parsed.rows.items():
        if not rows:
            continue
        schema = KINDS[kind]
        lineage = {"company_id": company_id, "file_id": file_id, "arrived_at": arrived_at}
        stamped = [{**row, **lineage} for row in rows]
        _check_columns(kind, schema, stamped)
        tables[kind] = pa.Table.from_pylist(stamped, schema=schema)
    return tables


def _check_columns(kind: str, schema: pa.Schema, rows: list[dict]) -> None:
    """Arrow keeps neither extra keys nor the schema's not-null rule, so both are checked."""
    expected = set(schema.names)
    required = [schema_field.name for schema_field in schema if not schema_field.nullable]
    for row in rows:
        if set(row) != expected:
            raise ValueError(
                f"{kind} row {row.get('record_number')} has columns "
                f"{sorted(set(row) ^ expected)} that differ from the schema"
            )
        empty = [name for name in required if row[name] is None]
        if empty:
            raise ValueError(f"{kind} row {row['record_number']} has no value for {empty}")


def _quarantine(
    content: bytes, receipt: dict, message: str, paths: Paths, receipts: _ReceiptIndex
) -> FileOutcome:
    name = sanitised_name(receipt["file_name"])
    target = paths.quarantine / name
    if target.exists() and target.read_bytes() != content:
        target = paths.quarantine / f"{receipt['file_id'][:12]}__{name}"
    if not target.exists():
        target.write_bytes(content)
    error_file = target.with_name(f"{target.name}.error.txt")
    if not error_file.exists() or error_file.read_text(encoding="utf-8") != message + "\n":
        error_file.write_text(message + "\n", encoding="utf-8")

    receipts.write({**receipt, "outcome": QUARANTINED, "error_message": message})
    log.warning("quarantined %s: %s", receipt["file_name"], message)
    return FileOutcome(receipt["file_name"], receipt["file_id"], QUARANTINED, error_message=message)
