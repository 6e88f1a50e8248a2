"""Payments as they really happened, and the replay that tells which ones a matcher can place."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from demo.money import ZERO
from demo.world import Customer, World

CHANNEL_BY_FORMAT = {
    "camt053": "bank_transfer",
    "mt940": "bank_transfer",
    "asobancaria2001": "bank_collection",
    "gateway": "gateway",
}

AGING_BUCKETS = ("current", "1_30", "31_60", "61_90", "over_90")


@dataclass(frozen=True)
class Allocation:
    document_id: str
    # Cash applied to the document.
    allocated_amount: Decimal
    # Tax the customer withheld on the document, settled without cash.
    withholding_amount: Decimal = ZERO


@dataclass
class Payment:
    company_id: str
    customer: Customer
    source_format: str
    payment_date: date
    amount: Decimal
    allocations: list[Allocation]
    scenario: str
    # The payment names its documents correctly (RF, document number or recaudo reference).
    valid_reference: bool = False
    # The payer can be recognised as the customer: account on file, tax id or e-mail.
    known_payer: bool = False
    payer_name: str = ""
    payer_account: str = ""
    payer_email: str = ""
    remittance_text: str = ""
    # camt.053 `Strd/CdtrRefInf/Ref`, when the payer sent the RF reference structured.
    structured_reference: str = ""
    # What the payer typed as the reference: MT940 customer reference, Asobancaria
    # reference, gateway merchant reference.
    typed_reference: str = ""
    # Gateway: card | pse. Asobancaria: branch_cash | branch_cheque | pse.
    payment_method: str = ""
    created_at: datetime | None = None
    identifiable: bool = False
    # The id the source file gives the payment; filled in when the file is laid out.
    source_reference: str = ""
    # Order among payments, fixed once all are known.
    sequence: int = 0

    @property
    def channel(self) -> str:
        return CHANNEL_BY_FORMAT[self.source_format]

    @property
    def document_ids(self) -> list[str]:
        return [allocation.document_id for allocation in self.allocations]


@dataclass
class Settlement:
    """What the replay of documents and payments leaves open on the as-of date."""

    open_amounts: dict[str, Decimal]
    aging_counts: dict[str, int] = field(default_factory=dict)


def number_payments(payments: list[Payment]) -> list[Payment]:
    ordered = sorted(
        payments,
        key=lambda p: (p.payment_date, p.company_id, p.customer.customer_id, p.document_ids),
    )
    for sequence, payment in enumerate(ordered, start=1):
        payment.sequence = sequence
    return ordered


def replay(world: World, payments: list[Payment], as_of_date: date) -> Settlement:
    """Apply documents and payments in date order; mark each payment identifiable or not.

    A payment is identifiable when it carries a valid reference, or when its payer is known
    and exactly one of that customer's open documents has the paid amount as its open amount.
    """
    open_amounts: dict[str, Decimal] = {}
    customer_documents: dict[str, list[str]] = {}
    events = [(doc.issue_date, 0, index, doc) for index, doc in enumerate(_documents(world))]
    events += [(payment.payment_date, 1, payment.sequence, payment) for payment in payments]
    events.sort(key=lambda event: event[:3])
    for _, kind, _, item in events:
        if kind == 0 and item.document_type == "invoice":
            open_amounts[item.document_id] = item.total_amount
            customer_documents.setdefault(item.customer_id, []).append(item.document_id)
        elif kind == 0:
            open_amounts[item.related_document_id] -= item.total_amount
        else:
            _apply(item, open_amounts, customer_documents.get(item.customer.customer_id, []))
    return Settlement(open_amounts, _aging(world, open_amounts, as_of_date))


def _documents(world: World) -> list:
    return world.invoices + world.credit_notes


def _apply(
    payment: Payment, open_amounts: dict[str, Decimal], customer_documents: list[str]
) -> None:
    payment.identifiable = payment.valid_reference
    if not payment.valid_reference and payment.known_payer:
        matches = [doc for doc in customer_documents if open_amounts[doc] == payment.amount]
        payment.identifiable = matches == payment.document_ids[:1]
    for allocation in payment.allocations:
        settled_amount = allocation.allocated_amount + allocation.withholding_amount
        if settled_amount > open_amounts[allocation.document_id]:
            raise RuntimeError(
                f"payment on {payment.payment_date} ({payment.scenario}) settles "
                f"{settled_amount} of {allocation.document_id}, which has only "
                f"{open_amounts[allocation.document_id]} open"
            )
        open_amounts[allocation.document_id] -= settled_amount


def _aging(world: World, open_amounts: dict[str, Decimal], as_of_date: date) -> dict[str, int]:
    counts = Counter(dict.fromkeys(AGING_BUCKETS, 0))
    for invoice in world.invoices:
        if open_amounts.get(invoice.document_id, ZERO) > 0:
            counts[aging_bucket((as_of_date - invoice.due_date).days)] += 1
    return dict(counts)


def aging_bucket(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "1_30"
    if days_past_due <= 60:
        return "31_60"
    if days_past_due <= 90:
        return "61_90"
    return "over_90"
