"""PayPal's activity download (CSV, "balance affecting"), with English or Spanish headers.

Each row moves the PayPal balance by `Net` = `Gross` + `Fee` (PayPal writes the fee negative).
What a row is comes from its T-code (`Transaction Event Code`, developer.paypal.com T-code
reference) when the download has one, else from its `Type` text and `Balance Impact`:

- payments received are charges; refunds, chargebacks and their reversals, fees and
  withdrawals to the bank (the payouts) are recognised; anything else is an adjustment;
- holds, their releases, authorizations and memo rows move no cash and are not loaded;
- a currency conversion is a pair of rows sharing the `Reference Txn ID` of the transaction
  they convert: the leg in that transaction's currency only takes the converted amount back
  out of that currency and is not loaded; the leg in the settled currency is loaded as an
  adjustment carrying the transaction's reference.

The download does not name the merchant's own account; it is the one e-mail address found on
every row that has a sender and a recipient (an `account_id` column, if added, wins).
Amounts may group thousands; the decimal separator and the order of day and month in `Date`
are read from the file. PayPal pays out from a balance, so each withdrawal pays the
transactions of its currency since the previous one, and a difference is a warning.
"""

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime

from ingest.errors import ParseError
from ingest.gateway_layouts import normalised
from ingest.gateway_reports import PAYPAL
from ingest.parsed import ParsedFile
from ingest.parsers._csv import CsvRow
from ingest.parsers._gateway import (
    ACCOUNT_COLUMNS,
    ZERO,
    BalanceEvent,
    Header,
    amount,
    business_date,
    decimal_separator_of,
    gateway_file,
    pay_out_in_order,
    payout_row,
    read_report,
    repeated_transactions,
    stored_amounts,
    transaction_row,
    zone,
)

SOURCE_FORMAT = PAYPAL
GATEWAY = "paypal"
ENCODINGS = ("utf-8", "cp1252")

# Column names in PayPal's English and Spanish downloads, compared as normalised names.
COLUMN_NAMES = {
    "date": ("date", "fecha"),
    "time": ("time", "hora"),
    "time_zone": ("timezone", "time zone", "zona horaria"),
    "name": ("name", "nombre"),
    "type": ("type", "tipo"),
    "status": ("status", "estado"),
    "currency": ("currency", "moneda", "divisa"),
    "gross": ("gross", "bruto"),
    "fee": ("fee", "tarifa", "comision"),
    "net": ("net", "neto"),
    "from_email": (
        "from email address",
        "de la direccion de correo electronico",
        "correo electronico del remitente",
    ),
    "to_email": (
        "to email address",
        "a la direccion de correo electronico",
        "correo electronico del destinatario",
    ),
    "transaction_id": (
        "transaction id",
        "id. de transaccion",
        "id de transaccion",
        "codigo de transaccion",
    ),
    "reference_id": (
        "reference txn id",
        "id. de transaccion de referencia",
        "id de transaccion de referencia",
        "codigo de transaccion de referencia",
    ),
    "invoice_number": ("invoice number", "numero de factura"),
    "custom_number": ("custom number", "numero personalizado"),
    "balance_impact": ("balance impact", "impacto en el saldo"),
    "event_code": ("transaction event code", "codigo de evento de transaccion"),
}
REQUIRED = (
    "date",
    "time",
    "time_zone",
    "type",
    "currency",
    "gross",
    "fee",
    "net",
    "transaction_id",
)

CHARGE, REFUND, CHARGEBACK = "charge", "refund", "chargeback"
CHARGEBACK_REVERSAL, FEE, ADJUSTMENT = "chargeback_reversal", "fee", "adjustment"
PAYOUT, CONVERSION, NO_CASH = "payout", "conversion", "no_cash"

# T-code groups and codes (developer.paypal.com/reports/reference/t-codes).
KINDS_BY_TCODE = {
    "T1105": NO_CASH,  # reversal of a general account hold
    "T1106": CHARGEBACK,  # payment reversal initiated by PayPal
    "T1107": REFUND,
    "T1108": FEE,  # fee reversal
    "T1110": NO_CASH,  # hold for dispute investigation
    "T1111": NO_CASH,  # cancellation of that hold
    "T1201": CHARGEBACK,
    "T1202": CHARGEBACK_REVERSAL,
}
KINDS_BY_TCODE_GROUP = {
    "T01": FEE,
    "T02": CONVERSION,
    "T04": PAYOUT,
    "T13": NO_CASH,  # authorizations
    "T15": NO_CASH,  # holds for disputes and open authorizations
    "T21": NO_CASH,  # reserves and releases
}
# Without a T-code, the Type text decides, first match wins; checked on normalised text.
KINDS_BY_TYPE_TEXT = (
    (("hold", "retencion"), NO_CASH),
    (("currency conversion", "conversion de divisa", "conversion de moneda"), CONVERSION),
    (("withdraw", "retiro"), PAYOUT),
    (("fee", "tarifa", "comision"), FEE),
    (
        ("chargeback reversal", "reversal of chargeback", "cancelacion de contracargo"),
        CHARGEBACK_REVERSAL,
    ),
    (("chargeback", "contracargo", "payment reversal", "reversion de pago"), CHARGEBACK),
    (("refund", "reembolso"), REFUND),
)
PAYMENT_WORDS = ("payment", "pago")
MEMO_IMPACTS = frozenset({"memo", "nota"})
UNSETTLED_STATUSES = frozenset({"pending", "pendiente", "denied", "denegado", "rechazado"})
_DATE_PARTS = re.compile(r"(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})")
LISTED_LINES = 10


def parse(content: bytes, file_name: str) -> ParsedFile:
    header, rows = read_report(content, file_name, encodings=ENCODINGS)
    columns = _columns(header)
    decimal_separator = decimal_separator_of(
        ((row.line_number, row[columns[name]]) for row in rows for name in ("gross", "fee", "net")),
        file_name,
    )
    date_format, warnings = _date_format(rows, columns, file_name)
    merchant = _merchant_account(header, rows, columns, file_name)
    reader = _RowReader(columns, decimal_separator, date_format, merchant)

    kinds = {row.line_number: reader.kind(row) for row in rows}
    events, dropped_legs = _balance_events(rows, kinds, reader)
    transactions = sorted(
        (event.transaction for event in events if event.transaction is not None),
        key=lambda item: item["record_number"],
    )
    payouts = sorted(
        (event.payout for event in events if event.payout is not None),
        key=lambda item: item["record_number"],
    )

    warnings += repeated_transactions(transactions, file_name)
    warnings += pay_out_in_order(events, file_name, "PayPal")
    skipped = [line for line, kind in kinds.items() if kind == NO_CASH]
    if skipped:
        warnings.append(
            f"{file_name}: {len(skipped)} rows move no cash (holds, authorizations, memos) "
            f"and are not loaded: lines {_lines(skipped)}"
        )
    if dropped_legs:
        warnings.append(
            f"{file_name}: currency conversion legs in the converted transaction's currency "
            f"are not loaded: lines {_lines(dropped_legs)}"
        )
    return gateway_file(SOURCE_FORMAT, file_name, transactions, payouts, warnings)


def _balance_events(
    rows: list[CsvRow], kinds: dict[int, str], reader: "_RowReader"
) -> tuple[list[BalanceEvent], list[int]]:
    """The rows that move the balance, conversion legs last since they refer to the
    transactions they convert; and the lines of the legs left out."""
    events: list[BalanceEvent] = []
    for row in rows:
        if kinds[row.line_number] not in (NO_CASH, CONVERSION):
            events += reader.events(row, kinds[row.line_number])
    by_id = {
        event.transaction["transaction_id"]: event.transaction
        for event in events
        if event.transaction is not None
    }

    dropped_legs = []
    conversions = [row for row in rows if kinds[row.line_number] == CONVERSION]
    for row, keep in _conversion_legs(conversions, reader, by_id):
        if keep:
            events.append(reader.conversion_event(row, by_id))
        else:
            dropped_legs.append(row.line_number)
    return events, dropped_legs


def _columns(header: Header) -> dict[str, str | None]:
    columns = {role: header.find(*names) for role, names in COLUMN_NAMES.items()}
    for role in REQUIRED:
        if columns[role] is None:
            header.require(*COLUMN_NAMES[role])
    return columns


def _date_format(rows: list[CsvRow], columns: dict, file_name: str) -> tuple[str, list[str]]:
    """US downloads write the month first, most others the day; the dates themselves
    settle it when one of them has a day above 12."""
    day_first_row = month_first_row = None
    iso = ambiguous = False
    for row in rows:
        match = _DATE_PARTS.fullmatch(row[columns["date"]] or "")
        if not match:
            raise row.record.error(
                columns["date"], "a date such as 14/05/2026", row[columns["date"]]
            )
        first, second = int(match.group(1)), int(match.group(2))
        iso = iso or len(match.group(1)) == 4
        ambiguous = ambiguous or first != second
        if first > 12 and day_first_row is None:
            day_first_row = row
        if second > 12 and month_first_row is None:
            month_first_row = row
    if iso:
        return "%Y-%m-%d", []

    if day_first_row and month_first_row:
        earlier, later = sorted((day_first_row, month_first_row), key=lambda row: row.line_number)
        order = "day/month" if earlier is day_first_row else "month/day"
        raise later.record.error(
            columns["date"],
            f"{order}/year, as on line {earlier.line_number}",
            later[columns["date"]],
        )
    if day_first_row or month_first_row:
        return ("%d/%m/%Y" if day_first_row else "%m/%d/%Y"), []

    spanish = normalised(columns["gross"]) == "bruto"
    warnings = []
    if ambiguous:
        warnings.append(
            f"{file_name}: no date has a day above 12; dates read as "
            f"{'day/month' if spanish else 'month/day'}/year, as PayPal writes them in "
            f"{'Spanish' if spanish else 'English (US)'} downloads"
        )
    return ("%d/%m/%Y" if spanish else "%m/%d/%Y"), warnings


def _merchant_account(header: Header, rows: list[CsvRow], columns: dict, file_name: str) -> str:
    """The e-mail address on one side of every row that names both sides."""
    account_column = header.find(*ACCOUNT_COLUMNS)
    if account_column:
        accounts = [row.record.required(account_column, row[account_column]) for row in rows]
        for row, account in zip(rows, accounts, strict=True):
            if account != accounts[0]:
                raise row.record.error(
                    account_column, f"{accounts[0]}, as on line {rows[0].line_number}", account
                )
        return accounts[0] if accounts else ""
    common: set[str] | None = None
    for row in rows:
        emails = {
            (row[columns[side]] or "").lower()
            for side in ("from_email", "to_email")
            if columns[side]
        }
        emails.discard("")
        if len(emails) == 2:
            common = emails if common is None else common & emails
    if rows and (common is None or len(common) != 1):
        raise ParseError(
            file_name,
            "line 1",
            "header",
            "one e-mail address on every payment, naming the merchant's PayPal account "
            f"(or an {' or '.join(ACCOUNT_COLUMNS)} column)",
            ", ".join(sorted(common)) if common else "none",
        )
    return next(iter(common)) if common else ""


class _RowReader:
    """Reads the rows of one download, whose separators and date order are known."""

    def __init__(self, columns: dict, decimal_separator: str, date_format: str, merchant: str):
        self.columns = columns
        self.decimal_separator = decimal_separator
        self.date_format = date_format
        self.merchant = merchant

    def value(self, row: CsvRow, role: str) -> str | None:
        column = self.columns[role]
        return row[column] if column else None

    def kind(self, row: CsvRow) -> str:
        impact = normalised(self.value(row, "balance_impact") or "")
        if impact in MEMO_IMPACTS:
            return NO_CASH
        status = normalised(self.value(row, "status") or "")
        if not self.columns["balance_impact"] and status in UNSETTLED_STATUSES:
            return NO_CASH
        net = self.amount(row, "net")
        code = (self.value(row, "event_code") or "").upper()
        if code:
            kind = KINDS_BY_TCODE.get(code) or KINDS_BY_TCODE_GROUP.get(code[:3])
            if kind:
                return kind
            return CHARGE if code.startswith("T00") and net > 0 else ADJUSTMENT
        text = normalised(row.record.required(self.columns["type"], self.value(row, "type")))
        for words, kind in KINDS_BY_TYPE_TEXT:
            if any(word in text for word in words):
                return kind
        if any(word in text for word in PAYMENT_WORDS) and net > 0:
            return CHARGE
        return ADJUSTMENT

    def amount(self, row: CsvRow, role: str):
        return amount(
            row.record,
            self.columns[role],
            self.value(row, role),
            decimal_separator=self.decimal_separator,
        )

    def moved(self, row: CsvRow):
        """Currency, gross, fee as charged (positive) and net, checked against each other."""
        record = row.record
        gross, fee, net = (self.amount(row, role) for role in ("gross", "fee", "net"))
        if gross + fee != net:
            raise record.error(
                self.columns["net"], f"{gross + fee} (gross + fee)", self.value(row, "net")
            )
        currency = record.currency(self.columns["currency"], self.value(row, "currency"))
        return currency, gross, -fee + ZERO, net

    def created_at(self, row: CsvRow) -> datetime:
        record = row.record
        local_zone = zone(record, self.columns["time_zone"], self.value(row, "time_zone"))
        time = record.required(self.columns["time"], self.value(row, "time"))
        text = f"{self.value(row, 'date')} {time}"
        try:
            naive = datetime.strptime(text, f"{self.date_format} %H:%M:%S")
        except ValueError as error:
            raise record.error(
                f"{self.columns['date']} and {self.columns['time']}",
                "a real date and a time as HH:MM:SS",
                text,
            ) from error
        return naive.replace(tzinfo=local_zone).astimezone(UTC)

    def transaction(self, row: CsvRow, kind: str, *, transaction_id=None, amounts=None) -> dict:
        currency, gross, fee, net = self.moved(row)
        from_email = (self.value(row, "from_email") or "").lower() or None
        to_email = (self.value(row, "to_email") or "").lower() or None
        payer_email = to_email if from_email == self.merchant else from_email
        return transaction_row(
            record_number=row.line_number,
            gateway=GATEWAY,
            merchant_account=self.merchant,
            transaction_id=transaction_id
            or row.record.required(
                self.columns["transaction_id"], self.value(row, "transaction_id")
            ),
            transaction_type=kind,
            created_at=self.created_at(row),
            currency=currency,
            amounts=amounts or stored_amounts(kind, gross=gross, fee=fee, fee_tax=ZERO, net=net),
            merchant_reference=self.value(row, "invoice_number")
            or self.value(row, "custom_number"),
            payer_name=self.value(row, "name"),
            payer_email=payer_email if kind != FEE else None,
        )

    def events(self, row: CsvRow, kind: str) -> list[BalanceEvent]:
        at = self.created_at(row)
        if kind != PAYOUT:
            return [BalanceEvent(at, row.line_number, transaction=self.transaction(row, kind))]
        currency, gross, fee, _ = self.moved(row)
        payout = payout_row(
            record_number=row.line_number,
            gateway=GATEWAY,
            merchant_account=self.merchant,
            payout_id=row.record.required(
                self.columns["transaction_id"], self.value(row, "transaction_id")
            ),
            payout_date=business_date(at),
            currency=currency,
            # What leaves for the bank; a withdrawal fee is a fee of its own.
            payout_amount=-gross + ZERO,
        )
        events = [BalanceEvent(at, row.line_number, payout=payout, record=row.record)]
        if fee:
            fee_row = self.transaction(
                row,
                FEE,
                transaction_id=f"{payout['payout_id']} fee",
                amounts=stored_amounts(FEE, gross=ZERO, fee=fee, fee_tax=ZERO, net=-fee),
            )
            events.insert(0, BalanceEvent(at, row.line_number, transaction=fee_row))
        return events

    def conversion_event(self, row: CsvRow, by_id: dict[str, dict]) -> BalanceEvent:
        event = BalanceEvent(
            self.created_at(row), row.line_number, transaction=self.transaction(row, ADJUSTMENT)
        )
        converted = by_id.get(self.value(row, "reference_id") or "")
        if converted is not None:
            event.transaction["merchant_reference"] = converted["merchant_reference"]
            event.transaction["payer_name"] = converted["payer_name"]
        return event


def _conversion_legs(conversions: list[CsvRow], reader: _RowReader, by_id: dict[str, dict]):
    """(row, keep) for each conversion row: of a well-formed pair, the leg in the converted
    transaction's currency is dropped; any other conversion row is kept."""
    by_reference: dict[str, list[CsvRow]] = defaultdict(list)
    for row in conversions:
        by_reference[reader.value(row, "reference_id") or f"line {row.line_number}"].append(row)
    for reference, legs in by_reference.items():
        converted = by_id.get(reference)
        currencies = Counter(reader.moved(leg)[0] for leg in legs)
        paired = (
            converted is not None
            and len(legs) == 2
            and len(currencies) == 2
            and currencies[converted["currency"]] == 1
        )
        for leg in legs:
            yield leg, not (paired and reader.moved(leg)[0] == converted["currency"])


def _lines(lines: list[int]) -> str:
    shown = ", ".join(str(line) for line in lines[:LISTED_LINES])
    return shown + (f" and {len(lines) - LISTED_LINES} more" if len(lines) > LISTED_LINES else "")
