"""The generator's contract: deterministic, fast, and honest about what it wrote."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from demo.generate import generate


def _snapshot(folder: Path) -> dict[str, tuple[bytes, float]]:
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_two_runs_with_the_same_seed_write_identical_bytes_and_mtimes(small_run, tmp_path):
    generate(tmp_path, scale="small", seed=42)

    first, second = _snapshot(small_run.data_dir), _snapshot(tmp_path)

    assert len(first) > 100
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_another_seed_gives_another_world(small_run, tmp_path):
    generate(tmp_path, scale="small", seed=7)

    first = (small_run.inbox / "customers_andina_20260831.csv").read_bytes()
    second = (tmp_path / "inbox" / "customers_andina_20260831.csv").read_bytes()
    assert first != second


def test_small_scale_runs_in_under_three_seconds(small_run):
    assert small_run.cpu_seconds < 3.0


def test_demo_scale_runs_in_under_thirty_seconds(demo_run):
    assert demo_run.cpu_seconds < 30.0


def test_demo_scale_has_about_500_customers_and_5000_invoices(demo_run):
    summary = demo_run.summary

    assert summary.customer_count == 500
    assert summary.invoice_count == 5000
    assert 150 <= summary.credit_note_count <= 260


def test_small_scale_covers_two_months_with_40_customers_and_300_invoices(small_run):
    invoices = small_run.csv_rows("invoices_")
    issue_dates = sorted(row["issue_date"] for row in invoices)

    assert small_run.summary.customer_count == 40
    assert sum(row["document_type"] == "invoice" for row in invoices) == 300
    assert issue_dates[0] >= "2026-09-01"
    assert issue_dates[-1] <= "2026-10-31"


def test_summary_json_repeats_the_returned_summary_without_the_folder(small_run):
    written = json.loads((small_run.answer_key / "summary.json").read_text())

    assert written == small_run.summary.to_json_dict()
    assert "data_dir" not in written
    assert written["duplicated_file"].endswith("_copy.xml")
    assert sum(written["files_by_kind"].values()) == len(list(small_run.inbox.iterdir()))


def test_summary_counts_match_the_answer_key(run):
    allocations = run.allocations()
    payments = {(row["source_format"], row["source_reference"]) for row in allocations}

    assert run.summary.allocation_count == len(allocations)
    assert run.summary.payment_count == len(payments)
    assert sum(run.summary.payments_by_scenario.values()) == len(payments)
    assert sum(run.summary.payments_by_channel.values()) == len(payments)


def test_a_second_run_replaces_the_files_of_an_earlier_one(small_run, tmp_path):
    generate(tmp_path, scale="small", seed=7)
    unrelated = tmp_path / "inbox" / "notes_from_treasury.txt"
    unrelated.write_text("not a demo file")

    generate(tmp_path, scale="small", seed=42)

    names = {path.name for path in (tmp_path / "inbox").iterdir()}
    fresh_names = {path.name for path in small_run.inbox.iterdir()}
    assert names == fresh_names | {unrelated.name}


def test_an_unknown_scale_is_refused_with_the_known_ones_named(tmp_path):
    with pytest.raises(ValueError, match="demo, small"):
        generate(tmp_path, scale="huge")


def test_the_command_line_writes_inbox_and_answer_key(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "demo.generate", "--data-dir", str(tmp_path), "--scale", "small"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "error::RuntimeWarning"},
    )

    assert result.returncode == 0, result.stderr
    assert "wrote answer key" in result.stderr
    assert (tmp_path / "answer_key" / "allocations.csv").stat().st_size > 1000
    assert len(list((tmp_path / "inbox").glob("camt053_*.xml"))) > 10


def test_a_bank_without_a_demo_statement_format_is_refused_by_name(tmp_path, monkeypatch):
    registry = tmp_path / "companies.yml"
    registry.write_text(
        "companies:\n"
        "  - company_id: andina\n"
        "    legal_name: Distribuidora Andina S.A.S.\n"
        '    tax_id: "900417352-3"\n'
        "    bank_accounts:\n"
        '      - {account: "111", bank: bancoexterior, currency: COP}\n'
    )
    monkeypatch.setenv("RECAUDO_COMPANIES", str(registry))

    with pytest.raises(ValueError, match="account 111, field bank: expected one of bancolombia"):
        generate(tmp_path / "data", scale="small")
