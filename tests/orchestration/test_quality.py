"""The raw-layer expectation suites, the asset checks that run them and their data docs."""

from datetime import UTC, date, datetime
from decimal import Decimal

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.config import Paths
from ingest.landing import ensure_empty_sources
from ingest.schemas import KINDS
from orchestration.defs.quality.checks import check_result
from orchestration.defs.quality.suites import SUITES
from orchestration.defs.quality.validation import read_raw, validate_raw_layer
from orchestration.resources import RecaudoPaths

TODAY = date(2026, 3, 31)
ARRIVED_AT = datetime(2026, 3, 30, 12, tzinfo=UTC)
CHECK_NAMES = {
    "raw_bank_lines_expectations",
    "raw_collection_lines_expectations",
    "raw_gateway_transactions_expectations",
    "raw_invoices_expectations",
    "raw_customers_expectations",
}


def lineage(record_number: int, company_id: str | None = "andina") -> dict:
    return {
        "company_id": company_id,
        "file_id": "sha-1",
        "record_number": record_number,
        "arrived_at": ARRIVED_AT,
    }


def bank_line(record_number: int, **changes) -> dict:
    row = {
        **lineage(record_number),
        "source_format": "camt053",
        "bank_account": "0011223344",
        "statement_id": "STMT-1",
        "booking_date": date(2026, 3, 30),
        "value_date": date(2026, 3, 30),
        "direction": "credit",
        "amount": Decimal("150000.00"),
        "currency": "COP",
        "status": "booked",
    }
    return {**row, **changes}


CLEAN_ROWS = {
    "bank_lines": [bank_line(1), bank_line(2, direction="debit", status="pending")],
    "collection_lines": [
        {
            **lineage(1),
            "source_format": "asobancaria2001",
            "biller_tax_id": "900123456",
            "collecting_bank_code": "007",
            "bank_account": "0011223344",
            "collection_date": date(2026, 3, 29),
            "service_code": "01",
            "batch_number": "1",
            "payment_reference": "REF-0001",
            "amount": Decimal("80000.00"),
            "currency": "COP",
        }
    ],
    "gateway_transactions": [
        {
            **lineage(1),
            "gateway": "wompi",
            "merchant_account": "m-1",
            "transaction_id": "t-1",
            "transaction_type": "refund",
            "created_at": ARRIVED_AT,
            "currency": "COP",
            "gross_amount": Decimal("20000.00"),
            "fee_amount": Decimal("700.00"),
        }
    ],
    "invoices": [
        {
            **lineage(1),
            "document_id": "FE-1",
            "document_type": "credit_note",
            "customer_id": "C1",
            "issue_date": date(2026, 3, 1),
            "due_date": date(2026, 3, 31),
            "currency": "USD",
            "net_amount": Decimal("100.00"),
            "tax_amount": Decimal("19.00"),
            "total_amount": Decimal("119.00"),
        }
    ],
    "customers": [
        {
            **lineage(1),
            "customer_id": "C1",
            "customer_name": "Cliente Uno",
            "segment": "pyme",
            "payment_terms_days": 30,
        }
    ],
}


def write_raw_layer(root, rows_by_kind: dict[str, list[dict]]) -> Paths:
    paths = Paths(root)
    ensure_empty_sources(paths)
    for kind, rows in rows_by_kind.items():
        # Nullable fields, so a test can land the null a faulty parser would write.
        schema = pa.schema([field.with_nullable(True) for field in KINDS[kind]])
        pq.write_table(
            pa.Table.from_pylist(rows, schema=schema), paths.kind_dir(kind) / "f.parquet"
        )
    return paths


def failures_by_rule(validation) -> dict[tuple[str, str], tuple[int, list[str]]]:
    return {
        (failure.expectation, failure.column): (failure.unexpected_count, failure.unexpected_values)
        for failure in validation.failures
    }


def test_a_clean_raw_layer_passes_every_suite_and_counts_its_rows(tmp_path):
    paths = write_raw_layer(tmp_path, CLEAN_ROWS)

    validations = validate_raw_layer(paths, TODAY)

    assert {kind: v.failures for kind, v in validations.items()} == {kind: [] for kind in SUITES}
    assert {kind: v.row_count for kind, v in validations.items()} == {
        "bank_lines": 2,
        "collection_lines": 1,
        "gateway_transactions": 1,
        "invoices": 1,
        "customers": 1,
    }


def test_an_empty_raw_layer_is_read_with_every_column_of_its_schema(tmp_path):
    paths = write_raw_layer(tmp_path, {})

    frame = read_raw(paths, "invoices")

    assert len(frame) == 0
    assert list(frame.columns) == KINDS["invoices"].names


def test_a_file_landed_before_a_column_existed_reads_that_column_as_null(tmp_path):
    paths = write_raw_layer(tmp_path, {"invoices": CLEAN_ROWS["invoices"]})
    old_file = paths.kind_dir("invoices") / "f.parquet"
    pq.write_table(pq.read_table(old_file).drop_columns(["prepaid_amount"]), old_file)

    frame = read_raw(paths, "invoices")

    assert frame["prepaid_amount"].isna().tolist() == [True]
    assert frame["total_amount"].tolist() == [Decimal("119.00")]


def test_a_null_company_an_unknown_direction_and_a_negative_amount_each_fail_their_rule(tmp_path):
    broken = [
        bank_line(1),
        {**bank_line(2), "company_id": None},
        bank_line(3, direction="x"),
        bank_line(4, amount=Decimal("-5.00")),
        bank_line(5, amount=Decimal("-7.50")),
    ]
    paths = write_raw_layer(tmp_path, {**CLEAN_ROWS, "bank_lines": broken})

    validations = validate_raw_layer(paths, TODAY)

    assert failures_by_rule(validations["bank_lines"]) == {
        ("expect_column_values_to_not_be_null", "company_id"): (1, ["None"]),
        ("expect_column_values_to_be_in_set", "direction"): (1, ["x"]),
        ("expect_column_values_to_be_between", "amount"): (2, ["-5.00", "-7.50"]),
    }
    assert validations["bank_lines"].critical
    assert [kind for kind, v in validations.items() if not v.passed] == ["bank_lines"]


def test_a_negative_gross_fails_a_gateway_charge_but_not_a_signed_adjustment(tmp_path):
    charge = CLEAN_ROWS["gateway_transactions"][0]
    rows = [
        {**charge, "record_number": 1, "transaction_type": "charge"},
        {**charge, "record_number": 2, "transaction_type": "charge", "gross_amount": Decimal("-1")},
        {**charge, "record_number": 3, "transaction_type": "adjustment", "gross_amount": -2},
        {**charge, "record_number": 4, "transaction_type": "chargeback", "fee_amount": -15},
    ]
    paths = write_raw_layer(tmp_path, {"gateway_transactions": rows})

    validations = validate_raw_layer(paths, TODAY)

    assert failures_by_rule(validations["gateway_transactions"]) == {
        ("expect_column_values_to_be_between", "gross_amount"): (1, ["-1.00"]),
    }


def test_a_repeated_record_number_in_one_file_fails_the_uniqueness_rule(tmp_path):
    paths = write_raw_layer(tmp_path, {"bank_lines": [bank_line(1), bank_line(1)]})

    validations = validate_raw_layer(paths, TODAY)

    [(count, _)] = [
        result
        for (rule, column), result in failures_by_rule(validations["bank_lines"]).items()
        if rule == "expect_compound_columns_to_be_unique" and column == "file_id, record_number"
    ]
    assert count == 2


def test_a_doubtful_date_fails_its_check_as_a_warning_and_a_broken_key_as_an_error(tmp_path):
    doubtful = [{**CLEAN_ROWS["invoices"][0], "issue_date": date(1999, 12, 31)}]
    paths = write_raw_layer(tmp_path, {**CLEAN_ROWS, "invoices": doubtful})
    broken_paths = write_raw_layer(
        tmp_path / "broken", {"customers": [{**CLEAN_ROWS["customers"][0], "customer_id": None}]}
    )

    invoices = check_result(validate_raw_layer(paths, TODAY)["invoices"])
    customers = check_result(validate_raw_layer(broken_paths, TODAY)["customers"])

    assert (invoices.passed, invoices.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert invoices.metadata["failed_expectations"].value == {
        "expect_column_values_to_be_between (issue_date)": {
            "severity": "warning",
            "unexpected_count": 1,
            "unexpected_values": ["1999-12-31"],
        }
    }
    assert invoices.metadata["rows_checked"].value == 1
    assert (customers.passed, customers.severity) == (False, dg.AssetCheckSeverity.ERROR)


def test_an_issue_date_more_than_a_week_ahead_of_today_is_doubtful(tmp_path):
    ahead = [
        {**CLEAN_ROWS["invoices"][0], "record_number": 1, "issue_date": date(2026, 4, 7)},
        {**CLEAN_ROWS["invoices"][0], "record_number": 2, "issue_date": date(2026, 4, 8)},
    ]
    paths = write_raw_layer(tmp_path, {"invoices": ahead})

    validations = validate_raw_layer(paths, TODAY)

    assert failures_by_rule(validations["invoices"]) == {
        ("expect_column_values_to_be_between", "issue_date"): (1, ["2026-04-08"]),
    }


@pytest.fixture(scope="module")
def defs(dbt_manifest):
    from orchestration.definitions import defs

    return defs


def test_the_code_location_holds_one_check_per_suite_on_landed_files(defs):
    check_keys = defs.resolve_asset_graph().asset_check_keys

    assert {key.name for key in check_keys} >= CHECK_NAMES
    assert {key.asset_key for key in check_keys if key.name in CHECK_NAMES} == {
        dg.AssetKey("landed_files")
    }


def test_the_main_job_runs_the_raw_layer_checks(defs):
    job = defs.resolve_job_def("main_job")

    assert "raw_layer_expectations" in {node.name for node in job.graph.node_defs}
    assert {key.name for key in job.asset_layer.asset_graph.asset_check_keys} >= CHECK_NAMES


def test_the_checks_run_after_landing_and_write_the_data_docs(tmp_path):
    from orchestration.defs.ingest.assets import landed_files
    from orchestration.defs.quality.checks import raw_layer_expectations

    (tmp_path / "inbox").mkdir()
    write_raw_layer(tmp_path, {"bank_lines": [bank_line(1), bank_line(2, direction="x")]})

    result = dg.materialize(
        [landed_files, raw_layer_expectations],
        resources={"recaudo": RecaudoPaths(data_dir=str(tmp_path))},
    )

    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert set(evaluations) == CHECK_NAMES
    assert [name for name, e in evaluations.items() if not e.passed] == [
        "raw_bank_lines_expectations"
    ]
    assert evaluations["raw_bank_lines_expectations"].metadata["rows_checked"].value == 2
    assert (tmp_path / "quality" / "index.html").exists()
    assert "raw_invoices" in (tmp_path / "quality" / "index.html").read_text()


def test_a_line_whose_file_printed_no_calendar_date_fails_its_check_as_a_warning(tmp_path):
    flagged = [
        bank_line(
            1,
            booking_date=None,
            value_date=None,
            date_issue=":61: value date '260230' is not a calendar date",
        )
    ]
    paths = write_raw_layer(tmp_path, {**CLEAN_ROWS, "bank_lines": flagged})

    bank_lines = check_result(validate_raw_layer(paths, TODAY)["bank_lines"])

    assert (bank_lines.passed, bank_lines.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert bank_lines.metadata["failed_expectations"].value == {
        "expect_column_values_to_be_null (date_issue)": {
            "severity": "warning",
            "unexpected_count": 1,
            "unexpected_values": [":61: value date '260230' is not a calendar date"],
        }
    }
