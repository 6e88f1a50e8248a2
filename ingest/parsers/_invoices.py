"""What every invoice format shares: the sign rule, the prepaid rule and the `invoices` row.

Sign rule: amounts in the raw layer are never negative and `document_type` carries the sign.
A document printed with a negative total is loaded as the opposite kind with every amount
turned positive: a negative invoice or debit note becomes a credit note, a negative credit
note becomes an invoice. The file still loads, with a warning naming the document.

Prepaid rule: `prepaid_amount` is what the customer paid before the document was issued. It
keeps its printed sign (negative when a document adds an earlier balance instead), so the
document opens `total_amount - prepaid_amount`, and a fully prepaid invoice opens nothing. It
may not exceed the total: the seller owing the buyer is a credit note, not an invoice.
"""

import re
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal

from stdnum.co import nit

from ingest.parsers._values import Record

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"
DEBIT_NOTE = "debit_note"
DOCUMENT_TYPES = (INVOICE, CREDIT_NOTE, DEBIT_NOTE)
OPPOSITE_TYPES = {INVOICE: CREDIT_NOTE, DEBIT_NOTE: CREDIT_NOTE, CREDIT_NOTE: INVOICE}

_NIT_WITH_CHECK_DIGIT = re.compile(r"(\d+)-(\d)")


@dataclass(frozen=True)
class InvoiceDocument:
    """One AR document as a format reads it, before the shared rules; names follow INVOICES.

    `due_date` may be None for formats where it is optional: the document is then due on
    issue.
    """

    document_id: str
    document_type: str
    customer_id: str
    issue_date: date
    due_date: date | None
    currency: str
    net_amount: Decimal
    tax_amount: Decimal
    total_amount: Decimal
    prepaid_amount: Decimal | None = None
    related_document_id: str | None = None
    payment_reference: str | None = None
    collection_reference: str | None = None
    document_uuid: str | None = None
    related_document_uuid: str | None = None


def invoice_row(
    document: InvoiceDocument,
    record: Record,
    record_number: int,
    warnings: list[str],
    source_fields: dict[str, str] | None = None,
) -> dict:
    """The document as an `invoices` row after the sign and prepaid rules.

    `source_fields` maps a column to the place in the file it came from, so an error names
    what the user sees (such as `cac:LegalMonetaryTotal/cbc:PrepaidAmount`).
    """
    where = {column: column for column in INVOICE_COLUMNS} | (source_fields or {})
    document = _with_positive_total(document, record, warnings)

    for column in ("net_amount", "tax_amount"):
        if getattr(document, column) < 0:
            raise record.error(
                where[column],
                f"an amount of the same sign as the total {document.total_amount}",
                getattr(document, column),
            )
    if document.net_amount + document.tax_amount != document.total_amount:
        raise record.error(
            where["total_amount"],
            f"{document.net_amount + document.tax_amount} (net plus tax)",
            document.total_amount,
        )
    prepaid_amount = document.prepaid_amount
    if prepaid_amount is not None and prepaid_amount > document.total_amount:
        raise record.error(
            where["prepaid_amount"],
            f"a prepaid amount no larger than the total {document.total_amount}",
            prepaid_amount,
        )

    due_date = document.due_date
    if due_date is None:
        # A credit note is owed back, never chased: its due date carries no meaning to warn of.
        due_date = document.issue_date
        if document.document_type != CREDIT_NOTE:
            warnings.append(
                f"{record.file_name}: {record.label}: no due date; {document.document_id} is "
                f"taken as due on its issue date {document.issue_date}"
            )
    if due_date < document.issue_date:
        raise record.error(
            where["due_date"], f"a date on or after the issue date {document.issue_date}", due_date
        )
    return {"record_number": record_number, **_values(document), "due_date": due_date}


def _with_positive_total(
    document: InvoiceDocument, record: Record, warnings: list[str]
) -> InvoiceDocument:
    if document.total_amount >= 0:
        return document
    opposite = OPPOSITE_TYPES[document.document_type]
    warnings.append(
        f"{record.file_name}: {record.label}: {document.document_type} "
        f"{document.document_id} has a negative total {document.total_amount}; loaded as "
        f"{opposite} with total {-document.total_amount}"
    )
    return replace(
        document,
        document_type=opposite,
        net_amount=-document.net_amount,
        tax_amount=-document.tax_amount,
        total_amount=-document.total_amount,
        prepaid_amount=None if document.prepaid_amount is None else -document.prepaid_amount,
    )


def _values(document: InvoiceDocument) -> dict:
    return {field.name: getattr(document, field.name) for field in fields(document)}


def tax_id_base(record: Record, field: str, text: str) -> str:
    """A tax id without punctuation; a Colombian NIT written with its check digit
    ("900.417.352-3") is checked and returned without it, the way companies.yml keys it."""
    compact = re.sub(r"[.\s]", "", text)
    match = _NIT_WITH_CHECK_DIGIT.fullmatch(compact)
    if match is None:
        return compact
    base, check_digit = match.groups()
    if not nit.is_valid(base + check_digit):
        raise record.error(
            field, f"a valid NIT; the check digit of {base} is {nit.calc_check_digit(base)}", text
        )
    return base


INVOICE_COLUMNS = tuple(field.name for field in fields(InvoiceDocument))
