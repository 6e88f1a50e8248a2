from datetime import date
from decimal import Decimal

import pytest

from ingest.detect import detect_format
from ingest.errors import ParseError
from ingest.parsers import dian_ubl

SETT101_CUFE = (
    "35307ba5307de1bd46062a43e7c19591e107e6f32f02e6215e4f396df2f900c9"
    "96538f83d7f7d0172a69d821ec87d470"
)


def test_a_dian_invoice_is_keyed_by_its_cufe_and_totals_discounts_after_tax(valid_file):
    parsed = dian_ubl.parse(*valid_file("dian_invoice_andina_SETT101.xml"))

    assert parsed.rows["invoices"] == [
        {
            "record_number": 1,
            "document_id": "SETT101",
            "document_type": "invoice",
            "related_document_id": None,
            # The NIT 860.034.313 with its check digit 7 in schemeID, kept without it.
            "customer_id": "860034313",
            "issue_date": date(2026, 5, 14),
            "due_date": date(2026, 6, 13),
            "currency": "COP",
            # 1,190,000.00 - 20,000.00 discount + 5,000.00 freight, less 190,000.00 IVA.
            "net_amount": Decimal("985000.00"),
            "tax_amount": Decimal("190000.00"),
            "total_amount": Decimal("1175000.00"),
            "prepaid_amount": Decimal("175000.00"),
            "payment_reference": "10001011",
            "collection_reference": None,
            # Written in upper case in the file; kept in lower case, as notes quote it.
            "document_uuid": SETT101_CUFE,
            "related_document_uuid": None,
        }
    ]
    assert parsed.owner_keys == (("company_tax_id", "900417352"),)
    assert parsed.warnings == []


def test_a_credit_note_inside_an_attached_document_names_its_invoice_by_number_and_cufe(
    valid_file,
):
    parsed = dian_ubl.parse(*valid_file("dian_attached_credit_note_andina_NCSE12.xml"))

    (row,) = parsed.rows["invoices"]
    assert (row["document_id"], row["document_type"], row["total_amount"]) == (
        "NCSE12",
        "credit_note",
        Decimal("119000.00"),
    )
    assert (row["related_document_id"], row["related_document_uuid"]) == (
        "SETT101",
        SETT101_CUFE,
    )
    assert row["document_uuid"].startswith("4cef77f5984e6aed")
    assert parsed.owner_keys == (("company_tax_id", "900417352"),)


def test_a_debit_note_reads_requested_totals_and_a_cedula_without_check_digit(valid_file):
    parsed = dian_ubl.parse(*valid_file("dian_debit_note_andina_NDSE5.xml"))

    (row,) = parsed.rows["invoices"]
    assert (row["document_type"], row["customer_id"], row["related_document_id"]) == (
        "debit_note",
        "1020304050",
        "SETT099",
    )
    assert (row["total_amount"], row["due_date"]) == (Decimal("59500.00"), date(2026, 6, 21))
    assert parsed.warnings == [
        "dian_debit_note_andina_NDSE5.xml: DebitNote NDSE5: issued in DIAN's test "
        "environment (ProfileExecutionID 2), so it is not a valid tax document"
    ]


def test_a_note_naming_its_invoice_by_cufe_alone_loads_without_a_missing_invoice_warning(
    valid_file,
):
    content, name = valid_file("dian_debit_note_andina_NDSE5.xml")

    parsed = dian_ubl.parse(content.replace(b"<cbc:ID>SETT099</cbc:ID>", b"", 1), name)

    (row,) = parsed.rows["invoices"]
    assert row["related_document_id"] is None
    assert row["related_document_uuid"].startswith("01d550a2411c62c0")
    assert not any("names no invoice" in warning for warning in parsed.warnings)


def test_a_note_naming_its_invoice_by_neither_number_nor_cufe_warns(valid_file):
    content, name = valid_file("dian_debit_note_andina_NDSE5.xml")
    start, end = content.index(b"<cac:BillingReference>"), content.index(b"</cac:BillingReference>")

    parsed = dian_ubl.parse(
        content[:start] + content[end + len(b"</cac:BillingReference>") :], name
    )

    assert parsed.warnings[-1] == (
        "dian_debit_note_andina_NDSE5.xml: DebitNote NDSE5: the note names no invoice in "
        "BillingReference; it stays unapplied until someone links it"
    )


@pytest.mark.parametrize(
    ("file_name", "record", "field", "found"),
    [
        (
            "dian_customer_nit_with_wrong_check_digit.xml",
            "Invoice SETT102",
            "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID/@schemeID",
            "4",
        ),
        (
            "dian_cufe_is_not_a_sha384_digest.xml",
            "Invoice SETT103",
            "cbc:UUID",
            "a1b2c3d4e5f6789012345678901234567890abcd",
        ),
        (
            "dian_tax_inclusive_is_not_lines_plus_tax.xml",
            "Invoice SETT104",
            "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
            "1190000.00",
        ),
        (
            "dian_attached_document_names_another_invoice.xml",
            "AttachedDocument (line 5)",
            "cbc:ParentDocumentID",
            "SETT105",
        ),
        (
            "dian_attached_document_without_document.xml",
            "AttachedDocument (line 5)",
            "cac:Attachment/cac:ExternalReference/cbc:Description",
            "nothing",
        ),
    ],
)
def test_a_dian_document_with_a_wrong_value_is_refused_naming_record_and_element(
    invalid_file, file_name, record, field, found
):
    with pytest.raises(ParseError) as raised:
        dian_ubl.parse(*invalid_file(file_name))

    assert (raised.value.record, raised.value.field, raised.value.found) == (record, field, found)


def test_a_wrong_check_digit_error_gives_the_right_one(invalid_file):
    with pytest.raises(ParseError) as raised:
        dian_ubl.parse(*invalid_file("dian_customer_nit_with_wrong_check_digit.xml"))

    assert raised.value.expected == "7, the check digit of NIT 860034313"


def test_a_broken_embedded_invoice_is_reported_inside_its_container(invalid_file):
    with pytest.raises(ParseError) as raised:
        dian_ubl.parse(*invalid_file("dian_attached_document_with_broken_invoice.xml"))

    assert raised.value.record.startswith("AttachedDocument AD-000732, embedded line ")
    assert raised.value.field == "XML"


@pytest.mark.parametrize(
    "file_name",
    [
        "dian_invoice_andina_SETT101.xml",
        "dian_attached_credit_note_andina_NCSE12.xml",
        "dian_debit_note_andina_NDSE5.xml",
    ],
)
def test_dian_documents_and_their_containers_are_recognised_as_dian_ubl(valid_file, file_name):
    content, _ = valid_file(file_name)

    assert detect_format(content, "renamed.dat") == "dian_ubl"
