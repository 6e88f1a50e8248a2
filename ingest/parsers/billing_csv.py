"""The billing system's exports: customers, invoices, payment promises and payment agreements.

All four are CSV with a header row, ISO dates and a decimal point; the header tells which
export a file is. Every row names the issuing company by its NIT in `company_tax_id`.
"""

import logging
from collections.abc import Callable

from stdnum.co import nit

from ingest.errors import ParseError
from ingest.parsed import ParsedFile
from ingest.parsers._csv import CsvRow, read_csv, require_columns
from ingest.parsers._values import Record

log = logging.getLogger(__name__)

SOURCE_FORMAT = "billing_csv"

CUSTOMER_COLUMNS = (
    "company_tax_id",
    "customer_id",
    "customer_name",
    "tax_id",
    "segment",
    "email",
    "phone",
    "bank_account",
    "payment_terms_days",
)
INVOICE_COLUMNS = (
    "company_tax_id",
    "document_id",
    "document_type",
    "related_document_id",
    "customer_id",
    "issue_date",
    "due_date",
    "currency",
    "net_amount",
    "tax_amount",
    "total_amount",
    "payment_reference",
    "collection_reference",
)
PROMISE_COLUMNS = (
    "company_tax_id",
    "promise_id",
    "customer_id",
    "document_id",
    "promised_amount",
    "currency",
    "promise_made_date",
    "promised_payment_date",
    "contact_channel",
    "cancelled_date",
)
AGREEMENT_COLUMNS = (
    "company_tax_id",
    "agreement_id",
    "customer_id",
    "document_id",
    "agreement_date",
    "instalment_number",
    "instalment_due_date",
    "instalment_amount",
    "currency",
)

# Read when the export has them; older exports do not.
OPTIONAL_COLUMNS = {"invoices": ("prepaid_amount",)}

SEGMENTS = ("corporate", "sme", "individual")
DOCUMENT_TYPES = ("invoice", "credit_note", "debit_note")


def parse(content: bytes, file_name: str) -> ParsedFile:
    header, rows = read_csv(content, file_name)
    kind, columns, read_row = _layout(header, file_name)
    columns = (*columns, *(name for name in OPTIONAL_COLUMNS.get(kind, ()) if name in header))
    warnings = require_columns(header, columns, file_name)

    parsed_rows = []
    company_tax_ids: dict[str, None] = {}
    for row in rows:
        company_tax_id, _ = tax_id_parts(row.record, "company_tax_id", row["company_tax_id"])
        if company_tax_id is None:
            raise row.record.error("company_tax_id", "the NIT of the issuing company", "nothing")
        company_tax_ids[company_tax_id] = None
        parsed_rows.append({"record_number": row.line_number, **read_row(row)})

    log.debug("parsed %d %s from billing file %s", len(parsed_rows), kind, file_name)
    return ParsedFile(
        source_format=SOURCE_FORMAT,
        rows={kind: parsed_rows},
        owner_keys=tuple(("company_tax_id", tax_id) for tax_id in company_tax_ids),
        warnings=warnings,
    )


def _layout(
    header: list[str], file_name: str
) -> tuple[str, tuple[str, ...], Callable[[CsvRow], dict]]:
    """The export is recognised by the one column only it has."""
    layouts = (
        ("customer_name", "customers", CUSTOMER_COLUMNS, _customer),
        ("document_type", "invoices", INVOICE_COLUMNS, _invoice),
        ("promise_id", "payment_promises", PROMISE_COLUMNS, _promise),
        ("agreement_id", "payment_agreements", AGREEMENT_COLUMNS, _agreement),
    )
    for marker, kind, columns, read_row in layouts:
        if marker in header:
            return kind, columns, read_row
    raise ParseError(
        file_name,
        "line 1",
        "header",
        "the header of a customers, invoices, promises or agreements export",
        ",".join(header)[:80],
    )


def tax_id_parts(record: Record, field: str, text: str | None) -> tuple[str | None, str | None]:
    """(base, check digit) of a Colombian tax id.

    Written with a dash ("900417352-3" or "900.417.352-3") it is a NIT whose check digit must
    be right; written without one it is a cedula or a NIT given without its check digit.
    """
    if text is None:
        return None, None
    compact = text.replace(".", "").replace(" ", "")
    if "-" not in compact:
        if not compact.isalnum():
            raise record.error(field, "a NIT such as 900417352-3 or a cedula", text)
        return compact, None
    base, _, check_digit = compact.partition("-")
    if not (base.isdigit() and check_digit.isdigit() and len(check_digit) == 1):
        raise record.error(field, "a NIT such as 900417352-3", text)
    if not nit.is_valid(base + check_digit):
        raise record.error(
            field,
            f"a valid NIT; the check digit of {base} is {nit.calc_check_digit(base)}",
            text,
        )
    return base, check_digit


def _customer(row: CsvRow) -> dict:
    record = row.record
    tax_id_base, check_digit = tax_id_parts(record, "tax_id", row["tax_id"])
    return {
        "customer_id": record.required("customer_id", row["customer_id"]),
        "customer_name": record.required("customer_name", row["customer_name"]),
        "tax_id": row["tax_id"],
        "tax_id_base": tax_id_base,
        "tax_id_check_digit": check_digit,
        "segment": record.one_of("segment", row["segment"], SEGMENTS),
        "email": row["email"],
        "phone": row["phone"],
        "bank_account": row["bank_account"],
        "payment_terms_days": record.optional_integer(
            "payment_terms_days", row["payment_terms_days"]
        ),
    }


def _invoice(row: CsvRow) -> dict:
    record = row.record
    document_type = record.one_of("document_type", row["document_type"], DOCUMENT_TYPES)
    related_document_id = row["related_document_id"]
    if document_type == "credit_note" and related_document_id is None:
        raise record.error("related_document_id", "the invoice a credit note reduces", "nothing")

    issue_date = record.iso_date("issue_date", row["issue_date"])
    due_date = record.iso_date("due_date", row["due_date"])
    if due_date < issue_date:
        raise record.error("due_date", f"a date on or after the issue date {issue_date}", due_date)

    net_amount = record.amount("net_amount", row["net_amount"])
    tax_amount = record.amount("tax_amount", row["tax_amount"])
    total_amount = record.amount("total_amount", row["total_amount"])
    if net_amount + tax_amount != total_amount:
        raise record.error(
            "total_amount", f"{net_amount + tax_amount} (net_amount + tax_amount)", total_amount
        )
    # Signed: a negative prepaid amount is an earlier balance the document adds.
    prepaid_amount = None
    if row["prepaid_amount"] is not None:
        prepaid_amount = record.amount("prepaid_amount", row["prepaid_amount"], signed=True)
        if prepaid_amount > total_amount:
            raise record.error(
                "prepaid_amount", f"at most the total_amount {total_amount}", prepaid_amount
            )
    return {
        "document_id": record.required("document_id", row["document_id"]),
        "document_type": document_type,
        "related_document_id": related_document_id,
        "customer_id": record.required("customer_id", row["customer_id"]),
        "issue_date": issue_date,
        "due_date": due_date,
        "currency": record.currency("currency", row["currency"]),
        "net_amount": net_amount,
        "tax_amount": tax_amount,
        "total_amount": total_amount,
        "payment_reference": row["payment_reference"],
        "collection_reference": row["collection_reference"],
        "prepaid_amount": prepaid_amount,
        "document_uuid": None,
        "related_document_uuid": None,
    }


def _promise(row: CsvRow) -> dict:
    record = row.record
    return {
        "promise_id": record.required("promise_id", row["promise_id"]),
        "customer_id": record.required("customer_id", row["customer_id"]),
        "document_id": record.required("document_id", row["document_id"]),
        "promised_amount": record.amount("promised_amount", row["promised_amount"]),
        "currency": record.currency("currency", row["currency"]),
        "promise_made_date": record.iso_date("promise_made_date", row["promise_made_date"]),
        "promised_payment_date": record.iso_date(
            "promised_payment_date", row["promised_payment_date"]
        ),
        "contact_channel": row["contact_channel"],
        "cancelled_date": record.optional_iso_date("cancelled_date", row["cancelled_date"]),
    }


def _agreement(row: CsvRow) -> dict:
    record = row.record
    return {
        "agreement_id": record.required("agreement_id", row["agreement_id"]),
        "customer_id": record.required("customer_id", row["customer_id"]),
        "document_id": record.required("document_id", row["document_id"]),
        "agreement_date": record.iso_date("agreement_date", row["agreement_date"]),
        "instalment_number": record.integer(
            "instalment_number", row["instalment_number"], minimum=1
        ),
        "instalment_due_date": record.iso_date("instalment_due_date", row["instalment_due_date"]),
        "instalment_amount": record.amount("instalment_amount", row["instalment_amount"]),
        "currency": record.currency("currency", row["currency"]),
    }
