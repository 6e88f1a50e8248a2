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

# The case each payment puts to a matcher, as the answer key states it: what a careful
# matcher should recognise, or why nothing can place the payment.
MATCH_TYPES = {
    "reference_one_to_one": "names one invoice and pays what it owes",
    "reference_in_free_text": "names one invoice only inside a longer free text",
    "gateway_reference": "gateway charge whose merchant reference names the invoice",
    "remittance_one_to_many": "one transfer for several invoices, all listed in its text",
    "partial_many_to_one": "a part or an agreed instalment of one invoice, quoting it",
    "withholding_short": "quotes the invoice and pays it net of the taxes withheld",
    "short_payment": "quotes the invoice and pays a little less (bank charge, rounding)",
    "overpayment": "quotes the invoice and pays more than it owes",
    "payer_alias": "a head office or factoring firm pays the customer's invoice, quoting it",
    "mistyped_reference": "one digit of the reference typed wrong",
    "payer_unique_amount": "no reference; known payer, one open invoice of that amount",
    "payer_unique_sum": "no reference; known payer, one set of open invoices of that sum",
    "ambiguous_amount": "no reference; known payer, several open invoices or sets fit",
    "unidentifiable": "no reference and no recognisable payer",
}
# Bound of the search for a set of open invoices that an unreferenced payment settles.
MAX_COMBINATION_DOCUMENTS = 4
REFERENCED_MATCH_TYPES = {
    "clean": "reference_one_to_one",
    "credit_note_net": "reference_one_to_one",
    "free_text_reference": "reference_in_free_text",
    "multi_invoice": "remittance_one_to_many",
    "partial": "partial_many_to_one",
    "agreement_instalment": "partial_many_to_one",
    "withholding_short": "withholding_short",
    "short_payment": "short_payment",
    "overpayment": "overpayment",
    "third_party_payer": "payer_alias",
    "mistyped_reference": "mistyped_reference",
}
GATEWAY_REFERENCED_SCENARIOS = ("clean", "credit_note_net")


@dataclass(frozen=True)
class Allocation:
    document_id: str
    # Cash applied to the document.
    allocated_amount: Decimal
    # Tax the customer withheld on the document, settled without cash.
    withholding_amount: Decimal = ZERO
    # What the payer left unpaid on purpose or by habit (a bank charge, rounding); the
    # document stays open by this much unless a tolerance writes it off.
    short_amount: Decimal = ZERO


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
    # The case a careful matcher faces with this payment, from `MATCH_TYPES`; set by the replay.
    expected_match_type: str = ""
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

    @property
    def unapplied_amount(self) -> Decimal:
        """Cash beyond what the payment settles: an overpayment's excess."""
        return self.amount - sum((a.allocated_amount for a in self.allocations), ZERO)


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
    """Apply documents and payments in date order; say what each payment gives a matcher.

    A payment is identifiable (carries enough information) when it names its documents with
    a valid reference, or when its payer is recognisable as the customer and exactly one set
    of at most `MAX_COMBINATION_DOCUMENTS` of that customer's documents adds up to the
    payment amount, and it is the set paid. The documents searched are those issued by the
    payment date, at what they still owe after the payments with a valid reference so far:
    what an unreferenced payment settled, no document tells a matcher.
    """
    open_amounts: dict[str, Decimal] = {}
    # What each document owes as far as the referenced payments tell.
    referenced_open_amounts: dict[str, Decimal] = {}
    customer_documents: dict[str, list[str]] = {}
    events = [(doc.issue_date, 0, index, doc) for index, doc in enumerate(_documents(world))]
    events += [(payment.payment_date, 1, payment.sequence, payment) for payment in payments]
    events.sort(key=lambda event: event[:3])
    for _, kind, _, item in events:
        if kind == 0 and item.document_type == "invoice":
            open_amounts[item.document_id] = item.total_amount
            referenced_open_amounts[item.document_id] = item.total_amount
            customer_documents.setdefault(item.customer_id, []).append(item.document_id)
        elif kind == 0:
            open_amounts[item.related_document_id] -= item.total_amount
            referenced_open_amounts[item.related_document_id] -= item.total_amount
        else:
            documents = customer_documents.get(item.customer.customer_id, [])
            _identify(item, [(doc, referenced_open_amounts[doc]) for doc in documents])
            _settle(item, open_amounts)
            if item.valid_reference:
                _settle(item, referenced_open_amounts)
    return Settlement(open_amounts, _aging(world, open_amounts, as_of_date))


def _documents(world: World) -> list:
    return world.invoices + world.credit_notes


def _identify(payment: Payment, open_documents: list[tuple[str, Decimal]]) -> None:
    payment.identifiable = payment.valid_reference
    if not payment.valid_reference and payment.known_payer:
        combinations = combinations_paying(payment.amount, open_documents, limit=2)
        payment.identifiable = combinations == [frozenset(payment.document_ids)]
    payment.expected_match_type = expected_match_type(payment)


def _settle(payment: Payment, open_amounts: dict[str, Decimal]) -> None:
    for allocation in payment.allocations:
        settled_amount = allocation.allocated_amount + allocation.withholding_amount
        if settled_amount > open_amounts[allocation.document_id]:
            raise RuntimeError(
                f"payment on {payment.payment_date} ({payment.scenario}) settles "
                f"{settled_amount} of {allocation.document_id}, which has only "
                f"{open_amounts[allocation.document_id]} open"
            )
        open_amounts[allocation.document_id] -= settled_amount


def combinations_paying(
    amount: Decimal, open_documents: list[tuple[str, Decimal]], limit: int
) -> list[frozenset[str]]:
    """Up to `limit` sets of at most `MAX_COMBINATION_DOCUMENTS` open documents whose open
    amounts add up to `amount` exactly."""
    candidates = sorted(
        ((doc, open_amount) for doc, open_amount in open_documents if open_amount > 0),
        key=lambda candidate: (-candidate[1], candidate[0]),
    )
    found: list[frozenset[str]] = []

    def search(start: int, remaining: Decimal, chosen: tuple[str, ...]) -> None:
        if remaining == 0:
            found.append(frozenset(chosen))
            return
        if len(chosen) == MAX_COMBINATION_DOCUMENTS:
            return
        for index in range(start, len(candidates)):
            if len(found) >= limit:
                return
            document_id, open_amount = candidates[index]
            if open_amount <= remaining:
                search(index + 1, remaining - open_amount, (*chosen, document_id))

    search(0, amount, ())
    return found


def expected_match_type(payment: Payment) -> str:
    """The case of `MATCH_TYPES` a payment puts to a matcher, once `identifiable` is known."""
    if payment.channel == "gateway" and payment.scenario in GATEWAY_REFERENCED_SCENARIOS:
        return "gateway_reference"
    if payment.scenario in REFERENCED_MATCH_TYPES:
        return REFERENCED_MATCH_TYPES[payment.scenario]
    if payment.identifiable:
        return "payer_unique_amount" if len(payment.allocations) == 1 else "payer_unique_sum"
    return "ambiguous_amount" if payment.known_payer else "unidentifiable"


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
