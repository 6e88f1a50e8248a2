"""The noise mix: each case occurs as often as the mix asks, and the answer key says it right."""

from collections import Counter, defaultdict
from dataclasses import asdict
from decimal import Decimal

import pytest

from demo.noise import NOISE_MIXES, NoiseMix, noise_mix
from demo.payments import MATCH_TYPES, combinations_paying

UNPLACEABLE_MATCH_TYPES = {"mistyped_reference", "ambiguous_amount", "unidentifiable"}


def _payments(run) -> dict[tuple[str, str], list[dict[str, str]]]:
    payments = defaultdict(list)
    for row in run.allocations():
        payments[(row["source_format"], row["source_reference"])].append(row)
    return payments


def _documents(run) -> dict[str, dict[str, str]]:
    return {row["document_id"]: row for row in run.csv_rows("invoices_")}


def test_the_summary_names_the_mix_and_repeats_its_shares(demo_run, collisions_run):
    assert demo_run.summary.noise == "realistic"
    assert demo_run.summary.noise_mix == asdict(NoiseMix())
    assert collisions_run.summary.noise_mix["multi_invoice_unreferenced"] > 0


def test_an_unknown_mix_is_refused_with_the_known_names():
    with pytest.raises(ValueError, match="collisions, realistic"):
        noise_mix("calm")


def test_every_case_with_a_share_occurs_and_a_case_at_zero_never_does(demo_run, collisions_run):
    for run in (demo_run, collisions_run):
        scenarios = Counter(rows[0]["scenario"] for rows in _payments(run).values())
        mix = NOISE_MIXES[run.summary.noise]
        for name in ("free_text_reference", "multi_invoice_unreferenced", "short_payment"):
            share = getattr(mix, name)
            assert (scenarios[name] > 0) == (share > 0), (run.summary.noise, name)


def test_the_collisions_mix_leaves_more_payments_without_a_reference(demo_run, collisions_run):
    def unreferenced_share(run) -> float:
        payments = _payments(run)
        missing = sum(rows[0]["scenario"] == "missing_reference" for rows in payments.values())
        return missing / len(payments)

    assert unreferenced_share(collisions_run) > 1.4 * unreferenced_share(demo_run)


def test_recurring_customers_pay_one_fee_on_every_invoice_and_share_it_with_others(collisions_run):
    fees = defaultdict(set)
    for row in collisions_run.csv_rows("invoices_"):
        if row["document_type"] == "invoice":
            fees[row["customer_id"]].add(row["net_amount"])
    segment = {row["customer_id"]: row["segment"] for row in collisions_run.csv_rows("customers_")}
    on_one_fee = [customer for customer, amounts in fees.items() if len(amounts) == 1]
    recurring = collisions_run.summary.recurring_customer_count
    eligible = sum(1 for customer in fees if segment[customer] in ("individual", "sme"))

    share = NOISE_MIXES["collisions"].recurring_customer_share
    assert share - 0.08 < recurring / eligible < share + 0.08
    assert len(on_one_fee) >= recurring
    # Two companies, two segments, two plans each: many customers, eight fees.
    shared_fees = Counter(fees[customer].copy().pop() for customer in on_one_fee)
    assert sum(count >= 10 for count in shared_fees.values()) == 8


def test_many_payments_equal_the_total_of_several_invoices_issued_before_them(collisions_run):
    totals = defaultdict(list)
    for row in collisions_run.csv_rows("invoices_"):
        if row["document_type"] == "invoice":
            totals[(row["document_id"][:3], row["total_amount"])].append(row["issue_date"])
    payments = _payments(collisions_run)
    colliding = 0
    for rows in payments.values():
        prefix = "FE" + rows[0]["company_id"][0].upper()
        issued = totals[(prefix, rows[0]["payment_amount"])]
        colliding += sum(day <= rows[0]["payment_date"] for day in issued) >= 2

    assert 0.25 < colliding / len(payments) < 0.50


def test_short_payments_leave_a_rounding_or_a_transfer_charge_open(collisions_run):
    documents = _documents(collisions_run)
    rows = [row for row in collisions_run.allocations() if row["scenario"] == "short_payment"]

    assert len(rows) > 15
    for row in rows:
        total = Decimal(documents[row["document_id"]]["total_amount"])
        short = Decimal(row["short_amount"])
        assert Decimal(row["allocated_amount"]) + short == total
        rounding = total % 1000
        assert short == rounding or (3000 <= short <= 9900 and short % 100 == 0), row
        assert row["expected_match_type"] == "short_payment"
    others = [row for row in collisions_run.allocations() if row["scenario"] != "short_payment"]
    assert all(Decimal(row["short_amount"]) == 0 for row in others)


def test_overpayments_settle_the_invoice_and_leave_the_excess_unapplied(collisions_run):
    documents = _documents(collisions_run)
    rows = [row for row in collisions_run.allocations() if row["scenario"] == "overpayment"]

    assert len(rows) > 10
    for row in rows:
        total = Decimal(documents[row["document_id"]]["total_amount"])
        excess = Decimal(row["unapplied_amount"])
        assert Decimal(row["allocated_amount"]) == total
        assert Decimal(row["payment_amount"]) == total + excess
        rounded_up = (total + excess) % 10000 == 0 and excess <= 10000
        assert rounded_up or Decimal("0.049") * total <= excess <= Decimal("0.201") * total
    others = [row for row in collisions_run.allocations() if row["scenario"] != "overpayment"]
    assert all(Decimal(row["unapplied_amount"]) == 0 for row in others)


def test_free_text_references_name_the_invoice_only_inside_the_text(collisions_run):
    entries = collisions_run.camt_entries
    rows = [
        row
        for row in collisions_run.allocations()
        if row["scenario"] == "free_text_reference" and row["source_format"] == "camt053"
    ]

    assert len(rows) > 20
    for row in rows:
        entry = entries[row["source_reference"]]
        number = row["document_id"].replace("-", "")
        assert entry["structured"] == ""
        assert number in entry["text"].replace("-", ""), entry["text"]
        assert len(entry["text"].split()) >= 4


def test_unreferenced_multi_invoice_payments_name_no_invoice_and_are_placed_by_their_sum(
    collisions_run,
):
    documents = _documents(collisions_run)
    entries = collisions_run.camt_entries
    groups = [
        rows
        for rows in _payments(collisions_run).values()
        if rows[0]["scenario"] == "multi_invoice_unreferenced"
    ]
    types = Counter(rows[0]["expected_match_type"] for rows in groups)

    assert len(groups) > 30
    assert types["payer_unique_sum"] > 10
    assert set(types) <= {"payer_unique_sum", "ambiguous_amount", "unidentifiable"}
    for rows in groups:
        assert len(rows) >= 2
        assert len({documents[row["document_id"]]["customer_id"] for row in rows}) == 1
        if rows[0]["source_format"] == "camt053":
            said = entries[rows[0]["source_reference"]]["text"]
            assert not any(row["document_id"][4:] in said for row in rows), said


def test_expected_match_types_are_known_codes_that_agree_with_identifiable(run):
    for rows in _payments(run).values():
        match_type, identifiable = rows[0]["expected_match_type"], rows[0]["identifiable"]
        assert match_type in MATCH_TYPES
        assert {row["expected_match_type"] for row in rows} == {match_type}
        if identifiable == "false":
            assert match_type in UNPLACEABLE_MATCH_TYPES, rows[0]
        else:
            assert match_type not in UNPLACEABLE_MATCH_TYPES - {"mistyped_reference"}, rows[0]


def test_the_summary_counts_payments_per_expected_match_type_as_the_answer_key(run):
    payments = _payments(run)
    counted = Counter(rows[0]["expected_match_type"] for rows in payments.values())

    assert run.summary.payments_by_expected_match_type == dict(sorted(counted.items()))
    assert {"reference_one_to_one", "remittance_one_to_many", "gateway_reference"} <= set(counted)


def test_ambiguous_payments_of_recurring_customers_are_left_to_a_human(collisions_run):
    types = Counter(rows[0]["expected_match_type"] for rows in _payments(collisions_run).values())

    # The equal-amount pairs alone make 30; recurring fees make more.
    assert types["ambiguous_amount"] > 30
    assert types["unidentifiable"] > 20


def test_a_unique_set_of_open_invoices_is_found_and_a_second_one_reported():
    open_documents = [
        ("FEA-1", Decimal("100.00")),
        ("FEA-2", Decimal("250.00")),
        ("FEA-3", Decimal("400.00")),
        ("FEA-4", Decimal("0.00")),
    ]

    assert combinations_paying(Decimal("350.00"), open_documents, limit=2) == [
        frozenset({"FEA-1", "FEA-2"})
    ]
    assert combinations_paying(Decimal("351.00"), open_documents, limit=2) == []
    twins = [*open_documents, ("FEA-5", Decimal("350.00"))]
    assert len(combinations_paying(Decimal("350.00"), twins, limit=2)) == 2


def test_no_set_larger_than_four_invoices_is_searched():
    open_documents = [(f"FEA-{number}", Decimal("10.00")) for number in range(1, 6)]

    assert len(combinations_paying(Decimal("40.00"), open_documents, limit=10)) == 5
    assert combinations_paying(Decimal("50.00"), open_documents, limit=10) == []
