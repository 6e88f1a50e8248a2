"""Customer masters and invoices: valid identifiers, exact tax arithmetic, business days."""

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import holidays
from stdnum import iso11649, luhn
from stdnum.co import nit

from demo.references import change_one_digit, collection_reference, creditor_reference

COLOMBIAN_HOLIDAYS = holidays.country_holidays("CO", years=[2026])
NET_RANGES = {
    "individual": (Decimal(50_000), Decimal(2_000_000)),
    "sme": (Decimal(500_000), Decimal(20_000_000)),
    "corporate": (Decimal(5_000_000), Decimal(150_000_000)),
}


def test_creditor_reference_matches_the_iso_11649_worked_example():
    # Checked with python-stdnum: base FE1234 gives RF73FE1234.
    assert creditor_reference("FE-1234") == "RF73FE1234"


def test_collection_reference_appends_the_luhn_digit_of_company_digit_and_number():
    # Payload 1000123: doubling every second digit from the right sums to 12, so 8 completes it.
    assert collection_reference(1, 123) == "10001238"
    assert collection_reference(2, 45) == "2000045" + luhn.calc_check_digit("2000045")


def test_changing_one_digit_breaks_both_check_digit_schemes():
    rng = random.Random(3)
    for number in range(1, 200):
        reference = creditor_reference(f"FEA-{number:06d}")
        mistyped = change_one_digit(rng, reference, first=len(reference) - 6)
        assert mistyped != reference and not iso11649.is_valid(mistyped)
        recaudo = collection_reference(1, number)
        assert not luhn.is_valid(change_one_digit(rng, recaudo))


def test_company_customers_carry_a_nit_with_a_valid_check_digit(run):
    customers = run.csv_rows("customers_")
    companies = [row for row in customers if row["segment"] in ("corporate", "sme")]

    assert len(companies) >= 0.6 * len(customers)
    for row in companies:
        base, check_digit = row["tax_id"].split("-")
        assert nit.calc_check_digit(base) == check_digit, row["tax_id"]
        assert nit.is_valid(row["tax_id"])


def test_individuals_carry_a_bare_cedula_without_check_digit(run):
    individuals = [row for row in run.csv_rows("customers_") if row["segment"] == "individual"]

    assert individuals
    assert all(row["tax_id"].isdigit() and 8 <= len(row["tax_id"]) <= 10 for row in individuals)


def test_customer_master_has_the_agreed_columns_and_segment_mix(demo_run):
    customers = demo_run.csv_rows("customers_")
    segments = defaultdict(int)
    for row in customers:
        segments[row["segment"]] += 1

    assert list(customers[0]) == [
        "company_tax_id",
        "customer_id",
        "customer_name",
        "tax_id",
        "segment",
        "email",
        "phone",
        "bank_account",
        "payment_terms_days",
    ]
    assert len({row["customer_id"] for row in customers}) == 500
    assert {row["company_tax_id"] for row in customers} == {"900417352", "901238554"}
    assert 0.15 < segments["corporate"] / 500 < 0.25
    assert 0.44 < segments["sme"] / 500 < 0.56
    known_accounts = sum(bool(row["bank_account"]) for row in customers)
    assert 0.52 < known_accounts / 500 < 0.68
    assert {row["payment_terms_days"] for row in customers} == {"30", "45", "60"}


def test_company_names_end_in_a_legal_form(run):
    for row in run.csv_rows("customers_"):
        if row["segment"] != "individual":
            assert row["customer_name"].endswith(("S.A.S.", "LTDA", "S.A.")), row


def test_customers_joining_later_arrive_in_a_second_master_file(demo_run):
    names = [path.name for path in demo_run.inbox_files("customers_andina_")]

    assert names == ["customers_andina_20260430.csv", "customers_andina_20260731.csv"]
    later = {row["customer_id"] for row in demo_run.csv_rows("customers_andina_20260731")}
    invoiced_before = {
        row["customer_id"]
        for row in demo_run.csv_rows("invoices_andina_")
        if row["issue_date"] < "2026-08-01"
    }
    assert later and not later & invoiced_before


def test_tax_is_19_percent_of_net_rounded_to_the_peso_and_total_adds_up(run):
    for row in run.csv_rows("invoices_"):
        net, tax, total = (Decimal(row[f"{name}_amount"]) for name in ("net", "tax", "total"))
        expected_tax = (net * Decimal("0.19")).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        assert tax == expected_tax, row["document_id"]
        assert total == net + tax
        assert row["total_amount"].endswith(".00") and row["currency"] == "COP"


def test_net_amounts_fall_in_the_range_of_the_customer_segment(run):
    segment = {row["customer_id"]: row["segment"] for row in run.csv_rows("customers_")}
    for row in run.csv_rows("invoices_"):
        if row["document_type"] == "invoice":
            low, high = NET_RANGES[segment[row["customer_id"]]]
            assert low <= Decimal(row["net_amount"]) <= high, row["document_id"]


def test_documents_are_issued_on_colombian_business_days_and_numbered_in_order(run):
    rows = run.csv_rows("invoices_")
    for row in rows:
        issue_date = date.fromisoformat(row["issue_date"])
        assert issue_date.weekday() < 5 and issue_date not in COLOMBIAN_HOLIDAYS, row
    for prefix in ("FEA", "FEP", "NCA", "NCP"):
        numbered = sorted(
            (row["issue_date"], int(row["document_id"][4:]))
            for row in rows
            if row["document_id"].startswith(prefix)
        )
        numbers = [number for _, number in numbered]
        assert numbers == list(range(1, len(numbers) + 1)), prefix


def test_due_date_is_the_issue_date_plus_the_customer_payment_terms(run):
    customers = run.csv_rows("customers_")
    terms = {row["customer_id"]: int(row["payment_terms_days"]) for row in customers}
    for row in run.csv_rows("invoices_"):
        if row["document_type"] == "invoice":
            expected = date.fromisoformat(row["issue_date"]) + timedelta(terms[row["customer_id"]])
            assert row["due_date"] == expected.isoformat()


def test_invoice_references_are_valid_rf_and_luhn_references_of_the_document(run):
    for row in run.csv_rows("invoices_"):
        if row["document_type"] != "invoice":
            continue
        number = int(row["document_id"][4:])
        company_digit = "1" if row["document_id"].startswith("FEA") else "2"
        assert iso11649.is_valid(row["payment_reference"])
        assert row["payment_reference"].endswith(row["document_id"].replace("-", ""))
        assert luhn.is_valid(row["collection_reference"])
        assert row["collection_reference"][:7] == f"{company_digit}{number:06d}"


def test_about_four_percent_of_invoices_get_a_partial_credit_note_days_later(demo_run):
    rows = demo_run.csv_rows("invoices_")
    invoices = {row["document_id"]: row for row in rows if row["document_type"] == "invoice"}
    notes = [row for row in rows if row["document_type"] == "credit_note"]

    assert 0.03 < len(notes) / len(invoices) < 0.05
    for note in notes:
        invoice = invoices[note["related_document_id"]]
        assert note["customer_id"] == invoice["customer_id"]
        assert Decimal(note["total_amount"]) < Decimal(invoice["total_amount"])
        assert note["issue_date"] > invoice["issue_date"]
        assert note["payment_reference"] == note["collection_reference"] == ""
