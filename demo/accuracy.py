"""Scores automatic cash applications against the demo's answer key.

The answer key is written by the generator beside the inbox and never read by the pipeline; only
tests and benchmarks compare the warehouse with it.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas

APPLIED_PAIRS_SQL = """
    select
        payments.company_id,
        payments.source_format,
        payments.source_reference,
        applications.document_id,
        applications.applied_amount,
        applications.match_rule,
        applications.application_status
    from fct_payment_applications as applications
    inner join fct_payments as payments
        on applications.payment_id = payments.payment_id
"""


@dataclass(frozen=True)
class AccuracyReport:
    """How many automatic applications the answer key confirms, by count and by amount."""

    payments_total: int
    payments_with_automatic_application: int
    automatic_applications: int
    correct_automatic_applications: int
    automatic_applied_amount: Decimal
    correct_automatic_applied_amount: Decimal
    wrong_pairs: list[tuple[str, str, str, str]]

    @property
    def precision(self) -> float:
        if self.automatic_applications == 0:
            return 0.0
        return self.correct_automatic_applications / self.automatic_applications

    @property
    def automatic_payment_share(self) -> float:
        if self.payments_total == 0:
            return 0.0
        return self.payments_with_automatic_application / self.payments_total


def score_automatic_applications(warehouse: Path, answer_key_dir: Path) -> AccuracyReport:
    """Compares every automatic (payment, document) application with the true allocations."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        answer_key = pandas.read_csv(answer_key_dir / "allocations.csv", dtype=str)
        connection.register("answer_key", answer_key)
        applied = connection.execute(
            f"""
            with applied as ({APPLIED_PAIRS_SQL})
            select
                applied.company_id,
                applied.source_reference,
                applied.document_id,
                applied.applied_amount,
                applied.match_rule,
                exists (
                    select 1 from answer_key
                    where answer_key.company_id = applied.company_id
                        and answer_key.source_format = applied.source_format
                        and answer_key.source_reference = applied.source_reference
                        and answer_key.document_id = applied.document_id
                ) as is_correct
            from applied
            where applied.application_status = 'automatic'
            """
        ).fetchall()
        payments_total = connection.execute("select count(*) from fct_payments").fetchone()[0]
        payments_automatic = connection.execute(
            "select count(distinct payment_id) from fct_payment_applications "
            "where application_status = 'automatic'"
        ).fetchone()[0]

    correct = [row for row in applied if row[5]]
    return AccuracyReport(
        payments_total=payments_total,
        payments_with_automatic_application=payments_automatic,
        automatic_applications=len(applied),
        correct_automatic_applications=len(correct),
        automatic_applied_amount=sum((row[3] for row in applied), Decimal(0)),
        correct_automatic_applied_amount=sum((row[3] for row in correct), Decimal(0)),
        wrong_pairs=[(row[0], row[1], row[2], row[4]) for row in applied if not row[5]],
    )


# A payment as both the answer key and the warehouse name it: company, format, source id.
PaymentKey = tuple[str, str, str]
OVERALL = "all"


@dataclass(frozen=True)
class TruePayment:
    """One payment of the answer key: its case, whether it can be placed, what it pays."""

    key: PaymentKey
    expected_match_type: str
    identifiable: bool
    document_ids: frozenset[str]


@dataclass(frozen=True)
class AppliedPair:
    """A (payment, document) application a matcher made without a human."""

    key: PaymentKey
    document_id: str


@dataclass(frozen=True)
class WarehousePayment:
    key: PaymentKey
    payment_date: date
    payment_amount: Decimal
    currency: str


@dataclass(frozen=True)
class WarehouseInvoice:
    company_id: str
    document_id: str
    issue_date: date
    due_date: date
    total_amount: Decimal
    currency: str


@dataclass(frozen=True)
class MatchTypeScore:
    """One matcher's figures over the payments of one expected match type, or all of them."""

    match_type: str
    payments: int
    identifiable_payments: int
    automatic_pairs: int
    correct_pairs: int
    applied_payments: int
    applied_identifiable_payments: int
    invoices: int
    applied_invoices: int

    @property
    def precision(self) -> float | None:
        return _share(self.correct_pairs, self.automatic_pairs)

    @property
    def payment_share(self) -> float | None:
        return _share(self.applied_payments, self.payments)

    @property
    def identifiable_share(self) -> float | None:
        return _share(self.applied_identifiable_payments, self.identifiable_payments)

    @property
    def invoice_share(self) -> float | None:
        return _share(self.applied_invoices, self.invoices)


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def read_answer_key(allocations_csv: Path) -> list[TruePayment]:
    """The answer key's allocation rows gathered into one `TruePayment` per payment."""
    rows = pandas.read_csv(allocations_csv, dtype=str, keep_default_na=False)
    payments = []
    key_columns = ["company_id", "source_format", "source_reference"]
    for key, group in rows.groupby(key_columns, sort=True):
        first = group.iloc[0]
        payments.append(
            TruePayment(
                key=tuple(key),
                expected_match_type=first["expected_match_type"],
                identifiable=first["identifiable"] == "true",
                document_ids=frozenset(group["document_id"]),
            )
        )
    return payments


def score_by_match_type(truth: list[TruePayment], pairs: list[AppliedPair]) -> list[MatchTypeScore]:
    """Grade automatic pairs per expected match type, then overall (`OVERALL`, last).

    A pair is correct when the answer key allocates that payment to that document. A payment
    counts as applied when it has at least one automatic pair, right or wrong; an invoice
    counts as applied when every payment the key allocates to it, within the match type,
    was applied to it. Pairs on payments the key does not know count, as wrong, overall.
    """
    by_key = {payment.key: payment for payment in truth}
    pairs_by_key: dict[PaymentKey, set[str]] = {}
    for pair in pairs:
        pairs_by_key.setdefault(pair.key, set()).add(pair.document_id)
    unknown_pairs = sum(len(docs) for key, docs in pairs_by_key.items() if key not in by_key)

    match_types = sorted({payment.expected_match_type for payment in truth})
    scores = [
        _score([p for p in truth if p.expected_match_type == match_type], pairs_by_key, match_type)
        for match_type in match_types
    ]
    overall = _score(truth, pairs_by_key, OVERALL)
    overall = replace(overall, automatic_pairs=overall.automatic_pairs + unknown_pairs)
    return [*scores, overall]


def _score(
    payments: list[TruePayment], pairs_by_key: dict[PaymentKey, set[str]], match_type: str
) -> MatchTypeScore:
    applied = [payment for payment in payments if pairs_by_key.get(payment.key)]
    automatic_pairs = sum(len(pairs_by_key[payment.key]) for payment in applied)
    correct_pairs = sum(len(pairs_by_key[p.key] & p.document_ids) for p in applied)

    invoice_applied: dict[str, bool] = {}
    for payment in payments:
        placed = pairs_by_key.get(payment.key, set())
        for document_id in payment.document_ids:
            invoice_applied[document_id] = (
                invoice_applied.get(document_id, True) and document_id in placed
            )
    return MatchTypeScore(
        match_type=match_type,
        payments=len(payments),
        identifiable_payments=sum(payment.identifiable for payment in payments),
        automatic_pairs=automatic_pairs,
        correct_pairs=correct_pairs,
        applied_payments=len(applied),
        applied_identifiable_payments=sum(payment.identifiable for payment in applied),
        invoices=len(invoice_applied),
        applied_invoices=sum(invoice_applied.values()),
    )


def naive_amount_pairs(
    payments: list[WarehousePayment], invoices: list[WarehouseInvoice]
) -> list[AppliedPair]:
    """The baseline: what an amount-only auto-match does.

    Payments in date order each take the oldest invoice of their company and currency, issued
    by the payment date and not taken by an earlier payment, whose total equals the payment
    amount. Nothing else is compared: not the payer, not the reference.
    """
    waiting: dict[tuple[str, str, Decimal], list[WarehouseInvoice]] = {}
    for invoice in sorted(invoices, key=lambda i: (i.due_date, i.issue_date, i.document_id)):
        amount_key = (invoice.company_id, invoice.currency, invoice.total_amount)
        waiting.setdefault(amount_key, []).append(invoice)

    pairs = []
    for payment in sorted(payments, key=lambda p: (p.payment_date, p.key)):
        candidates = waiting.get((payment.key[0], payment.currency, payment.payment_amount), [])
        for index, invoice in enumerate(candidates):
            if invoice.issue_date <= payment.payment_date:
                pairs.append(AppliedPair(payment.key, invoice.document_id))
                del candidates[index]
                break
    return pairs
