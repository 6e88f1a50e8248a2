"""The invoice formats through the landing step: each file is stamped with the supplier's
company and written in exactly the `invoices` schema, CUFE and prepaid amount included."""

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
ARRIVED_AT = datetime(2026, 5, 21, 12, 0, tzinfo=UTC)
INVOICE_FILES = {
    "ubl_invoice_andina_FEA-000200.xml": "ubl",
    "dian_attached_credit_note_andina_NCSE12.xml": "dian_ubl",
    "facturx_invoice_andina_FX-2026-0042.xml": "facturx",
    "invoices_mapped_andina_erp_20260516.csv": "invoices_mapped",
    "invoices_andina_prepaid_20260515.csv": "billing_csv",
}


@pytest.fixture
def landed(tmp_path, monkeypatch):
    monkeypatch.setenv("RECAUDO_INVOICE_LAYOUTS", str(FIXTURES / "invoice_layouts.yml"))
    paths = Paths(tmp_path / "data")
    for name in INVOICE_FILES:
        target = paths.inbox / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / "valid" / name, target)
        os.utime(target, (ARRIVED_AT.timestamp(), ARRIVED_AT.timestamp()))
    registry = CompanyRegistry([{"company_id": "andina", "tax_id": "900417352-3"}])
    summary = land_inbox(paths, registry, now=ARRIVED_AT)
    rows = [
        row
        for file in sorted(paths.kind_dir("invoices").glob("*.parquet"))
        for row in pq.read_table(file).to_pylist()
    ]
    return summary, rows


def test_every_invoice_format_lands_for_the_supplier_s_company(landed):
    summary, _ = landed

    assert {
        outcome.file_name: (outcome.outcome, outcome.source_format, outcome.company_id)
        for outcome in summary.outcomes
    } == {name: ("loaded", fmt, "andina") for name, fmt in INVOICE_FILES.items()}
    assert summary.rows_by_kind == {"invoices": 10}


def test_the_cufe_and_prepaid_amounts_reach_the_raw_layer(landed):
    _, rows = landed
    by_document = {row["document_id"]: row for row in rows}

    assert by_document["NCSE12"]["related_document_uuid"].startswith("35307ba5307de1bd")
    assert by_document["NCSE12"]["document_uuid"].startswith("4cef77f5984e6aed")
    assert {
        document_id: by_document[document_id]["prepaid_amount"]
        for document_id in ("FEA-000200", "FX-2026-0042", "FV-1002", "FEA-000172", "FEA-000173")
    } == {
        "FEA-000200": Decimal("130500.00"),
        "FX-2026-0042": Decimal("595000.00"),
        "FV-1002": Decimal("2975000.60"),
        "FEA-000172": Decimal("-5000.00"),
        "FEA-000173": None,
    }
