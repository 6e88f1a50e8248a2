"""`recaudo run` refuses to start while another process holds the warehouse."""

import subprocess
import sys

import duckdb
import pytest
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.warehouse_lock import WarehouseBusyError, ensure_warehouse_writable

# A second process, as a notebook or `duckdb -readonly` would be: DuckDB's lock is per process.
HOLD_READ_ONLY = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
print("holding", flush=True)
time.sleep(120)
"""


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    return path


@pytest.fixture
def reader(warehouse):
    """A process that keeps the warehouse open read-only until the test ends."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_ONLY, str(warehouse)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "holding"
    yield process
    process.kill()
    process.wait()


def test_a_warehouse_that_does_not_exist_yet_passes_the_check_and_is_not_created(tmp_path):
    missing = tmp_path / "not_built_yet.duckdb"

    ensure_warehouse_writable(missing)

    assert not missing.exists()


def test_a_warehouse_nobody_else_holds_passes_the_check_and_stays_writable(warehouse):
    ensure_warehouse_writable(warehouse)

    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create table after_the_check as select 1 as one")


def test_a_warehouse_held_by_a_reader_is_refused_naming_the_file_the_process_and_the_fix(
    warehouse, reader
):
    with pytest.raises(WarehouseBusyError) as refused:
        ensure_warehouse_writable(warehouse)

    message = str(refused.value)
    assert str(warehouse) in message
    assert f"(PID {reader.pid})" in message
    # The holder's command line, not just "python", so the user can tell which session it is,
    # on one line though the script spans several.
    assert "-c import sys, time, duckdb connection = duckdb.connect(" in message
    assert "\n" not in message
    assert "Close that session" in message


def test_the_run_command_stops_before_the_job_starts_when_a_reader_holds_the_warehouse(
    warehouse, reader, tmp_path
):
    data_dir = tmp_path / "data"
    environment = {"RECAUDO_DATA_DIR": str(data_dir), "RECAUDO_WAREHOUSE": str(warehouse)}

    result = CliRunner().invoke(app, ["run"], env=environment)

    assert result.exit_code == 1
    assert f"the warehouse {warehouse} is held by" in result.output
    assert f"(PID {reader.pid})" in result.output
    # Nothing ran: the job would have opened its dbt log under the data folder first.
    assert not data_dir.exists()
