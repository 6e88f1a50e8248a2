"""A gateway payout that nets charges, a refund, a chargeback, a chargeback reversal, an
adjustment and the gateway's own fee: each type gets its own balanced journal entry, only the
charges are customer payments, and the gateway clearing account nets to zero once the bank
credits the payout. A charge id listed twice in one report is two charges, merged with the
other report occurrence by occurrence."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

NOTIFICATION_AT = datetime(2026, 5, 14, 15, 0, tzinfo=UTC)
SETTLEMENT_AT = datetime(2026, 5, 15, 11, 0, tzinfo=UTC)
STATEMENT_AT = datetime(2026, 5, 16, 11, 30, tzinfo=UTC)
CLEARING, UNAPPLIED, FEES, VAT_DEDUCTIBLE, BANK = "134595", "281505", "530515", "240810", "111005"


def transaction(
    transaction_id: str, transaction_type: str, gross: str, *settled: str, payout_id=None
) -> dict:
    """`settled` is fee, fee tax and net, stored as ingest/parsers/_gateway.py states them."""
    fee, fee_tax, net = (Decimal(value) for value in settled) if settled else (None,) * 3
    return {
        "gateway": "wompi",
        "merchant_account": "andina-ecommerce",
        "transaction_id": transaction_id,
        "transaction_type": transaction_type,
        "created_at": datetime(2026, 5, 14, 14, 0, tzinfo=UTC),
        "merchant_reference": "FEA-000140",
        "payment_method": "card",
        "payer_name": "Ana Gómez",
        "payer_email": "ana.gomez@example.com",
        "currency": "COP",
        "gross_amount": Decimal(gross),
        "fee_amount": fee,
        "fee_tax_amount": fee_tax,
        "net_amount": net,
        "payout_id": payout_id,
    }


NOTIFICATION = [
    transaction("TX-100", "charge", "300000.00"),
    transaction("TX-200", "charge", "40000.00"),
    transaction("TX-200", "charge", "40000.00"),
]
SETTLEMENT = [
    transaction("TX-100", "charge", "300000.00", "9000.00", "1710.00", "289290.00"),
    transaction("TX-200", "charge", "40000.00", "1000.00", "190.00", "38810.00"),
    transaction("TX-200", "charge", "40000.00", "1000.00", "190.00", "38810.00"),
    # An earlier charge handed back; the gateway keeps its fee.
    transaction("RF-100", "refund", "20000.00", "0.00", "0.00", "20000.00"),
    # The card issuer takes 50,000 back and the gateway charges 15,000 for the dispute.
    transaction("CB-100", "chargeback", "50000.00", "-15000.00", "0.00", "65000.00"),
    # The gateway's monthly invoice, with its VAT.
    transaction("FEE-2026-05", "fee", "0.00", "10000.00", "1900.00", "-11900.00"),
    # Another dispute the merchant won back, and a correction taken from the balance.
    transaction("CBR-090", "chargeback_reversal", "50000.00", "0.00", "0.00", "50000.00"),
    transaction("ADJ-001", "adjustment", "-3000.00", "0.00", "0.00", "-3000.00"),
]
# 289,290 + 2 x 38,810 - 20,000 - 65,000 - 11,900 + 50,000 - 3,000
PAYOUT_AMOUNT = Decimal("317010.00")


@pytest.fixture(scope="module")
def warehouse(raw_dataset, dbt_build):
    raw_dataset.write("gateway_transactions", "notification", NOTIFICATION_AT, NOTIFICATION)
    settlement = [{**row, "payout_id": "PO-0517"} for row in SETTLEMENT]
    raw_dataset.write("gateway_transactions", "settlement", SETTLEMENT_AT, settlement)
    payout = {
        "gateway": "wompi",
        "merchant_account": "andina-ecommerce",
        "payout_id": "PO-0517",
        "payout_date": date(2026, 5, 15),
        "currency": "COP",
        "payout_amount": PAYOUT_AMOUNT,
        "transaction_count": len(settlement),
    }
    raw_dataset.write("gateway_payouts", "settlement", SETTLEMENT_AT, [payout])
    credit = {
        "source_format": "camt053",
        "bank_account": "10029384756",
        "statement_id": "STMT-20260516",
        "entry_reference": "BCOL-PAYOUT-0517",
        "booking_date": date(2026, 5, 16),
        "value_date": date(2026, 5, 16),
        "direction": "credit",
        "amount": PAYOUT_AMOUNT,
        "currency": "COP",
        "status": "booked",
        "bank_transaction_code": "PMNT-RCDT-ESCT",
        "counterparty_name": "WOMPI SAS",
        "counterparty_account": None,
        "end_to_end_id": None,
        "structured_reference": None,
        "remittance_text": "WOMPI DISPERSION PO-0517",
    }
    raw_dataset.write("bank_lines", "statement", STATEMENT_AT, [credit])
    return dbt_build(
        raw_dataset.data_dir,
        "+fct_journal_entries",
        "assert_gateway_clearing_nets_to_zero_per_payout",
    )


def journal(warehouse, event_type: str) -> list[tuple]:
    return warehouse.query(
        """
        select account_code, debit_amount, credit_amount
        from fct_journal_entries
        where event_type = ?
        order by entry_id, line_number
        """,
        [event_type],
    )


def test_only_the_charges_are_customer_payments_and_a_repeated_charge_id_is_two_of_them(
    warehouse,
):
    payments = warehouse.query(
        """
        select source_reference, payment_amount, known_at
        from int_payments
        order by source_reference
        """
    )

    # Each occurrence of TX-200 in the settlement merged with its own in the notification.
    assert payments == [
        ("TX-100", Decimal("300000.00"), NOTIFICATION_AT),
        ("TX-200", Decimal("40000.00"), NOTIFICATION_AT),
        ("TX-200", Decimal("40000.00"), NOTIFICATION_AT),
    ]


def test_a_refund_and_a_chargeback_take_the_gross_back_from_unapplied_cash(warehouse):
    assert journal(warehouse, "gateway_refund_issued") == [
        (UNAPPLIED, Decimal("20000.00"), Decimal("0.00")),
        (CLEARING, Decimal("0.00"), Decimal("20000.00")),
    ]
    assert journal(warehouse, "gateway_chargeback_received") == [
        (UNAPPLIED, Decimal("50000.00"), Decimal("0.00")),
        (CLEARING, Decimal("0.00"), Decimal("50000.00")),
    ]


def test_a_chargeback_reversal_and_an_adjustment_move_clearing_against_unapplied_cash(warehouse):
    assert journal(warehouse, "gateway_chargeback_reversed") == [
        (UNAPPLIED, Decimal("0.00"), Decimal("50000.00")),
        (CLEARING, Decimal("50000.00"), Decimal("0.00")),
    ]
    # A negative adjustment takes money from the balance, so from the customer's cash.
    assert journal(warehouse, "gateway_adjustment_booked") == [
        (UNAPPLIED, Decimal("3000.00"), Decimal("0.00")),
        (CLEARING, Decimal("0.00"), Decimal("3000.00")),
    ]


def test_a_fee_row_hits_only_fees_and_their_vat_against_clearing(warehouse):
    assert journal(warehouse, "gateway_fee_charged") == [
        (FEES, Decimal("10000.00"), Decimal("0.00")),
        (VAT_DEDUCTIBLE, Decimal("1900.00"), Decimal("0.00")),
        (CLEARING, Decimal("0.00"), Decimal("11900.00")),
    ]


def test_the_payout_books_the_transaction_fees_and_the_chargeback_fee_and_clears_the_rest(
    warehouse,
):
    # Fees: 9,000 + 2 x 1,000 + the 15,000 dispute fee; clearing: 380,000 of charges less
    # 20,000 refunded, 50,000 charged back and 11,900 the fee row already moved to fees,
    # plus 50,000 won back less the 3,000 adjustment.
    assert journal(warehouse, "gateway_payout_settled") == [
        (BANK, PAYOUT_AMOUNT, Decimal("0.00")),
        (FEES, Decimal("26000.00"), Decimal("0.00")),
        (VAT_DEDUCTIBLE, Decimal("2090.00"), Decimal("0.00")),
        (CLEARING, Decimal("0.00"), Decimal("345100.00")),
    ]


def test_every_entry_balances_and_gateway_clearing_nets_to_zero(warehouse):
    unbalanced = warehouse.query(
        """
        select entry_id from fct_journal_entries
        group by entry_id
        having sum(debit_amount) <> sum(credit_amount)
        """
    )
    clearing = warehouse.query(
        "select sum(debit_amount - credit_amount) from fct_journal_entries where account_code = ?",
        [CLEARING],
    )

    assert unbalanced == []
    assert clearing == [(Decimal("0.00"),)]
