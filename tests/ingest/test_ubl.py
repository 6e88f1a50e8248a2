from datetime import date
from decimal import Decimal

import pytest

from ingest.detect import detect_format
from ingest.errors import ParseError
from ingest.parsers import PARSERS, ubl


def test_a_peppol_invoice_keeps_its_totals_prepaid_amount_and_payment_reference(valid_file):
    parsed = ubl.parse(*valid_file("ubl_invoice_andina_FEA-000200.xml"))

    assert parsed.rows["invoices"] == [
        {
            "record_number": 1,
            "document_id": "FEA-000200",
            "document_type": "invoice",
            "related_document_id": None,
            "customer_id": "C0001",
            "issue_date": date(2026, 5, 14),
            "due_date": date(2026, 6, 13),
            "currency": "COP",
            # After the 50,000.00 allowance; the USD tax total is not what the customer owes.
            "net_amount": Decimal("950000.00"),
            "tax_amount": Decimal("180500.00"),
            "total_amount": Decimal("1130500.00"),
            "prepaid_amount": Decimal("130500.00"),
            "payment_reference": "RF18FEA000200",
            "collection_reference": None,
            "document_uuid": None,
            "related_document_uuid": None,
        }
    ]
    assert parsed.warnings == []


def test_the_owner_is_the_supplier_nit_without_dots_or_check_digit(valid_file):
    parsed = ubl.parse(*valid_file("ubl_invoice_andina_FEA-000200.xml"))

    assert parsed.owner_keys == (("company_tax_id", "900417352"),)


def test_a_credit_note_links_its_invoice_and_counts_the_rounding_in_net_and_total(valid_file):
    (row,) = ubl.parse(*valid_file("ubl_credit_note_andina_NCA-000020.xml")).rows["invoices"]

    assert (row["document_type"], row["related_document_id"], row["customer_id"]) == (
        "credit_note",
        "FEA-000200",
        "860034313-7",
    )
    # 84,033.60 + 15,966.38 = 99,999.98, rounded by 0.02 to the 100,000.00 payable.
    assert (row["net_amount"], row["tax_amount"], row["total_amount"]) == (
        Decimal("84033.62"),
        Decimal("15966.38"),
        Decimal("100000.00"),
    )
    assert row["due_date"] == row["issue_date"] == date(2026, 5, 20)


def test_a_negative_invoice_is_loaded_as_a_credit_note_with_positive_amounts(valid_file):
    parsed = ubl.parse(*valid_file("ubl_negative_invoice_andina_FEA-000201.xml"))

    (row,) = parsed.rows["invoices"]
    assert (row["document_type"], row["related_document_id"]) == ("credit_note", "FEA-000150")
    assert (row["net_amount"], row["tax_amount"], row["total_amount"]) == (
        Decimal("200000.00"),
        Decimal("38000.00"),
        Decimal("238000.00"),
    )
    assert parsed.warnings == [
        "ubl_negative_invoice_andina_FEA-000201.xml: Invoice FEA-000201: invoice FEA-000201 "
        "has a negative total -238000.00; loaded as credit_note with total 238000.00"
    ]


@pytest.mark.parametrize(
    ("file_name", "field", "expected", "found"),
    [
        (
            "ubl_payable_is_not_inclusive_less_prepaid.xml",
            "cac:LegalMonetaryTotal/cbc:PayableAmount",
            "100000.00 (TaxInclusiveAmount less PrepaidAmount plus PayableRoundingAmount)",
            "119000.00",
        ),
        (
            "ubl_total_in_another_currency.xml",
            "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount/@currencyID",
            "the document currency COP",
            "USD",
        ),
        (
            "ubl_prepaid_above_total.xml",
            "cac:LegalMonetaryTotal/cbc:PrepaidAmount",
            "a prepaid amount no larger than the total 119000.00",
            "150000.00",
        ),
        (
            "ubl_order_instead_of_invoice.xml",
            "root element",
            "a UBL 2.1 Invoice, CreditNote or DebitNote",
            "{urn:oasis:names:specification:ubl:schema:xsd:Order-2}Order",
        ),
    ],
)
def test_a_document_that_breaks_en16931_is_refused_naming_the_element(
    invalid_file, file_name, field, expected, found
):
    with pytest.raises(ParseError) as raised:
        ubl.parse(*invalid_file(file_name))

    assert (raised.value.field, raised.value.expected, raised.value.found) == (
        field,
        expected,
        found,
    )


@pytest.mark.parametrize(
    "file_name",
    [
        "ubl_invoice_andina_FEA-000200.xml",
        "ubl_credit_note_andina_NCA-000020.xml",
        "ubl_negative_invoice_andina_FEA-000201.xml",
    ],
)
def test_peppol_documents_are_recognised_as_ubl_by_their_namespace(valid_file, file_name):
    content, _ = valid_file(file_name)

    assert detect_format(content, "renamed.dat") == "ubl"
    assert PARSERS["ubl"] is ubl.parse
