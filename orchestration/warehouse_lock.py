"""Whether a run may write the warehouse, asked before the run starts rather than 800 log
lines into it.

DuckDB lets one process write a database file and then refuses every other process, readers
included; a notebook or a `duckdb -readonly` session left open is enough to stop dbt.
"""

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import duckdb

# DuckDB names the holder in its lock error: `... is held in /usr/bin/python3 (PID 4242)`,
# in some versions followed by ` by user ana`.
LOCK_HOLDER = re.compile(r"held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
COMMAND_LINE_WIDTH = 160


@dataclass(frozen=True)
class LockHolder:
    program: str
    pid: int
    # The holder's full command line, when the operating system lets us read it.
    command_line: str | None = None

    def describe(self) -> str:
        shown = self.command_line or self.program
        return f"{shown} (PID {self.pid})"


class WarehouseBusyError(Exception):
    """Another process holds the warehouse file, so no run can write it."""


def lock_holder(duckdb_message: str) -> LockHolder | None:
    """The process DuckDB names in its lock error, or None when the message names none."""
    found = LOCK_HOLDER.search(duckdb_message)
    if found is None:
        return None
    pid = int(found["pid"])
    return LockHolder(program=found["program"], pid=pid, command_line=command_line(pid))


def command_line(pid: int) -> str | None:
    """`python notebooks/receivables_overview.py` says more than `python3.11`; Linux only."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    arguments = [argument.decode(errors="replace") for argument in raw.split(b"\0") if argument]
    # One line, and short: `python -c` scripts carry newlines, kernels carry long paths.
    text = " ".join(" ".join(arguments).split())
    return textwrap.shorten(text, COMMAND_LINE_WIDTH, placeholder=" ...") if text else None


def ensure_warehouse_writable(warehouse_path: Path) -> None:
    """Opens the warehouse for writing and closes it at once; raises WarehouseBusyError, naming
    the file, the process holding it and what to do, when another process holds it.

    A warehouse that does not exist yet is left uncreated: nothing can hold it, and dbt makes
    it on its first build.
    """
    if not warehouse_path.exists():
        return

    try:
        duckdb.connect(str(warehouse_path)).close()
    except duckdb.IOException as error:
        holder = lock_holder(str(error))
        held_by = holder.describe() if holder else f"another process ({error})"
        raise WarehouseBusyError(
            f"the warehouse {warehouse_path} is held by {held_by}. DuckDB lets no run write it "
            "while any other process has it open, even read-only. Close that session (a "
            "notebook, a Python shell, `duckdb -readonly`), then run again."
        ) from error
