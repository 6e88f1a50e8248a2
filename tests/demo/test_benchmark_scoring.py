"""The benchmark's grading on a hand-made answer key: per match type, overall, and naive."""

from datetime import date
from decimal import Decimal

from demo.accuracy import (
    OVERALL,
    AppliedPair,
    TruePayment,
    WarehouseInvoice,
    WarehousePayment,
    naive_amount_pairs,
    read_answer_key,
    score_by_match_type,
)
from demo.payments import Allocation, Payment
from demo.world import Customer
from demo.writers.answer_key import ALLOCATION_COLUMNS, allocation_rows
from demo.writers.files import csv_bytes


def key(reference: str) -> tuple[str, str, str]:
    return ("andina", "camt053", reference)


TRUTH = [
    TruePayment(key("B1"), "reference_one_to_one", True, frozenset({"FEA-000001"})),
    TruePayment(key("B2"), "reference_one_to_one", True, frozenset({"FEA-000002"})),
    TruePayment(key("B3"), "remittance_one_to_many", True, frozenset({"FEA-000003", "FEA-000004"})),
    TruePayment(key("B4"), "unidentifiable", False, frozenset({"FEA-000005"})),
    # Two instalments of one invoice.
    TruePayment(key("B5"), "partial_many_to_one", True, frozenset({"FEA-000006"})),
    TruePayment(key("B6"), "partial_many_to_one", True, frozenset({"FEA-000006"})),
]


def scores_by_type(pairs: list[AppliedPair]) -> dict:
    return {score.match_type: score for score in score_by_match_type(TRUTH, pairs)}


def test_a_wrong_document_lowers_precision_but_still_counts_the_payment_as_applied():
    scores = scores_by_type(
        [
            AppliedPair(key("B1"), "FEA-000001"),
            AppliedPair(key("B2"), "FEA-000009"),
        ]
    )

    one_to_one = scores["reference_one_to_one"]
    assert (one_to_one.automatic_pairs, one_to_one.correct_pairs) == (2, 1)
    assert one_to_one.precision == 0.5
    assert one_to_one.payment_share == 1.0
    assert one_to_one.invoice_share == 0.5


def test_a_payment_of_two_invoices_applied_to_one_counts_one_invoice_of_two():
    scores = scores_by_type([AppliedPair(key("B3"), "FEA-000004")])

    many = scores["remittance_one_to_many"]
    assert (many.payments, many.applied_payments, many.precision) == (1, 1, 1.0)
    assert (many.invoices, many.applied_invoices) == (2, 1)


def test_an_invoice_paid_in_instalments_is_applied_only_once_every_instalment_is():
    half = scores_by_type([AppliedPair(key("B5"), "FEA-000006")])["partial_many_to_one"]
    whole = scores_by_type(
        [AppliedPair(key("B5"), "FEA-000006"), AppliedPair(key("B6"), "FEA-000006")]
    )["partial_many_to_one"]

    assert (half.payment_share, half.invoices, half.applied_invoices) == (0.5, 1, 0)
    assert (whole.payment_share, whole.applied_invoices) == (1.0, 1)


def test_payments_without_enough_information_leave_the_informative_share_alone():
    scores = scores_by_type([AppliedPair(key("B1"), "FEA-000001")])

    unidentifiable = scores["unidentifiable"]
    assert (unidentifiable.identifiable_payments, unidentifiable.identifiable_share) == (0, None)
    assert unidentifiable.precision is None
    overall = scores[OVERALL]
    assert (overall.payments, overall.identifiable_payments) == (6, 5)
    assert overall.identifiable_share == 1 / 5
    assert overall.payment_share == 1 / 6


def test_pairs_on_payments_the_answer_key_does_not_know_count_as_wrong_overall():
    scores = scores_by_type(
        [AppliedPair(key("B1"), "FEA-000001"), AppliedPair(key("X9"), "FEA-000002")]
    )

    assert scores[OVERALL].automatic_pairs == 2
    assert scores[OVERALL].precision == 0.5
    assert scores["reference_one_to_one"].precision == 1.0


def test_overall_comes_last_after_the_match_types_in_order():
    codes = [score.match_type for score in score_by_match_type(TRUTH, [])]

    assert codes == [
        "partial_many_to_one",
        "reference_one_to_one",
        "remittance_one_to_many",
        "unidentifiable",
        OVERALL,
    ]


def invoice(document_id: str, issue_day: int, total: str, company: str = "andina"):
    issued = date(2026, 9, issue_day)
    return WarehouseInvoice(company, document_id, issued, issued, Decimal(total), "COP")


def payment(reference: str, day: int, amount: str) -> WarehousePayment:
    return WarehousePayment(key(reference), date(2026, 9, day), Decimal(amount), "COP")


def test_the_naive_matcher_takes_the_oldest_invoice_of_the_amount_not_yet_taken():
    invoices = [
        invoice("FEA-000002", 5, "119000.00"),
        invoice("FEA-000001", 1, "119000.00"),
        invoice("FEA-000003", 20, "119000.00"),
        invoice("FEP-000001", 1, "119000.00", company="pacifico"),
    ]
    payments = [payment("B2", 12, "119000.00"), payment("B1", 10, "119000.00")]
    late = [payment("B3", 15, "119000.00")]

    pairs = naive_amount_pairs(payments + late, invoices)

    # B3 finds only an invoice issued after it, and the other company's invoice is not a
    # candidate: it takes nothing.
    assert pairs == [
        AppliedPair(key("B1"), "FEA-000001"),
        AppliedPair(key("B2"), "FEA-000002"),
    ]


def test_the_naive_matcher_ignores_a_payment_that_differs_from_every_total_by_a_peso():
    pairs = naive_amount_pairs(
        [payment("B1", 10, "118999.00")], [invoice("FEA-000001", 1, "119000.00")]
    )

    assert pairs == []


def test_the_answer_key_file_reads_back_as_one_true_payment_per_payment(tmp_path):
    customer = Customer(
        "C0001", "andina", "Ana", "individual", "1", "a@b.co", "", "", "", 30, date(2026, 5, 1), 1
    )
    paid = Payment(
        company_id="andina",
        customer=customer,
        source_format="camt053",
        payment_date=date(2026, 9, 10),
        amount=Decimal("300.00"),
        allocations=[
            Allocation("FEA-000001", Decimal("100.00")),
            Allocation("FEA-000002", Decimal("150.00")),
        ],
        scenario="multi_invoice",
        identifiable=True,
        expected_match_type="remittance_one_to_many",
        source_reference="B1",
    )
    path = tmp_path / "allocations.csv"
    path.write_bytes(csv_bytes(ALLOCATION_COLUMNS, allocation_rows([paid])))

    assert read_answer_key(path) == [
        TruePayment(
            key("B1"), "remittance_one_to_many", True, frozenset({"FEA-000001", "FEA-000002"})
        )
    ]
    [first, second] = allocation_rows([paid])
    assert first[ALLOCATION_COLUMNS.index("unapplied_amount")] == "50.00"
    assert second[ALLOCATION_COLUMNS.index("unapplied_amount")] == "50.00"
