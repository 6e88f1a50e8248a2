"""How customers pay: when, through which channel and with which noise; promises; agreements.

Each invoice first gets a plan (an intended payment day, a channel and a scenario). Plans are
then adjusted in order: credit notes, equal-amount pairs, payment agreements, channel fit,
multi-invoice grouping and promises to pay. Only then are payments built from the plans.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from demo.dates import BusinessCalendar, add_months
from demo.money import ZERO, customer_withholding, pesos, to_peso
from demo.noise import NoiseMix
from demo.payments import Allocation, Payment, number_payments
from demo.remittance import describe
from demo.world import Customer, Document, Scale, World

# Share of each channel per segment: individuals favour the gateway and bank branches,
# corporate customers transfer from their bank.
FORMAT_WEIGHTS = {
    "individual": {"camt053": 0.08, "mt940": 0.07, "asobancaria2001": 0.40, "gateway": 0.45},
    "sme": {"camt053": 0.38, "mt940": 0.18, "asobancaria2001": 0.20, "gateway": 0.24},
    "corporate": {"camt053": 0.55, "mt940": 0.27, "asobancaria2001": 0.13, "gateway": 0.05},
}
PREFERRED_FORMAT_SHARE = 0.75
# Days paid after the due date: (mean, standard deviation) of a normal draw per segment.
DELAY_DAYS = {"individual": (-4.0, 6.0), "sme": (3.0, 10.0), "corporate": (10.0, 14.0)}
# Some payments run much later than the segment's habit.
LATE_TAIL_SHARE = 0.10
LATE_TAIL_MEAN_DAYS = 30.0
# Invoices not paid at all by the as-of date, whatever their age.
DELINQUENT_SHARE = {"individual": 0.06, "sme": 0.09, "corporate": 0.08}
BANK_FORMATS = ("camt053", "mt940")
# Scenarios that only some channels can carry: a recaudo line or a gateway charge names one
# reference and is paid by the customer itself.
SCENARIO_FORMATS = {
    "free_text_reference": BANK_FORMATS,
    "multi_invoice": BANK_FORMATS,
    "multi_invoice_unreferenced": BANK_FORMATS,
    "short_payment": BANK_FORMATS,
    "overpayment": BANK_FORMATS,
    "third_party_payer": BANK_FORMATS,
    "ambiguous": BANK_FORMATS,
    "withholding_short": (*BANK_FORMATS, "asobancaria2001"),
}
MULTI_INVOICE_SCENARIOS = ("multi_invoice", "multi_invoice_unreferenced")
MULTI_INVOICE_WINDOW_DAYS = 20
# Colombian banks charge the sender of an interbank (ACH) transfer a few thousand pesos; a
# payer who deducts it pays that much less.
TRANSFER_CHARGE_RANGE = (3_000, 9_900)
ROUNDING_STEP = Decimal(1_000)
OVERPAYMENT_ROUNDING_STEP = Decimal(10_000)
# An overpayment of an earlier version of the invoice: this much more than it owes.
OVERPAID_SHARE_RANGE = (5, 20)
PROMISABLE_SCENARIOS = (
    "clean",
    "free_text_reference",
    "missing_reference",
    "mistyped_reference",
    "third_party_payer",
    "withholding_short",
    "credit_note_net",
)
PROMISE_SHARE = 0.30
PROMISE_CANCELLED_SHARE = 0.06
PROMISE_KEPT_SHARE = 0.70
BROKEN_PROMISE_NEVER_PAID_SHARE = 0.40
CONTACT_CHANNELS = ("phone", "email", "whatsapp")
INSTALMENT_COUNT = 3


@dataclass(frozen=True)
class Instalment:
    number: int
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class Agreement:
    agreement_id: str
    company_id: str
    customer_id: str
    document_id: str
    agreement_date: date
    instalments: tuple[Instalment, ...]


@dataclass
class Promise:
    promise_id: str
    company_id: str
    customer_id: str
    document_id: str
    promised_amount: Decimal
    promise_made_date: date
    promised_payment_date: date
    contact_channel: str
    cancelled_date: date | None
    # kept | broken | cancelled | pending, as seen on the as-of date.
    outcome: str = "pending"


@dataclass
class Plan:
    invoice: Document
    customer: Customer
    scenario: str
    source_format: str
    # Calendar day the customer sets out to pay; None when it does not pay by the as-of date.
    intended_date: date | None
    # Set once the plan belongs to an equal-amount pair or an agreement; nothing reshapes it.
    locked: bool = False
    # Paid inside another invoice's multi-invoice payment.
    absorbed: bool = False
    # Invoices paid together with this one.
    companions: list[Document] = field(default_factory=list)
    agreement: Agreement | None = None


@dataclass
class Collections:
    payments: list[Payment]
    promises: list[Promise]
    agreements: list[Agreement]


def simulate_collections(
    rng: random.Random, world: World, scale: Scale, calendar: BusinessCalendar, mix: NoiseMix
) -> Collections:
    preferred = {
        customer.customer_id: _draw(rng, FORMAT_WEIGHTS[customer.segment])
        for customer in world.customers
    }
    plans = [_base_plan(rng, world, invoice, preferred, mix) for invoice in world.invoices]
    plan_by_id = {plan.invoice.document_id: plan for plan in plans}
    for note in world.credit_notes:
        _net_of_credit_note(plan_by_id[note.related_document_id], note)
    for older, newer in world.equal_amount_pairs:
        _ambiguous_pair(rng, plan_by_id[older.document_id], plan_by_id[newer.document_id])
    agreements = _agreements(rng, plans, world, scale, calendar)
    for plan in plans:
        _fit_format(rng, plan)
    _group_multi_invoice(rng, plans, calendar)
    promises = _promises(rng, plans, world, scale, calendar)
    payments = [
        payment for plan in plans for payment in _payments(rng, plan, world, scale, calendar)
    ]
    payments = number_payments(payments)
    _promise_outcomes(promises, payments, scale.as_of_date)
    return Collections(payments, promises, agreements)


def _draw(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _base_plan(
    rng: random.Random,
    world: World,
    invoice: Document,
    preferred: dict[str, str],
    mix: NoiseMix,
) -> Plan:
    customer = world.customer_by_id[invoice.customer_id]
    mean_days, spread_days = DELAY_DAYS[customer.segment]
    delay_days = rng.gauss(mean_days, spread_days)
    if rng.random() < LATE_TAIL_SHARE:
        delay_days += rng.expovariate(1 / LATE_TAIL_MEAN_DAYS)
    intended_date = max(
        invoice.issue_date + timedelta(days=1), invoice.due_date + timedelta(days=round(delay_days))
    )
    if rng.random() < DELINQUENT_SHARE[customer.segment]:
        intended_date = None
    source_format = preferred[customer.customer_id]
    if rng.random() >= PREFERRED_FORMAT_SHARE:
        source_format = _draw(rng, FORMAT_WEIGHTS[customer.segment])
    if customer.segment == "corporate" and rng.random() < mix.withholding_short:
        scenario = "withholding_short"
    else:
        scenario = _draw(rng, mix.scenario_weights())
    return Plan(invoice, customer, scenario, source_format, intended_date)


def _net_of_credit_note(plan: Plan, note: Document) -> None:
    plan.scenario = "credit_note_net"
    if plan.intended_date is not None:
        plan.intended_date = max(plan.intended_date, note.issue_date + timedelta(days=1))


def _ambiguous_pair(rng: random.Random, older: Plan, newer: Plan) -> None:
    """The older invoice is paid without reference once the newer one, same amount, is open."""
    older.scenario, newer.scenario = "ambiguous", "clean"
    older.intended_date = newer.invoice.issue_date + timedelta(days=rng.randint(1, 10))
    newer.intended_date = older.intended_date + timedelta(days=rng.randint(7, 25))
    older.locked = newer.locked = True


def _agreements(
    rng: random.Random,
    plans: list[Plan],
    world: World,
    scale: Scale,
    calendar: BusinessCalendar,
) -> list[Agreement]:
    """Turn some long-overdue invoices into three monthly instalments."""
    agreements: list[Agreement] = []
    for company in world.companies:
        candidates = [
            plan
            for plan in plans
            if plan.invoice.company_id == company.company_id and _agreement_candidate(plan, scale)
        ]
        rng.shuffle(candidates)
        chosen: list[tuple[date, Plan]] = []
        for plan in candidates:
            if len(chosen) == scale.agreements_per_company:
                break
            offset = timedelta(days=rng.randint(15, 30))
            agreement_date = calendar.on_or_after(plan.invoice.due_date + offset)
            if agreement_date <= scale.as_of_date - timedelta(days=5):
                chosen.append((agreement_date, plan))
        chosen.sort(key=lambda item: (item[0], item[1].invoice.document_id))
        for number, (agreement_date, plan) in enumerate(chosen, start=1):
            agreement_id = f"AC{company.company_id[0].upper()}-{number:04d}"
            plan.agreement = _agreement(agreement_id, plan.invoice, agreement_date, calendar)
            plan.scenario, plan.locked = "agreement_instalment", True
            agreements.append(plan.agreement)
    return agreements


def _agreement_candidate(plan: Plan, scale: Scale) -> bool:
    invoice = plan.invoice
    late_from = invoice.due_date + timedelta(days=15)
    paid_late = plan.intended_date is None or plan.intended_date > late_from
    return (
        not plan.locked
        and plan.scenario in PROMISABLE_SCENARIOS
        and plan.scenario != "credit_note_net"
        and invoice.due_date <= scale.as_of_date - timedelta(days=20)
        and paid_late
    )


def _agreement(
    agreement_id: str, invoice: Document, agreement_date: date, calendar: BusinessCalendar
) -> Agreement:
    share = pesos(int(invoice.total_amount / INSTALMENT_COUNT))
    amounts = [share] * (INSTALMENT_COUNT - 1)
    amounts.append(invoice.total_amount - sum(amounts))
    instalments = tuple(
        Instalment(number, calendar.on_or_after(add_months(agreement_date, number)), amount)
        for number, amount in enumerate(amounts, start=1)
    )
    return Agreement(
        agreement_id,
        invoice.company_id,
        invoice.customer_id,
        invoice.document_id,
        agreement_date,
        instalments,
    )


def _fit_format(rng: random.Random, plan: Plan) -> None:
    allowed = SCENARIO_FORMATS.get(plan.scenario)
    if allowed and plan.source_format not in allowed:
        weights = FORMAT_WEIGHTS[plan.customer.segment]
        plan.source_format = _draw(rng, {name: weights[name] for name in allowed})


def settle_date(calendar: BusinessCalendar, source_format: str, day: date) -> date:
    """Bank transfers and branch collections book on business days; the gateway never closes."""
    return day if source_format == "gateway" else calendar.on_or_after(day)


def _group_multi_invoice(rng: random.Random, plans: list[Plan], calendar: BusinessCalendar) -> None:
    by_customer: dict[str, list[Plan]] = {}
    for plan in plans:
        by_customer.setdefault(plan.customer.customer_id, []).append(plan)
    for seed in plans:
        if seed.scenario not in MULTI_INVOICE_SCENARIOS or seed.intended_date is None:
            continue
        payment_date = settle_date(calendar, seed.source_format, seed.intended_date)
        companions = [
            plan
            for plan in by_customer[seed.customer.customer_id]
            if _can_join(plan, seed, payment_date, calendar)
        ]
        if not companions:
            seed.scenario = "clean"
            continue
        companions = companions[: rng.randint(1, 4)]
        for plan in companions:
            plan.absorbed, plan.scenario = True, seed.scenario
            seed.companions.append(plan.invoice)


def _can_join(plan: Plan, seed: Plan, payment_date: date, calendar: BusinessCalendar) -> bool:
    if plan is seed or plan.scenario != "clean" or plan.locked or plan.absorbed:
        return False
    if plan.intended_date is None or plan.invoice.issue_date >= payment_date:
        return False
    own_date = settle_date(calendar, plan.source_format, plan.intended_date)
    return abs((own_date - payment_date).days) <= MULTI_INVOICE_WINDOW_DAYS


def _promises(
    rng: random.Random,
    plans: list[Plan],
    world: World,
    scale: Scale,
    calendar: BusinessCalendar,
) -> list[Promise]:
    """About three in ten invoices that go overdue gets a promise, made 3-20 days past due.

    Small worlds have few overdue invoices, so they get at least a handful of promises.
    """
    candidates = []
    for plan in plans:
        made_date = _promise_made_date(rng, plan, scale, calendar)
        if made_date is not None:
            candidates.append((plan, made_date))
    count = max(round(PROMISE_SHARE * len(candidates)), scale.minimum_promises)
    chosen = sorted(rng.sample(range(len(candidates)), min(count, len(candidates))))
    promises = [_promise(rng, *candidates[index], world, scale, calendar) for index in chosen]
    promises.sort(key=lambda promise: (promise.promise_made_date, promise.document_id))
    counters: dict[str, int] = {}
    for promise in promises:
        counters[promise.company_id] = counters.get(promise.company_id, 0) + 1
        letter = promise.company_id[0].upper()
        promise.promise_id = f"PP{letter}-{counters[promise.company_id]:05d}"
    return promises


def _promise_made_date(
    rng: random.Random, plan: Plan, scale: Scale, calendar: BusinessCalendar
) -> date | None:
    """The day a collector could get a promise: overdue, still unpaid, by the as-of date."""
    if plan.scenario not in PROMISABLE_SCENARIOS or plan.locked or plan.companions:
        return None
    invoice = plan.invoice
    payment_date = None
    if plan.intended_date is not None:
        payment_date = settle_date(calendar, plan.source_format, plan.intended_date)
    if payment_date is not None and payment_date <= invoice.due_date:
        return None
    made_date = calendar.on_or_after(invoice.due_date + timedelta(days=rng.randint(3, 20)))
    if made_date > scale.as_of_date or (payment_date is not None and payment_date <= made_date):
        return None
    return made_date


def _promise(
    rng: random.Random,
    plan: Plan,
    made_date: date,
    world: World,
    scale: Scale,
    calendar: BusinessCalendar,
) -> Promise:
    """Record the promise and bend the plan: kept, broken, or cancelled along the way."""
    invoice = plan.invoice
    promised_date = made_date + timedelta(days=rng.randint(5, 15))
    note = world.credit_note_by_invoice.get(invoice.document_id)
    open_amount = invoice.total_amount
    if note is not None and note.issue_date <= made_date:
        open_amount -= note.total_amount
    cancelled_date = None
    draw = rng.random()
    if draw < PROMISE_CANCELLED_SHARE:
        days_to_promised_date = (promised_date - made_date).days
        cancelled_date = made_date + timedelta(days=rng.randint(1, days_to_promised_date - 1))
        if cancelled_date > scale.as_of_date:
            cancelled_date = None
    elif draw < PROMISE_CANCELLED_SHARE + (1 - PROMISE_CANCELLED_SHARE) * PROMISE_KEPT_SHARE:
        plan.intended_date = _kept_date(rng, plan, made_date, promised_date, calendar)
    elif rng.random() < BROKEN_PROMISE_NEVER_PAID_SHARE:
        plan.intended_date = None
    else:
        plan.intended_date = promised_date + timedelta(days=rng.randint(3, 30))
    return Promise(
        promise_id="",
        company_id=invoice.company_id,
        customer_id=invoice.customer_id,
        document_id=invoice.document_id,
        promised_amount=open_amount,
        promise_made_date=made_date,
        promised_payment_date=promised_date,
        contact_channel=rng.choice(CONTACT_CHANNELS),
        cancelled_date=cancelled_date,
    )


def _kept_date(
    rng: random.Random, plan: Plan, made_date: date, promised_date: date, calendar: BusinessCalendar
) -> date:
    day = promised_date - timedelta(days=rng.randint(0, 3))
    if plan.source_format != "gateway":
        day = calendar.on_or_before(day)
    if day <= made_date:
        day = settle_date(calendar, plan.source_format, made_date + timedelta(days=1))
    return day


def _payments(
    rng: random.Random, plan: Plan, world: World, scale: Scale, calendar: BusinessCalendar
) -> list[Payment]:
    if plan.absorbed:
        return []
    if plan.agreement is not None:
        return _instalment_payments(rng, plan, world, scale, calendar)
    if plan.intended_date is None:
        return []
    payment_date = settle_date(calendar, plan.source_format, plan.intended_date)
    if payment_date > scale.as_of_date:
        return []
    invoice = plan.invoice
    if plan.scenario == "partial":
        return _partial_payments(rng, plan, world, scale, calendar, payment_date)
    if plan.scenario in MULTI_INVOICE_SCENARIOS:
        documents = [invoice, *plan.companions]
        allocations = [Allocation(doc.document_id, doc.total_amount) for doc in documents]
        payment = _payment(plan, payment_date, allocations)
        describe(rng, payment, documents, world)
        return [payment]
    note = world.credit_note_by_invoice.get(invoice.document_id)
    allocation = Allocation(invoice.document_id, invoice.total_amount)
    if plan.scenario == "credit_note_net":
        allocation = Allocation(invoice.document_id, invoice.total_amount - note.total_amount)
    elif plan.scenario == "withholding_short":
        withheld = customer_withholding(invoice.net_amount, invoice.tax_amount)
        allocation = Allocation(invoice.document_id, invoice.total_amount - withheld, withheld)
    elif plan.scenario == "short_payment":
        short = _short_amount(rng, invoice.total_amount)
        allocation = Allocation(invoice.document_id, invoice.total_amount - short, ZERO, short)
    unapplied = ZERO
    if plan.scenario == "overpayment":
        unapplied = _overpaid_amount(rng, invoice.total_amount)
    payment = _payment(plan, payment_date, [allocation], unapplied)
    describe(rng, payment, [invoice], world, credit_note=note)
    return [payment]


def _short_amount(rng: random.Random, total_amount: Decimal) -> Decimal:
    """Rounded down to the thousand, or less an interbank transfer charge."""
    rounded_down = (total_amount // ROUNDING_STEP) * ROUNDING_STEP
    if rng.random() < 0.5 and rounded_down < total_amount:
        return total_amount - rounded_down
    return pesos(rng.randint(*TRANSFER_CHARGE_RANGE) // 100 * 100)


def _overpaid_amount(rng: random.Random, total_amount: Decimal) -> Decimal:
    """Rounded up to the next ten thousand, or 5-20 % more than the invoice."""
    step = OVERPAYMENT_ROUNDING_STEP
    rounded_up = (total_amount // step + 1) * step
    if rng.random() < 0.5:
        return rounded_up - total_amount
    return to_peso(total_amount * Decimal(rng.randint(*OVERPAID_SHARE_RANGE)) / 100)


def _payment(
    plan: Plan, payment_date: date, allocations: list[Allocation], unapplied: Decimal = ZERO
) -> Payment:
    return Payment(
        company_id=plan.invoice.company_id,
        customer=plan.customer,
        source_format=plan.source_format,
        payment_date=payment_date,
        amount=sum((allocation.allocated_amount for allocation in allocations), unapplied),
        allocations=allocations,
        scenario=plan.scenario,
    )


def _partial_payments(
    rng: random.Random,
    plan: Plan,
    world: World,
    scale: Scale,
    calendar: BusinessCalendar,
    payment_date: date,
) -> list[Payment]:
    """30-70 % now in round thousands, the balance a few weeks later."""
    invoice = plan.invoice
    share = Decimal(rng.randint(30, 70)) / 100
    first_amount = pesos(max(1, int(invoice.total_amount * share / 1000)) * 1000)
    first = _payment(plan, payment_date, [Allocation(invoice.document_id, first_amount)])
    describe(rng, first, [invoice], world)
    payments = [first]
    balance_date = settle_date(
        calendar, plan.source_format, payment_date + timedelta(days=rng.randint(10, 45))
    )
    if balance_date <= scale.as_of_date:
        balance = invoice.total_amount - first_amount
        second = _payment(plan, balance_date, [Allocation(invoice.document_id, balance)])
        describe(rng, second, [invoice], world, balance=True)
        payments.append(second)
    return payments


def _instalment_payments(
    rng: random.Random, plan: Plan, world: World, scale: Scale, calendar: BusinessCalendar
) -> list[Payment]:
    agreement = plan.agreement
    payments = []
    for instalment in agreement.instalments:
        day = instalment.due_date + timedelta(days=rng.randint(-3, 2))
        day = max(day, agreement.agreement_date + timedelta(days=1))
        payment_date = settle_date(calendar, plan.source_format, day)
        if payment_date > scale.as_of_date:
            break
        allocation = Allocation(plan.invoice.document_id, instalment.amount)
        payment = _payment(plan, payment_date, [allocation])
        describe(rng, payment, [plan.invoice], world, instalment_number=instalment.number)
        payments.append(payment)
    return payments


def _promise_outcomes(promises: list[Promise], payments: list[Payment], as_of_date: date) -> None:
    """Judge each promise the way a collector would on the as-of date."""
    payment_dates: dict[str, list[date]] = {}
    for payment in payments:
        for document_id in payment.document_ids:
            payment_dates.setdefault(document_id, []).append(payment.payment_date)
    for promise in promises:
        paid_in_time = any(
            promise.promise_made_date <= day <= promise.promised_payment_date
            for day in payment_dates.get(promise.document_id, [])
        )
        if promise.cancelled_date is not None:
            promise.outcome = "cancelled"
        elif paid_in_time:
            promise.outcome = "kept"
        elif promise.promised_payment_date < as_of_date:
            promise.outcome = "broken"
        else:
            promise.outcome = "pending"
