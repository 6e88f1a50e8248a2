"""What the gateway settlement parsers share: columns found by name, amounts and times read as
each gateway writes them, one sign convention for every kind of movement, and payouts checked
against the transactions they pay out.

Sign convention. A raw gateway row keeps its amounts as the event states them and its
transaction_type says which way they move the merchant's balance at the gateway (BALANCE_SIGN),
as ingest/parsers/gateway_csv.py has always stored refunds: a refund of 20,000.00 is 20000.00
with type refund. For a refund or a chargeback, fee_amount is the fee the gateway gives back, so
a fee it charges for a chargeback is negative. A fee row (a monthly invoice, a cost of the
gateway's own) has a zero gross, its cost in fee_amount and a negative net. An adjustment is
signed as it moves the balance. The net a payout pays is then the sum of
BALANCE_SIGN[transaction_type] * net_amount over its transactions.

fee_tax_amount is 0.00 where a format states its fees with their tax included. Withholdings
have no raw column: they are what remains of gross - fee - fee tax - net.
"""

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ingest.errors import ParseError
from ingest.gateway_layouts import normalised
from ingest.gateway_reports import sniff_delimiter
from ingest.parsed import ParsedFile
from ingest.parsers._csv import CsvRow, read_csv
from ingest.parsers._values import Record

log = logging.getLogger(__name__)

ZERO = Decimal("0.00")
BUSINESS_TIMEZONE = ZoneInfo("America/Bogota")

# +1 adds the stored amounts to the merchant's balance at the gateway, -1 takes them away.
BALANCE_SIGN = {
    "charge": 1,
    "refund": -1,
    "chargeback": -1,
    "chargeback_reversal": 1,
    "fee": 1,
    "adjustment": 1,
}

# Columns a merchant can add to a report that does not say whose it is (Stripe, Mercado Pago).
ACCOUNT_COLUMNS = ("account_id", "merchant_account")

# UTC offsets of the zone abbreviations gateways print beside a local time (Adyen's TimeZone
# column, PayPal's). Abbreviations shared by two zones (CST, IST) are refused, not guessed.
ZONE_OFFSET_HOURS = {
    "UTC": 0,
    "GMT": 0,
    "WET": 0,
    "WEST": 1,
    "BST": 1,
    "CET": 1,
    "CEST": 2,
    "EET": 2,
    "EEST": 3,
    "COT": -5,
    "PET": -5,
    "EST": -5,
    "EDT": -4,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "CLT": -4,
    "CLST": -3,
    "BRT": -3,
    "ART": -3,
    "SGT": 8,
    "HKT": 8,
    "JST": 9,
    "AEST": 10,
    "AEDT": 11,
}

_GROUPED_AMOUNT = {
    ".": re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?"),
    ",": re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?"),
}
_CENTS = re.compile(r"[+-]?\d+")
# A decimal separator is followed by one or two digits at the end; a thousands group by three.
_DECIMALS_AT_END = re.compile(r"\d([.,])\d{1,2}$")
_OFFSET_ZONE = re.compile(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?")
_OFFSET_WITHOUT_COLON = re.compile(r"([+-]\d{2})(\d{2})$")
_ISO_OFFSET = re.compile(r"([+-]\d{2}:\d{2}|Z)$")


@dataclass(frozen=True)
class Header:
    """A report's header row, for finding columns by name whatever their case or accents."""

    file_name: str
    columns_by_name: dict[str, str]

    @classmethod
    def of(cls, columns: list[str], file_name: str) -> "Header":
        by_name: dict[str, str] = {}
        for column in columns:
            name = normalised(column)
            if name in by_name:
                raise ParseError(file_name, "line 1", "header", "each column once", column)
            by_name[name] = column
        return cls(file_name, by_name)

    def has(self, name: str) -> bool:
        return normalised(name) in self.columns_by_name

    def find(self, *names: str) -> str | None:
        """The column as the file writes it, for the first of `names` the header has."""
        return next(
            (self.columns_by_name[normalised(name)] for name in names if self.has(name)), None
        )

    def require(self, *names: str) -> str:
        column = self.find(*names)
        if column is None:
            raise ParseError(
                self.file_name, "line 1", "header", f"a column {' or '.join(names)}", "none"
            )
        return column

    def account(self, gateway_name: str, *names: str) -> str:
        """The column naming the merchant's account, for reports that do not name it."""
        candidates = (*names, *ACCOUNT_COLUMNS)
        column = self.find(*candidates)
        if column is None:
            raise ParseError(
                self.file_name,
                "line 1",
                "header",
                f"a column naming the {gateway_name} account ({' or '.join(candidates)}): "
                "the report does not say whose it is, so add that column to every row",
                "none",
            )
        return column


def read_report(
    content: bytes, file_name: str, *, encodings: tuple[str, ...] = ("utf-8",)
) -> tuple[Header, list[CsvRow]]:
    """The header and rows of a report, split on the delimiter its header row uses."""
    first_line = content.lstrip().split(b"\n", 1)[0].decode("utf-8", errors="replace")
    columns, rows = read_csv(
        content, file_name, delimiter=sniff_delimiter(first_line), encodings=encodings
    )
    return Header.of(columns, file_name), rows


def decimal_separator_of(amounts: Iterable[tuple[int, str | None]], file_name: str) -> str:
    """The separator a report writes before the cents of its amounts, given (line, text)
    pairs; a point when no amount has cents."""
    seen: dict[str, int] = {}
    for line, text in amounts:
        match = _DECIMALS_AT_END.search((text or "").strip())
        if match:
            seen.setdefault(match.group(1), line)
    if len(seen) > 1:
        raise ParseError(
            file_name,
            f"line {max(seen.values())}",
            "amount",
            f"the decimal separator of line {min(seen.values())}",
            "amounts written with both '.' and ',' before their cents",
        )
    return next(iter(seen), ".")


def amount(
    record: Record, field: str, text: str | None, *, decimal_separator: str = ".", signed=True
) -> Decimal:
    """An amount that may group its thousands, with the given decimal separator."""
    value = record.required(field, text)
    if not _GROUPED_AMOUNT[decimal_separator].fullmatch(value):
        example = "-1,234.56" if decimal_separator == "." else "-1.234,56"
        raise record.error(field, f"an amount written like {example}", value)
    grouping = "," if decimal_separator == "." else "."
    plain = value.replace(grouping, "").replace(decimal_separator, ".")
    return record.amount(field, plain, signed=signed)


def optional_amount(
    record: Record, field: str, text: str | None, *, decimal_separator: str = ".", signed=True
) -> Decimal | None:
    if text is None or not text.strip():
        return None
    return amount(record, field, text, decimal_separator=decimal_separator, signed=signed)


def amount_in_cents(record: Record, field: str, text: str | None, *, signed=True) -> Decimal:
    """A whole number of cents (Wompi writes amount_in_cents even for COP)."""
    value = record.required(field, text)
    if not _CENTS.fullmatch(value):
        raise record.error(field, "a whole number of cents", value)
    return record.checked_amount(field, Decimal(value).scaleb(-2), value, signed=signed)


def zone(record: Record, field: str, text: str | None) -> tzinfo:
    """A time zone as gateways print it: CET, GMT-05:00, America/Bogota."""
    value = record.required(field, text)
    if value.upper() in ZONE_OFFSET_HOURS:
        return timezone(timedelta(hours=ZONE_OFFSET_HOURS[value.upper()]))
    offset = _OFFSET_ZONE.fullmatch(value.upper())
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        minutes = int(offset.group(2)) * 60 + int(offset.group(3) or 0)
        return timezone(sign * timedelta(minutes=minutes))
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise record.error(
            field, "a time zone such as America/Bogota, GMT-05:00 or CET", value
        ) from error


def local_timestamp(
    record: Record, field: str, text: str | None, written_as: str, local_zone: tzinfo
) -> datetime:
    """A date-time printed without offset in a known zone, returned in UTC."""
    value = record.required(field, text)
    try:
        naive = datetime.strptime(value, written_as)
    except ValueError as error:
        raise record.error(field, f"a date and time as {readable(written_as)}", value) from error
    return naive.replace(tzinfo=local_zone).astimezone(UTC)


def iso_timestamp(
    record: Record, field: str, text: str | None, local_zone: tzinfo | None = None
) -> datetime:
    """An ISO 8601 date-time in UTC; one without offset is read in `local_zone`, if given."""
    value = _OFFSET_WITHOUT_COLON.sub(r"\1:\2", record.required(field, text))
    if local_zone is not None and not _ISO_OFFSET.search(value):
        try:
            return datetime.fromisoformat(value).replace(tzinfo=local_zone).astimezone(UTC)
        except ValueError as error:
            raise record.error(field, "an ISO 8601 date-time", value) from error
    return record.timestamp(field, value)


def local_date(record: Record, field: str, text: str | None, written_as: str) -> date:
    value = record.required(field, text)
    try:
        return datetime.strptime(value, written_as).date()
    except ValueError as error:
        raise record.error(field, f"a date as {readable(written_as)}", value) from error


def readable(written_as: str) -> str:
    """A strptime pattern as people write it: %d/%m/%Y becomes DD/MM/YYYY."""
    for code, shown in (("%Y", "YYYY"), ("%m", "MM"), ("%d", "DD"), ("%H", "HH")):
        written_as = written_as.replace(code, shown)
    return written_as.replace("%M", "MM").replace("%S", "SS").replace("%f", "ffffff")


def business_date(moment: datetime) -> date:
    return moment.astimezone(BUSINESS_TIMEZONE).date()


def stored_amounts(
    transaction_type: str, *, gross: Decimal, fee: Decimal, fee_tax: Decimal, net: Decimal
) -> dict[str, Decimal]:
    """The raw amounts of a movement given as it changes the balance: gross and net signed
    (positive into the balance), fee and fee tax as what the gateway charged."""
    if transaction_type == "fee":
        gross, fee = ZERO, fee - gross
    sign = BALANCE_SIGN[transaction_type]
    return {
        "gross_amount": sign * gross + ZERO,
        "fee_amount": sign * fee + ZERO,
        "fee_tax_amount": sign * fee_tax + ZERO,
        "net_amount": sign * net + ZERO,
    }


def transaction_row(
    *,
    record_number: int,
    gateway: str,
    merchant_account: str,
    transaction_id: str,
    transaction_type: str,
    created_at: datetime,
    currency: str,
    amounts: dict[str, Decimal | None],
    merchant_reference: str | None = None,
    payment_method: str | None = None,
    payer_name: str | None = None,
    payer_email: str | None = None,
    payout_id: str | None = None,
) -> dict:
    """One row of ingest.schemas.GATEWAY_TRANSACTIONS, lineage columns aside."""
    return {
        "record_number": record_number,
        "gateway": gateway,
        "merchant_account": merchant_account,
        "transaction_id": transaction_id,
        "transaction_type": transaction_type,
        "created_at": created_at,
        "merchant_reference": merchant_reference,
        "payment_method": payment_method,
        "payer_name": payer_name,
        "payer_email": payer_email,
        "currency": currency,
        "gross_amount": amounts["gross_amount"],
        "fee_amount": amounts.get("fee_amount"),
        "fee_tax_amount": amounts.get("fee_tax_amount"),
        "net_amount": amounts.get("net_amount"),
        "payout_id": payout_id,
    }


def payout_row(
    *,
    record_number: int,
    gateway: str,
    merchant_account: str,
    payout_id: str,
    payout_date: date,
    currency: str,
    payout_amount: Decimal,
) -> dict:
    """One row of ingest.schemas.GATEWAY_PAYOUTS; its transactions are counted when linked."""
    return {
        "record_number": record_number,
        "gateway": gateway,
        "merchant_account": merchant_account,
        "payout_id": payout_id,
        "payout_date": payout_date,
        "currency": currency,
        "payout_amount": payout_amount,
        "transaction_count": 0,
    }


def net_of(transactions: Iterable[dict]) -> Decimal:
    """What the transactions add to the balance, net of fees: what a payout of them pays."""
    return sum(
        (BALANCE_SIGN[item["transaction_type"]] * item["net_amount"] for item in transactions),
        ZERO,
    )


def link_payout(payout: dict, members: list[dict], record: Record) -> Decimal:
    """Marks the members as paid by the payout; returns the payout less their net."""
    for member in members:
        if member["currency"] != payout["currency"]:
            raise record.error(
                "currency",
                f"{member['currency']}, the currency of transaction {member['transaction_id']} "
                f"it pays out",
                payout["currency"],
            )
        member["payout_id"] = payout["payout_id"]
    payout["transaction_count"] = len(members)
    return payout["payout_amount"] - net_of(members)


def payout_mismatch(
    record: Record, field: str, payout: dict, members: list[dict], printed: str | None = None
) -> ParseError:
    return record.error(
        field,
        f"{net_of(members)}, the net of the {len(members)} transactions "
        f"of payout {payout['payout_id']}",
        printed if printed is not None else payout["payout_amount"],
    )


@dataclass
class BalanceEvent:
    """A transaction or a payout of a gateway that pays out from a running balance."""

    at: datetime
    line: int
    transaction: dict | None = None
    payout: dict | None = None
    record: Record | None = field(default=None, compare=False)


def pay_out_in_order(events: list[BalanceEvent], file_name: str, gateway_name: str) -> list[str]:
    """Each payout pays the transactions of its currency since the previous payout.

    PayPal and Mercado Pago pay out from a balance, not in batches, so a payout rarely equals
    its transactions: the difference is balance carried in or left for later, which the
    report's own balances explain. It is reported as a warning, not refused.
    """
    warnings = []
    waiting: dict[str, list[dict]] = defaultdict(list)
    for event in sorted(events, key=lambda event: (event.at, event.line)):
        if event.transaction is not None:
            waiting[event.transaction["currency"]].append(event.transaction)
            continue
        payout = event.payout
        members = waiting.pop(payout["currency"], [])
        difference = link_payout(payout, members, event.record)
        if difference:
            warnings.append(
                f"{file_name}: payout {payout['payout_id']} of {payout['payout_amount']} "
                f"{payout['currency']} differs by {difference} from the net of the "
                f"{len(members)} transactions since the previous payout; {gateway_name} pays "
                "out from a balance, so the difference is balance carried in or left"
            )
    return warnings


def repeated_transactions(transactions: list[dict], file_name: str) -> list[str]:
    """One warning per transaction id a report lists more than once for the same account and
    type; every row is kept. Gateways scope ids per account, and a report lists each event
    once, so a repeated id names distinct transactions that the gateway should confirm."""
    lines: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
    for transaction in transactions:
        key = (
            transaction["gateway"],
            transaction["merchant_account"],
            transaction["transaction_id"],
            transaction["transaction_type"],
        )
        lines[key].append(transaction["record_number"])
    return [
        f"{file_name}: transaction id {transaction_id} ({transaction_type}) of {gateway} "
        f"account {merchant_account} is on lines {_listed(numbers)}; each loads as a separate "
        "transaction, so check with the gateway that they are distinct"
        for (gateway, merchant_account, transaction_id, transaction_type), numbers in lines.items()
        if len(numbers) > 1
    ]


def _listed(numbers: list[int]) -> str:
    """2 and 4; 2, 4 and 7."""
    written = [str(number) for number in numbers]
    return f"{', '.join(written[:-1])} and {written[-1]}"


def gateway_file(
    source_format: str,
    file_name: str,
    transactions: list[dict],
    payouts: list[dict],
    warnings: list[str],
) -> ParsedFile:
    merchants = dict.fromkeys(
        (row["gateway"], row["merchant_account"]) for row in [*transactions, *payouts]
    )
    log.debug(
        "parsed %d transactions and %d payouts from %s report %s",
        len(transactions),
        len(payouts),
        source_format,
        file_name,
    )
    return ParsedFile(
        source_format=source_format,
        rows={"gateway_transactions": transactions, "gateway_payouts": payouts},
        owner_keys=tuple(("merchant_account", merchant) for merchant in merchants),
        warnings=warnings,
    )
