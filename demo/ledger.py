"""Bank accounts day by day: customer credits, gateway payouts, suppliers, fees and taxes."""

import itertools
import math
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from demo.dates import BusinessCalendar
from demo.gateway import Payout
from demo.money import ZERO, iva, pesos, to_peso
from demo.payments import Payment
from demo.remittance import bank_name
from demo.world import Company, Scale, World

# Prefix of each bank's entry references: `BCOL2026051400017`, `DAV2026051400017` (MT940
# allows 16 characters).
BANK_REFERENCE_PREFIX = {"camt053": "BCOL", "mt940": "DAV"}
# Gravamen a los movimientos financieros: 4 per thousand of each debit (Estatuto
# Tributario art. 871), booked by the bank as one debit per day.
GMF_RATE = Decimal("0.004")
MONTHLY_FEE_AMOUNT = pesos(32_900)
SUPPLIER_PAYMENT_DAY_SHARE = 0.30
# Supplier payments never take more than this share of the balance the day starts with.
SUPPLIER_PAYMENT_BALANCE_CAP = Decimal("0.25")
NO_END_TO_END_ID_SHARE = 0.40


@dataclass
class BankEntry:
    booking_date: date
    # credit | debit
    direction: str
    amount: Decimal
    transaction_code: str
    counterparty_name: str = ""
    counterparty_account: str = ""
    remittance_text: str = ""
    structured_reference: str = ""
    # MT940 `:61:` account-owner reference (16 characters at most).
    customer_reference: str = "NONREF"
    end_to_end_id: str = "NOTPROVIDED"
    payment: Payment | None = None
    payout: Payout | None = None
    entry_reference: str = ""


@dataclass
class BankStatement:
    company_id: str
    account: str
    source_format: str
    statement_date: date
    sequence_number: int
    opening_balance: Decimal
    closing_balance: Decimal
    entries: list[BankEntry]

    @property
    def credit_total(self) -> Decimal:
        return sum((e.amount for e in self.entries if e.direction == "credit"), ZERO)

    @property
    def debit_total(self) -> Decimal:
        return sum((e.amount for e in self.entries if e.direction == "debit"), ZERO)


def build_statements(
    rng: random.Random,
    world: World,
    payments: list[Payment],
    payouts: list[Payout],
    scale: Scale,
    calendar: BusinessCalendar,
) -> list[BankStatement]:
    """One statement per account and business day with movements, balances chained."""
    counters: dict[tuple[str, date], int] = {}
    statements = []
    for company in world.companies:
        for account, source_format in _statement_accounts(company):
            credits = _customer_credits(rng, payments, company, source_format)
            for payout in payouts:
                if payout.payout_account == account and payout.payout_date <= scale.as_of_date:
                    credits.setdefault(payout.payout_date, []).append(_payout_credit(payout))
            statements += _account_statements(
                rng, world, company, account, source_format, credits, counters, scale, calendar
            )
    return statements


def _statement_accounts(company: Company) -> list[tuple[str, str]]:
    return [(company.camt_account, "camt053"), (company.mt940_account, "mt940")]


def _customer_credits(
    rng: random.Random, payments: list[Payment], company: Company, source_format: str
) -> dict[date, list[BankEntry]]:
    credits: dict[date, list[BankEntry]] = {}
    for payment in payments:
        if payment.company_id != company.company_id or payment.source_format != source_format:
            continue
        end_to_end_id = "NOTPROVIDED"
        if rng.random() >= NO_END_TO_END_ID_SHARE:
            end_to_end_id = f"{payment.payment_date:%Y%m%d}{rng.randint(10**7, 10**8 - 1)}"
        reference = payment.typed_reference
        credits.setdefault(payment.payment_date, []).append(
            BankEntry(
                booking_date=payment.payment_date,
                direction="credit",
                amount=payment.amount,
                transaction_code="ACH-CR",
                counterparty_name=payment.payer_name,
                counterparty_account=payment.payer_account,
                remittance_text=payment.remittance_text,
                structured_reference=payment.structured_reference,
                customer_reference=reference if 0 < len(reference) <= 16 else "NONREF",
                end_to_end_id=end_to_end_id,
                payment=payment,
            )
        )
    return credits


def _payout_credit(payout: Payout) -> BankEntry:
    return BankEntry(
        booking_date=payout.payout_date,
        direction="credit",
        amount=payout.net_amount,
        transaction_code="ACH-CR",
        counterparty_name="WOMPI S.A.S.",
        remittance_text=f"WOMPI PAYOUT {payout.payout_id}",
        end_to_end_id=payout.payout_id,
        payout=payout,
    )


def _account_statements(
    rng: random.Random,
    world: World,
    company: Company,
    account: str,
    source_format: str,
    credits: dict[date, list[BankEntry]],
    counters: dict[tuple[str, date], int],
    scale: Scale,
    calendar: BusinessCalendar,
) -> list[BankStatement]:
    balance = pesos(rng.randint(300, 900) * 1_000_000)
    days = calendar.business_days(scale.period_start_date, scale.as_of_date)
    month_last_days = [
        day
        for day, following in itertools.pairwise([*days, None])
        if following is None or following.month != day.month
    ]
    statements = []
    for day in days:
        entries = list(credits.get(day, []))
        if rng.random() < SUPPLIER_PAYMENT_DAY_SHARE:
            entries.append(_supplier_payment(rng, world, day, balance))
        rng.shuffle(entries)
        entries += _bank_charges(day, entries, day in month_last_days)
        if not entries:
            continue
        prefix = BANK_REFERENCE_PREFIX[source_format]
        for entry in entries:
            counters[(prefix, day)] = counters.get((prefix, day), 0) + 1
            entry.entry_reference = f"{prefix}{day:%Y%m%d}{counters[(prefix, day)]:05d}"
            _link_reference(entry)
        closing_balance = balance + sum(
            (e.amount if e.direction == "credit" else -e.amount for e in entries), ZERO
        )
        statements.append(
            BankStatement(
                company_id=company.company_id,
                account=account,
                source_format=source_format,
                statement_date=day,
                sequence_number=len(statements) + 1,
                opening_balance=balance,
                closing_balance=closing_balance,
                entries=entries,
            )
        )
        balance = closing_balance
    return statements


def _link_reference(entry: BankEntry) -> None:
    if entry.payment is not None:
        entry.payment.source_reference = entry.entry_reference
    if entry.payout is not None:
        entry.payout.bank_source_reference = entry.entry_reference


def _supplier_payment(rng: random.Random, world: World, day: date, balance: Decimal) -> BankEntry:
    supplier = rng.choice(world.suppliers)
    ceiling = max(2_000_000, min(80_000_000, int(balance * SUPPLIER_PAYMENT_BALANCE_CAP)))
    drawn = math.exp(rng.uniform(math.log(1_000_000), math.log(ceiling)))
    return BankEntry(
        booking_date=day,
        direction="debit",
        amount=pesos(round(drawn / 100) * 100),
        transaction_code="ACH-DB",
        counterparty_name=bank_name(supplier.name),
        counterparty_account=supplier.bank_account,
        remittance_text=f"PAGO PROVEEDOR {bank_name(supplier.name)} NIT {supplier.tax_id}",
        customer_reference=f"OP{day:%m%d}{rng.randint(1000, 9999)}",
    )


def _bank_charges(day: date, entries: list[BankEntry], month_end: bool) -> list[BankEntry]:
    """Charges the bank books at the end of the day: monthly fee with its IVA, then GMF."""
    charges = []
    if month_end:
        charges.append(_charge(day, MONTHLY_FEE_AMOUNT, "COMISION", "CUOTA MANEJO CUENTA"))
        fee_tax = iva(MONTHLY_FEE_AMOUNT)
        charges.append(_charge(day, fee_tax, "IVA-COMISION", "IVA CUOTA MANEJO CUENTA"))
    debits = sum((e.amount for e in entries + charges if e.direction == "debit"), ZERO)
    if debits > 0:
        charges.append(_charge(day, to_peso(debits * GMF_RATE), "GMF", "GMF 4X1000"))
    return charges


def _charge(day: date, amount: Decimal, code: str, text: str) -> BankEntry:
    return BankEntry(day, "debit", amount, code, remittance_text=text)
