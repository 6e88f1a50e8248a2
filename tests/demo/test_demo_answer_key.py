"""The answer key: allocations that add up, scenarios in the asked shares, honest labels."""

import itertools
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import holidays

COLOMBIAN_HOLIDAYS = holidays.country_holidays("CO", years=[2026])
PESO = Decimal("1")
AS_OF = "2026-10-31"


def _payments(run) -> dict[tuple[str, str], list[dict[str, str]]]:
    payments = defaultdict(list)
    for row in run.allocations():
        payments[(row["source_format"], row["source_reference"])].append(row)
    return payments


def _documents(run) -> dict[str, dict[str, str]]:
    return {row["document_id"]: row for row in run.csv_rows("invoices_")}


def _credit_note_totals(run) -> dict[str, Decimal]:
    return {
        row["related_document_id"]: Decimal(row["total_amount"])
        for row in run.csv_rows("invoices_")
        if row["document_type"] == "credit_note"
    }


def test_allocations_and_the_unapplied_excess_of_a_payment_add_up_to_the_payment(run):
    for rows in _payments(run).values():
        payment_amount = Decimal(rows[0]["payment_amount"])
        allocated = sum(Decimal(row["allocated_amount"]) for row in rows)
        assert allocated + Decimal(rows[0]["unapplied_amount"]) == payment_amount, rows
        assert all(Decimal(row["allocated_amount"]) > 0 for row in rows)
        assert (
            len({(row["payment_date"], row["scenario"], row["unapplied_amount"]) for row in rows})
            == 1
        )


def test_no_document_is_settled_beyond_its_total_less_its_credit_note(run):
    documents = _documents(run)
    credit_notes = _credit_note_totals(run)
    settled = defaultdict(Decimal)
    for row in run.allocations():
        settled[row["document_id"]] += Decimal(row["allocated_amount"])
        settled[row["document_id"]] += Decimal(row["withholding_amount"])

    for document_id, amount in settled.items():
        limit = Decimal(documents[document_id]["total_amount"])
        assert amount <= limit - credit_notes.get(document_id, 0), document_id
        assert documents[document_id]["document_type"] == "invoice"


def test_payments_fall_between_the_invoice_and_the_as_of_date(run):
    documents = _documents(run)
    for row in run.allocations():
        assert documents[row["document_id"]]["issue_date"] < row["payment_date"] <= AS_OF


def test_bank_and_recaudo_payments_book_on_business_days(run):
    for row in run.allocations():
        if row["channel"] != "gateway":
            day = date.fromisoformat(row["payment_date"])
            assert day.weekday() < 5 and day not in COLOMBIAN_HOLIDAYS, row


def test_channel_and_source_format_agree(run):
    expected = {
        "camt053": "bank_transfer",
        "mt940": "bank_transfer",
        "asobancaria2001": "bank_collection",
        "gateway": "gateway",
    }
    assert all(expected[row["source_format"]] == row["channel"] for row in run.allocations())


def test_every_scenario_occurs_in_roughly_the_asked_share(demo_run):
    payments = _payments(demo_run)
    shares = Counter(rows[0]["scenario"] for rows in payments.values())
    total = len(payments)

    assert 0.52 < shares["clean"] / total < 0.68
    assert 0.05 < shares["missing_reference"] / total < 0.11
    assert 0.025 < shares["mistyped_reference"] / total < 0.06
    assert 0.04 < shares["partial"] / total < 0.09
    assert 0.04 < shares["multi_invoice"] / total < 0.09
    assert 0.02 < shares["third_party_payer"] / total < 0.05
    assert 0.006 < shares["ambiguous"] / total < 0.015
    assert shares["credit_note_net"] > 80
    assert shares["agreement_instalment"] > 10


def test_withholding_short_is_about_8_percent_of_corporate_payments(demo_run):
    segment = {row["customer_id"]: row["segment"] for row in demo_run.csv_rows("customers_")}
    documents = _documents(demo_run)
    corporate = [
        rows
        for rows in _payments(demo_run).values()
        if segment[documents[rows[0]["document_id"]]["customer_id"]] == "corporate"
    ]
    withholding = [rows for rows in corporate if rows[0]["scenario"] == "withholding_short"]

    assert 0.05 < len(withholding) / len(corporate) < 0.11
    assert all(len(rows) == 1 for rows in withholding)


def test_withheld_amount_is_retefuente_reteiva_and_reteica_of_the_invoice(demo_run):
    documents = _documents(demo_run)
    rows = [row for row in demo_run.allocations() if row["scenario"] == "withholding_short"]

    assert rows
    for row in rows:
        invoice = documents[row["document_id"]]
        net, tax = Decimal(invoice["net_amount"]), Decimal(invoice["tax_amount"])
        withheld = sum(
            (base * rate).quantize(PESO, rounding=ROUND_HALF_UP)
            for base, rate in (
                (net, Decimal("0.025")),
                (tax, Decimal("0.15")),
                (net, Decimal("0.00414")),
            )
        )
        assert Decimal(row["withholding_amount"]) == withheld
        assert Decimal(row["payment_amount"]) == Decimal(invoice["total_amount"]) - withheld
        assert row["identifiable"] == "true"


def test_only_withholding_payments_carry_a_withheld_amount(run):
    for row in run.allocations():
        withheld = Decimal(row["withholding_amount"])
        assert (withheld > 0) == (row["scenario"] == "withholding_short")


def test_credit_note_net_payments_pay_the_total_less_the_credit_note(run):
    documents = _documents(run)
    credit_notes = _credit_note_totals(run)
    rows = [row for row in run.allocations() if row["scenario"] == "credit_note_net"]

    assert rows
    for row in rows:
        expected = Decimal(documents[row["document_id"]]["total_amount"])
        assert Decimal(row["payment_amount"]) == expected - credit_notes[row["document_id"]]


def test_multi_invoice_payments_cover_two_to_five_invoices_of_one_customer(demo_run):
    documents = _documents(demo_run)
    groups = [
        rows for rows in _payments(demo_run).values() if rows[0]["scenario"] == "multi_invoice"
    ]

    assert groups
    for rows in groups:
        assert 2 <= len(rows) <= 5
        assert len({documents[row["document_id"]]["customer_id"] for row in rows}) == 1
        assert rows[0]["channel"] == "bank_transfer"
        for row in rows:
            assert Decimal(row["allocated_amount"]) == Decimal(
                documents[row["document_id"]]["total_amount"]
            )


def test_partial_payments_pay_30_to_70_percent_first_and_never_more_than_the_total(demo_run):
    documents = _documents(demo_run)
    by_invoice = defaultdict(list)
    for row in demo_run.allocations():
        if row["scenario"] == "partial":
            by_invoice[row["document_id"]].append(row)

    assert len(by_invoice) > 50
    settled_in_full = 0
    for document_id, rows in by_invoice.items():
        rows.sort(key=lambda row: row["payment_date"])
        total = Decimal(documents[document_id]["total_amount"])
        assert len(rows) <= 2
        first_amount = Decimal(rows[0]["payment_amount"])
        assert Decimal("0.29") * total <= first_amount <= Decimal("0.7") * total
        settled_in_full += sum(Decimal(row["allocated_amount"]) for row in rows) == total
    assert settled_in_full > 0.5 * len(by_invoice)


def test_ambiguous_payments_are_not_identifiable_and_an_equal_invoice_was_open(demo_run):
    documents = _documents(demo_run)
    rows = [row for row in demo_run.allocations() if row["scenario"] == "ambiguous"]

    assert rows
    for row in rows:
        invoice = documents[row["document_id"]]
        twins = [
            other
            for other in documents.values()
            if other["customer_id"] == invoice["customer_id"]
            and other["total_amount"] == invoice["total_amount"]
            and other["document_id"] != invoice["document_id"]
            and other["issue_date"] < row["payment_date"]
        ]
        assert row["identifiable"] == "false" and twins


def test_identifiable_means_a_valid_reference_or_a_known_payer_with_a_unique_amount(demo_run):
    by_scenario = defaultdict(Counter)
    for rows in _payments(demo_run).values():
        by_scenario[rows[0]["scenario"]][rows[0]["identifiable"]] += 1

    referenced = (
        "clean",
        "free_text_reference",
        "partial",
        "multi_invoice",
        "third_party_payer",
        "credit_note_net",
        "short_payment",
        "overpayment",
    )
    for scenario in referenced:
        assert by_scenario[scenario]["false"] == 0, scenario
    # A payer known by account or tax id is placed by amount; an unknown one is not.
    for scenario in ("missing_reference", "mistyped_reference"):
        assert by_scenario[scenario]["true"] > 10 and by_scenario[scenario]["false"] > 10


def test_channels_take_roughly_the_asked_shares_of_payments(demo_run):
    payments = _payments(demo_run)
    formats = Counter(source_format for source_format, _ in payments)
    total = len(payments)

    assert 0.33 < formats["camt053"] / total < 0.47
    assert 0.14 < formats["mt940"] / total < 0.26
    assert 0.14 < formats["asobancaria2001"] / total < 0.26
    assert 0.14 < formats["gateway"] / total < 0.26


def test_open_invoices_fill_every_aging_bucket(demo_run):
    buckets = demo_run.summary.open_invoices_by_aging_bucket

    assert set(buckets) == {"current", "1_30", "31_60", "61_90", "over_90"}
    assert all(count > 20 for count in buckets.values())
    overdue = sum(count for bucket, count in buckets.items() if bucket != "current")
    assert 0.06 < overdue / demo_run.summary.invoice_count < 0.25


def test_promises_are_made_after_the_due_date_for_the_open_amount(demo_run):
    documents = _documents(demo_run)
    credit_notes = _credit_note_totals(demo_run)
    promises = demo_run.csv_rows("promises_")

    assert len({row["promise_id"] for row in promises}) > 50
    for row in promises:
        invoice = documents[row["document_id"]]
        made = date.fromisoformat(row["promise_made_date"])
        due = date.fromisoformat(invoice["due_date"])
        assert due + timedelta(days=3) <= made <= due + timedelta(days=24)
        assert 5 <= (date.fromisoformat(row["promised_payment_date"]) - made).days <= 15
        assert row["customer_id"] == invoice["customer_id"]
        open_amount = Decimal(invoice["total_amount"]) - credit_notes.get(row["document_id"], 0)
        assert Decimal(row["promised_amount"]) == open_amount


def test_promise_outcomes_in_the_summary_follow_from_the_payments(demo_run):
    paid_on = defaultdict(list)
    for row in demo_run.allocations():
        paid_on[row["document_id"]].append(row["payment_date"])
    latest = {}
    for row in demo_run.csv_rows("promises_"):
        latest[row["promise_id"]] = row
    outcomes = Counter()
    for row in latest.values():
        kept = any(
            row["promise_made_date"] <= day <= row["promised_payment_date"]
            for day in paid_on[row["document_id"]]
        )
        if row["cancelled_date"]:
            outcomes["cancelled"] += 1
        elif kept:
            outcomes["kept"] += 1
        elif row["promised_payment_date"] < AS_OF:
            outcomes["broken"] += 1
        else:
            outcomes["pending"] += 1

    assert dict(outcomes) == demo_run.summary.promises_by_outcome
    assert 0.55 < outcomes["kept"] / (outcomes["kept"] + outcomes["broken"]) < 0.85
    assert outcomes["cancelled"] > 0


def test_agreements_split_an_invoice_into_three_monthly_instalments_paid_as_due(demo_run):
    documents = _documents(demo_run)
    instalments = defaultdict(list)
    for row in demo_run.csv_rows("agreements_"):
        instalments[row["agreement_id"]].append(row)
    paid = defaultdict(list)
    for row in demo_run.allocations():
        if row["scenario"] == "agreement_instalment":
            paid[row["document_id"]].append(Decimal(row["allocated_amount"]))

    assert Counter(agreement_id[:3] for agreement_id in instalments) == {"ACA": 10, "ACP": 10}
    for rows in instalments.values():
        invoice = documents[rows[0]["document_id"]]
        amounts = [Decimal(row["instalment_amount"]) for row in rows]
        assert [row["instalment_number"] for row in rows] == ["1", "2", "3"]
        assert sum(amounts) == Decimal(invoice["total_amount"])
        assert rows[0]["agreement_date"] > invoice["due_date"]
        # A month apart, give or take the roll to the next business day.
        days = [date.fromisoformat(rows[0]["agreement_date"])]
        days += [date.fromisoformat(row["instalment_due_date"]) for row in rows]
        gaps = [(later - earlier).days for earlier, later in itertools.pairwise(days)]
        assert all(25 <= gap <= 36 for gap in gaps), gaps
        assert paid[invoice["document_id"]] == amounts[: len(paid[invoice["document_id"]])]


def test_payouts_in_the_answer_key_cover_every_settlement(run):
    payout_ids = {row["payout_id"] for row in run.payouts()}
    settled = {
        row["payout_id"]
        for row in run.csv_rows("settlement_wompi_")
        if row["record_type"] == "payout"
    }

    assert payout_ids == settled and payout_ids
