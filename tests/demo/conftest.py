"""Generated worlds shared by the demo tests: each scale is generated once per session."""

import csv
import time
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path

import pytest
from lxml import etree

from demo.generate import DemoSummary, generate

CAMT = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"}
CAMT_DETAILS = "c:NtryDtls/c:TxDtls"


@dataclass(frozen=True)
class Run:
    """One generator run: its summary, its folders and how long it took."""

    summary: DemoSummary
    data_dir: Path
    # Processor time of the run: other jobs on a shared machine stretch wall time, not this.
    cpu_seconds: float

    @property
    def inbox(self) -> Path:
        return self.data_dir / "inbox"

    @property
    def answer_key(self) -> Path:
        return self.data_dir / "answer_key"

    def inbox_files(self, prefix: str) -> list[Path]:
        return sorted(path for path in self.inbox.iterdir() if path.name.startswith(prefix))

    def allocations(self) -> list[dict[str, str]]:
        return read_csv(self.answer_key / "allocations.csv")

    def payouts(self) -> list[dict[str, str]]:
        return read_csv(self.answer_key / "payouts.csv")

    def csv_rows(self, prefix: str) -> list[dict[str, str]]:
        return [row for path in self.inbox_files(prefix) for row in read_csv(path)]

    @staticmethod
    def rows_of(path: Path) -> list[dict[str, str]]:
        return read_csv(path)

    @cached_property
    def camt_statements(self) -> dict[str, dict]:
        """Every camt.053 file read back, by file name, the delivered-twice copy included."""
        return {path.name: read_camt(path) for path in self.inbox_files("camt053_")}

    @cached_property
    def camt_entries(self) -> dict[str, dict]:
        """Entries of all statements by AcctSvcrRef, the copy left out."""
        return {
            entry["reference"]: entry
            for name, statement in self.camt_statements.items()
            if not name.endswith("_copy.xml")
            for entry in statement["entries"]
        }


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _text(node, path: str) -> str:
    found = node.find(path, CAMT)
    return found.text if found is not None else ""


def read_camt(path: Path) -> dict:
    statement = etree.parse(str(path)).getroot().find("c:BkToCstmrStmt/c:Stmt", CAMT)
    balances = {
        _text(balance, "c:Tp/c:CdOrPrtry/c:Cd"): Decimal(_text(balance, "c:Amt"))
        for balance in statement.findall("c:Bal", CAMT)
    }
    entries = []
    for entry in statement.findall("c:Ntry", CAMT):
        sign = 1 if _text(entry, "c:CdtDbtInd") == "CRDT" else -1
        entries.append(
            {
                "reference": _text(entry, "c:AcctSvcrRef"),
                "amount": sign * Decimal(_text(entry, "c:Amt")),
                "booking_date": _text(entry, "c:BookgDt/c:Dt"),
                "status": _text(entry, "c:Sts"),
                "text": _text(entry, f"{CAMT_DETAILS}/c:RmtInf/c:Ustrd"),
                "structured": _text(entry, f"{CAMT_DETAILS}/c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref"),
                "debtor": _text(entry, f"{CAMT_DETAILS}/c:RltdPties/c:Dbtr/c:Nm"),
                "debtor_account": _text(
                    entry, f"{CAMT_DETAILS}/c:RltdPties/c:DbtrAcct/c:Id/c:Othr/c:Id"
                ),
            }
        )
    return {
        "account": _text(statement, "c:Acct/c:Id/c:Othr/c:Id"),
        "opening": balances["OPBD"],
        "closing": balances["CLBD"],
        "entries": entries,
    }


def _run(folder: Path, scale: str, seed: int = 42, noise: str = "realistic") -> Run:
    started = time.process_time()
    summary = generate(folder, scale=scale, seed=seed, noise=noise)
    return Run(summary, folder, time.process_time() - started)


@pytest.fixture(scope="session")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _run(tmp_path_factory.mktemp("small"), "small")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _run(tmp_path_factory.mktemp("demo"), "demo")


@pytest.fixture(scope="session")
def collisions_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The demo scale with the `collisions` stress mix."""
    return _run(tmp_path_factory.mktemp("collisions"), "demo", noise="collisions")


@pytest.fixture(params=["small_run", "demo_run"])
def run(request: pytest.FixtureRequest) -> Run:
    """Both scales, for checks every world must pass."""
    return request.getfixturevalue(request.param)
