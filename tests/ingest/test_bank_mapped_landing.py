"""Mapped bank exports land like the other bank formats: rows in the raw schema with their
lineage, the same export twice loads once, and an unreadable value quarantines the file."""

import os
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest.config import CompanyRegistry, Paths
from ingest.landing import land_inbox

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
ARRIVED_AT = datetime(2026, 5, 15, 18, 0, tzinfo=UTC)
BANCOLOMBIA_EXPORT = "bank_bancolombia_10029384756_20260515.csv"


@pytest.fixture
def registry():
    return CompanyRegistry(
        [
            {
                "company_id": "andina",
                "tax_id": "900417352-3",
                "bank_accounts": [{"account": "10029384756", "currency": "COP"}],
            }
        ]
    )


def drop(inbox: Path, folder: str, name: str, as_name: str | None = None) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    target = inbox / (as_name or name)
    shutil.copyfile(FIXTURES / folder / name, target)
    os.utime(target, (ARRIVED_AT.timestamp(), ARRIVED_AT.timestamp()))


def test_a_mapped_export_lands_its_lines_and_statement_stamped_with_company_and_lineage(
    tmp_path, registry
):
    paths = Paths(tmp_path / "data")
    drop(paths.inbox, "valid", BANCOLOMBIA_EXPORT)

    (outcome,) = land_inbox(paths, registry, now=ARRIVED_AT).outcomes

    lines = pq.read_table(paths.kind_dir("bank_lines") / f"{outcome.file_id}.parquet")
    statements = pq.read_table(paths.kind_dir("bank_statements") / f"{outcome.file_id}.parquet")
    assert (outcome.outcome, outcome.source_format, outcome.company_id, outcome.row_count) == (
        "loaded",
        "bank_mapped",
        "andina",
        5,
    )
    assert lines.select(["company_id", "record_number", "direction", "amount"]).to_pylist()[:2] == [
        {
            "company_id": "andina",
            "record_number": 2,
            "direction": "debit",
            "amount": Decimal("1250000.50"),
        },
        {
            "company_id": "andina",
            "record_number": 3,
            "direction": "credit",
            "amount": Decimal("2380000.00"),
        },
    ]
    assert statements.column("arrived_at").to_pylist() == [ARRIVED_AT]


def test_the_same_export_delivered_twice_under_another_name_loads_once(tmp_path, registry):
    paths = Paths(tmp_path / "data")
    drop(paths.inbox, "valid", BANCOLOMBIA_EXPORT)
    drop(paths.inbox, "valid", BANCOLOMBIA_EXPORT, as_name="Movimientos (1).csv")

    summary = land_inbox(paths, registry, now=ARRIVED_AT)

    assert (summary.files_loaded, summary.files_duplicate) == (1, 1)
    assert summary.rows_by_kind == {"bank_lines": 4, "bank_statements": 1}
    assert len(list(paths.kind_dir("bank_lines").glob("*.parquet"))) == 1


def test_an_export_with_an_impossible_date_is_quarantined_and_loads_nothing(tmp_path, registry):
    paths = Paths(tmp_path / "data")
    drop(paths.inbox, "invalid", "bank_bancolombia_february_31.csv")

    (outcome,) = land_inbox(paths, registry, now=ARRIVED_AT).outcomes

    assert outcome.outcome == "quarantined"
    assert outcome.error_message.startswith(
        "bank_bancolombia_february_31.csv: record line 4, field FECHA: expected a date as %d/%m/%Y"
    )
    assert (paths.quarantine / "bank_bancolombia_february_31.csv.error.txt").exists()
    assert list(paths.kind_dir("bank_lines").glob("*.parquet")) == []
