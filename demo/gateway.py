"""The payment gateway's side: transaction ids, fees, daily settlement and payouts."""

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from demo.dates import BusinessCalendar
from demo.money import ZERO, iva, pesos, to_peso
from demo.payments import Payment
from demo.world import World

GATEWAY = "wompi"
# Demo tariff: card 2.65 % + COP 700, PSE a flat COP 1,600, IVA on top of either fee.
CARD_FEE_RATE = Decimal("0.0265")
CARD_FEE_FIXED_AMOUNT = pesos(700)
PSE_FEE_AMOUNT = pesos(1600)


@dataclass(frozen=True)
class GatewayCharge:
    payment: Payment
    transaction_id: str
    fee_amount: Decimal
    fee_tax_amount: Decimal
    net_amount: Decimal
    payout_id: str


@dataclass
class Payout:
    company_id: str
    merchant_account: str
    payout_id: str
    # The day whose charges the payout settles, and the business day after it, when paid.
    settlement_date: date
    payout_date: date
    payout_account: str
    charges: list[GatewayCharge]
    # AcctSvcrRef of the bank credit, once the payout is booked on or before the as-of date.
    bank_source_reference: str = field(default="")

    @property
    def net_amount(self) -> Decimal:
        return sum((charge.net_amount for charge in self.charges), ZERO)


def gateway_fee(payment_method: str, gross_amount: Decimal) -> Decimal:
    if payment_method == "card":
        return to_peso(gross_amount * CARD_FEE_RATE + CARD_FEE_FIXED_AMOUNT)
    return PSE_FEE_AMOUNT


def settle_gateway(
    rng: random.Random, world: World, payments: list[Payment], calendar: BusinessCalendar
) -> list[Payout]:
    """Group each merchant's charges by local day into one payout on the next business day."""
    by_day: dict[tuple[str, date], list[Payment]] = {}
    for payment in payments:
        if payment.source_format == "gateway":
            by_day.setdefault((payment.company_id, payment.payment_date), []).append(payment)
    taken_ids: set[str] = set()
    payouts = []
    for (company_id, day), day_payments in sorted(by_day.items()):
        company = world.company_by_id[company_id]
        payout_id = f"PO-{company.merchant_account}-{day:%Y%m%d}"
        charges = [
            _charge(rng, payment, payout_id, taken_ids)
            for payment in sorted(day_payments, key=lambda p: (p.created_at, p.sequence))
        ]
        payouts.append(
            Payout(
                company_id=company_id,
                merchant_account=company.merchant_account,
                payout_id=payout_id,
                settlement_date=day,
                payout_date=calendar.next_business_day(day),
                payout_account=company.payout_account,
                charges=charges,
            )
        )
    return payouts


def _charge(
    rng: random.Random, payment: Payment, payout_id: str, taken_ids: set[str]
) -> GatewayCharge:
    transaction_id = _transaction_id(rng, payment, taken_ids)
    payment.source_reference = transaction_id
    fee_amount = gateway_fee(payment.payment_method, payment.amount)
    fee_tax_amount = iva(fee_amount)
    return GatewayCharge(
        payment=payment,
        transaction_id=transaction_id,
        fee_amount=fee_amount,
        fee_tax_amount=fee_tax_amount,
        net_amount=payment.amount - fee_amount - fee_tax_amount,
        payout_id=payout_id,
    )


def _transaction_id(rng: random.Random, payment: Payment, taken_ids: set[str]) -> str:
    """Shaped like the gateway's own ids: merchant-side prefix, epoch seconds, suffix."""
    epoch_seconds = int(payment.created_at.timestamp())
    while True:
        candidate = f"{rng.randint(10000, 99999)}-{epoch_seconds}-{rng.randint(10000, 99999)}"
        if candidate not in taken_ids:
            taken_ids.add(candidate)
            return candidate
