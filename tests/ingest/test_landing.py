import hashlib
import os
import shutil
import stat
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest.config import CompanyRegistry, Paths
from ingest.landing import ensure_empty_sources, land_inbox, land_inbox_file
from ingest.parsers import PARSERS
from ingest.schemas import FILE_RECEIPTS, KINDS, SYSTEM_TABLES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
CAMT = "camt053_v02_andina_20260514.xml"
CAMT_UNKNOWN_ACCOUNT = "camt053_v08_datetimes.xml"
ASOBANCARIA = "asobancaria_20098765432_20260514.txt"
SETTLEMENT = "settlement_wompi_andina-ecommerce_20260514.csv"
# 06:30 in Bogota (UTC-5) on the day after the statement date.
CAMT_ARRIVAL = datetime(2026, 5, 15, 11, 30, tzinfo=UTC)
FIRST_RUN_AT = datetime(2026, 5, 15, 12, 0, tzinfo=UTC)
SECOND_RUN_AT = datetime(2026, 5, 16, 12, 0, tzinfo=UTC)


@pytest.fixture
def registry():
    """Andina owns the accounts the valid fixtures name; Pacifico owns none of them."""
    return CompanyRegistry(
        [
            {
                "company_id": "andina",
                "tax_id": "900417352-3",
                "bank_accounts": [{"account": "10029384756"}, {"account": "0550012345678"}],
                "collection_accounts": [{"account": "20098765432"}],
                "gateway_merchants": [{"gateway": "wompi", "merchant_account": "andina-ecommerce"}],
            },
            {
                "company_id": "pacifico",
                "tax_id": "901238554-1",
                "bank_accounts": [{"account": "10055501234"}],
            },
        ]
    )


@pytest.fixture
def paths(tmp_path):
    return Paths(tmp_path / "data")


def drop(paths, fixture, name=None, arrived_at=CAMT_ARRIVAL, folder="valid"):
    """Copies a fixture into the inbox with `arrived_at` as its modification time."""
    target = paths.inbox / (name or fixture)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / folder / fixture, target)
    os.utime(target, (arrived_at.timestamp(), arrived_at.timestamp()))
    return target


def read_kind(paths, kind):
    files = sorted(paths.kind_dir(kind).glob("[!_]*.parquet"))
    return [row for file in files for row in pq.read_table(file).to_pylist()]


def snapshot(folder):
    """Every file under `folder` with its bytes and modification time."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_each_file_lands_as_parquet_of_its_kinds_with_lineage_columns(paths, registry):
    camt = drop(paths, CAMT)
    drop(paths, ASOBANCARIA)
    drop(paths, SETTLEMENT)

    summary = land_inbox(paths, registry, now=FIRST_RUN_AT)

    assert (summary.files_seen, summary.files_loaded, summary.files_quarantined) == (3, 3, 0)
    assert summary.rows_by_kind == {
        "bank_lines": 5,
        "bank_statements": 1,
        "collection_lines": 3,
        "gateway_transactions": 3,
        "gateway_payouts": 1,
    }
    table = pq.read_table(paths.kind_dir("bank_lines") / f"{sha256(camt)}.parquet")
    assert table.schema.equals(KINDS["bank_lines"])
    first = table.to_pylist()[0]
    assert (first["company_id"], first["file_id"], first["record_number"]) == (
        "andina",
        sha256(camt),
        1,
    )
    assert first["arrived_at"] == CAMT_ARRIVAL


def test_zero_padded_collection_account_and_nit_with_check_digit_find_the_company(paths, registry):
    drop(paths, ASOBANCARIA)

    land_inbox(paths, registry, now=FIRST_RUN_AT)

    assert {row["company_id"] for row in read_kind(paths, "collection_lines")} == {"andina"}


def test_decimal_amounts_come_back_from_parquet_exactly(paths, registry):
    drop(paths, CAMT)
    drop(paths, SETTLEMENT)

    land_inbox(paths, registry, now=FIRST_RUN_AT)

    assert [row["amount"] for row in read_kind(paths, "bank_lines")] == [
        Decimal("1190000.00"),
        Decimal("1000000.00"),
        Decimal("1500000.50"),
        Decimal("15000.00"),
        Decimal("50000.00"),
    ]
    assert [row["fee_tax_amount"] for row in read_kind(paths, "gateway_transactions")] == [
        Decimal("732.17"),
        Decimal("304.00"),
        Decimal("0.00"),
    ]
    amount_type = (
        pq.read_schema(next(paths.kind_dir("bank_lines").glob("[!_]*.parquet")))
        .field("amount")
        .type
    )
    assert (amount_type.precision, amount_type.scale) == (18, 2)


def test_the_raw_bytes_are_kept_read_only_under_their_hash(paths, registry):
    camt = drop(paths, CAMT)

    land_inbox(paths, registry, now=FIRST_RUN_AT)

    raw = paths.raw_files / f"{sha256(camt)}.xml"
    assert raw.read_bytes() == camt.read_bytes()
    assert not raw.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_the_same_statement_under_a_second_name_is_a_duplicate_and_loads_once(paths, registry):
    # Files are taken in name order, so the original comes before its copy.
    camt = drop(paths, CAMT, name="camt053_10029384756_20260514.xml")
    drop(paths, CAMT, name="camt053_10029384756_20260514_copy.xml")

    summary = land_inbox(paths, registry, now=FIRST_RUN_AT)

    assert (summary.files_loaded, summary.files_duplicate) == (1, 1)
    assert len(read_kind(paths, "bank_lines")) == 5
    receipts = {row["file_name"]: row for row in read_kind(paths, "file_receipts")}
    copy = receipts["camt053_10029384756_20260514_copy.xml"]
    assert (copy["outcome"], copy["row_count"], copy["file_id"]) == ("duplicate", 0, sha256(camt))
    assert "camt053_10029384756_20260514.xml" in copy["warning_message"]
    original = receipts["camt053_10029384756_20260514.xml"]
    assert (original["outcome"], original["row_count"]) == ("loaded", 6)


def test_running_again_over_the_same_inbox_changes_no_file(paths, registry):
    drop(paths, CAMT)
    drop(paths, CAMT, name="camt053_copy.xml")
    drop(paths, "asobancaria_batch_total_mismatch.txt", folder="invalid")
    ensure_empty_sources(paths)
    land_inbox(paths, registry, now=FIRST_RUN_AT)
    before = snapshot(paths.root)

    summary = land_inbox(paths, registry, now=SECOND_RUN_AT)
    ensure_empty_sources(paths)

    assert snapshot(paths.root) == before
    assert (summary.files_seen, summary.files_loaded, summary.files_unchanged) == (3, 0, 3)


def test_a_bad_file_is_quarantined_with_its_error_while_the_good_ones_load(paths, registry):
    drop(paths, CAMT)
    drop(paths, "asobancaria_batch_total_mismatch.txt", folder="invalid")

    summary = land_inbox(paths, registry, now=FIRST_RUN_AT)

    assert (summary.files_loaded, summary.files_quarantined) == (1, 1)
    assert len(read_kind(paths, "bank_lines")) == 5
    quarantined = paths.quarantine / "asobancaria_batch_total_mismatch.txt"
    assert (
        quarantined.read_bytes()
        == (FIXTURES / "invalid" / "asobancaria_batch_total_mismatch.txt").read_bytes()
    )
    error_text = (paths.quarantine / "asobancaria_batch_total_mismatch.txt.error.txt").read_text()
    assert "record line 5, field total_amount of batch 0001" in error_text
    receipt = next(
        row for row in read_kind(paths, "file_receipts") if row["outcome"] == "quarantined"
    )
    assert receipt["error_message"] == error_text.strip()
    assert read_kind(paths, "collection_lines") == []


def test_a_statement_of_an_unknown_account_is_quarantined_naming_file_and_account(paths, registry):
    drop(paths, CAMT_UNKNOWN_ACCOUNT)

    summary = land_inbox(paths, registry, now=FIRST_RUN_AT)

    message = summary.outcomes[0].error_message
    assert summary.files_quarantined == 1
    assert message.startswith(f"{CAMT_UNKNOWN_ACCOUNT}: bank account CO99TEST0000000099887766")
    assert read_kind(paths, "bank_lines") == []
    receipt = read_kind(paths, "file_receipts")[0]
    assert (receipt["source_format"], receipt["company_id"]) == ("camt053", None)


def test_a_file_naming_accounts_of_two_companies_is_quarantined(paths, registry):
    content = (FIXTURES / "valid" / ASOBANCARIA).read_bytes()
    # Andina's collection account with Pacifico's NIT in the file header.
    (paths.inbox).mkdir(parents=True)
    (paths.inbox / "mixed.txt").write_bytes(content.replace(b"9004173523", b"9012385541", 1))

    summary = land_inbox(paths, registry, now=FIRST_RUN_AT)

    assert summary.files_quarantined == 1
    assert "several companies" in summary.outcomes[0].error_message
    assert "pacifico" in summary.outcomes[0].error_message


def test_an_unexpected_parser_failure_quarantines_only_that_file(paths, registry, monkeypatch):
    def broken_parser(content, file_name):
        raise KeyError("column the parser forgot")

    monkeypatch.setitem(PARSERS, "gateway_csv", broken_parser)
    drop(paths, CAMT)
    drop(paths, SETTLEMENT)

    summary = land_inbox(paths, registry, now=FIRST_RUN_AT)

    assert (summary.files_loaded, summary.files_quarantined) == (1, 1)
    quarantined = next(item for item in summary.outcomes if item.outcome == "quarantined")
    assert quarantined.file_name == SETTLEMENT
    assert "unexpected KeyError" in quarantined.error_message


def test_quarantined_content_dropped_again_under_a_new_name_is_read_again(paths, registry):
    drop(paths, CAMT_UNKNOWN_ACCOUNT)
    land_inbox(paths, registry, now=FIRST_RUN_AT)
    registry.companies[1]["bank_accounts"].append({"account": "CO99TEST0000000099887766"})
    registry = CompanyRegistry(registry.companies)
    drop(paths, CAMT_UNKNOWN_ACCOUNT, name="camt053_v08_retry.xml")

    summary = land_inbox(paths, registry, now=SECOND_RUN_AT)

    assert (summary.files_loaded, summary.files_unchanged) == (1, 1)
    assert {row["company_id"] for row in read_kind(paths, "bank_lines")} == {"pacifico"}


def test_subfolders_are_read_and_hidden_files_are_skipped(paths, registry):
    drop(paths, CAMT, name="bancolombia/2026-05/statement.xml")
    drop(paths, SETTLEMENT, name=".partial_upload.csv")
    drop(paths, SETTLEMENT, name=".tmp/settlement.csv")

    summary = land_inbox(paths, registry, now=FIRST_RUN_AT)

    assert [item.file_name for item in summary.outcomes] == ["bancolombia/2026-05/statement.xml"]
    receipts = sorted(path.name for path in paths.kind_dir("file_receipts").glob("*.parquet"))
    assert receipts[0].endswith("__bancolombia__2026-05__statement.xml.parquet")


def test_empty_sources_hold_zero_rows_in_the_exact_schema_of_every_kind(paths):
    ensure_empty_sources(paths)

    for kind, schema in {**KINDS, **SYSTEM_TABLES}.items():
        table = pq.read_table(paths.kind_dir(kind) / "_empty.parquet")
        assert table.num_rows == 0
        assert table.schema.equals(schema), kind


def test_receipts_are_written_in_the_receipt_schema(paths, registry):
    drop(paths, CAMT)

    land_inbox(paths, registry, now=FIRST_RUN_AT)

    receipt_file = next(paths.kind_dir("file_receipts").glob("*.parquet"))
    receipt = pq.read_table(receipt_file)
    assert receipt.schema.equals(FILE_RECEIPTS)
    assert receipt.to_pylist()[0]["landed_at"] == FIRST_RUN_AT
    assert receipt.to_pylist()[0]["size_bytes"] == (FIXTURES / "valid" / CAMT).stat().st_size


def test_an_export_with_only_its_header_is_recorded_as_loaded_with_no_rows(paths, registry):
    paths.inbox.mkdir(parents=True)
    header = (FIXTURES / "valid" / "promises_andina_20260601.csv").read_bytes().splitlines()[0]
    (paths.inbox / "promises_andina_20260602.csv").write_bytes(header + b"\n")

    summary = land_inbox(paths, registry, now=FIRST_RUN_AT)

    receipt = read_kind(paths, "file_receipts")[0]
    assert (summary.files_loaded, receipt["row_count"], receipt["company_id"]) == (1, 0, None)
    assert receipt["warning_message"] == "promises_andina_20260602.csv: no rows"
    assert read_kind(paths, "payment_promises") == []


def test_a_name_delivered_again_with_other_content_loads_both_and_says_so(paths, registry):
    drop(paths, CAMT, name="statement.xml")
    land_inbox(paths, registry, now=FIRST_RUN_AT)
    drop(paths, "mt940_davivienda_20260514.sta", name="statement.xml")

    summary = land_inbox(paths, registry, now=SECOND_RUN_AT)

    assert summary.files_loaded == 1
    assert "other content was landed before" in summary.outcomes[0].warnings[0]
    assert len(read_kind(paths, "bank_statements")) == 3


def test_a_statement_in_another_currency_than_its_account_is_quarantined(registry, paths):
    registry.companies[0]["bank_accounts"][0]["currency"] = "USD"
    drop(paths, CAMT)

    summary = land_inbox(paths, registry, now=FIRST_RUN_AT)

    [outcome] = summary.outcomes
    assert outcome.outcome == "quarantined"
    assert "field currency" in outcome.error_message
    assert "USD, the currency of account 10029384756" in outcome.error_message
    assert "found 'COP'" in outcome.error_message
    assert read_kind(paths, "bank_lines") == []


def test_a_statement_in_its_account_currency_loads(registry, paths):
    registry.companies[0]["bank_accounts"][0]["currency"] = "COP"
    drop(paths, CAMT)

    summary = land_inbox(paths, registry, now=FIRST_RUN_AT)

    assert [outcome.outcome for outcome in summary.outcomes] == ["loaded"]
    assert {row["currency"] for row in read_kind(paths, "bank_lines")} == {"COP"}


def test_landing_one_named_inbox_file_leaves_the_others_alone(paths, registry):
    drop(paths, CAMT)
    drop(paths, ASOBANCARIA, name=f"bancos/{ASOBANCARIA}")

    first = land_inbox_file(paths, registry, f"bancos/{ASOBANCARIA}", now=FIRST_RUN_AT)
    again = land_inbox_file(paths, registry, f"bancos/{ASOBANCARIA}", now=SECOND_RUN_AT)

    assert (first.outcome, first.company_id, first.file_name) == (
        "loaded",
        "andina",
        f"bancos/{ASOBANCARIA}",
    )
    assert first.row_count == len(read_kind(paths, "collection_lines")) > 0
    assert read_kind(paths, "bank_lines") == []
    assert again.outcome == "unchanged"
    # The whole inbox afterwards lands only the file not landed alone.
    summary = land_inbox(paths, registry, now=SECOND_RUN_AT)
    assert (summary.files_loaded, summary.files_unchanged) == (1, 1)


def test_landing_a_name_that_is_not_in_the_inbox_names_the_file_and_the_inbox(paths, registry):
    drop(paths, CAMT)

    with pytest.raises(FileNotFoundError, match=f"extracto_perdido.xml: .*{paths.inbox}"):
        land_inbox_file(paths, registry, "extracto_perdido.xml")
    with pytest.raises(FileNotFoundError, match="inside the inbox"):
        land_inbox_file(paths, registry, f"../{paths.inbox.name}/{CAMT}/..")
