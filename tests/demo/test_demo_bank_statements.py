"""camt.053 and MT940 statements: balances tie, references are unique, payments are there."""

import itertools
import re
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import holidays
import mt940
from stdnum import iso11649

COLOMBIAN_HOLIDAYS = holidays.country_holidays("CO", years=[2026])
SWIFT_LINE = re.compile(r"^[A-Z0-9/\-?().,'+ ]*$")


def _payments(run, source_format: str) -> dict[str, dict[str, str]]:
    return {
        row["source_reference"]: row
        for row in run.allocations()
        if row["source_format"] == source_format
    }


def _statements(run, prefix: str) -> list[Path]:
    return [path for path in run.inbox_files(prefix) if not path.name.endswith("_copy.xml")]


def _camt_statements(run) -> list[dict]:
    return [
        statement
        for name, statement in run.camt_statements.items()
        if not name.endswith("_copy.xml")
    ]


def test_every_camt_statement_ties_opening_plus_movements_to_closing(run):
    statements = _camt_statements(run)

    assert statements
    for statement in statements:
        movements = sum(entry["amount"] for entry in statement["entries"])
        assert statement["opening"] + movements == statement["closing"]
        assert statement["entries"]


def test_camt_statements_chain_each_closing_balance_into_the_next_opening(run):
    by_account = defaultdict(list)
    for statement in _camt_statements(run):
        by_account[statement["account"]].append(statement)
    assert len(by_account) == 2
    for statements in by_account.values():
        for earlier, later in itertools.pairwise(statements):
            assert earlier["closing"] == later["opening"]


def test_camt_entries_are_booked_on_business_days_with_unique_servicer_references(run):
    references = Counter()
    for statement in _camt_statements(run):
        for entry in statement["entries"]:
            references[entry["reference"]] += 1
            booking_date = date.fromisoformat(entry["booking_date"])
            assert booking_date.weekday() < 5 and booking_date not in COLOMBIAN_HOLIDAYS
            assert entry["status"] == "BOOK"
            assert re.fullmatch(r"BCOL2026\d{9}", entry["reference"])
            assert len(entry["text"]) <= 140
    assert references and max(references.values()) == 1


def test_one_camt_statement_is_delivered_twice_with_the_same_bytes(run):
    copies = [path for path in run.inbox_files("camt053_") if path.name.endswith("_copy.xml")]

    assert [path.name for path in copies] == [run.summary.duplicated_file]
    original = copies[0].with_name(copies[0].name.replace("_copy", ""))
    assert copies[0].read_bytes() == original.read_bytes()
    assert copies[0].stat().st_mtime - original.stat().st_mtime == 3600


def test_each_camt_payment_in_the_answer_key_is_one_credit_of_its_amount_and_date(run):
    entries = run.camt_entries
    payments = _payments(run, "camt053")

    assert payments
    for reference, row in payments.items():
        entry = entries[reference]
        assert entry["amount"] == Decimal(row["payment_amount"])
        assert entry["booking_date"] == row["payment_date"]


def test_camt_statements_also_carry_debits_that_are_not_customer_payments(demo_run):
    debits = [entry for entry in demo_run.camt_entries.values() if entry["amount"] < 0]
    texts = Counter(entry["text"].split()[0] if entry["text"] else "" for entry in debits)

    assert texts["PAGO"] > 20  # supplier payments
    assert sum(1 for entry in debits if not entry["debtor"]) > 100  # fees and GMF


def test_about_a_third_of_clean_camt_payments_send_the_rf_reference_structured(demo_run):
    entries = demo_run.camt_entries
    clean = [
        row
        for row in demo_run.allocations()
        if row["source_format"] == "camt053" and row["scenario"] == "clean"
    ]
    structured = [row for row in clean if entries[row["source_reference"]]["structured"]]

    assert 0.25 < len(structured) / len(clean) < 0.42
    for row in structured:
        reference = entries[row["source_reference"]]["structured"]
        assert iso11649.is_valid(reference)
        assert reference.endswith(row["document_id"].replace("-", ""))


def test_clean_camt_payments_name_their_invoice_and_missing_ones_name_none(demo_run):
    entries = demo_run.camt_entries
    for row in demo_run.allocations():
        if row["source_format"] != "camt053":
            continue
        entry = entries[row["source_reference"]]
        said = f"{entry['text']} {entry['structured']}"
        number = row["document_id"].replace("-", "")
        if row["scenario"] == "clean":
            assert number in said.replace("-", ""), said
        if row["scenario"] in ("missing_reference", "ambiguous"):
            assert not re.search(r"FE[AP]|NC[AP]|RF\d", said), said


def read_mt940(path: Path) -> mt940.models.Transactions:
    return mt940.parse(path.read_bytes())


def test_the_mt940_library_parses_every_statement_and_its_balances_tie(run):
    files = _statements(run, "mt940_")

    assert files
    for path in files:
        statement = read_mt940(path)
        statement_lines = path.read_bytes().count(b"\r\n:61:")
        assert len(statement.transactions) == statement_lines > 0
        opening = statement.data["final_opening_balance"].amount.amount
        closing = statement.data["final_closing_balance"].amount.amount
        movements = sum(t.data["amount"].amount for t in statement.transactions)
        assert opening + movements == closing, path.name
        assert statement.data["account_identification"] == path.name.split("_")[1]


def test_each_mt940_payment_in_the_answer_key_is_one_parsed_transaction(run):
    parsed = Counter()
    transactions = {}
    for path in _statements(run, "mt940_"):
        for transaction in read_mt940(path).transactions:
            parsed[transaction.data["bank_reference"]] += 1
            transactions[transaction.data["bank_reference"]] = transaction
    payments = _payments(run, "mt940")

    assert payments and max(parsed.values()) == 1
    for reference, row in payments.items():
        transaction = transactions[reference]
        assert transaction.data["amount"].amount == Decimal(row["payment_amount"])
        assert transaction.data["status"] == "C"
        assert str(transaction.data["date"]) == row["payment_date"]


def test_mt940_details_fit_six_swift_lines_with_payer_name_then_account(run):
    accounts_on_file = {row["bank_account"] for row in run.csv_rows("customers_")} - {""}
    payer_accounts = set()
    for path in _statements(run, "mt940_"):
        for transaction in read_mt940(path).transactions:
            lines = transaction.data["transaction_details"].split("\n")
            assert 1 <= len(lines) <= 6
            assert all(len(line) <= 65 and SWIFT_LINE.match(line) for line in lines), lines
            assert len(transaction.data["customer_reference"]) <= 16
            if len(lines) > 1 and lines[1].startswith("CTA "):
                payer_accounts.add(lines[1][4:])
    assert payer_accounts & accounts_on_file
