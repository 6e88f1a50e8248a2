"""SWIFT MT940 customer statements for the second bank, one file per account and business day."""

import re
import textwrap
from datetime import timedelta
from decimal import Decimal

from demo.dates import local_time
from demo.ledger import BankEntry, BankStatement
from demo.money import decimal_text
from demo.world import ascii_upper
from demo.writers.files import Inbox

CURRENCY = "COP"
# SWIFT `:86:` is six lines of 65 characters (format 6*65x).
DETAIL_LINES = 6
DETAIL_LINE_LENGTH = 65
# Anything outside the SWIFT X character set becomes a space. The colon is in the set but
# would read as a tag at the start of a line, so it goes too.
NOT_SWIFT = re.compile(r"[^A-Z0-9/\-?().,'+ ]")
TRANSACTION_TYPES = {"COMISION": "NCHG", "IVA-COMISION": "NCHG", "GMF": "NCHG"}


def mt940_name(statement: BankStatement) -> str:
    return f"mt940_{statement.account}_{statement.statement_date:%Y%m%d}.sta"


def write_mt940(inbox: Inbox, statement: BankStatement) -> str:
    """Write one statement; it reaches the inbox at 07:15 the next calendar day."""
    name = mt940_name(statement)
    arrival_date = statement.statement_date + timedelta(days=1)
    inbox.write("mt940", name, mt940_bytes(statement), local_time(arrival_date, 7, 15))
    return name


def mt940_bytes(statement: BankStatement) -> bytes:
    day = statement.statement_date
    lines = [
        f":20:ST{day:%y%m%d}{statement.account[-6:]}",
        f":25:{statement.account}",
        f":28C:{statement.sequence_number:05d}/001",
        f":60F:{_balance(statement.opening_balance, day)}",
    ]
    for entry in statement.entries:
        lines += _entry_lines(entry)
    lines.append(f":62F:{_balance(statement.closing_balance, day)}")
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def swift_amount(amount: Decimal) -> str:
    """`1190000,00`: decimal comma, no thousands separator."""
    return decimal_text(abs(amount)).replace(".", ",")


def _balance(amount: Decimal, day) -> str:
    mark = "C" if amount >= 0 else "D"
    return f"{mark}{day:%y%m%d}{CURRENCY}{swift_amount(amount)}"


def _entry_lines(entry: BankEntry) -> list[str]:
    day = entry.booking_date
    mark = "C" if entry.direction == "credit" else "D"
    transaction_type = TRANSACTION_TYPES.get(entry.transaction_code, "NTRF")
    reference = swift_text(entry.customer_reference)[:16] or "NONREF"
    statement_line = (
        f":61:{day:%y%m%d}{day:%m%d}{mark}{swift_amount(entry.amount)}"
        f"{transaction_type}{reference}//{entry.entry_reference}"
    )
    return [statement_line, *_details(entry)]


def _details(entry: BankEntry) -> list[str]:
    """Payer name, its account and the remittance text, wrapped into `:86:` lines."""
    lines = []
    if entry.counterparty_name:
        lines.append(swift_text(entry.counterparty_name)[:DETAIL_LINE_LENGTH])
    if entry.counterparty_account:
        lines.append(f"CTA {entry.counterparty_account}")
    text = swift_text(entry.remittance_text)
    if text:
        lines += textwrap.wrap(text, DETAIL_LINE_LENGTH)
    lines = lines[:DETAIL_LINES] or ["SIN DETALLE"]
    return [f":86:{lines[0]}", *lines[1:]]


def swift_text(text: str) -> str:
    return " ".join(NOT_SWIFT.sub(" ", ascii_upper(text)).split())
