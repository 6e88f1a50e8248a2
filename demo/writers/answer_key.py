"""The truth the pipeline is graded against: allocations, payouts and a summary."""

import json
import os
from datetime import datetime
from pathlib import Path

from demo.gateway import Payout
from demo.money import decimal_text
from demo.payments import Payment
from demo.writers.files import csv_bytes

ALLOCATION_COLUMNS = [
    "company_id",
    "channel",
    "source_format",
    "source_reference",
    "payment_date",
    "payment_amount",
    "document_id",
    "allocated_amount",
    "withholding_amount",
    "scenario",
    "identifiable",
    "expected_match_type",
    # Left unpaid on the document by the payer (bank charge, rounding).
    "short_amount",
    # The payment's cash beyond what it settles, repeated on each of its rows.
    "unapplied_amount",
]
PAYOUT_COLUMNS = ["company_id", "payout_id", "bank_source_reference", "payout_amount"]


def write_answer_key(
    folder: Path,
    payments: list[Payment],
    payouts: list[Payout],
    summary: dict,
    written_at: datetime,
) -> None:
    files = {
        "allocations.csv": csv_bytes(ALLOCATION_COLUMNS, allocation_rows(payments)),
        "payouts.csv": csv_bytes(PAYOUT_COLUMNS, [_payout_row(payout) for payout in payouts]),
        "summary.json": (json.dumps(summary, indent=2, sort_keys=True) + "\n").encode("utf-8"),
    }
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content)
        os.utime(path, (written_at.timestamp(), written_at.timestamp()))


def allocation_rows(payments: list[Payment]) -> list[list[str]]:
    return [
        [
            payment.company_id,
            payment.channel,
            payment.source_format,
            payment.source_reference,
            payment.payment_date.isoformat(),
            decimal_text(payment.amount),
            allocation.document_id,
            decimal_text(allocation.allocated_amount),
            decimal_text(allocation.withholding_amount),
            payment.scenario,
            "true" if payment.identifiable else "false",
            payment.expected_match_type,
            decimal_text(allocation.short_amount),
            decimal_text(payment.unapplied_amount),
        ]
        for payment in payments
        for allocation in payment.allocations
    ]


def _payout_row(payout: Payout) -> list[str]:
    return [
        payout.company_id,
        payout.payout_id,
        payout.bank_source_reference,
        decimal_text(payout.net_amount),
    ]
