"""Asobancaria 2001 recaudo files: what the collecting bank took in at branches and PSE.

Fixed width, 162 characters a record: 01 file header, 05 lot header, 06 one per collection,
08 lot control, 09 file control; amounts in cents with no decimal point.
"""

import random
from datetime import date

from demo.dates import local_time
from demo.money import minor_units
from demo.payments import Payment
from demo.world import Company
from demo.writers.files import Inbox

RECORD_LENGTH = 162
LOT_NUMBER = "0001"
# The standard leaves these code tables to each bank; these are the demo bank's:
# procedencia 01 branch office, 03 internet; medio 01 cash, 02 cheque, 03 PSE debit.
ORIGIN_AND_METHOD_CODES = {
    "branch_cash": ("01", "01"),
    "branch_cheque": ("01", "02"),
    "pse": ("03", "03"),
}
# Demo bank table: 01 savings account.
ACCOUNT_TYPE_CODE = "01"
# Banks that PSE payers debit, by their clearing-house code.
PAYER_BANK_CODES = ("001", "002", "007", "013", "023", "051", "052")
FILE_MODIFIER = "A"


def assign_authorizations(rng: random.Random, payments: list[Payment]) -> None:
    """Give each recaudo a six-digit authorization number, unique within its company."""
    by_company: dict[str, list[Payment]] = {}
    for payment in payments:
        if payment.source_format == "asobancaria2001":
            by_company.setdefault(payment.company_id, []).append(payment)
    for company_id in sorted(by_company):
        company_payments = by_company[company_id]
        numbers = rng.sample(range(100_000, 1_000_000), len(company_payments))
        for payment, number in zip(company_payments, numbers, strict=True):
            payment.source_reference = str(number)


def asobancaria_name(company: Company, day: date) -> str:
    return f"asobancaria_{company.collection_account}_{day:%Y%m%d}.txt"


def write_asobancaria(
    inbox: Inbox, rng: random.Random, company: Company, day: date, payments: list[Payment]
) -> str:
    """Write one business day's collections; the bank delivers them at 19:30 that day."""
    name = asobancaria_name(company, day)
    inbox.write(
        "asobancaria", name, asobancaria_bytes(rng, company, day, payments), local_time(day, 19, 30)
    )
    return name


def asobancaria_bytes(
    rng: random.Random, company: Company, day: date, payments: list[Payment]
) -> bytes:
    details = [
        _detail(rng, company, payment, sequence)
        for sequence, payment in enumerate(payments, start=1)
    ]
    total_cents = sum(minor_units(payment.amount) for payment in payments)
    records = [
        _file_header(company, day),
        "05" + company.service_code.rjust(13, "0") + LOT_NUMBER,
        *details,
        f"08{len(details):09d}{total_cents:018d}{LOT_NUMBER}",
        f"09{len(details):09d}{total_cents:018d}",
    ]
    padded = [record.ljust(RECORD_LENGTH) for record in records]
    for record in padded:
        if len(record) != RECORD_LENGTH:
            raise ValueError(f"Asobancaria record of {len(record)} characters: {record!r}")
    return ("\r\n".join(padded) + "\r\n").encode("ascii")


def _file_header(company: Company, day: date) -> str:
    return (
        "01"
        + company.tax_id_with_check_digit.rjust(10, "0")
        + f"{day:%Y%m%d}"
        + company.collecting_bank_code
        + company.collection_account.rjust(17, "0")
        + f"{day:%Y%m%d}"
        + "1915"
        + FILE_MODIFIER
        + ACCOUNT_TYPE_CODE
    )


def _detail(rng: random.Random, company: Company, payment: Payment, sequence: int) -> str:
    origin_code, method_code = ORIGIN_AND_METHOD_CODES[payment.payment_method]
    if payment.payment_method == "pse":
        debited_bank, branch = rng.choice(PAYER_BANK_CODES), "0000"
    else:
        debited_bank, branch = company.collecting_bank_code, f"{rng.randint(1, 9999):04d}"
    return (
        "06"
        + payment.typed_reference.rjust(48, "0")
        + f"{minor_units(payment.amount):014d}"
        + origin_code
        + method_code
        + f"{rng.randint(0, 999_999):06d}"
        + payment.source_reference
        + debited_bank
        + branch
        + f"{sequence:07d}"
        + "000"
    )
