"""A bank date no calendar has (30 February, 31 April) never refuses a file or drops a line: the
line lands with the printed text in `date_issue`, the date empty unless a rule declared for the
account under `invalid_dates` sets it (and `date_rule` names it), and the file loads with a
warning naming file, record, field and printed text.

Each case writes one date of a valid fixture as an impossible one; the rest of the file is as
the bank sent it.
"""

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest.config import CompanyRegistry, Paths
from ingest.landing import LOADED, land_inbox

VALID = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "valid"
ARRIVED_AT = datetime(2026, 5, 16, 18, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Case:
    fixture: str
    printed: bytes  # the valid date as the fixture prints it...
    impossible: bytes  # ...and the impossible one written in its place (first occurrence)
    account: str
    kind: str
    record_number: int
    record: str  # the record the warning names
    field: str
    text: str
    columns: tuple[str, ...]  # the columns the printed date stood for
    rule: str
    settled: date  # what the rule makes of it
    lines: str = "the line"  # how many lines share the printed date and its columns


CASES = {
    "mt940 value date": Case(
        "mt940_davivienda_20260514.sta",
        b":61:260514C300000,00",
        b":61:260230C300000,00",
        "0550012345678",
        "bank_lines",
        13,
        "line 13",
        ":61: value date",
        "260230",
        ("value_date", "booking_date"),
        "last_day_of_month",
        date(2026, 2, 28),
    ),
    "mt942 entry date": Case(
        "mt942_davivienda_20260515.fin",
        b":61:2605150515C1190000",
        b":61:2605150431C1190000",
        "0550012345678",
        "bank_lines",
        7,
        "line 7",
        ":61: entry date",
        "0431",
        ("booking_date",),
        "use_value_date",
        date(2026, 5, 15),
    ),
    "camt053 booking date": Case(
        "camt053_v02_andina_20260514.xml",
        b"<BookgDt><Dt>2026-05-14</Dt></BookgDt>",
        b"<BookgDt><Dt>2026-02-30</Dt></BookgDt>",
        "10029384756",
        "bank_lines",
        1,
        "Stmt 1, Ntry 1 (line 33)",
        "Ntry/BookgDt",
        "2026-02-30",
        ("booking_date",),
        "use_value_date",
        date(2026, 5, 14),
    ),
    "camt052 value date": Case(
        "camt052_v08_bancolombia_intraday.xml",
        b"<ValDt><Dt>2026-05-15</Dt></ValDt>",
        b"<ValDt><Dt>2026-04-31</Dt></ValDt>",
        "10029384756",
        "bank_lines",
        1,
        "Rpt 1, Ntry 1 (line 33)",
        "Ntry/ValDt",
        "2026-04-31",
        ("value_date",),
        "last_day_of_month",
        date(2026, 4, 30),
    ),
    "bai2 as-of date": Case(
        "bai2_bancousa_20260514.bai2",
        b"02,ANDINA,BANCOUSA,1,260514,",
        b"02,ANDINA,BANCOUSA,1,260231,",
        "4455667788",
        "bank_lines",
        5,
        "line 2",
        "02 as-of date",
        "260231",
        # The first detail is immediate funds: value on the as-of date.
        ("booking_date", "value_date"),
        "last_day_of_month",
        date(2026, 2, 28),
        "2 lines",
    ),
    "ofx posting date": Case(
        "ofx_posting_date_31_february.ofx",
        b"<DTPOSTED>20260231",
        b"<DTPOSTED>20260231",
        "10029384756",
        "bank_lines",
        39,
        "STMTRS 1, STMTTRN 1 (line 39)",
        "DTPOSTED",
        "20260231",
        ("booking_date",),
        "last_day_of_month",
        date(2026, 2, 28),
    ),
    "asobancaria collection date": Case(
        "asobancaria_20098765432_20260514.txt",
        b"900417352320260514",
        b"900417352320260230",
        "20098765432",
        "collection_lines",
        3,
        "line 1",
        "collection_date",
        "20260230",
        ("collection_date",),
        "last_day_of_month",
        date(2026, 2, 28),
        "3 lines",
    ),
}


def registry(rules: dict[str, object]) -> CompanyRegistry:
    """Andina with every account of the fixtures; `rules` maps an account to its
    `invalid_dates` declaration."""
    bank_accounts = [
        ("10029384756", "COP"),
        ("0550012345678", "COP"),
        ("4455667788", "USD"),
        ("4455660000", "JPY"),
    ]
    return CompanyRegistry(
        [
            {
                "company_id": "andina",
                "tax_id": "900417352-3",
                "bank_accounts": [
                    {"account": account, "currency": currency}
                    | ({"invalid_dates": rules[account]} if account in rules else {})
                    for account, currency in bank_accounts
                ],
                "collection_accounts": [
                    {"account": "20098765432"}
                    | ({"invalid_dates": rules["20098765432"]} if "20098765432" in rules else {})
                ],
            }
        ]
    )


def land(tmp_path: Path, case: Case, rules: dict[str, object]) -> tuple[dict, list[str]]:
    """Lands the fixture with the impossible date; the affected row and the file's warnings."""
    paths = Paths(tmp_path / "data")
    paths.inbox.mkdir(parents=True)
    content = (VALID / case.fixture).read_bytes()
    assert case.printed in content
    target = paths.inbox / case.fixture
    target.write_bytes(content.replace(case.printed, case.impossible, 1))
    os.utime(target, (ARRIVED_AT.timestamp(), ARRIVED_AT.timestamp()))

    summary = land_inbox(paths, registry(rules), now=ARRIVED_AT)

    [outcome] = summary.outcomes
    assert outcome.outcome == LOADED, outcome.error_message
    rows = pq.read_table(paths.kind_dir(case.kind) / f"{outcome.file_id}.parquet").to_pylist()
    [row] = [row for row in rows if row["record_number"] == case.record_number]
    return row, outcome.warnings


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_without_a_declared_rule_the_line_lands_undated_and_flagged_with_a_warning(tmp_path, case):
    row, warnings = land(tmp_path, case, rules={})

    assert [row[column] for column in case.columns] == [None] * len(case.columns)
    assert row["date_issue"] == f"{case.field} {case.text!r} is not a calendar date"
    assert row["date_rule"] is None
    load = "loads" if case.lines == "the line" else "load"
    [warning] = [
        warning
        for warning in warnings
        if f"{case.lines} {load} with {' and '.join(case.columns)} empty" in warning
    ]
    assert warning.startswith(
        f"{case.fixture}: {case.record}, field {case.field}: {case.text!r} is not a calendar "
        f"date; {case.lines} {load} with"
    )
    assert "no rule is declared for the account" in warning


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_rule_declared_for_the_account_sets_the_date_and_the_line_names_the_rule(tmp_path, case):
    row, warnings = land(tmp_path, case, rules={case.account: case.rule})

    assert [row[column] for column in case.columns] == [case.settled] * len(case.columns)
    assert row["date_issue"] == f"{case.field} {case.text!r} is not a calendar date"
    assert row["date_rule"] == case.rule
    assert (
        f"{case.fixture}: {case.record}, field {case.field}: {case.text!r} is not a calendar "
        f"date; {' and '.join(case.columns)} of {case.lines} set to {case.settled.isoformat()} "
        f"by rule {case.rule}"
    ) in warnings


def test_the_other_lines_of_the_file_keep_their_dates_and_no_flag(tmp_path):
    case = CASES["mt940 value date"]
    paths = Paths(tmp_path / "data")
    land(tmp_path, case, rules={})

    [rows] = [
        pq.read_table(path).to_pylist()
        for path in paths.kind_dir("bank_lines").glob("*.parquet")
        if path.name != "_empty.parquet"
    ]
    others = [row for row in rows if row["record_number"] != case.record_number]
    assert [(row["booking_date"], row["date_issue"]) for row in others] == [
        (date(2026, 5, 14), None),
        (date(2026, 5, 14), None),
    ]


def test_rules_are_tried_in_the_declared_order_until_one_gives_a_date(tmp_path):
    # Without an entry date the value date is the booking date too: no other date can stand
    # in for it, so the second rule settles it.
    case = CASES["mt940 value date"]

    row, _ = land(tmp_path, case, rules={case.account: ["use_value_date", "last_day_of_month"]})

    assert (row["value_date"], row["booking_date"], row["date_rule"]) == (
        date(2026, 2, 28),
        date(2026, 2, 28),
        "last_day_of_month",
    )


def test_a_rule_that_cannot_settle_the_date_leaves_it_empty_and_says_so(tmp_path):
    # Without an entry date, no other date of the line can stand in for the value date.
    case = CASES["mt940 value date"]

    row, warnings = land(tmp_path, case, rules={case.account: "use_booking_date"})

    assert (row["value_date"], row["booking_date"], row["date_rule"]) == (None, None, None)
    assert any(
        "the rules use_booking_date declared for the account cannot settle it" in warning
        for warning in warnings
    )


def test_a_month_that_does_not_exist_is_not_clamped_by_last_day_of_month(tmp_path):
    case = CASES["camt052 value date"]
    month_13 = Case(**{**case.__dict__, "impossible": b"<ValDt><Dt>2026-13-15</Dt></ValDt>"})

    row, _ = land(tmp_path, month_13, rules={case.account: "last_day_of_month"})

    assert (row["value_date"], row["date_issue"], row["date_rule"]) == (
        None,
        "Ntry/ValDt '2026-13-15' is not a calendar date",
        None,
    )


def test_an_unknown_rule_in_the_company_registry_is_refused_naming_the_account():
    with pytest.raises(ValueError, match="account 0550012345678 of andina, field invalid_dates"):
        registry({"0550012345678": "nearest_day"}).invalid_date_rules("0550012345678")
