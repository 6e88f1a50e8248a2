"""Builds the dbt project against small raw datasets written by the tests themselves.

Each dataset is a folder laid out like the landing step leaves it: one Parquet file per kind
under `raw/parquet/<kind>/`, beside an `_empty.parquet` carrying the schema. dbt runs as a
subprocess with RECAUDO_DATA_DIR and RECAUDO_WAREHOUSE pointing at temporary folders, and with
its own target and log folders, so nothing under `dbt_project/` or `data/` is touched.
"""

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.config import PROJECT_ROOT
from ingest.schemas import KINDS, SYSTEM_TABLES

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
ALL_SCHEMAS: dict[str, pa.Schema] = {**KINDS, **SYSTEM_TABLES}


@dataclass(frozen=True)
class RawDataset:
    """A data directory laid out as the landing step leaves it."""

    data_dir: Path

    def write(
        self,
        kind: str,
        file_id: str,
        arrived_at: datetime,
        rows: Iterable[dict],
        company_id: str = "andina",
    ) -> None:
        """Writes one landed file of `kind`, stamping the lineage columns landing adds."""
        stamped = [
            {
                "company_id": company_id,
                "file_id": file_id,
                "record_number": record_number,
                "arrived_at": arrived_at,
                **row,
            }
            for record_number, row in enumerate(rows, start=1)
        ]
        table = pa.Table.from_pylist(stamped, schema=ALL_SCHEMAS[kind])
        pq.write_table(table, self.data_dir / "raw" / "parquet" / kind / f"{file_id}.parquet")


@dataclass(frozen=True)
class Warehouse:
    """A DuckDB file built by dbt, queried read-only."""

    path: Path

    def query(self, sql: str, parameters: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as connection:
            return connection.execute(sql, parameters or []).fetchall()


@pytest.fixture(scope="module")
def raw_dataset(tmp_path_factory: pytest.TempPathFactory) -> RawDataset:
    """An empty data directory: every kind folder holds only its `_empty.parquet`."""
    data_dir = tmp_path_factory.mktemp("data")
    for kind, schema in ALL_SCHEMAS.items():
        kind_dir = data_dir / "raw" / "parquet" / kind
        kind_dir.mkdir(parents=True)
        pq.write_table(schema.empty_table(), kind_dir / "_empty.parquet")
    return RawDataset(data_dir)


@pytest.fixture(scope="module")
def dbt_build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Warehouse]:
    """Runs `dbt build` (models, unit tests, data tests) on a dataset; fails with dbt's log.

    `dbt_vars` overrides variables of `dbt_project.yml` for this build, as `--vars` does.
    """

    def build(data_dir: Path, *select: str, dbt_vars: dict | None = None) -> Warehouse:
        work_dir = tmp_path_factory.mktemp("dbt")
        warehouse = Warehouse(work_dir / "warehouse.duckdb")
        environment = {
            **os.environ,
            "RECAUDO_DATA_DIR": str(data_dir),
            "RECAUDO_WAREHOUSE": str(warehouse.path),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        command = [
            str(DBT_EXECUTABLE),
            "build",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(work_dir / "target"),
            "--log-path",
            str(work_dir / "logs"),
        ]
        if dbt_vars:
            command += ["--vars", json.dumps(dbt_vars)]
        if select:
            # Seeds are reference tables (rates, accounts) that models read: always load them.
            # Cautious: skip tests that also read models outside the selection.
            command += [
                "--select",
                *select,
                "resource_type:seed",
                "--indirect-selection",
                "cautious",
            ]
        result = subprocess.run(
            command, env=environment, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            pytest.fail(f"dbt build failed:\n{result.stdout[-8000:]}\n{result.stderr[-2000:]}")
        return warehouse

    return build
