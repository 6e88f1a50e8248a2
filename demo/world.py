"""The simulated companies, their customers and the documents they issue."""

import itertools
import math
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from faker import Faker

from demo.dates import BusinessCalendar
from demo.money import iva, pesos
from demo.noise import NoiseMix
from demo.references import collection_reference, creditor_reference, nit_with_check_digit
from ingest.config import CompanyRegistry

# companies.yml names the bank of each account; each demo bank delivers one statement format.
STATEMENT_FORMAT_BY_BANK = {"bancolombia": "camt053", "davivienda": "mt940"}

SEGMENT_SHARES = {"corporate": 0.20, "sme": 0.50, "individual": 0.30}
# Net invoice amount range in COP per segment, drawn log-uniformly.
NET_AMOUNT_RANGE = {
    "individual": (50_000, 2_000_000),
    "sme": (500_000, 20_000_000),
    "corporate": (5_000_000, 150_000_000),
}
# How many invoices a customer of each segment receives, relative to the others.
ACTIVITY_WEIGHT = {"corporate": 2.5, "sme": 1.3, "individual": 0.6}
PAYMENT_TERMS = {"corporate": (30, 45, 60), "sme": (30, 45, 60), "individual": (30, 30, 45)}
LEGAL_FORMS = {"corporate": ("S.A.S.", "S.A.", "S.A."), "sme": ("S.A.S.", "S.A.S.", "LTDA")}
BUSINESS_WORDS = (
    "Inversiones",
    "Distribuidora",
    "Comercializadora",
    "Ferretería",
    "Constructora",
    "Transportes",
    "Agroindustrial",
    "Laboratorios",
    "Textiles",
    "Servicios Integrales",
    "Soluciones",
    "Importadora",
    "Alimentos",
    "Suministros",
    "Grupo",
    "Droguería",
    "Logística",
    "Confecciones",
    "Muebles",
    "Ingeniería",
)
LEGAL_FORM_WORDS = ("sas", "sa", "ltda")
THIRD_PARTY_KINDS = ("Factoring {} S.A.", "{} Holding S.A.S.", "Fiduciaria {} S.A.")
KNOWN_BANK_ACCOUNT_SHARE = 0.60
NEW_CUSTOMER_SHARE = 0.06
CREDIT_NOTE_SHARE = 0.04
# Plans with a fixed monthly fee are sold to individuals and small firms.
RECURRING_SEGMENTS = ("individual", "sme")


@dataclass(frozen=True)
class Scale:
    name: str
    customer_count: int
    invoice_count: int
    period_start_date: date
    as_of_date: date
    # First day on which customers announced in a second master file can be invoiced.
    new_customers_date: date
    agreements_per_company: int
    equal_amount_pairs: int
    # Floor on promises to pay, so that even a small world exercises the promise files.
    minimum_promises: int


SCALES = {
    "demo": Scale(
        name="demo",
        customer_count=500,
        invoice_count=5000,
        period_start_date=date(2026, 5, 1),
        as_of_date=date(2026, 10, 31),
        new_customers_date=date(2026, 8, 1),
        agreements_per_company=10,
        equal_amount_pairs=30,
        minimum_promises=0,
    ),
    "small": Scale(
        name="small",
        customer_count=40,
        invoice_count=300,
        period_start_date=date(2026, 9, 1),
        as_of_date=date(2026, 10, 31),
        new_customers_date=date(2026, 10, 1),
        agreements_per_company=2,
        equal_amount_pairs=1,
        minimum_promises=4,
    ),
}


@dataclass(frozen=True)
class Company:
    company_id: str
    legal_name: str
    tax_id_base: str
    tax_id_check_digit: str
    # Leading digit of the company's recaudo references: 1 for the first company, 2 next.
    reference_digit: int
    camt_account: str
    mt940_account: str
    collection_account: str
    collecting_bank_code: str
    service_code: str
    merchant_account: str
    payout_account: str

    @property
    def invoice_prefix(self) -> str:
        return f"FE{self.company_id[0].upper()}"

    @property
    def credit_note_prefix(self) -> str:
        return f"NC{self.company_id[0].upper()}"

    @property
    def tax_id_with_check_digit(self) -> str:
        return self.tax_id_base + self.tax_id_check_digit


def load_companies(registry: CompanyRegistry) -> list[Company]:
    return [_company(entry, index + 1) for index, entry in enumerate(registry.companies)]


def _company(entry: dict, reference_digit: int) -> Company:
    accounts = {}
    for account in entry["bank_accounts"]:
        if account["bank"] not in STATEMENT_FORMAT_BY_BANK:
            raise ValueError(
                f"companies.yml: company {entry['company_id']}, account {account['account']}, "
                f"field bank: expected one of {', '.join(STATEMENT_FORMAT_BY_BANK)}, "
                f"found {account['bank']!r}"
            )
        accounts[STATEMENT_FORMAT_BY_BANK[account["bank"]]] = account["account"]
    collection = entry["collection_accounts"][0]
    merchant = entry["gateway_merchants"][0]
    tax_id_base, tax_id_check_digit = entry["tax_id"].split("-")
    return Company(
        company_id=entry["company_id"],
        legal_name=entry["legal_name"],
        tax_id_base=tax_id_base,
        tax_id_check_digit=tax_id_check_digit,
        reference_digit=reference_digit,
        camt_account=accounts["camt053"],
        mt940_account=accounts["mt940"],
        collection_account=collection["account"],
        collecting_bank_code=collection["bank_code"],
        service_code=collection["service_code"],
        merchant_account=merchant["merchant_account"],
        payout_account=merchant["payout_account"],
    )


@dataclass(frozen=True)
class Customer:
    customer_id: str
    company_id: str
    customer_name: str
    segment: str
    # NIT with its check digit (`860034313-7`) for companies, a bare cédula for individuals.
    tax_id: str
    email: str
    phone: str
    # The account the company has on file; empty when the customer never gave one.
    bank_account: str
    # The account the customer really pays from: the known one when there is one.
    paying_account: str
    payment_terms_days: int
    joined_date: date
    activity_weight: float

    @property
    def is_company(self) -> bool:
        return self.segment != "individual"

    @property
    def tax_id_digits(self) -> str:
        return self.tax_id.replace("-", "")


@dataclass(frozen=True)
class Document:
    document_id: str
    company_id: str
    document_type: str
    related_document_id: str
    customer_id: str
    issue_date: date
    due_date: date
    net_amount: Decimal
    tax_amount: Decimal
    total_amount: Decimal
    payment_reference: str
    collection_reference: str


@dataclass(frozen=True)
class Counterparty:
    """Someone other than a customer who moves money through the companies' accounts."""

    name: str
    tax_id: str
    bank_account: str


@dataclass
class World:
    companies: list[Company]
    customers: list[Customer]
    invoices: list[Document]
    credit_notes: list[Document]
    # Pairs of one customer's invoices with the same amount: (older, newer).
    equal_amount_pairs: list[tuple[Document, Document]]
    # Head offices and factoring firms that pay on a customer's behalf.
    third_party_payers: list[Counterparty]
    # Suppliers the companies pay from their bank accounts.
    suppliers: list[Counterparty]
    # Customers billed a fixed fee on every invoice, with that fee's net amount.
    recurring_fees: dict[str, Decimal]

    def __post_init__(self) -> None:
        self.company_by_id = {company.company_id: company for company in self.companies}
        self.customer_by_id = {customer.customer_id: customer for customer in self.customers}
        self.document_by_id = {
            document.document_id: document for document in self.invoices + self.credit_notes
        }
        self.credit_note_by_invoice = {note.related_document_id: note for note in self.credit_notes}
        emails = Counter((customer.company_id, customer.email) for customer in self.customers)
        # Free e-mail addresses repeat now and then; such an address names no one customer.
        self.shared_emails = {email for email, count in emails.items() if count > 1}


def ascii_upper(text: str) -> str:
    """Bank-style text: accents dropped, `Ñ` as `N`, upper case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).upper()


def build_world(
    rng: random.Random,
    faker: Faker,
    companies: list[Company],
    scale: Scale,
    calendar: BusinessCalendar,
    mix: NoiseMix,
) -> World:
    customers = _build_customers(rng, faker, companies, scale, calendar)
    drafts = _draft_invoices(rng, customers, scale, calendar)
    recurring_fees = _recurring_fees(rng, drafts, customers, mix)
    pair_indexes = _equal_amount_pairs(rng, drafts, customers, scale)
    invoices = _number_invoices(drafts, companies)
    paired = {index for pair in pair_indexes for index in pair}
    credit_notes = _credit_notes(rng, invoices, paired, companies, scale, calendar)
    pairs = [(invoices[older], invoices[newer]) for older, newer in pair_indexes]
    invoices.sort(key=lambda invoice: (invoice.issue_date, invoice.document_id))
    third_party_payers = [
        _counterparty(rng, kind.format(faker.last_name()))
        for kind in THIRD_PARTY_KINDS
        for _ in range(3)
    ]
    suppliers = [_counterparty(rng, _customer_name(rng, faker, "corporate")) for _ in range(12)]
    return World(
        companies,
        customers,
        invoices,
        credit_notes,
        pairs,
        third_party_payers,
        suppliers,
        recurring_fees,
    )


def _counterparty(rng: random.Random, name: str) -> Counterparty:
    return Counterparty(name, _tax_id(rng, "corporate"), _bank_account_number(rng))


def _build_customers(
    rng: random.Random,
    faker: Faker,
    companies: list[Company],
    scale: Scale,
    calendar: BusinessCalendar,
) -> list[Customer]:
    # The first company serves a little more than half the customers.
    first_share = 0.55
    counts = [round(scale.customer_count * first_share)]
    counts.append(scale.customer_count - counts[0])
    taken_names: set[str] = set()
    taken_tax_ids: set[str] = set()
    customers: list[Customer] = []
    for company, count in zip(companies, counts, strict=True):
        new_count = max(1, round(count * NEW_CUSTOMER_SHARE))
        for position in range(count):
            joined_date = scale.period_start_date
            if position >= count - new_count:
                joined_date = scale.new_customers_date
            customer_id = f"C{len(customers) + 1:04d}"
            customers.append(
                _customer(rng, faker, company, customer_id, joined_date, taken_names, taken_tax_ids)
            )
    return customers


def _customer(
    rng: random.Random,
    faker: Faker,
    company: Company,
    customer_id: str,
    joined_date: date,
    taken_names: set[str],
    taken_tax_ids: set[str],
) -> Customer:
    segment = rng.choices(list(SEGMENT_SHARES), weights=list(SEGMENT_SHARES.values()))[0]
    name = _unique(lambda: _customer_name(rng, faker, segment), taken_names)
    tax_id = _unique(lambda: _tax_id(rng, segment), taken_tax_ids)
    known_account = rng.random() < KNOWN_BANK_ACCOUNT_SHARE
    paying_account = _bank_account_number(rng)
    return Customer(
        customer_id=customer_id,
        company_id=company.company_id,
        customer_name=name,
        segment=segment,
        tax_id=tax_id,
        email=_email(rng, faker, name, segment),
        phone=f"+57 3{rng.randint(0, 2)}{rng.randint(0, 9)} {rng.randint(100, 999)} "
        f"{rng.randint(1000, 9999)}",
        bank_account=paying_account if known_account else "",
        paying_account=paying_account,
        payment_terms_days=rng.choice(PAYMENT_TERMS[segment]),
        joined_date=joined_date,
        activity_weight=ACTIVITY_WEIGHT[segment] * rng.lognormvariate(0, 0.5),
    )


def _unique(draw, taken: set[str]) -> str:
    value = draw()
    while value in taken:
        value = draw()
    taken.add(value)
    return value


def _customer_name(rng: random.Random, faker: Faker, segment: str) -> str:
    if segment == "individual":
        return f"{faker.first_name()} {faker.last_name()} {faker.last_name()}"
    word = rng.choice(BUSINESS_WORDS)
    place = faker.last_name() if rng.random() < 0.6 else faker.city()
    return f"{word} {place} {rng.choice(LEGAL_FORMS[segment])}"


def _tax_id(rng: random.Random, segment: str) -> str:
    if segment == "individual":
        return str(rng.randint(10_000_000, 1_199_999_999))
    # Legal entities receive NITs in the 800 and 900 million ranges.
    return nit_with_check_digit(str(rng.randint(800_000_000, 901_999_999)))


def _email(rng: random.Random, faker: Faker, name: str, segment: str) -> str:
    if segment == "individual":
        return faker.free_email()
    words = ascii_upper(name).lower().replace(".", "").split()
    domain = "".join(word for word in words if word.isalpha() and word not in LEGAL_FORM_WORDS)
    mailbox = rng.choice(("facturacion", "tesoreria", "pagos", "contabilidad"))
    return f"{mailbox}@{domain}.com.co"


def _bank_account_number(rng: random.Random) -> str:
    return str(rng.randint(10**10, 10**11 - 1))


@dataclass
class _Draft:
    company_id: str
    customer: Customer
    issue_date: date
    net_amount: Decimal


def _draft_invoices(
    rng: random.Random, customers: list[Customer], scale: Scale, calendar: BusinessCalendar
) -> list[_Draft]:
    days = calendar.business_days(scale.period_start_date, scale.as_of_date)
    drafts: list[_Draft] = []
    by_company: dict[str, list[Customer]] = {}
    for customer in customers:
        by_company.setdefault(customer.company_id, []).append(customer)
    company_ids = list(by_company)
    for company_index, company_id in enumerate(company_ids):
        company_customers = by_company[company_id]
        count = round(scale.invoice_count * len(company_customers) / len(customers))
        if company_index == len(company_ids) - 1:
            count = scale.invoice_count - len(drafts)
        founders = [c for c in company_customers if c.joined_date == scale.period_start_date]
        for _ in range(count):
            issue_date = rng.choice(days)
            eligible = founders if issue_date < scale.new_customers_date else company_customers
            customer = rng.choices(eligible, weights=[c.activity_weight for c in eligible])[0]
            drafts.append(_Draft(company_id, customer, issue_date, _net_amount(rng, customer)))
    return drafts


def _net_amount(rng: random.Random, customer: Customer) -> Decimal:
    low, high = NET_AMOUNT_RANGE[customer.segment]
    drawn = math.exp(rng.uniform(math.log(low), math.log(high)))
    # Price lists end in hundreds of pesos.
    return pesos(round(drawn / 100) * 100)


def _recurring_fees(
    rng: random.Random, drafts: list[_Draft], customers: list[Customer], mix: NoiseMix
) -> dict[str, Decimal]:
    """Put some customers on a monthly plan: each of their invoices bills the plan's fee.

    Each company has a short price list per segment, so customers on one plan are billed the
    same amount as each other, month after month.
    """
    if mix.recurring_customer_share == 0:
        return {}
    invoiced = {draft.customer.customer_id for draft in drafts}
    price_lists: dict[tuple[str, str], list[Decimal]] = {}
    fees: dict[str, Decimal] = {}
    for customer in customers:
        if customer.segment not in RECURRING_SEGMENTS or customer.customer_id not in invoiced:
            continue
        if rng.random() >= mix.recurring_customer_share:
            continue
        key = (customer.company_id, customer.segment)
        if key not in price_lists:
            price_lists[key] = [_net_amount(rng, customer) for _ in range(mix.plans_per_segment)]
        fees[customer.customer_id] = rng.choice(price_lists[key])
    for draft in drafts:
        if draft.customer.customer_id in fees:
            draft.net_amount = fees[draft.customer.customer_id]
    return fees


def _equal_amount_pairs(
    rng: random.Random, drafts: list[_Draft], customers: list[Customer], scale: Scale
) -> list[tuple[int, int]]:
    """Give some customers two invoices of one amount a few weeks apart (a monthly fee).

    Only customers whose account is on file qualify: the payer is known, and still the
    amount alone cannot say which of the two open invoices was paid.
    """
    by_customer: dict[str, list[int]] = {}
    for index, draft in enumerate(drafts):
        by_customer.setdefault(draft.customer.customer_id, []).append(index)
    latest_newer_issue = scale.as_of_date - timedelta(days=20)
    candidates = [
        customer.customer_id
        for customer in customers
        if customer.bank_account and len(by_customer.get(customer.customer_id, [])) >= 2
    ]
    rng.shuffle(candidates)
    pairs: list[tuple[int, int]] = []
    for customer_id in candidates:
        if len(pairs) == scale.equal_amount_pairs:
            break
        indexes = sorted(by_customer[customer_id], key=lambda i: (drafts[i].issue_date, i))
        for older, newer in itertools.pairwise(indexes):
            gap_days = (drafts[newer].issue_date - drafts[older].issue_date).days
            if 7 <= gap_days <= 35 and drafts[newer].issue_date <= latest_newer_issue:
                drafts[newer].net_amount = drafts[older].net_amount
                pairs.append((older, newer))
                break
    return pairs


def _number_invoices(drafts: list[_Draft], companies: list[Company]) -> list[Document]:
    """Number invoices per company in issue order, so numbers grow with dates as in an ERP."""
    prefix = {company.company_id: company.invoice_prefix for company in companies}
    digit = {company.company_id: company.reference_digit for company in companies}
    order = sorted(range(len(drafts)), key=lambda i: (drafts[i].issue_date, i))
    next_number = dict.fromkeys(prefix, 1)
    numbered: dict[int, Document] = {}
    for index in order:
        draft = drafts[index]
        number = next_number[draft.company_id]
        next_number[draft.company_id] += 1
        document_id = f"{prefix[draft.company_id]}-{number:06d}"
        tax_amount = iva(draft.net_amount)
        numbered[index] = Document(
            document_id=document_id,
            company_id=draft.company_id,
            document_type="invoice",
            related_document_id="",
            customer_id=draft.customer.customer_id,
            issue_date=draft.issue_date,
            due_date=draft.issue_date + timedelta(days=draft.customer.payment_terms_days),
            net_amount=draft.net_amount,
            tax_amount=tax_amount,
            total_amount=draft.net_amount + tax_amount,
            payment_reference=creditor_reference(document_id),
            collection_reference=collection_reference(digit[draft.company_id], number),
        )
    return [numbered[index] for index in range(len(drafts))]


def _credit_notes(
    rng: random.Random,
    invoices: list[Document],
    excluded: set[int],
    companies: list[Company],
    scale: Scale,
    calendar: BusinessCalendar,
) -> list[Document]:
    prefix = {company.company_id: company.credit_note_prefix for company in companies}
    notes: list[tuple[date, int, Document, Decimal]] = []
    for index, invoice in enumerate(invoices):
        if index in excluded or rng.random() >= CREDIT_NOTE_SHARE:
            continue
        issue_date = calendar.on_or_after(invoice.issue_date + timedelta(days=rng.randint(2, 8)))
        if issue_date > scale.as_of_date:
            continue
        share = Decimal(rng.randint(5, 40)) / 100
        notes.append((issue_date, index, invoice, pesos(int(invoice.net_amount * share))))
    notes.sort(key=lambda note: (note[0], note[1]))
    next_number = dict.fromkeys(prefix, 1)
    credit_notes = []
    for issue_date, _, invoice, net_amount in notes:
        number = next_number[invoice.company_id]
        next_number[invoice.company_id] += 1
        tax_amount = iva(net_amount)
        credit_notes.append(
            Document(
                document_id=f"{prefix[invoice.company_id]}-{number:06d}",
                company_id=invoice.company_id,
                document_type="credit_note",
                related_document_id=invoice.document_id,
                customer_id=invoice.customer_id,
                issue_date=issue_date,
                # A credit note is never collected; it is due the day it is issued.
                due_date=issue_date,
                net_amount=net_amount,
                tax_amount=tax_amount,
                total_amount=net_amount + tax_amount,
                payment_reference="",
                collection_reference="",
            )
        )
    return credit_notes
