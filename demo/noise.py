"""The noise mix: how often each kind of trouble a cash applier meets shows up in the demo.

Every case the generator can produce is a field of `NoiseMix`, so the whole mix reads in one
place. Payment scenarios are weights drawn once per invoice (they need not add up to one);
recurring billing and withholding are shares of customers and of corporate invoices. A case
at zero draws nothing, so the other cases of a seed stay as they were. The `collisions`
stress mix turns on every case, and the benchmark shows what each costs.
"""

from dataclasses import asdict, dataclass, replace

# Payment scenarios among the fields below; the other fields shape billing, not payments.
SCENARIO_FIELDS = (
    "clean",
    "free_text_reference",
    "missing_reference",
    "mistyped_reference",
    "partial",
    "multi_invoice",
    "multi_invoice_unreferenced",
    "third_party_payer",
    "short_payment",
    "overpayment",
)


@dataclass(frozen=True)
class NoiseMix:
    """Shares of each case; the defaults are the realistic scenario."""

    clean: float = 0.66
    """The payment names its invoice (RF reference, invoice number or recaudo reference) and
    pays its open amount: a third of camt.053 credits send the RF reference structured."""

    free_text_reference: float = 0.0
    """A bank transfer whose only reference is buried in a longer free text, with the
    structured field and the MT940 account-owner reference left empty."""

    missing_reference: float = 0.085
    """No reference at all. The payer is still recognisable when its account is on file, its
    tax id is in the text (bank) or its e-mail is known (gateway); otherwise it is not."""

    mistyped_reference: float = 0.045
    """One digit of the reference typed wrong: the RF or Luhn check digit fails, or the
    invoice number points to no invoice or to another one."""

    partial: float = 0.04
    """30-70 % of the invoice now, the balance a few weeks later; agreements to pay in three
    instalments come on top, drawn per company (`Scale.agreements_per_company`)."""

    multi_invoice: float = 0.085
    """One bank transfer pays two to five invoices of one customer and lists them all."""

    multi_invoice_unreferenced: float = 0.0
    """One bank transfer pays two to five invoices of one customer and names none of them:
    only the sum of the open amounts tells which."""

    third_party_payer: float = 0.035
    """A head office, factoring firm or trust pays the customer's invoice, quoting it, from an
    account and a name that are not the customer's."""

    short_payment: float = 0.0
    """The payer quotes the invoice and pays a little less: half round down to the thousand
    pesos, half deduct an interbank transfer charge (COP 3,000 to 9,900)."""

    overpayment: float = 0.0
    """The payer quotes the invoice and pays more than it owes: half round up to the next ten
    thousand pesos, half pay 5-20 % too much (an earlier version of the invoice)."""

    withholding_short: float = 0.08
    """Share of corporate customers' invoices paid net of ReteFuente, ReteIVA and ReteICA;
    drawn before the scenarios above, which share the rest."""

    recurring_customer_share: float = 0.0
    """Share of individual and SME customers billed a fixed monthly fee from their company's
    price list: every invoice of such a customer has the same amount, and customers on the
    same plan collide with one another, which is what an amount-only matcher cannot tell
    apart."""

    plans_per_segment: int = 4
    """Price-list fees per company and segment that recurring customers are billed."""

    def scenario_weights(self) -> dict[str, float]:
        weights = {name: getattr(self, name) for name in SCENARIO_FIELDS}
        return {name: weight for name, weight in weights.items() if weight > 0}

    def to_json_dict(self) -> dict:
        return asdict(self)


NOISE_MIXES = {
    "realistic": NoiseMix(),
    # Every case on: many customers on few plans, more payments without a reference, and
    # payments of several invoices that name none, which break amount-only matching.
    "collisions": replace(
        NoiseMix(),
        clean=0.46,
        free_text_reference=0.04,
        missing_reference=0.14,
        multi_invoice_unreferenced=0.04,
        short_payment=0.015,
        overpayment=0.01,
        recurring_customer_share=0.60,
        plans_per_segment=2,
    ),
}


def noise_mix(name: str) -> NoiseMix:
    if name not in NOISE_MIXES:
        raise ValueError(f"noise mix {name!r} is not one of {', '.join(sorted(NOISE_MIXES))}")
    return NOISE_MIXES[name]
