"""Asobancaria 2001 recaudo files: fixed width, control totals, references and authorizations."""

from collections import defaultdict
from decimal import Decimal

from stdnum import luhn
from stdnum.co import nit


def _records(path) -> list[str]:
    content = path.read_bytes().decode("ascii")
    assert content.endswith("\r\n")
    return content.split("\r\n")[:-1]


def _details(run) -> dict[str, dict]:
    """Detail records by (collection account, authorization number)."""
    details = {}
    for path in run.inbox_files("asobancaria_"):
        account = path.name.split("_")[1]
        for record in _records(path):
            if record.startswith("06"):
                details[(account, record[74:80])] = {
                    "reference": record[2:50],
                    "amount": Decimal(int(record[50:64])) / 100,
                    "date": path.name.split("_")[2][:8],
                }
    return details


def test_every_record_is_162_characters_in_the_01_05_06_08_09_order(run):
    files = run.inbox_files("asobancaria_")

    assert files
    for path in files:
        records = _records(path)
        assert all(len(record) == 162 for record in records), path.name
        kinds = [record[:2] for record in records]
        assert kinds[:2] == ["01", "05"] and kinds[-2:] == ["08", "09"]
        assert set(kinds[2:-2]) == {"06"}


def test_lot_and_file_controls_equal_the_count_and_sum_of_the_details(run):
    for path in run.inbox_files("asobancaria_"):
        records = _records(path)
        details = [record for record in records if record.startswith("06")]
        total_cents = sum(int(record[50:64]) for record in details)
        lot_control, file_control = records[-2], records[-1]
        assert int(lot_control[2:11]) == len(details)
        assert int(lot_control[11:29]) == total_cents
        assert lot_control[29:33] == records[1][15:19] == "0001"
        assert int(file_control[2:11]) == len(details)
        assert int(file_control[11:29]) == total_cents


def test_the_header_names_the_company_nit_bank_collection_account_and_date(run):
    accounts = {"20098765432": "9004173523", "20011122233": "9012385541"}
    for path in run.inbox_files("asobancaria_"):
        header = _records(path)[0]
        account, day = path.name.split("_")[1], path.name.split("_")[2][:8]
        assert header[2:12] == accounts[account]
        assert nit.is_valid(header[2:12])
        assert header[12:20] == day == header[40:48]
        assert header[20:23] == "007"
        assert header[23:40] == account.rjust(17, "0")
        assert header[52] == "A"


def test_each_collection_in_the_answer_key_is_one_detail_with_its_amount(run):
    details = _details(run)
    accounts = {"andina": "20098765432", "pacifico": "20011122233"}
    rows = [row for row in run.allocations() if row["source_format"] == "asobancaria2001"]

    assert rows
    for row in rows:
        detail = details[(accounts[row["company_id"]], row["source_reference"])]
        assert detail["amount"] == Decimal(row["payment_amount"])
        assert detail["date"] == row["payment_date"].replace("-", "")
    assert len(details) == len({(row["company_id"], row["source_reference"]) for row in rows})


def test_authorization_numbers_are_six_digits_and_unique_within_each_company(demo_run):
    seen = defaultdict(list)
    for row in demo_run.allocations():
        if row["source_format"] == "asobancaria2001":
            seen[row["company_id"]].append(row["source_reference"])

    for numbers in seen.values():
        assert len(numbers) == len(set(numbers)) > 50
        assert all(len(number) == 6 and number.isdigit() for number in numbers)


def test_references_pass_luhn_unless_the_payer_mistyped_or_omitted_them(demo_run):
    details = _details(demo_run)
    accounts = {"andina": "20098765432", "pacifico": "20011122233"}
    invoices = {row["document_id"]: row for row in demo_run.csv_rows("invoices_")}
    scenarios = defaultdict(set)
    for row in demo_run.allocations():
        if row["source_format"] != "asobancaria2001":
            continue
        reference = details[(accounts[row["company_id"]], row["source_reference"])]["reference"]
        assert len(reference) == 48 and reference.isdigit()
        typed = reference.lstrip("0")
        expected = invoices[row["document_id"]]["collection_reference"]
        if row["scenario"] == "mistyped_reference":
            assert typed != expected and not luhn.is_valid(typed)
        elif row["scenario"] == "missing_reference":
            assert typed != expected
        else:
            assert typed == expected and luhn.is_valid(typed)
        scenarios[row["scenario"]].add(row["source_reference"])
    assert {"clean", "mistyped_reference", "missing_reference"} <= set(scenarios)
