"""Where the data lives, shared by every asset, sensor and the dbt profile."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from ingest import config
from ingest.config import Paths


def _from_repo_root(path: Path) -> Path:
    return path if path.is_absolute() else (config.PROJECT_ROOT / path).resolve()


def data_dir() -> Path:
    return _from_repo_root(config.data_dir())


def warehouse_path() -> Path:
    return _from_repo_root(config.warehouse_path())


def dbt_executable() -> str:
    """The dbt installed beside this Python, so a virtualenv that was never activated works."""
    beside_python = Path(sys.executable).parent / "dbt"
    return str(beside_python) if beside_python.exists() else "dbt"


def export_environment() -> None:
    """Pins both variables to absolute paths so the dbt profile and Python agree on one file.

    dbt reads them through `env_var()` in a subprocess whose working directory is the dbt
    project, where a relative path would name a different file.
    """
    os.environ["RECAUDO_DATA_DIR"] = str(data_dir())
    os.environ["RECAUDO_WAREHOUSE"] = str(warehouse_path())


class RecaudoPaths(dg.ConfigurableResource):
    """The data directory and the DuckDB warehouse; empty fields fall back to the environment.

    Python code only ever reads the warehouse: dbt is its one writer, and DuckDB refuses a
    second process while a writer holds the file.
    """

    data_dir: str | None = None
    warehouse: str | None = None

    @property
    def paths(self) -> Paths:
        return Paths(_from_repo_root(Path(self.data_dir)) if self.data_dir else data_dir())

    @property
    def warehouse_path(self) -> Path:
        return _from_repo_root(Path(self.warehouse)) if self.warehouse else warehouse_path()

    @contextmanager
    def read_only_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        connection = duckdb.connect(str(self.warehouse_path), read_only=True)
        try:
            yield connection
        finally:
            connection.close()
