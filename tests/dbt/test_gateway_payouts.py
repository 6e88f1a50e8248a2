"""Gateway payouts measured against their transactions and the bank credit, end to end in dbt.

Four payouts of one Wompi merchant account: one the bank credits for exactly the net of its
transactions, one the bank credits 5,000 below what the gateway reported (a deduction no row
explains), one whose report pays out 1,190 more than its transactions because the gateway
paid a balance carried from earlier, and one no bank credit has settled yet. Amounts in COP.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

SETTLEMENT_AT = datetime(2026, 5, 15, 11, 0, tzinfo=UTC)
STATEMENT_AT = datetime(2026, 5, 16, 11, 30, tzinfo=UTC)
CLEARING, FEES, VAT_DEDUCTIBLE, BANK, HIDDEN_DEDUCTIONS = (
    "134595",
    "530515",
    "240810",
    "111005",
    "530595",
)

# transaction id, payout, gross, fee, fee VAT (19 % of the fee)
CHARGES = [
    ("TX-1", "PO-1", "100000.00", "2000.00", "380.00"),
    ("TX-2", "PO-2", "200000.00", "4000.00", "760.00"),
    ("TX-3", "PO-3", "50000.00", "1000.00", "190.00"),
    ("TX-4", "PO-4", "30000.00", "600.00", "114.00"),
]
# payout, amount the gateway reports, amount the bank credits (None: not yet)
PAYOUTS = [
    ("PO-1", "97620.00", "97620.00"),
    ("PO-2", "195240.00", "190240.00"),
    ("PO-3", "50000.00", "50000.00"),
    ("PO-4", "29286.00", None),
]


def charge_row(transaction_id, payout_id, gross, fee, fee_tax) -> dict:
    gross, fee, fee_tax = Decimal(gross), Decimal(fee), Decimal(fee_tax)
    return {
        "gateway": "wompi",
        "merchant_account": "andina-ecommerce",
        "transaction_id": transaction_id,
        "transaction_type": "charge",
        "created_at": datetime(2026, 5, 14, 14, 0, tzinfo=UTC),
        "merchant_reference": None,
        "payment_method": "card",
        "payer_name": "Ana Gómez",
        "payer_email": "ana.gomez@example.com",
        "currency": "COP",
        "gross_amount": gross,
        "fee_amount": fee,
        "fee_tax_amount": fee_tax,
        "net_amount": gross - fee - fee_tax,
        "payout_id": payout_id,
    }


def payout_row(payout_id, reported, _banked) -> dict:
    return {
        "gateway": "wompi",
        "merchant_account": "andina-ecommerce",
        "payout_id": payout_id,
        "payout_date": date(2026, 5, 15),
        "currency": "COP",
        "payout_amount": Decimal(reported),
        "transaction_count": 1,
    }


def bank_credit_row(payout_id, _reported, banked) -> dict:
    return {
        "source_format": "camt053",
        "bank_account": "10029384756",
        "statement_id": "STMT-20260516",
        "entry_reference": f"BCOL-{payout_id}",
        "booking_date": date(2026, 5, 16),
        "value_date": date(2026, 5, 16),
        "direction": "credit",
        "amount": Decimal(banked),
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": "PMNT-RCDT-ESCT",
        "counterparty_name": "WOMPI SAS",
        "counterparty_account": None,
        "end_to_end_id": None,
        "structured_reference": None,
        "remittance_text": f"WOMPI DISPERSION {payout_id}",
    }


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    charges = [charge_row(*row) for row in CHARGES]
    raw_dataset.write("gateway_transactions", "settlement", SETTLEMENT_AT, charges)
    payouts = [payout_row(*row) for row in PAYOUTS]
    raw_dataset.write("gateway_payouts", "settlement", SETTLEMENT_AT, payouts)
    credits = [bank_credit_row(*row) for row in PAYOUTS if row[2] is not None]
    raw_dataset.write("bank_lines", "statement", STATEMENT_AT, credits)
    return dbt_build(
        raw_dataset.data_dir,
        "+fct_journal_entries",
        "+fct_gateway_payouts",
        "assert_gateway_clearing_nets_to_zero_per_payout",
        "assert_journal_entries_balance",
    )


def payout_of(warehouse, payout_id: str) -> tuple:
    [row] = warehouse.query(
        """
        select transactions_net_amount, payout_amount, bank_amount, residual_amount,
            residual_label, hidden_deduction_amount, clearing_residual_amount
        from fct_gateway_payouts where payout_id = ?
        """,
        [payout_id],
    )
    return row


def payout_journal(warehouse, payout_id: str) -> list[tuple]:
    return warehouse.query(
        """
        select account_code, debit_amount, credit_amount
        from fct_journal_entries
        where event_type = 'gateway_payout_settled' and source_id = ?
        order by line_number
        """,
        [payout_id],
    )


def clearing_balance(warehouse) -> Decimal:
    [(balance,)] = warehouse.query(
        "select sum(debit_amount - credit_amount) from fct_journal_entries where account_code = ?",
        [CLEARING],
    )
    return balance


def test_a_payout_the_bank_credits_in_full_ties(warehouse):
    assert payout_of(warehouse, "PO-1") == (
        Decimal("97620.00"),
        Decimal("97620.00"),
        Decimal("97620.00"),
        0,
        "ties",
        0,
        0,
    )
    assert payout_journal(warehouse, "PO-1") == [
        (BANK, Decimal("97620.00"), 0),
        (FEES, Decimal("2000.00"), 0),
        (VAT_DEDUCTIBLE, Decimal("380.00"), 0),
        (CLEARING, 0, Decimal("100000.00")),
    ]


def test_a_bank_credit_below_the_reported_payout_is_a_labelled_hidden_deduction(warehouse):
    assert payout_of(warehouse, "PO-2") == (
        Decimal("195240.00"),
        Decimal("195240.00"),
        Decimal("190240.00"),
        Decimal("5000.00"),
        "hidden_deduction",
        Decimal("5000.00"),
        0,
    )


def test_the_hidden_deduction_is_booked_as_an_expense_and_clearing_is_emptied(warehouse):
    assert payout_journal(warehouse, "PO-2") == [
        (BANK, Decimal("190240.00"), 0),
        (FEES, Decimal("4000.00"), 0),
        (VAT_DEDUCTIBLE, Decimal("760.00"), 0),
        (CLEARING, 0, Decimal("200000.00")),
        (HIDDEN_DEDUCTIONS, Decimal("5000.00"), 0),
    ]
    [(explanation,)] = warehouse.query(
        "select residual_explanation from fct_gateway_payouts where payout_id = 'PO-2'"
    )
    assert explanation.startswith("The bank credited 5000.00 less than the gateway reported")


def test_a_report_paying_out_a_carried_balance_leaves_it_in_clearing_labelled(warehouse):
    assert payout_of(warehouse, "PO-3") == (
        Decimal("48810.00"),
        Decimal("50000.00"),
        Decimal("50000.00"),
        Decimal("-1190.00"),
        "balance_carried_forward",
        0,
        Decimal("-1190.00"),
    )
    assert payout_journal(warehouse, "PO-3") == [
        (BANK, Decimal("50000.00"), 0),
        (FEES, Decimal("1000.00"), 0),
        (VAT_DEDUCTIBLE, Decimal("190.00"), 0),
        (CLEARING, 0, Decimal("50000.00")),
        (CLEARING, 0, Decimal("1190.00")),
    ]


def test_a_payout_no_bank_credit_settled_yet_awaits_the_bank_and_posts_nothing(warehouse):
    assert payout_of(warehouse, "PO-4") == (
        Decimal("29286.00"),
        Decimal("29286.00"),
        None,
        None,
        "awaiting_bank",
        None,
        None,
    )
    assert payout_journal(warehouse, "PO-4") == []


def test_clearing_holds_only_the_unsettled_charge_and_the_carried_balance(warehouse):
    # TX-4 waits for its payout; PO-3 paid out 1,190 more than its own transaction.
    assert clearing_balance(warehouse) == Decimal("30000.00") - Decimal("1190.00")
