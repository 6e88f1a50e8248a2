"""The column layouts of gateway exports read by the generic mapped CSV parser.

Wompi, PayU and ePayco publish no fixed settlement file of their own, and merchants export
what their dashboard offers. config/gateway_layouts.yml says, per export, which columns
identify it, how it writes numbers and times, and which column feeds each raw field; the
parser in ingest/parsers/gateway_mapped_csv.py reads every layout the same way. A mistake in
that file is a deployment error, raised as ValueError naming the layout and the key.
"""

import os
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from ingest.config import PROJECT_ROOT

# Raw fields of ingest.schemas.GATEWAY_TRANSACTIONS a layout can feed, plus the payout's.
MAPPABLE_FIELDS = (
    "merchant_account",
    "transaction_id",
    "created_at",
    "merchant_reference",
    "payment_method",
    "payer_name",
    "payer_email",
    "currency",
    "gross_amount",
    "fee_amount",
    "fee_tax_amount",
    "net_amount",
    "payout_id",
    "payout_date",
    "payout_amount",
)
REQUIRED_FIELDS = ("merchant_account", "transaction_id", "created_at", "gross_amount")
TRANSACTION_TYPES = ("charge", "refund", "chargeback", "chargeback_reversal", "fee", "adjustment")
ISO8601 = "iso8601"


def normalised(column: str) -> str:
    """A column name as compared: lower case, no accents, single spaces, no quotes."""
    without_accents = "".join(
        character
        for character in unicodedata.normalize("NFKD", column)
        if not unicodedata.combining(character)
    )
    return " ".join(without_accents.strip().strip('"').lower().split())


def gateway_layouts_file() -> Path:
    return Path(
        os.environ.get("RECAUDO_GATEWAY_LAYOUTS", PROJECT_ROOT / "config" / "gateway_layouts.yml")
    )


@dataclass(frozen=True)
class GatewayLayout:
    """How one gateway export writes its rows; column names are kept as normalised names."""

    name: str
    gateway: str
    identified_by: frozenset[str]
    columns: dict[str, str]
    delimiter: str = ","
    decimal_separator: str = "."
    amounts_in_cents: bool = False
    timestamp_format: str = ISO8601
    timezone: str = "America/Bogota"
    date_format: str = "%Y-%m-%d"
    currency: str | None = None
    withholding_columns: tuple[str, ...] = ()
    status_column: str | None = None
    loaded_statuses: frozenset[str] = frozenset()
    skipped_statuses: frozenset[str] = frozenset()
    # As the layout writes them, for error messages.
    status_values: tuple[str, ...] = ()
    type_column: str | None = None
    types_by_value: dict[str, str] = field(default_factory=dict)


def load_layouts(path: Path | None = None) -> tuple[GatewayLayout, ...]:
    """Every layout of the file, in file order; none when the file does not exist. The file
    is read again when it changes, so a running sensor sees a layout added to it."""
    path = path or gateway_layouts_file()
    if not path.exists():
        return ()
    return _load(path, path.stat().st_mtime_ns)


@cache
def _load(path: Path, modified_ns: int) -> tuple[GatewayLayout, ...]:
    # modified_ns only keys the cache, so an edited file is read again.
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle) or {}
    return tuple(
        _layout(name, spec, path) for name, spec in (document.get("layouts") or {}).items()
    )


def _layout(name: str, spec: dict, path: Path) -> GatewayLayout:
    def fail(key: str, expected: str) -> ValueError:
        return ValueError(f"{path}: layout {name}, key {key}: expected {expected}")

    columns = spec.get("columns") or {}
    unknown = sorted(set(columns) - set(MAPPABLE_FIELDS))
    if unknown:
        raise fail("columns", f"only the fields {', '.join(MAPPABLE_FIELDS)}, not {unknown}")
    missing = [raw for raw in REQUIRED_FIELDS if not columns.get(raw)]
    if missing:
        raise fail("columns", f"a column for each of {', '.join(missing)}")
    if "currency" not in columns and not spec.get("currency"):
        raise fail("currency", "a currency column under columns, or a fixed currency code")
    if not spec.get("identified_by") or not spec.get("gateway"):
        raise fail("identified_by and gateway", "both, so files can be recognised and owned")
    if spec.get("decimal_separator", ".") not in (".", ","):
        raise fail("decimal_separator", "'.' or ','")

    status = spec.get("status") or {}
    transaction_type = spec.get("transaction_type") or {}
    types_by_value = {}
    for transaction_kind, values in (transaction_type.get("values") or {}).items():
        if transaction_kind not in TRANSACTION_TYPES:
            raise fail("transaction_type.values", f"keys among {', '.join(TRANSACTION_TYPES)}")
        types_by_value.update({normalised(str(value)): transaction_kind for value in values})
    return GatewayLayout(
        name=name,
        gateway=spec["gateway"],
        identified_by=frozenset(normalised(column) for column in spec["identified_by"]),
        columns={raw: normalised(column) for raw, column in columns.items() if column},
        delimiter=spec.get("delimiter", ","),
        decimal_separator=spec.get("decimal_separator", "."),
        amounts_in_cents=bool(spec.get("amounts_in_cents", False)),
        timestamp_format=spec.get("timestamp_format", ISO8601),
        timezone=spec.get("timezone", "America/Bogota"),
        date_format=spec.get("date_format", "%Y-%m-%d"),
        currency=spec.get("currency"),
        withholding_columns=tuple(
            normalised(column) for column in spec.get("withholding_columns") or ()
        ),
        status_column=normalised(status["column"]) if status.get("column") else None,
        loaded_statuses=frozenset(normalised(str(value)) for value in status.get("loaded", ())),
        skipped_statuses=frozenset(normalised(str(value)) for value in status.get("skipped", ())),
        status_values=tuple(
            str(value) for value in (*status.get("loaded", ()), *status.get("skipped", ()))
        ),
        type_column=(
            normalised(transaction_type["column"]) if transaction_type.get("column") else None
        ),
        types_by_value=types_by_value,
    )
