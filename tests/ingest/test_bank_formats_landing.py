"""The bank formats beyond camt.053 and MT940 land like them: every row fits the raw schema,
and a file naming an account nobody registered is quarantined, not loaded."""

import os
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest.config import CompanyRegistry, Paths
from ingest.landing import land_inbox

VALID = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "valid"
ARRIVED_AT = datetime(2026, 5, 15, 18, 0, tzinfo=UTC)

# file, source format, bank lines, statement rows
BANK_FILES = [
    ("camt052_v08_bancolombia_intraday.xml", "camt052", 2, 1),
    ("camt054_v04_bancolombia_notification.xml", "camt054", 2, 1),
    ("mt942_davivienda_20260515.fin", "mt942", 3, 2),
    ("bai2_bancousa_20260514.bai2", "bai2", 3, 2),
    ("ofx_v102_bancolombia_20260515.ofx", "ofx", 2, 1),
    ("ofx_v211_bancousa_20260514.qfx", "ofx", 2, 2),
]


@pytest.fixture
def registry():
    return CompanyRegistry(
        [
            {
                "company_id": "andina",
                "tax_id": "900417352-3",
                "bank_accounts": [
                    {"account": "10029384756", "currency": "COP"},
                    {"account": "0550012345678", "currency": "COP"},
                    {"account": "4455667788", "currency": "USD"},
                    {"account": "4455660000", "currency": "JPY"},
                    {"account": "4111000011112222", "currency": "USD"},
                ],
            }
        ]
    )


def drop(inbox: Path, name: str) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(VALID / name, inbox / name)
    os.utime(inbox / name, (ARRIVED_AT.timestamp(), ARRIVED_AT.timestamp()))


def test_every_new_bank_format_loads_with_its_rows_in_the_raw_schema(tmp_path, registry):
    paths = Paths(tmp_path / "data")
    for name, *_ in BANK_FILES:
        drop(paths.inbox, name)

    summary = land_inbox(paths, registry, now=ARRIVED_AT)

    outcomes = {outcome.file_name: outcome for outcome in summary.outcomes}
    assert [
        (name, outcomes[name].outcome, outcomes[name].source_format, outcomes[name].company_id)
        for name, *_ in BANK_FILES
    ] == [(name, "loaded", source_format, "andina") for name, source_format, *_ in BANK_FILES]
    assert summary.rows_by_kind == {
        "bank_lines": sum(lines for *_, lines, _ in BANK_FILES),
        "bank_statements": sum(statements for *_, statements in BANK_FILES),
    }


def test_a_landed_bai2_line_keeps_its_exact_amount_and_file_line(tmp_path, registry):
    paths = Paths(tmp_path / "data")
    drop(paths.inbox, "bai2_bancousa_20260514.bai2")

    (outcome,) = land_inbox(paths, registry, now=ARRIVED_AT).outcomes
    table = pq.read_table(paths.kind_dir("bank_lines") / f"{outcome.file_id}.parquet")

    rows = table.select(["record_number", "amount", "currency", "direction"]).to_pylist()
    assert rows == [
        {
            "record_number": 5,
            "amount": Decimal("9000.00"),
            "currency": "USD",
            "direction": "credit",
        },
        {
            "record_number": 7,
            "amount": Decimal("2900.00"),
            "currency": "USD",
            "direction": "credit",
        },
        {"record_number": 8, "amount": Decimal("420.00"), "currency": "USD", "direction": "debit"},
    ]


def test_an_ofx_file_for_an_account_nobody_registered_is_quarantined(tmp_path):
    paths = Paths(tmp_path / "data")
    drop(paths.inbox, "ofx_v211_bancousa_20260514.qfx")
    nobody = CompanyRegistry([{"company_id": "andina", "tax_id": "900417352-3"}])

    (outcome,) = land_inbox(paths, nobody, now=ARRIVED_AT).outcomes

    assert outcome.outcome == "quarantined"
    assert "bank account 4455667788 belongs to no company" in outcome.error_message
