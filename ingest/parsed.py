"""What every parser returns: rows per raw kind, the keys that name the owner, and warnings."""

from dataclasses import dataclass, field

from ingest.dates import InvalidDate

# How the landing step finds the company a file belongs to, as (key kind, value):
#   ("bank_account", "10029384756")
#   ("collection_account", "00000020098765432")
#   ("merchant_account", ("wompi", "andina-ecommerce"))
#   ("company_tax_id", "900417352")
OwnerKey = tuple[str, object]


@dataclass
class ParsedFile:
    """The content of one inbox file, read but not yet stamped with its company and lineage.

    `rows` maps a kind of `ingest.schemas.KINDS` to rows keyed by that schema's columns, minus
    the lineage columns. Each row still carries `record_number` (where the row sits in its file:
    the line for text formats, the position of the entry for camt.053) so the landing step can
    keep it. Every owner key must lead to the same company, or the file is quarantined.
    """

    source_format: str
    rows: dict[str, list[dict]]
    owner_keys: tuple[OwnerKey, ...]
    warnings: list[str] = field(default_factory=list)
    # Printed dates no calendar has, already flagged on their rows; the landing step settles
    # them by the account's declared rules and warns.
    invalid_dates: list[InvalidDate] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(kind_rows) for kind_rows in self.rows.values())
