"""What the ISO 20022 bank-to-customer messages camt.052, camt.053 and camt.054 share, message
versions 001.02 to 001.08.

All three carry entries (`Ntry`) of one shape inside an account block: a statement (`Stmt`,
camt.053), an intraday account report (`Rpt`, camt.052) or a debit/credit notification
(`Ntfctn`, camt.054). One `bank_lines` row per transaction detail: an entry booked as a batch
(several `TxDtls`) is split into one line per detail, each with its own amount, and its
`entry_reference` gets a `/n` suffix. When the bank took its charges out of a batch entry,
its details add up to more than a credit (or less than a debit): if the charges the entry
states (`Chrgs`) are that difference, one more debit line carries them, with the ISO bank
transaction code of charges and the reference suffix `/charges`, so the lines still add up
to the entry. One `bank_statements` row per block, with the booked balances the block
states and the totals of its booked entries. An entry whose `BookgDt` or `ValDt` is no
calendar date (2026-02-30) loads with that date empty and flagged (`ingest.dates`); a
balance date must be a real one.
"""

import logging
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from ingest.dates import InvalidDate, calendar_date, flag
from ingest.errors import ParseError
from ingest.parsed import ParsedFile
from ingest.parsers._values import Record, clean

log = logging.getLogger(__name__)

SUPPORTED_VERSIONS = range(2, 9)

DIRECTIONS = {"CRDT": "credit", "DBIT": "debit"}
STATUSES = {"BOOK": "booked", "PDNG": "pending"}
# INFO entries are advice only: the bank says they neither moved nor will move the balance.
IGNORED_STATUSES = ("INFO",)
NOT_PROVIDED = "NOTPROVIDED"
# ISO 20022 external bank transaction code of charges: Account Management, Miscellaneous
# Debit Operations, Charges (ExternalBankTransactionSubFamily1Code CHRG).
CHARGES_TRANSACTION_CODE = "ACMT-MDOP-CHRG"

_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})([+-]\d{2}:\d{2}|Z)?")
_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?")


@dataclass(frozen=True)
class Message:
    """One camt message type: where its account blocks sit and which balances open and close
    them (an empty tuple when the message carries no balances)."""

    source_format: str
    name: str
    block_path: str
    block_description: str
    opening_codes: tuple[str, ...]
    closing_codes: tuple[str, ...]

    @property
    def block(self) -> str:
        """The local name of an account block, such as `Stmt`."""
        return self.block_path.rsplit("/", 1)[-1]

    @property
    def namespace_pattern(self) -> re.Pattern[str]:
        return re.compile(rf"urn:iso:std:iso:20022:tech:xsd:{re.escape(self.name)}\.001\.(\d{{2}})")


def parse_message(content: bytes, file_name: str, message: Message) -> ParsedFile:
    root = _read_xml(content, file_name)
    tree = _Tree(_namespace(root, file_name, message))

    blocks = tree.findall(root, message.block_path)
    if not blocks:
        raise ParseError(
            file_name, "Document", message.block_path, f"at least one {message.block_description}"
        )

    reader = _BlockReader(tree, file_name, message)
    for block_number, block in enumerate(blocks, start=1):
        reader.read(block, block_number)

    accounts = dict.fromkeys(row["bank_account"] for row in reader.statement_rows)
    log.debug(
        "parsed %d %ss, %d entries, %d lines from %s file %s",
        len(reader.statement_rows),
        message.block_description,
        reader.entry_count,
        len(reader.lines),
        message.source_format,
        file_name,
    )
    return ParsedFile(
        source_format=message.source_format,
        rows={"bank_lines": reader.lines, "bank_statements": reader.statement_rows},
        owner_keys=tuple(("bank_account", account) for account in accounts),
        warnings=reader.warnings,
        invalid_dates=reader.invalid_dates,
    )


def _read_xml(content: bytes, file_name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise ParseError(
            file_name, f"line {error.lineno}", "XML", "well-formed XML", error.msg
        ) from error


def _namespace(root: etree._Element, file_name: str, message: Message) -> str:
    namespace = etree.QName(root).namespace or ""
    match = message.namespace_pattern.fullmatch(namespace)
    if not match or int(match.group(1)) not in SUPPORTED_VERSIONS:
        raise ParseError(
            file_name,
            "Document",
            "xmlns",
            f"the {message.name} namespace of version 001.02 to 001.08",
            namespace or "none",
        )
    return namespace


@dataclass(frozen=True)
class _Tree:
    """Finds elements by slash-separated local names inside the message's namespace."""

    namespace: str

    def _qualified(self, path: str) -> str:
        return "/".join(f"{{{self.namespace}}}{step}" for step in path.split("/"))

    def find(self, element: etree._Element, path: str) -> etree._Element | None:
        return element.find(self._qualified(path))

    def findall(self, element: etree._Element, path: str) -> list[etree._Element]:
        return element.findall(self._qualified(path))

    def text(self, element: etree._Element, *paths: str) -> str | None:
        """The text of the first of `paths` that holds any."""
        for path in paths:
            found = self.find(element, path)
            if found is not None and clean(found.text) is not None:
                return clean(found.text)
        return None

    def texts(self, element: etree._Element, path: str) -> list[str]:
        return [text for found in self.findall(element, path) if (text := clean(found.text))]


def _label(*parts: str, element: etree._Element) -> str:
    return f"{', '.join(parts)} (line {element.sourceline})"


@dataclass
class _PrintedDate:
    """A date element as read: its date, or the text of a date no calendar has."""

    field: str
    value: date | None
    text: str | None = None
    parts: tuple[int, int, int] | None = None

    def invalid_date(self, row: dict, column: str, record: str) -> InvalidDate:
        return InvalidDate(row, (column,), record, self.field, self.text, *self.parts)


@dataclass
class _Balance:
    code: str
    amount: Decimal
    currency: str
    balance_date: date | None


class _BlockReader:
    """Reads account blocks one by one, collecting lines, statement rows and warnings."""

    def __init__(self, tree: _Tree, file_name: str, message: Message) -> None:
        self.tree = tree
        self.file_name = file_name
        self.message = message
        self.lines: list[dict] = []
        self.statement_rows: list[dict] = []
        self.warnings: list[str] = []
        self.invalid_dates: list[InvalidDate] = []
        self.entry_count = 0

    def read(self, block: etree._Element, block_number: int) -> None:
        tree = self.tree
        name = self.message.block
        record = Record(self.file_name, _label(f"{name} {block_number}", element=block))
        statement_id = record.required(f"{name}/Id", tree.text(block, "Id"))
        account = record.required(
            f"{name}/Acct/Id/IBAN or {name}/Acct/Id/Othr/Id",
            tree.text(block, "Acct/Id/IBAN", "Acct/Id/Othr/Id"),
        )
        opening = self._balance(block, block_number, self.message.opening_codes)
        closing = self._balance(block, block_number, self.message.closing_codes)
        currency = self._block_currency(block, record, opening, closing)

        header = {"bank_account": account, "statement_id": statement_id}
        credit_total, debit_total, booked_count = Decimal("0.00"), Decimal("0.00"), 0
        entries = tree.findall(block, "Ntry")
        for entry_number, entry in enumerate(entries, start=1):
            place = (f"{name} {block_number}", f"Ntry {entry_number}")
            booked_amount = self._read_entry(entry, place, header, currency)
            self.entry_count += 1
            if booked_amount is None:
                continue
            booked_count += 1
            if booked_amount >= 0:
                credit_total += booked_amount
            else:
                debit_total -= booked_amount

        balances_tie = None
        if opening is not None and closing is not None:
            balances_tie = self._check_tie(
                statement_id, opening.amount, credit_total, debit_total, closing.amount, currency
            )

        self.statement_rows.append(
            {
                "record_number": block_number,
                "source_format": self.message.source_format,
                **header,
                "currency": currency,
                "opening_balance_date": opening.balance_date if opening else None,
                "opening_balance_amount": opening.amount if opening else None,
                "closing_balance_date": closing.balance_date if closing else None,
                "closing_balance_amount": closing.amount if closing else None,
                # Booked entries only: pending ones do not move the booked balance.
                "entry_count": booked_count,
                "credit_total_amount": credit_total,
                "debit_total_amount": debit_total,
                "balances_tie": balances_tie,
            }
        )

    def _check_tie(
        self,
        statement_id: str,
        opening_amount: Decimal,
        credit_total: Decimal,
        debit_total: Decimal,
        closing_amount: Decimal,
        currency: str,
    ) -> bool:
        """A block that does not tie still loads: its lines are what the bank booked."""
        expected_closing = opening_amount + credit_total - debit_total
        if expected_closing == closing_amount:
            return True
        self.warnings.append(
            f"{self.file_name}: {self.message.block_description} {statement_id} does not tie: "
            f"opening {opening_amount} + credits {credit_total} - debits {debit_total} = "
            f"{expected_closing}, but the closing balance is {closing_amount} {currency}"
        )
        return False

    def _balance(
        self, block: etree._Element, block_number: int, codes: tuple[str, ...]
    ) -> _Balance | None:
        """The first balance of the preferred type code, signed by its credit/debit mark."""
        by_code = {}
        for balance in self.tree.findall(block, "Bal"):
            code = self.tree.text(balance, "Tp/CdOrPrtry/Cd")
            if code in codes and code not in by_code:
                by_code[code] = balance
        for code in codes:
            if code in by_code:
                balance = by_code[code]
                record = Record(
                    self.file_name,
                    _label(f"{self.message.block} {block_number}", f"Bal {code}", element=balance),
                )
                amount, currency = self._amount(balance, "Amt", record, f"Bal {code}/Amt")
                sign = self._direction(balance, record, f"Bal {code}/CdtDbtInd")
                balance_date = self._date(balance, "Dt", record, f"Bal {code}/Dt")
                signed_amount = amount if sign == "credit" else -amount
                return _Balance(code, signed_amount, currency, balance_date)
        return None

    def _block_currency(
        self,
        block: etree._Element,
        record: Record,
        opening: _Balance | None,
        closing: _Balance | None,
    ) -> str:
        """The account currency; balances in any other currency make the block unreadable."""
        first_entry_amount = self.tree.find(block, "Ntry/Amt")
        candidates = [
            self.tree.text(block, "Acct/Ccy"),
            opening.currency if opening else None,
            closing.currency if closing else None,
            first_entry_amount.get("Ccy") if first_entry_amount is not None else None,
        ]
        currency = record.currency(
            f"{self.message.block}/Acct/Ccy", next((found for found in candidates if found), None)
        )
        for balance in (opening, closing):
            if balance is not None and balance.currency != currency:
                raise record.error(
                    f"Bal {balance.code}/Amt/@Ccy",
                    f"the {self.message.block_description} currency {currency}",
                    balance.currency,
                )
        return currency

    def _read_entry(
        self, entry: etree._Element, place: tuple[str, ...], header: dict, currency: str
    ) -> Decimal | None:
        """Adds the entry's lines; returns its signed amount when booked, else None."""
        tree = self.tree
        record = Record(self.file_name, _label(*place, element=entry))
        amount, entry_currency = self._amount(entry, "Amt", record, "Ntry/Amt")
        if entry_currency != currency:
            raise record.error(
                "Ntry/Amt/@Ccy",
                f"the {self.message.block_description} currency {currency}",
                entry_currency,
            )
        direction = self._direction(entry, record, "Ntry/CdtDbtInd")
        status_code = record.required(
            "Ntry/Sts", tree.text(entry, "Sts") or tree.text(entry, "Sts/Cd", "Sts/Prtry")
        )
        if status_code in IGNORED_STATUSES:
            self.warnings.append(
                f"{self.file_name}: {record.label}: entry with status {status_code} not loaded"
            )
            return None
        if status_code not in STATUSES:
            raise record.error("Ntry/Sts", "BOOK or PDNG", status_code)

        printed_dates = {
            column: self._printed_date(entry, path, record, f"Ntry/{path}")
            for column, path in (("booking_date", "BookgDt"), ("value_date", "ValDt"))
        }
        entry_fields = {
            **header,
            "source_format": self.message.source_format,
            **{column: printed.value for column, printed in printed_dates.items()},
            "date_issue": None,
            "date_rule": None,
            "currency": currency,
            "status": STATUSES[status_code],
            "bank_transaction_code": self._transaction_code(entry),
            "is_reversal": self._is_reversal(entry, record),
        }
        entry_reference = tree.text(entry, "AcctSvcrRef")
        entry_text = tree.text(entry, "AddtlNtryInf")
        details = tree.findall(entry, "NtryDtls/TxDtls")

        first_line = len(self.lines)
        if len(details) <= 1:
            detail = details[0] if details else None
            self._add_line(entry_fields, entry_reference, direction, amount, detail, entry_text)
        else:
            self._add_batch_lines(
                entry,
                entry_fields,
                entry_reference,
                direction,
                amount,
                details,
                entry_text,
                place,
                record,
            )
        for column, printed in printed_dates.items():
            if printed.text is not None:
                for row in self.lines[first_line:]:
                    flag(self.invalid_dates, printed.invalid_date(row, column, record.label))

        signed_amount = amount if direction == "credit" else -amount
        return signed_amount if status_code == "BOOK" else None

    def _add_batch_lines(
        self,
        entry: etree._Element,
        entry_fields: dict,
        entry_reference: str | None,
        direction: str,
        amount: Decimal,
        details: list[etree._Element],
        entry_text: str | None,
        place: tuple[str, ...],
        record: Record,
    ) -> None:
        """One line per detail, each with its own amount; together they must make the entry."""
        signed_total = Decimal("0.00")
        detail_lines = []
        for detail_number, detail in enumerate(details, start=1):
            detail_record = Record(
                self.file_name, _label(*place, f"TxDtls {detail_number}", element=detail)
            )
            detail_amount_element = self.tree.find(detail, "Amt")
            path = "Amt"
            if detail_amount_element is None:
                path = next(
                    (
                        candidate
                        for candidate in ("AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt")
                        if self.tree.find(detail, candidate) is not None
                    ),
                    "Amt",
                )
            detail_amount, detail_currency = self._amount(
                detail, path, detail_record, "TxDtls/Amt or TxDtls/AmtDtls"
            )
            if detail_currency != entry_fields["currency"]:
                raise detail_record.error(
                    f"TxDtls/{path}/@Ccy",
                    f"the entry currency {entry_fields['currency']}",
                    detail_currency,
                )
            detail_direction = direction
            if self.tree.find(detail, "CdtDbtInd") is not None:
                detail_direction = self._direction(detail, detail_record, "TxDtls/CdtDbtInd")
            signed_total += detail_amount if detail_direction == "credit" else -detail_amount
            reference = f"{entry_reference}/{detail_number}" if entry_reference else None
            detail_lines.append((reference, detail_direction, detail_amount, detail))

        signed_entry = amount if direction == "credit" else -amount
        charges = signed_total - signed_entry
        stated_charges = self._stated_charges([entry], record) or self._stated_charges(
            details, record
        )
        if charges != 0 and (charges < 0 or charges != stated_charges):
            raise record.error(
                "NtryDtls/TxDtls amounts",
                f"details that add up to the entry amount {signed_entry}, or exceed it by "
                f"the charges the entry states ({stated_charges or 'none'})",
                signed_total,
            )
        for reference, detail_direction, detail_amount, detail in detail_lines:
            self._add_line(
                entry_fields, reference, detail_direction, detail_amount, detail, entry_text
            )
        if charges > 0:
            self._add_charges_line(entry_fields, entry_reference, charges, signed_total, amount)

    def _stated_charges(self, elements: list[etree._Element], record: Record) -> Decimal:
        """The charges and their taxes stated in the `Chrgs` of `elements` (the entry, or
        else its details, which may each repeat their share): each block's
        `TtlChrgsAndTaxAmt` when it states one, else its records' amounts (`Rcrd/Amt` from
        version 3, `Amt` in version 2)."""
        tree = self.tree
        total = Decimal("0.00")
        for element in elements:
            for charges in tree.findall(element, "Chrgs"):
                stated = tree.findall(charges, "TtlChrgsAndTaxAmt") or (
                    tree.findall(charges, "Rcrd/Amt") or tree.findall(charges, "Amt")
                )
                for amount in stated:
                    total += record.amount("Chrgs/Amt", amount.text)
        return total

    def _add_charges_line(
        self,
        entry_fields: dict,
        entry_reference: str | None,
        charges: Decimal,
        signed_total: Decimal,
        amount: Decimal,
    ) -> None:
        """The charges the bank kept from a batch entry, as a debit line of their own."""
        reference = f"{entry_reference}/charges" if entry_reference else None
        self.lines.append(
            {
                "record_number": len(self.lines) + 1,
                **entry_fields,
                "bank_transaction_code": CHARGES_TRANSACTION_CODE,
                # the bank's fee, never the return of a credit, even on a reversed entry
                "is_reversal": False,
                "entry_reference": reference,
                "direction": "debit",
                "amount": charges,
                "counterparty_name": None,
                "counterparty_account": None,
                "end_to_end_id": None,
                "structured_reference": None,
                "remittance_text": (
                    f"Bank charges of entry {entry_reference or 'without reference'}: its "
                    f"details add up to {abs(signed_total)}, the entry to {amount}"
                ),
            }
        )
        log.info(
            "%s: bank charges of %s on entry %s loaded as a line of their own",
            self.file_name,
            charges,
            entry_reference,
        )

    def _add_line(
        self,
        entry_fields: dict,
        entry_reference: str | None,
        direction: str,
        amount: Decimal,
        detail: etree._Element | None,
        entry_text: str | None,
    ) -> None:
        detail_fields = self._detail_fields(detail, direction) if detail is not None else {}
        texts = [*detail_fields.pop("texts", []), entry_text]
        self.lines.append(
            {
                "record_number": len(self.lines) + 1,
                **entry_fields,
                "entry_reference": entry_reference,
                "direction": direction,
                "amount": amount,
                "counterparty_name": detail_fields.get("counterparty_name"),
                "counterparty_account": detail_fields.get("counterparty_account"),
                "end_to_end_id": detail_fields.get("end_to_end_id"),
                "structured_reference": detail_fields.get("structured_reference"),
                "remittance_text": " ".join(text for text in texts if text) or None,
            }
        )

    def _detail_fields(self, detail: etree._Element, direction: str) -> dict:
        """The counterparty is whoever sent the money in, or received it when it went out."""
        tree = self.tree
        party, party_account = (
            ("Dbtr", "DbtrAcct") if direction == "credit" else ("Cdtr", "CdtrAcct")
        )
        end_to_end_id = tree.text(detail, "Refs/EndToEndId")
        unstructured = [text for text in tree.texts(detail, "RmtInf/Ustrd") if text != NOT_PROVIDED]
        return {
            "counterparty_name": tree.text(
                detail, f"RltdPties/{party}/Nm", f"RltdPties/{party}/Pty/Nm"
            ),
            "counterparty_account": tree.text(
                detail,
                f"RltdPties/{party_account}/Id/IBAN",
                f"RltdPties/{party_account}/Id/Othr/Id",
            ),
            "end_to_end_id": None if end_to_end_id == NOT_PROVIDED else end_to_end_id,
            "structured_reference": self._structured_reference(detail),
            "texts": [*unstructured, tree.text(detail, "AddtlTxInf")],
        }

    def _structured_reference(self, detail: etree._Element) -> str | None:
        structured = self.tree.findall(detail, "RmtInf/Strd")
        for path in ("CdtrRefInf/Ref", "RfrdDocInf/Nb"):
            for block in structured:
                reference = self.tree.text(block, path)
                if reference:
                    return reference
        return None

    def _is_reversal(self, entry: etree._Element, record: Record) -> bool:
        """RvslInd true: the entry undoes an earlier one, such as a returned credit."""
        indicator = self.tree.text(entry, "RvslInd")
        if indicator is None:
            return False
        # an XML Schema boolean
        return record.one_of("Ntry/RvslInd", indicator, ("true", "false", "1", "0")) in (
            "true",
            "1",
        )

    def _transaction_code(self, entry: etree._Element) -> str | None:
        tree = self.tree
        domain = tree.text(entry, "BkTxCd/Domn/Cd")
        if domain:
            family = tree.text(entry, "BkTxCd/Domn/Fmly/Cd")
            sub_family = tree.text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd")
            return "-".join(code for code in (domain, family, sub_family) if code)
        return tree.text(entry, "BkTxCd/Prtry/Cd")

    def _amount(
        self, element: etree._Element, path: str, record: Record, field: str
    ) -> tuple[Decimal, str]:
        found = self.tree.find(element, path)
        if found is None:
            raise record.error(field, "an amount element", "nothing")
        amount = record.amount(field, found.text)
        currency = record.currency(f"{field}/@Ccy", found.get("Ccy"))
        return amount, currency

    def _direction(self, element: etree._Element, record: Record, field: str) -> str:
        code = record.one_of(field, self.tree.text(element, "CdtDbtInd"), tuple(DIRECTIONS))
        return DIRECTIONS[code]

    def _date(self, element: etree._Element, path: str, record: Record, field: str) -> date | None:
        """A balance date, which must be a calendar date."""
        printed = self._printed_date(element, path, record, field)
        if printed.text is not None:
            raise record.error(field, "an ISO 8601 date or date-time", printed.text)
        return printed.value

    def _printed_date(
        self, element: etree._Element, path: str, record: Record, field: str
    ) -> "_PrintedDate":
        """A `Dt` or a `DtTm`; a date-time keeps the calendar date it states, in its own
        offset, because that is the bank's local date. A date of the right shape that no
        calendar has is returned as text, for the caller to flag."""
        holder = self.tree.find(element, path)
        if holder is None:
            return _PrintedDate(field, None)
        plain = self.tree.text(holder, "Dt")
        stamped = self.tree.text(holder, "DtTm")
        if plain is None and stamped is None:
            raise record.error(f"{field}/Dt", "a Dt or DtTm element", "nothing")
        pattern, value = (_DATE, plain) if plain is not None else (_DATE_TIME, stamped)
        match = pattern.fullmatch(value)
        if match is None:
            raise record.error(field, "an ISO 8601 date or date-time", value)
        year, month, day = (int(part) for part in match.group(1).split("-"))
        found = calendar_date(year, month, day)
        if found is None:
            return _PrintedDate(field, None, value, (year, month, day))
        return _PrintedDate(field, found)
