"""Scores automatic cash applications against the demo's answer key.

The answer key is written by the generator beside the inbox and never read by the pipeline; only
tests and benchmarks compare the warehouse with it.
"""

from dataclasses import dataclass
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
