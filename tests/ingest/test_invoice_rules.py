"""The rules every invoice format shares (ingest/parsers/_invoices.py), on documents built
here rather than read from a file."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from ingest.errors import ParseError
from ingest.parsers._invoices import InvoiceDocument, invoice_row
from ingest.parsers._values import Record

RECORD = Record("export.csv", "line 7")
DOCUMENT = InvoiceDocument(
    document_id="NC-9",
    document_type="credit_note",
    customer_id="C0001",
    issue_date=date(2026, 5, 14),
    due_date=None,
    currency="COP",
    net_amount=Decimal("-100000.00"),
    tax_amount=Decimal("-19000.00"),
    total_amount=Decimal("-119000.00"),
    prepaid_amount=Decimal("-19000.00"),
)


def test_a_negative_credit_note_becomes_an_invoice_with_every_amount_turned_positive():
    warnings: list[str] = []

    row = invoice_row(DOCUMENT, RECORD, 7, warnings)

    assert (
        row["document_type"],
        row["net_amount"],
        row["tax_amount"],
        row["total_amount"],
        row["prepaid_amount"],
    ) == (
        "invoice",
        Decimal("100000.00"),
        Decimal("19000.00"),
        Decimal("119000.00"),
        Decimal("19000.00"),
    )
    # Now an invoice without a due date: due on issue, and the user is told.
    assert row["due_date"] == date(2026, 5, 14)
    assert warnings == [
        "export.csv: line 7: credit_note NC-9 has a negative total -119000.00; loaded as "
        "invoice with total 119000.00",
        "export.csv: line 7: no due date; NC-9 is taken as due on its issue date 2026-05-14",
    ]


def test_a_credit_note_without_due_date_is_due_on_issue_without_a_warning():
    positive = replace(
        DOCUMENT,
        net_amount=Decimal("100000.00"),
        tax_amount=Decimal("19000.00"),
        total_amount=Decimal("119000.00"),
        prepaid_amount=None,
    )
    warnings: list[str] = []

    row = invoice_row(positive, RECORD, 7, warnings)

    assert (row["document_type"], row["due_date"], warnings) == (
        "credit_note",
        date(2026, 5, 14),
        [],
    )


@pytest.mark.parametrize(
    ("change", "field", "found"),
    [
        (
            {"tax_amount": Decimal("-19000.00"), "net_amount": Decimal("138000.00")},
            "Tax",
            "-19000.00",
        ),
        ({"total_amount": Decimal("119000.01")}, "Total", "119000.01"),
        ({"due_date": date(2026, 5, 13)}, "Vence", "2026-05-13"),
    ],
)
def test_a_document_breaking_a_shared_rule_is_refused_naming_the_source_column(
    change, field, found
):
    valid = {
        "document_type": "invoice",
        "net_amount": Decimal("100000.00"),
        "tax_amount": Decimal("19000.00"),
        "total_amount": Decimal("119000.00"),
        "prepaid_amount": None,
    }
    document = replace(DOCUMENT, **(valid | change))
    columns = {"tax_amount": "Tax", "total_amount": "Total", "due_date": "Vence"}

    with pytest.raises(ParseError) as raised:
        invoice_row(document, RECORD, 7, [], columns)

    assert (raised.value.record, raised.value.field, raised.value.found) == (
        "line 7",
        field,
        found,
    )
